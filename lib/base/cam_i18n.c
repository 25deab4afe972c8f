/*
 * cam_i18n: choosing the reader's language and finding the catalogue.
 */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cam_i18n.h"

static int env_named;		/* the environment named a language */
static char language[128];	/* $LANGUAGE as we know it ("" unset) */
static int saved;		/* cam_i18n_use changed what follows */
static char saved_language[128];
static char saved_messages[128];

static int
is_c(const char *l)
{
	return l == NULL || l[0] == '\0' || strcmp(l, "C") == 0 ||
	    strcmp(l, "POSIX") == 0 || strncmp(l, "C.", 2) == 0;
}

/* The locale the environment names for messages, as setlocale reads
 * it, or NULL. */
static const char *
env_locale(const struct cam_i18n_env *env)
{
	const char *const vars[] = { env->lc_all, env->lc_messages,
	    env->lang };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (vars[i] != NULL && vars[i][0] != '\0')
			return vars[i];
	return NULL;
}

static void
set_language(const char *lang)
{
	snprintf(language, sizeof(language), "%s", lang);
	if (lang[0] != '\0')
		(void)setenv("LANGUAGE", lang, 1);
	else
		(void)unsetenv("LANGUAGE");
}

/* Speak lang through LANGUAGE, which gettext honours in any locale but
 * C: C.UTF-8, always there, stands in for a locale not generated. */
static void
speak(const char *lang)
{
	set_language(lang);
	(void)setlocale(LC_MESSAGES, "C.UTF-8");
}

static void
find_catalogue(const char *localedir)
{
	char exe[PATH_MAX], dir[PATH_MAX + 32];
	struct stat st;
	ssize_t n;

	if (localedir != NULL && localedir[0] != '\0') {
		(void)bindtextdomain(CAM_TEXTDOMAIN, localedir);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	snprintf(dir, sizeof(dir), "%s/locale", exe);
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		snprintf(dir, sizeof(dir), "%s/../share/locale", exe);
	(void)bindtextdomain(CAM_TEXTDOMAIN, dir);
}

void
cam_i18n_init(const struct cam_i18n_env *env)
{
	const char *l = env_locale(env);
	const char *ctype = setlocale(LC_CTYPE, "");

	snprintf(language, sizeof(language), "%s",
	    env->language != NULL ? env->language : "");

	/* UTF-8 on the terminal even in the C locale: our catalogue is
	 * UTF-8, and so are the names people give (bind_..._codeset). */
	if (ctype == NULL || is_c(ctype))
		(void)setlocale(LC_CTYPE, "C.UTF-8");
	if (setlocale(LC_MESSAGES, "") == NULL) {
		/* Named, but not generated on this host (locale-gen). */
		if (l != NULL && !is_c(l) && language[0] == '\0') {
			char lang[64];
			snprintf(lang, sizeof(lang), "%s", l);
			lang[strcspn(lang, ".@")] = '\0';
			speak(lang);
		} else
			(void)setlocale(LC_MESSAGES, "C");
	}
	/* Even "C" is a choice: English. */
	env_named = l != NULL || language[0] != '\0';
	find_catalogue(env->localedir);
	(void)bind_textdomain_codeset(CAM_TEXTDOMAIN, "UTF-8");
}

void
cam_i18n_default(const char *lang)
{
	if (env_named || lang == NULL || lang[0] == '\0')
		return;
	speak(lang);
}

void
cam_i18n_use(const char *lang)
{
	if (lang == NULL) {
		if (!saved)
			return;
		set_language(saved_language);
		(void)setlocale(LC_MESSAGES, saved_messages);
		saved = 0;
		return;
	}
	if (!saved) {
		const char *msgs = setlocale(LC_MESSAGES, NULL);
		snprintf(saved_language, sizeof(saved_language), "%s",
		    language);
		snprintf(saved_messages, sizeof(saved_messages), "%s",
		    msgs != NULL ? msgs : "C");
		saved = 1;
	}
	speak(lang);
}

const char *
cam_i18n_lang(void)
{
	static char lang[16];
	const char *msgs = setlocale(LC_MESSAGES, NULL);
	const char *l = language;

	/* gettext reads LANGUAGE in any locale but C itself. */
	if (msgs == NULL || strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0)
		return "en";
	if (l == NULL || l[0] == '\0')
		l = msgs;
	if (l == NULL || is_c(l))
		return "en";
	snprintf(lang, sizeof(lang), "%.15s", l);
	lang[strcspn(lang, "_.@:")] = '\0';
	return lang;
}
