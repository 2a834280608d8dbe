/*
 * json.h - a small streaming JSON writer for authmilter-check --json.
 *
 * Strings are written as valid JSON whatever bytes they hold: hostile
 * input (DNS text, header fields) may carry invalid UTF-8, which becomes
 * U+FFFD.  Nesting is bounded by JSON_DEPTH.
 */
#ifndef AM_JSON_H
#define AM_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_DEPTH 16

struct json {
	FILE *fp;
	int depth;
	bool first[JSON_DEPTH];
};

void json_init(struct json *j, FILE *fp);

/* Opens an object or array; key is NULL inside arrays and at the top. */
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_end_array(struct json *j);

/* A string value; NULL writes null. */
void json_string(struct json *j, const char *key, const char *value);
void json_uint(struct json *j, const char *key, unsigned long long value);
void json_bool(struct json *j, const char *key, bool value);

#endif
