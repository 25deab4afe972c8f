/*
 * camkit.yaml: the YAML reader (cam_yaml) under the strict schema of
 * cam_config, and the secret scan that runs on files not yet committed.
 */
#include "fuzz.h"

#include "site/cam_config.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cam_config cfg;
	struct cam_err e;

	cam_err_clear(&e);
	/* Callers free on failure too (a partly filled cfg). */
	if (cam_config_parse(&cfg, "camkit.yaml", (const char *)data, size,
	    &e) == 0) {
		for (size_t i = 0; i < cfg.ncameras; i++)
			if (cam_config_camera(&cfg, cfg.cameras[i].id) !=
			    &cfg.cameras[i])
				abort();	/* ids are unique */
		for (size_t i = 0; i < cfg.nusers; i++)
			if (cam_config_user(&cfg, cfg.users[i].name) == NULL)
				abort();
		for (size_t i = 0; i < cfg.napproved; i++)
			(void)cam_config_approved(&cfg, cfg.approved[i].model);
	}
	cam_config_free(&cfg);
	cam_err_clear(&e);
	cam_config_secrets("camkit.yaml", (const char *)data, size, &e);
	return 0;
}
