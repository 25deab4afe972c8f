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
static int saved;		/* cam_i18n_use changed what follows */
static char saved_language[128];
static char saved_messages[128];
static int had_language;

static int
is_c(const char *l)
{
	return l == NULL || l[0] == '\0' || strcmp(l, "C") == 0 ||
	    strcmp(l, "POSIX") == 0 || strncmp(l, "C.", 2) == 0;
}

/* The locale the environment names for messages, as setlocale reads
 * it, or NULL. */
static const char *
env_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && v[0] != '\0')
			return v;
	}
	return NULL;
}

/* Speak lang through LANGUAGE, which gettext honours in any locale but
 * C: C.UTF-8, always there, stands in for a locale not generated. */
static void
speak(const char *lang)
{
	(void)setenv("LANGUAGE", lang, 1);
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
cam_i18n_init(const char *localedir)
{
	const char *l = env_locale();
	const char *ctype = setlocale(LC_CTYPE, "");

	/* UTF-8 on the terminal even in the C locale: our catalogue is
	 * UTF-8, and so are the names people give (bind_..._codeset). */
	if (ctype == NULL || is_c(ctype))
		(void)setlocale(LC_CTYPE, "C.UTF-8");
	if (setlocale(LC_MESSAGES, "") == NULL) {
		/* Named, but not generated on this host (locale-gen). */
		if (l != NULL && !is_c(l) && getenv("LANGUAGE") == NULL) {
			char lang[64];
			snprintf(lang, sizeof(lang), "%s", l);
			lang[strcspn(lang, ".@")] = '\0';
			speak(lang);
		} else
			(void)setlocale(LC_MESSAGES, "C");
	}
	/* Even "C" is a choice: English. */
	env_named = l != NULL || (getenv("LANGUAGE") != NULL &&
	    getenv("LANGUAGE")[0] != '\0');
	find_catalogue(localedir);
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
		if (had_language)
			(void)setenv("LANGUAGE", saved_language, 1);
		else
			(void)unsetenv("LANGUAGE");
		(void)setlocale(LC_MESSAGES, saved_messages);
		saved = 0;
		return;
	}
	if (!saved) {
		const char *cur = getenv("LANGUAGE");
		const char *msgs = setlocale(LC_MESSAGES, NULL);
		had_language = cur != NULL;
		snprintf(saved_language, sizeof(saved_language), "%s",
		    cur != NULL ? cur : "");
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
	const char *l = getenv("LANGUAGE");

	/* gettext reads LANGUAGE in any locale but C itself. */
	if (msgs == NULL || strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0)
		return "en";
	if (l == NULL || l[0] == '\0')
		l = msgs;
	if (l == NULL || is_c(l))
		return "en";
	snprintf(lang, sizeof(lang), "%s", l);
	lang[strcspn(lang, "_.@:")] = '\0';
	return lang;
}
