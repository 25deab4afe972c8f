/*
 * The in-place edits camctl makes to a hand-written camkit.yaml
 * (cam_yaml_map_set, _map_remove, _seq_append, _seq_remove,
 * cam_yaml_replace): the input is parsed, one edit chosen by its first
 * byte is spliced into the text at the nodes' positions, and the result
 * is parsed again.  Edits of odd layouts may well give YAML that does
 * not parse (the caller re-validates and refuses it); they must never
 * read or write outside the text.
 */
#include "fuzz.h"

#include "base/cam_yaml.h"
#include "site/cam_config.h"

/* The first mapping or sequence met walking down from n by the bits of
 * path, or n itself. */
static const struct cam_ynode *
pick(const struct cam_ynode *n, enum cam_ytype want, unsigned path)
{
	const struct cam_ynode *found = n && n->type == want ? n : NULL;

	for (int d = 0; n != NULL && n->n > 0 && d < 8; d++, path >>= 2) {
		size_t i = (path & 3) % n->n;

		n = n->type == CAM_Y_SEQ ? n->items[i] :
		    n->type == CAM_Y_MAP ? n->vals[i] : NULL;
		if (n != NULL && n->type == want && (found == NULL ||
		    (path & 1)))
			found = n;
	}
	return found;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cam_ydoc doc, again;
	struct cam_err e;
	const struct cam_ynode *n;
	unsigned op, path;

	if (size < 2)
		return 0;
	op = data[0];
	path = data[1];
	data += 2;
	size -= 2;
	cam_err_clear(&e);
	if (cam_yaml_parse(&doc, "camkit.yaml", (const char *)data, size,
	    &e) == -1 || doc.root == NULL)
		goto end;
	switch (op % 6) {
	case 0:
		if ((n = pick(doc.root, CAM_Y_MAP, path)) != NULL)
			cam_yaml_map_set(&doc, n, "segment", "90s", &e);
		break;
	case 1:
		if ((n = pick(doc.root, CAM_Y_MAP, path)) != NULL)
			cam_yaml_map_set(&doc, n, op & 8 ? "new-key" : "id",
			    "\"Cổng: \\\"2\\\"\"", &e);
		break;
	case 2:
		if ((n = pick(doc.root, CAM_Y_MAP, path)) != NULL && n->n > 0)
			cam_yaml_map_remove(&doc, n, (op >> 3) % n->n, &e);
		break;
	case 3:
		if ((n = pick(doc.root, CAM_Y_SEQ, path)) != NULL)
			cam_yaml_seq_append(&doc, n, op & 8 ? "id: door\n"
			    "url: rtsp://10.0.0.9/s\n" : "guard", &e);
		break;
	case 4:
		if ((n = pick(doc.root, CAM_Y_SEQ, path)) != NULL && n->n > 0)
			cam_yaml_seq_remove(&doc, n, (op >> 3) % n->n, &e);
		break;
	case 5:
		if ((n = pick(doc.root, op & 8 ? CAM_Y_SEQ : CAM_Y_MAP,
		    path)) != NULL)
			cam_yaml_replace(&doc, n->n > 0 && n->type == CAM_Y_MAP ?
			    n->vals[0] : n, "[a, b]");
		break;
	}
	cam_err_clear(&e);
	if (cam_yaml_parse(&again, "camkit.yaml", doc.text.s ? doc.text.s :
	    "", doc.text.len, &e) == 0) {
		struct cam_config cfg;

		/* As camctl does: the edited text must still validate. */
		(void)cam_config_from_doc(&cfg, &again, &e);
		cam_config_free(&cfg);
	}
	cam_yaml_free(&again);
end:
	cam_yaml_free(&doc);
	return 0;
}
