/*
 * fuzz_authres_render.c - rendering Authentication-Results (RFC 8601 2.2)
 * with arbitrary bytes as comments and property values.  The input is
 * split at NUL bytes: an spf comment, an smtp.mailfrom value, a further
 * comment and a header.b value.
 *
 * Invariants on "Authentication-Results: " + the value: no control
 * character but the "\n\t" of a fold; no line over 78 characters unless
 * it holds a single word, and none over 998 inside a comment; comments
 * and quoted strings closed, parentheses balanced, no quoted-pair cut by
 * a fold; as many ";" outside comments and quotes as results (hostile
 * text cannot add a result); and the header reads back as our id.
 */
#include "autoconfig.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "authres.h"

#define ID "mx.example.com"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct scan {
	unsigned depth; /* comment nesting */
	bool quoted;	/* inside a quoted-string */
	size_t semicolons;
	size_t col, words; /* of the current line */
	bool word, comment_line;
};

/* Ends a line: long lines hold one word, comments stay under 998. */
static void
end_line(struct scan *sc)
{
	if ((sc->col > 78 && sc->words > 1) ||
	    (sc->col > 998 && sc->comment_line))
		__builtin_trap();
	sc->col = sc->words = 0;
	sc->word = sc->comment_line = false;
}

/* One byte of a line; p[1] is readable (the string is NUL-terminated). */
static const char *
scan_byte(struct scan *sc, const char *p)
{
	unsigned char c = (unsigned char)*p;

	if (c == '\t' && sc->col == 0) {
		sc->col = 1; /* the fold's tab: the line's first column */
		return p;
	}
	if (c < 0x20 || c == 0x7f)
		__builtin_trap();
	sc->col++;
	if (c == ' ' && !sc->quoted) {
		sc->word = false; /* the renderer folds at these */
		return p;
	}
	if (!sc->word) {
		sc->word = true;
		if (sc->words++ == 0)
			sc->comment_line = sc->depth > 0 || c == '(';
	}
	if (c == '\\' && (sc->quoted || sc->depth > 0)) {
		if (p[1] == '\0' || p[1] == '\n' || p[1] == '\r')
			__builtin_trap();
		sc->col++;
		return p + 1;
	}
	if (sc->quoted)
		sc->quoted = c != '"';
	else if (c == '"' && sc->depth == 0)
		sc->quoted = true;
	else if (c == '(')
		sc->depth++;
	else if (c == ')') {
		if (sc->depth == 0)
			__builtin_trap();
		sc->depth--;
	} else if (c == ';' && sc->depth == 0)
		sc->semicolons++;
	return p;
}

static void
check(const char *header, size_t results)
{
	struct scan sc;
	const char *p;

	memset(&sc, 0, sizeof(sc));
	for (p = header; *p != '\0'; p++) {
		if (*p == '\n') {
			if (p[1] != '\t')
				__builtin_trap();
			end_line(&sc);
		} else
			p = scan_byte(&sc, p);
	}
	end_line(&sc);
	if (sc.depth != 0 || sc.quoted || sc.semicolons != results)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_arena *arena = am_arena_new();
	const char *seg[4] = {"", "", "", ""}, *value, *header, *id;
	char *text;
	struct am_authres ar;
	size_t i, n = 0;

	if (arena == NULL || (text = am_arena_alloc(arena, size + 1)) == NULL) {
		am_arena_free(arena);
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	seg[n++] = text;
	for (i = 0; i < size && n < 4; i++)
		if (text[i] == '\0')
			seg[n++] = text + i + 1;
	am_authres_begin(&ar, ID);
	am_authres_result(&ar, "spf", AM_RESULT_PASS, seg[0]);
	am_authres_prop(&ar, "smtp", "mailfrom", seg[1]);
	am_authres_result(&ar, "dkim", AM_RESULT_FAIL, NULL);
	am_authres_comment(&ar, seg[2]);
	am_authres_prop(&ar, "header", "b", seg[3]);
	value = am_authres_end(&ar, arena);
	if (value != NULL &&
	    (header = am_arena_printf(
		 arena, "%s: %s", AM_AUTHRES_HEADER, value)) != NULL) {
		check(header, 2);
		id = am_authres_authserv_id(arena, value, strlen(value));
		if (id == NULL || strcmp(id, ID) != 0)
			__builtin_trap();
	}
	am_arena_free(arena);
	return 0;
}
