/*
 * config_text.c - the text of a configuration file, prepared for
 * libconfuse (see config_text.h).
 *
 * Two faults of libconfuse 3.3 (Debian 12) are worked around here rather
 * than met by users:
 *   - its scanner counts two lines for every one-line comment ("#" or
 *     "//") and one too many for every C comment, so each error after a
 *     comment named a line past the real one (two per comment above it:
 *     in the commented sample configuration, dozens of lines off);
 *   - it takes a file that ends inside a section ("dns { timeout = 5"
 *     and no closing brace) as complete, so a configuration cut short,
 *     say saved half-way while a reload reads it, was valid.
 * The comments are therefore blanked out before libconfuse reads the
 * text (it never needs them), and the braces are counted on the way.
 *
 * The scan follows libconfuse's lexer (lexer.l): '#' starts a comment
 * anywhere outside a string, "//" and "/ *" only where no unquoted word
 * is under way; "..." and '...' strings take backslash escapes and may
 * span lines; "${NAME}" is one token.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config_text.h"

#define MAX_DEPTH 32 /* braces remembered; deeper ones are only counted */

struct scan {
	char *b;
	size_t n, i;
	unsigned line;
	unsigned open[MAX_DEPTH]; /* the line of each unclosed '{' */
	size_t depth;
};

/* Replaces b[from..to) by spaces, keeping (and counting) line breaks. */
static void
blank(struct scan *s, size_t from, size_t to)
{
	for (; from < to; from++)
		if (s->b[from] == '\n')
			s->line++;
		else
			s->b[from] = ' ';
}

/* Skips the string that opens at s->i with quote q. */
static void
skip_string(struct scan *s, char q)
{
	for (s->i++; s->i < s->n; s->i++) {
		if (s->b[s->i] == '\\' && s->i + 1 < s->n) {
			s->i++; /* the escaped byte */
			if (s->b[s->i] == '\n')
				s->line++;
			continue;
		}
		if (s->b[s->i] == '\n')
			s->line++;
		else if (s->b[s->i] == q) {
			s->i++;
			return;
		}
	}
}

/* Skips from s->i to the byte c inclusive (or the end), counting lines. */
static void
skip_to(struct scan *s, char c)
{
	for (; s->i < s->n && s->b[s->i] != c; s->i++)
		if (s->b[s->i] == '\n')
			s->line++;
	if (s->i < s->n)
		s->i++;
}

static void
brace(struct scan *s, char c)
{
	if (c == '{') {
		if (s->depth < MAX_DEPTH)
			s->open[s->depth] = s->line;
		s->depth++;
	} else if (s->depth > 0) /* a stray '}' is libconfuse's to report */
		s->depth--;
}

static void
scan(struct scan *s)
{
	const char *end;
	bool word = false; /* inside an unquoted word */
	char c, next;

	while (s->i < s->n) {
		c = s->b[s->i];
		next = s->i + 1 < s->n ? s->b[s->i + 1] : '\0';
		if (c == '"' || c == '\'') {
			skip_string(s, c);
			word = false;
		} else if (c == '#' || (!word && c == '/' && next == '/')) {
			end = memchr(s->b + s->i, '\n', s->n - s->i);
			blank(s, s->i, end != NULL ? (size_t)(end - s->b) : s->n);
			s->i = end != NULL ? (size_t)(end - s->b) : s->n;
			word = false;
		} else if (!word && c == '/' && next == '*') {
			end = memmem(s->b + s->i + 2, s->n - s->i - 2, "*/", 2);
			blank(s, s->i, end != NULL ? (size_t)(end - s->b) + 2 : s->n);
			s->i = end != NULL ? (size_t)(end - s->b) + 2 : s->n;
			word = false;
		} else if (!word && c == '$' && next == '{') {
			skip_to(s, '}');
			word = true;
		} else {
			if (c == '\n')
				s->line++;
			if (c == '{' || c == '}')
				brace(s, c);
			word = strchr(" \t\r\n=(),+*{}", c) == NULL;
			s->i++;
		}
	}
}

char *
am_config_text_read(const char *path, size_t *len, unsigned *unclosed,
    char *err, size_t errlen)
{
	struct scan s;
	struct am_buf b;
	char chunk[4096];
	size_t got;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	am_buf_init(&b, 0);
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		am_buf_add(&b, chunk, got);
	if (ferror(fp) || am_buf_failed(&b)) {
		snprintf(err, errlen, "%s: %s", path, ferror(fp) ?
		    "read error" : "out of memory");
		fclose(fp);
		am_buf_release(&b);
		return NULL;
	}
	fclose(fp);
	memset(&s, 0, sizeof(s));
	s.n = b.len;
	s.line = 1;
	if ((s.b = malloc(s.n + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		am_buf_release(&b);
		return NULL;
	}
	memcpy(s.b, am_buf_str(&b), s.n);
	s.b[s.n] = '\0';
	am_buf_release(&b);
	scan(&s);
	*len = s.n;
	*unclosed = s.depth == 0 ? 0 :
	    s.open[(s.depth < MAX_DEPTH ? s.depth : MAX_DEPTH) - 1];
	return s.b;
}
