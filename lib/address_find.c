/*
 * address_find.c - the lenient From: domain finder, for a header that
 * am_address_parse_list() refuses (address.h).
 *
 * What matters is the domain a reader would show, so it looks for every
 * '@' (and the full-width look-alikes a human reads as one) outside
 * comments, quoted strings and domain literals, and takes the domain-like
 * text after it: runs of anything but white space and the specials
 * around addresses, joined by dots with white space or comments around
 * them as RFC 5322 4.4 obs-domain allows.  What no domain may hold stays
 * in the name for idna.c to refuse (idna.h keeps its longest valid
 * suffix), rather than ending it early.  On a header that does parse it
 * finds at least every ascii_domain the parser gives (the fuzz target
 * checks this).
 *
 * When a comment, quoted string or literal is not closed, a reader shows
 * the raw text, so hiding its inside would hide a domain the human sees
 * ("(<ceo@bank.example>").  The same when nothing is found outside them
 * ("\"ceo@bank.example\" <>"): the text the reader shows as the sender is
 * the inside.  Then a second pass hides nothing: a broken header gets
 * more domains to check, never fewer.  Two passes over the text, each
 * linear; only the duplicate check grows with max.  Domains are returned
 * as written; converting them is the caller's (idna.h), once per
 * distinct name.
 *
 * Results are carved from the caller's arena.  No state: safe from any
 * thread with its own arena.
 */
#include "autoconfig.h"

#include <string.h>

#include "address.h"
#include "buf.h"
#include "idna.h"

struct finder {
	struct am_arena *arena;
	const char *s;
	size_t len;
	const char **domains;
	size_t max, n;
	bool more;   /* a domain did not fit in max */
	bool hide;   /* comments, quoted strings, literals hide their text */
	bool broken; /* one of them was not closed */
	struct am_buf name;
};

/*
 * Past the comment, quoted string or domain literal opening at s[i];
 * a backslash escapes the next byte.  Sets broken when it is not closed.
 */
static size_t
skip_hidden(struct finder *f, size_t i)
{
	char open = f->s[i];
	char close = open == '(' ? ')' : open == '[' ? ']' : '"';
	size_t depth = 1;

	for (i++; i < f->len; i++) {
		if (f->s[i] == '\\')
			i++;
		else if (f->s[i] == close && --depth == 0)
			return i + 1;
		else if (f->s[i] == '(' && open == '(')
			depth++;
	}
	f->broken = true;
	return f->len;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* White space, line breaks and (when hiding) comments. */
static size_t
skip_space(struct finder *f, size_t i)
{
	while (i < f->len) {
		if (is_space(f->s[i]))
			i++;
		else if (f->hide && f->s[i] == '(')
			i = skip_hidden(f, i);
		else
			break;
	}
	return i;
}

/*
 * What ends a domain for a reader: white space, the specials around
 * addresses, a dot (between labels), an at-sign, the "?=" that ends an
 * encoded-word, NUL (C strings end there).  Any other byte, a control
 * character, DEL, '\\' or bytes that are no UTF-8, is part of the name for
 * idna.c to refuse, so that it cannot cut "bank<DEL>.example" down to the
 * "bank" before it.
 */
static bool
ends_domain(const struct finder *f, size_t i)
{
	return strchr(" \t\r\n.<>()[],;:\"'", f->s[i]) != NULL ||
	    (f->s[i] == '?' && i + 1 < f->len && f->s[i + 1] == '=') ||
	    am_idna_at_sign(f->s + i, f->len - i) > 0;
}

/* End of the run of domain characters from s[i] (no dots). */
static size_t
name_run(const struct finder *f, size_t i)
{
	while (i < f->len && !ends_domain(f, i))
		i++;
	return i;
}

/* Keeps the name collected, unless known or no room. */
static void
keep(struct finder *f)
{
	const char *name = am_buf_str(&f->name), *d;
	size_t j;

	if (am_buf_failed(&f->name)) {
		f->more = true; /* a name too long to hold is one not kept */
		return;
	}
	for (j = 0; j < f->n; j++)
		if (strcmp(f->domains[j], name) == 0)
			return;
	if (f->n == f->max ||
	    (d = am_arena_strndup(f->arena, name, f->name.len)) == NULL) {
		f->more = true;
		return;
	}
	f->domains[f->n++] = d;
}

/* The domain after an '@' at s[i - 1]; returns where to go on. */
static size_t
take_domain(struct finder *f, size_t i)
{
	const char *lit_end;
	char close = 0;
	size_t end, k;

	i = skip_space(f, i);
	/* "ceo@[bank.example]", "ceo@\"bank.example\"", "ceo@<bank.example>":
	 * a reader shows the domain inside; "[192.0.2.1]" names none. */
	if (i < f->len && f->s[i] == '[' &&
	    (lit_end = memchr(f->s + i, ']', f->len - i)) != NULL &&
	    am_address_ip_literal(
		f->s + i + 1, (size_t)(lit_end - f->s) - i - 1))
		return (size_t)(lit_end - f->s) + 1;
	if (i < f->len && f->s[i] != '\0' && strchr("[\"<", f->s[i]) != NULL) {
		close = f->s[i] == '[' ? ']' : f->s[i] == '<' ? '>' : '"';
		i++;
	}
	am_buf_reset(&f->name);
	/* Runs joined by dots; an empty one is an empty label (".bank" and
	 * "bank..example" are not "bank"), for idna.c to judge. */
	end = name_run(f, i);
	if (end == i && (i == f->len || f->s[i] != '.'))
		return i;
	for (;;) {
		am_buf_add(&f->name, f->s + i, end - i);
		i = end;
		k = skip_space(f, i);
		if (k == f->len || f->s[k] != '.')
			break;
		am_buf_addc(&f->name, '.');
		i = skip_space(f, k + 1);
		end = name_run(f, i);
	}
	if (f->name.len > 0)
		keep(f);
	return close != 0 && i < f->len && f->s[i] == close ? i + 1 : i;
}

static void
find_pass(struct finder *f)
{
	size_t i = 0, n;

	f->n = 0;
	f->more = false;
	f->broken = false;
	while (i < f->len) {
		if (f->hide && (f->s[i] == '(' || f->s[i] == '"'))
			i = skip_hidden(f, i);
		else if ((n = am_idna_at_sign(f->s + i, f->len - i)) > 0)
			i = take_domain(f, i + n);
		else
			i++;
	}
}

size_t
am_address_find_domains(struct am_arena *arena, const char *text, size_t len,
    const char **domains, size_t max, bool *more)
{
	struct finder f;

	memset(&f, 0, sizeof(f));
	f.arena = arena;
	f.s = text;
	f.len = len;
	f.domains = domains;
	f.max = max;
	f.hide = true;
	am_buf_init(&f.name, 0);
	find_pass(&f);
	if (f.broken || f.n == 0) {
		f.hide = false;
		find_pass(&f);
	}
	am_buf_release(&f.name);
	*more = f.more;
	return f.n;
}
