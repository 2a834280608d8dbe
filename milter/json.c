/*
 * json.c - a small streaming JSON writer (see json.h).
 */
#include "autoconfig.h"

#include <string.h>

#include "json.h"

void
json_init(struct json *j, FILE *fp)
{
	memset(j, 0, sizeof(*j));
	j->fp = fp;
	j->first[0] = true;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s, size_t avail)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static void
quoted(struct json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n;

	fputc('"', j->fp);
	while (i < len) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\')
			fprintf(j->fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", j->fp);
		else if (c == '\r')
			fputs("\\r", j->fp);
		else if (c == '\t')
			fputs("\\t", j->fp);
		else if (c < 0x20 || c == 0x7f)
			fprintf(j->fp, "\\u%04x", c);
		else if ((n = utf8_len(p + i, len - i)) == 0)
			fputs("\\ufffd", j->fp);
		else {
			fwrite(p + i, 1, n, j->fp);
			i += n;
			continue;
		}
		i++;
	}
	fputc('"', j->fp);
}

static void
member(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->fp);
	if (j->depth > 0) {
		fputc('\n', j->fp);
		fprintf(j->fp, "%*s", j->depth * 2, "");
	}
	j->first[j->depth] = false;
	if (key != NULL) {
		quoted(j, key);
		fputs(": ", j->fp);
	}
}

static void
open_(struct json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->fp);
	if (j->depth + 1 < JSON_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void
close_(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty) {
		fputc('\n', j->fp);
		fprintf(j->fp, "%*s", j->depth * 2, "");
	}
	fputc(c, j->fp);
	if (j->depth == 0)
		fputc('\n', j->fp);
}

void
json_object(struct json *j, const char *key)
{
	open_(j, key, '{');
}

void
json_array(struct json *j, const char *key)
{
	open_(j, key, '[');
}

void
json_end_object(struct json *j)
{
	close_(j, '}');
}

void
json_end_array(struct json *j)
{
	close_(j, ']');
}

void
json_string(struct json *j, const char *key, const char *value)
{
	member(j, key);
	if (value == NULL)
		fputs("null", j->fp);
	else
		quoted(j, value);
}

void
json_uint(struct json *j, const char *key, unsigned long long value)
{
	member(j, key);
	fprintf(j->fp, "%llu", value);
}

void
json_bool(struct json *j, const char *key, bool value)
{
	member(j, key);
	fputs(value ? "true" : "false", j->fp);
}
