/*
 * arc_canon.c - header fields as DKIM and ARC sign them: canonicalization
 * (RFC 6376 3.4.1 simple, 3.4.2 relaxed) and selection by h= (5.4.2:
 * each listed name takes the bottom-most instance not yet taken).
 *
 * A hostile message may hold hundreds of thousands of small header
 * fields and fifty signatures naming 64 fields each; selection therefore
 * works on an index sorted by name (case-insensitive; a hash could be
 * made to collide), built once per message, so choosing a field costs a
 * binary search instead of a scan.
 *
 * Threads: no state; the index lives in the message's arena.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arc_internal.h"

struct am_hdr_slot {
	const struct am_header *h;
	size_t pos;
};

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Relaxed: "name" lower case without trailing WSP, ':', the value
 * unfolded (CR and LF gone), WSP runs one SP, no WSP at either end. */
static void
relaxed(struct am_buf *b, const char *name, size_t name_len,
    const char *value, size_t value_len)
{
	bool wsp = false, started = false;
	size_t k;
	char c;

	while (name_len > 0 && is_wsp(name[name_len - 1]))
		name_len--;
	for (k = 0; k < name_len; k++)
		am_buf_addc(b, (char)((name[k] >= 'A' && name[k] <= 'Z') ?
				      name[k] - 'A' + 'a' : name[k]));
	am_buf_addc(b, ':');
	for (k = 0; k < value_len; k++) {
		c = value[k];
		if (c == '\r' || c == '\n')
			continue;
		if (is_wsp(c)) {
			wsp = true;
			continue;
		}
		if (wsp && started)
			am_buf_addc(b, ' ');
		wsp = false;
		started = true;
		am_buf_addc(b, c);
	}
}

/* Simple: as written, every fold made CRLF. */
static void
simple(struct am_buf *b, const char *name, size_t name_len,
    const char *value, size_t value_len)
{
	size_t k;

	am_buf_add(b, name, name_len);
	am_buf_addc(b, ':');
	for (k = 0; k < value_len; k++) {
		if (value[k] == '\n' && (k == 0 || value[k - 1] != '\r'))
			am_buf_addc(b, '\r');
		am_buf_addc(b, value[k]);
	}
}

void
am_canon_header(struct am_buf *b, bool relax, const char *name,
    size_t name_len, const char *value, size_t value_len, size_t cut_start,
    size_t cut_end, bool crlf)
{
	struct am_buf spliced;

	am_buf_init(&spliced, 0);
	if (cut_end > cut_start && cut_end <= value_len) {
		am_buf_add(&spliced, value, cut_start);
		am_buf_add(&spliced, value + cut_end, value_len - cut_end);
		if (am_buf_failed(&spliced))
			b->failed = true;
		value = am_buf_str(&spliced);
		value_len = spliced.len;
	}
	if (relax)
		relaxed(b, name, name_len, value, value_len);
	else
		simple(b, name, name_len, value, value_len);
	if (crlf)
		am_buf_add(b, "\r\n", 2);
	am_buf_release(&spliced);
}

