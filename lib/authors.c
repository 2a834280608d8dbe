/*
 * authors.c - the Author Domains of a message, collected as its From
 * fields arrive (see authors.h).
 *
 * Two hash tables with open addressing, both in the message's arena:
 * spellings (a domain exactly as written -> its conversion), so that a
 * name written a thousand times is converted once, and names (the
 * converted Author Domains kept), so that telling a new domain from a
 * known one costs one probe, not a scan.  The spellings table grows up to
 * SPELLINGS_MAX entries; a message that writes more distinct spellings
 * than that has more Author Domains than anyone evaluates.
 *
 * The work per From field is its parse (linear in its length, at most
 * FIELD_ADDRESSES_MAX addresses) until max Author Domains are known and
 * one more appears; from then on a field is only counted.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "address.h"
#include "authors.h"
#include "encword.h"

#define FIELD_ADDRESSES_MAX 32	/* addresses read from one From field */
#define SPELLINGS_MAX	    256 /* distinct spellings converted */

struct spelling {
	const char *raw; /* NULL: a free slot */
	size_t len;
	const struct am_idna_name *name;
};

struct am_authors {
	struct am_arena *arena;
	const struct am_idna_name **kept;
	size_t max, n;
	size_t *slot; /* nslots indices into kept, plus one; 0: free */
	size_t nslots;
	struct spelling *spell;
	size_t nspell, spell_slots;
	struct am_authors_facts facts;
};

/* FNV-1a, 64 bits. */
static uint64_t
hash(const char *p, size_t len, uint64_t h)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define HASH_INIT 0xcbf29ce484222325ULL

struct am_authors *
am_authors_new(struct am_arena *arena, size_t max)
{
	struct am_authors *a = am_arena_zalloc(arena, sizeof(*a));

	if (a == NULL || max == 0)
		return NULL;
	a->arena = arena;
	a->max = max;
	for (a->nslots = 8; a->nslots < 2 * max; a->nslots *= 2)
		;
	a->kept = am_arena_zalloc(arena, max * sizeof(*a->kept));
	a->slot = am_arena_zalloc(arena, a->nslots * sizeof(*a->slot));
	return a->kept != NULL && a->slot != NULL ? a : NULL;
}

void
am_authors_lost(struct am_authors *a, const char *why)
{
	if (!a->facts.more) {
		a->facts.more = true;
		a->facts.more_why = why;
	}
}

static uint64_t
name_hash(const struct am_idna_name *n)
{
	uint64_t h =
	    hash((const char *)&n->hidden, sizeof(n->hidden), HASH_INIT);

	return n->ascii != NULL ? hash(n->ascii, strlen(n->ascii), h) : h;
}

/* One evaluation each: the same valid name, or the same valid suffix
 * under the same number of hidden labels. */
static bool
same_name(const struct am_idna_name *x, const struct am_idna_name *y)
{
	if (x->hidden != y->hidden)
		return false;
	if (x->ascii == NULL || y->ascii == NULL)
		return x->ascii == y->ascii;
	return strcmp(x->ascii, y->ascii) == 0;
}

/* Keeps name unless known; true when it was new. */
static bool
add_name(struct am_authors *a, const struct am_idna_name *name)
{
	size_t mask = a->nslots - 1, i = name_hash(name) & mask;

	for (; a->slot[i] != 0; i = (i + 1) & mask)
		if (same_name(a->kept[a->slot[i] - 1], name))
			return false;
	if (a->n == a->max) {
		am_authors_lost(a,
		    am_arena_printf(a->arena,
			"more than %zu "
			"Author Domains in From",
			a->max));
		return false;
	}
	a->kept[a->n++] = name;
	a->slot[i] = a->n;
	return true;
}

/* Twice the spellings table, its entries placed again. */
static bool
grow_spellings(struct am_authors *a)
{
	size_t slots = a->spell_slots == 0 ? 16 : a->spell_slots * 2, i, j;
	struct spelling *s = am_arena_zalloc(a->arena, slots * sizeof(*s));

	if (s == NULL)
		return false;
	for (i = 0; i < a->spell_slots; i++) {
		if (a->spell[i].raw == NULL)
			continue;
		j = hash(a->spell[i].raw, a->spell[i].len, HASH_INIT) &
		    (slots - 1);
		while (s[j].raw != NULL)
			j = (j + 1) & (slots - 1);
		s[j] = a->spell[i];
	}
	a->spell = s;
	a->spell_slots = slots;
	return true;
}

