/*
 * cam_i18n: the reader's language.  Every word a person reads is
 * written in English in the source and looked up in the "camkit"
 * gettext catalogue (po/vi.po) when it is shown: _("...") where it is
 * used, N_("...") where a string is only listed (a table), then _()
 * where it is shown.  The functions of cam_err.h and cam_cli.h that
 * take a format translate it themselves (xgettext knows them: see
 * XGETTEXT_KEYWORDS in the Makefile).
 *
 * Only LC_MESSAGES and LC_CTYPE follow the environment: numbers, dates
 * and sorting stay those of the C locale, so machine output (--json,
 * TSV, journal records) is the same in every language.
 */
#ifndef CAM_I18N_H
#define CAM_I18N_H

#include <libintl.h>

#define CAM_TEXTDOMAIN "camkit"
#define _(s) dgettext(CAM_TEXTDOMAIN, s)
#define N_(s) (s)

/*
 * At the top of main (cam_cli_setup calls it, with the environment's
 * values): take the language from LANGUAGE, LC_ALL, LC_MESSAGES, LANG
 * and find the catalogue: localedir if given, else "locale"
 * beside the program (the build tree), else "../share/locale" from the
 * program's directory (an installed tree).  A language named but with
 * no locale generated on this host (vi_VN.UTF-8 missing) still gets
 * its catalogue.
 */
struct cam_i18n_env {
	const char *language, *lc_all, *lc_messages, *lang;	/* $... */
	const char *localedir;	/* $CAMKIT_LOCALEDIR, NULL when set-id */
};
void cam_i18n_init(const struct cam_i18n_env *env);
/* The site's default language (camkit.yaml site.language), for a
 * program whose environment names none: a service, cron, a timer. */
void cam_i18n_default(const char *lang);
/*
 * Speak lang from now on, whatever the environment says (mail and
 * reports go out in the site's language); NULL goes back to what
 * cam_i18n_init and cam_i18n_default chose.
 */
void cam_i18n_use(const char *lang);
/* The language words are shown in now: "vi", "en"... */
const char *cam_i18n_lang(void);

#endif
