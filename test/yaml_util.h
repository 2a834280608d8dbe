/*
 * yaml_util.h - what the conformance drivers (spf_suite.c, arc_suite.c)
 * need of libyaml: values by key, scalars, and each document of a file.
 */
#ifndef AM_TEST_YAML_UTIL_H
#define AM_TEST_YAML_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

/* The value of key in map, or NULL (not a mapping, or no such key). */
yaml_node_t *yaml_map_get(yaml_document_t *doc, yaml_node_t *map,
    const char *key);

/* A scalar's text, or NULL for a missing or non-scalar node. */
const char *yaml_scalar(yaml_node_t *n);

/* A scalar's length in bytes. */
size_t yaml_scalar_len(yaml_node_t *n);

/* Calls fn with the root of each document of the file at path; false
 * (with a message on stderr) when it cannot be read or parsed. */
bool yaml_each_document(const char *path,
    void (*fn)(yaml_document_t *doc, yaml_node_t *root, void *arg),
    void *arg);

#endif