/* The conversion of a spelling, made once; NULL when no more may be. */
static const struct am_idna_name *
convert(struct am_authors *a, const char *raw, size_t len)
{
	struct am_idna_name *name;
	struct spelling *s;
	size_t i;

	if (a->spell_slots > 0) {
		i = hash(raw, len, HASH_INIT) & (a->spell_slots - 1);
		for (; a->spell[i].raw != NULL;
		     i = (i + 1) & (a->spell_slots - 1))
			if (a->spell[i].len == len &&
			    memcmp(a->spell[i].raw, raw, len) == 0)
				return a->spell[i].name;
	}
	if (a->nspell == SPELLINGS_MAX) {
		am_authors_lost(a,
		    "more than 256 distinct spellings of From "
		    "domains");
		return NULL;
	}
	if ((2 * (a->nspell + 1) > a->spell_slots && !grow_spellings(a)) ||
	    (name = am_arena_alloc(a->arena, sizeof(*name))) == NULL) {
		am_authors_lost(a, "out of memory");
		return NULL;
	}
	am_idna_convert(a->arena, raw, len, name);
	i = hash(raw, len, HASH_INIT) & (a->spell_slots - 1);
	while (a->spell[i].raw != NULL)
		i = (i + 1) & (a->spell_slots - 1);
	s = &a->spell[i];
	s->raw = raw;
	s->len = len;
	s->name = name;
	a->nspell++;
	return name;
}

static size_t
add_spelling(struct am_authors *a, const char *raw, size_t len)
{
	const struct am_idna_name *name = convert(a, raw, len);

	return name != NULL && add_name(a, name) ? 1 : 0;
}

/* The domains a lenient reader would show in len bytes at text, added;
 * *found (when not NULL) counts them, added or known. */
static size_t
add_found(struct am_authors *a, const char *text, size_t len, size_t *found)
{
	const char *domains[FIELD_ADDRESSES_MAX];
	size_t i, n, added = 0;
	bool more;

	n = am_address_find_domains(
	    a->arena, text, len, domains, FIELD_ADDRESSES_MAX, &more);
	for (i = 0; i < n; i++)
		added += add_spelling(a, domains[i], strlen(domains[i]));
	if (more)
		am_authors_lost(a,
		    "more than 32 domains in a malformed From "
		    "field");
	if (found != NULL)
		*found += n;
	return added;
}

/* The domains that encoded-words in len bytes at text show a careless
 * reader once decoded (encword.h). */
static size_t
add_encoded(struct am_authors *a, const char *text, size_t len)
{
	const char *decoded;
	size_t dlen;

	if ((decoded = am_encword_decode(a->arena, text, len, &dlen)) == NULL)
		return 0;
	return add_found(a, decoded, dlen, NULL);
}

/* Read the way a lenient mail reader would still display it, so that
 * breaking the syntax, or leaving the field without a mailbox (an empty
 * group whose name is an address, an address hidden in an encoded-word),
 * cannot hide a domain a human sees. */
static size_t
read_leniently(
    struct am_authors *a, const char *value, size_t len, const char *why)
{
	size_t added, found = 0;

	if (!a->facts.malformed) {
		a->facts.malformed = true;
		a->facts.why = why;
	}
	added = add_found(a, value, len, &found);
	if (found == 0)
		added += add_encoded(a, value, len);
	return added;
}

size_t
am_authors_field(struct am_authors *a, const char *value, size_t len)
{
	struct am_address_list list;
	const struct am_address *ad;
	const char *why;
	size_t i, added = 0;

	a->facts.fields++;
	if (a->facts.more)
		return 0; /* the answer is known: too many */
	if (!am_address_parse_list(
		a->arena, value, len, FIELD_ADDRESSES_MAX, &list, &why))
		return read_leniently(a, value, len, why);
	if (list.count == 0)
		return read_leniently(a, value, len, "no mailbox");
	for (i = 0; i < list.count; i++) {
		ad = &list.addrs[i];
		if (!ad->literal ||
		    !am_address_ip_literal(ad->domain, ad->domain_len))
			added += add_spelling(a, ad->domain, ad->domain_len);
		/* RFC 2047 5(3): never legitimate in a local part */
		added += add_encoded(a, ad->local, strlen(ad->local));
	}
	if (list.truncated)
		am_authors_lost(a,
		    "more than 32 addresses in a From "
		    "field");
	return added;
}

size_t
am_authors_count(const struct am_authors *a)
{
	return a->n;
}

const struct am_idna_name *
am_authors_get(const struct am_authors *a, size_t i)
{
	return a->kept[i];
}

const struct am_authors_facts *
am_authors_facts(const struct am_authors *a)
{
	return &a->facts;
}
