/*
 * yaml_util.c - libyaml helpers for the conformance drivers (see
 * yaml_util.h).  Duplicate keys in a mapping are kept, in file order:
 * the ARC suite repeats some test names, and each is a case.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "yaml_util.h"

yaml_node_t *
yaml_map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

const char *
yaml_scalar(yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

size_t
yaml_scalar_len(yaml_node_t *n)
{
	return n->data.scalar.length;
}

bool
yaml_each_document(const char *path,
    void (*fn)(yaml_document_t *doc, yaml_node_t *root, void *arg), void *arg)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	FILE *fp;
	bool ok = true;

	if ((fp = fopen(path, "rb")) == NULL) {
		perror(path);
		return false;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	for (;;) {
		if (!yaml_parser_load(&parser, &doc)) {
			fprintf(stderr, "%s: YAML error: %s\n", path,
			    parser.problem);
			ok = false;
			break;
		}
		if ((root = yaml_document_get_root_node(&doc)) == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		fn(&doc, root, arg);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	return ok;
}