/* Case-insensitive order of names, shorter first on a common prefix. */
static int
name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = strncasecmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
by_name(const void *a, const void *b)
{
	const struct am_hdr_slot *x = a, *y = b;
	int c = name_cmp(x->h->name, x->h->name_len, y->h->name,
	    y->h->name_len);

	if (c != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

bool
am_hdr_index_build(struct am_arena *arena, const struct am_header *list,
    struct am_hdr_index *out)
{
	const struct am_header *h;
	size_t n = 0, k;

	memset(out, 0, sizeof(*out));
	for (h = list; h != NULL; h = h->next)
		n++;
	if (n == 0)
		return true;
	if ((out->sorted = am_arena_alloc(arena, n * sizeof(*out->sorted))) ==
	    NULL)
		return false;
	for (h = list, k = 0; h != NULL; h = h->next, k++) {
		out->sorted[k].h = h;
		out->sorted[k].pos = k;
	}
	out->n = n;
	qsort(out->sorted, n, sizeof(*out->sorted), by_name);
	return true;
}

/* The slots of the fields called name: [*lo, *hi), top to bottom. */
static void
range(const struct am_hdr_index *ix, const char *name, size_t len,
    size_t *lo, size_t *hi)
{
	size_t a = 0, b = ix->n, m;

	while (a < b) {
		m = a + (b - a) / 2;
		if (name_cmp(ix->sorted[m].h->name, ix->sorted[m].h->name_len,
			name, len) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	b = ix->n;
	while (a < b) {
		m = a + (b - a) / 2;
		if (name_cmp(ix->sorted[m].h->name, ix->sorted[m].h->name_len,
			name, len) <= 0)
			a = m + 1;
		else
			b = m;
	}
	*hi = a;
}

size_t
am_hdr_count(const struct am_hdr_index *ix, const char *name, size_t len)
{
	size_t lo, hi;

	range(ix, name, len, &lo, &hi);
	return hi - lo;
}

/* One distinct name of h= and how many of its fields are taken. */
struct pick {
	const char *name;
	size_t len;
	size_t lo, hi;
	size_t taken;
};

/* The next field for name, bottom up; NULL when none is left. */
static const struct am_header *
take(const struct am_hdr_index *ix, struct pick *p)
{
	if (p->taken == p->hi - p->lo)
		return NULL;
	return ix->sorted[p->hi - ++p->taken].h;
}

static struct pick *
pick_for(const struct am_hdr_index *ix, struct pick *picks, size_t *npicks,
    const char *name, size_t len)
{
	size_t k;

	for (k = 0; k < *npicks; k++)
		if (picks[k].len == len &&
		    strncasecmp(picks[k].name, name, len) == 0)
			return &picks[k];
	picks[k] = (struct pick){name, len, 0, 0, 0};
	range(ix, name, len, &picks[k].lo, &picks[k].hi);
	(*npicks)++;
	return &picks[k];
}

static bool
hash_field(EVP_MD_CTX *md, const struct am_header *h, bool relax,
    struct am_buf *b)
{
	am_buf_reset(b);
	am_canon_header(b, relax, h->name, h->name_len, h->value,
	    h->value_len, 0, 0, true);
	return !am_buf_failed(b) && am_arc_md_update(md, b->data, b->len);
}

/* The next name of h= from *i: [*start, *end), trimmed of FWS (around
 * the colons, RFC 6376 3.5); false after the last.  Empty when h= has
 * "::". */
static bool
next_name(const struct am_tagval *h, size_t *i, size_t *start, size_t *end)
{
	if (*i >= h->len)
		return false;
	for (*start = *i;
	     *start < h->len && strchr(" \t\r\n", h->p[*start]) != NULL;
	     (*start)++)
		;
	for (*end = *start; *end < h->len && h->p[*end] != ':'; (*end)++)
		;
	*i = *end + 1;
	while (*end > *start && strchr(" \t\r\n", h->p[*end - 1]) != NULL)
		(*end)--;
	return true;
}

size_t
am_hdr_h_names(const struct am_tagval *h, const char *name, size_t len)
{
	size_t i = 0, start, end, n = 0;

	while (next_name(h, &i, &start, &end))
		n += end - start == len &&
		    strncasecmp(h->p + start, name, len) == 0;
	return n;
}

bool
am_hdr_hash_selected(const struct am_hdr_index *ix,
    const struct am_tagval *h, bool relax, bool forbid_seal,
    EVP_MD_CTX *md, const char **why)
{
	struct pick picks[AM_ARC_H_MAX];
	const struct am_header *f;
	size_t i = 0, start, end, npicks = 0, names = 0;
	struct am_buf b;
	bool ok = true;

	am_buf_init(&b, 0);
	while (ok && next_name(h, &i, &start, &end)) {
		if (end == start)
			continue; /* an empty name signs nothing */
		if (forbid_seal && end - start == 8 &&
		    strncasecmp(h->p + start, "ARC-Seal", 8) == 0) {
			*why = "h= names ARC-Seal (RFC 8617 4.1.2)";
			ok = false;
		} else if (++names > AM_ARC_H_MAX) {
			*why = "h= names more than 64 header fields";
			ok = false;
		} else if ((f = take(ix, pick_for(ix, picks, &npicks,
					 h->p + start, end - start))) != NULL &&
		    !hash_field(md, f, relax, &b)) {
			*why = "out of memory";
			ok = false;
		}
	}
	am_buf_release(&b);
	return ok;
}
