/*
 * fuzz_address.c - the From: parser (RFC 5322 3.4, 4.4, RFC 6532), the
 * lenient domain finder and the conversion of domains for DNS (IDNA2008
 * and UTS #46 by libidn2, and what is left of a name that is none), all
 * on the same arbitrary bytes.  Besides not crashing or leaking, they
 * must agree: every converted name is a valid lower-case name, or its
 * longest valid suffix with a printable reason; conversion is
 * idempotent; and the finder sees every domain the parser does.  The
 * same bytes with their RFC 2047 encoded-words decoded (encword.h) go
 * through the finder again: the decoded text is never longer.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "address.h"
#include "domain.h"
#include "encword.h"
#include "idna.h"

#define MAX_ADDRS   4
#define MAX_DOMAINS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A converted name: valid, lower-case LDH (and '_'), no trailing dot. */
static void
check_ascii(struct am_arena *arena, const char *d)
{
	size_t len = strlen(d), i;
	const char *again;

	if (!am_domain_valid(d, len) || d[len - 1] == '.')
		__builtin_trap();
	for (i = 0; i < len; i++)
		if (!((d[i] >= 'a' && d[i] <= 'z') ||
			(d[i] >= '0' && d[i] <= '9') || d[i] == '-' ||
			d[i] == '_' || d[i] == '.'))
			__builtin_trap();
	again = am_domain_to_ascii(arena, d, len);
	if (again == NULL || strcmp(again, d) != 0)
		__builtin_trap();
}

/* Converts len bytes at d; the result must be one of the two shapes. */
static const char *
convert(struct am_arena *arena, const char *d, size_t len)
{
	struct am_idna_name n;
	const char *p;
	bool ok = am_idna_convert(arena, d, len, &n);

	if (ok != (n.hidden == 0))
		__builtin_trap();
	if (n.ascii != NULL)
		check_ascii(arena, n.ascii);
	if (ok)
		return n.ascii;
	if (n.why == NULL || n.shown == NULL || strlen(n.shown) > 320)
		__builtin_trap();
	for (p = n.shown; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '%' || *p == '"' ||
		    *p == '\\')
			__builtin_trap();
	return NULL;
}

static bool
found(struct am_arena *arena, const char *const *domains, size_t n,
    const char *d)
{
	const char *c;
	size_t i;

	for (i = 0; i < n; i++)
		if ((c = am_domain_to_ascii(arena, domains[i],
			 strlen(domains[i]))) != NULL && strcmp(c, d) == 0)
			return true;
	return false;
}

static void
check_list(struct am_arena *arena, const struct am_address_list *list, bool ok,
    const char *why, const char **domains, size_t n, bool more)
{
	const char *d;
	size_t i;

	if (ok != (why == NULL) || list->count > MAX_ADDRS ||
	    (list->truncated && list->count != MAX_ADDRS))
		__builtin_trap();
	for (i = 0; i < list->count; i++) {
		const struct am_address *a = &list->addrs[i];

		if (a->local == NULL || a->domain == NULL ||
		    strlen(a->domain) != a->domain_len)
			__builtin_trap();
		if (a->literal ||
		    (d = convert(arena, a->domain, a->domain_len)) == NULL)
			continue;
		/* The fallback never misses what the parser found. */
		if (ok && !more && !found(arena, domains, n, d))
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_arena *arena = am_arena_new();
	const char *text = (const char *)data, *why, *decoded;
	const char *domains[MAX_DOMAINS];
	struct am_address_list list;
	size_t n, i, j, dlen;
	bool ok, more;

	if (arena == NULL)
		return 0;
	ok = am_address_parse_list(arena, text, size, MAX_ADDRS, &list, &why);
	n = am_address_find_domains(arena, text, size, domains, MAX_DOMAINS,
	    &more);
	if (n > MAX_DOMAINS || (more && n == 0))
		__builtin_trap();
	for (i = 0; i < n; i++) {
		convert(arena, domains[i], strlen(domains[i]));
		for (j = 0; j < i; j++)
			if (strcmp(domains[i], domains[j]) == 0)
				__builtin_trap();
	}
	check_list(arena, &list, ok, why, domains, n, more);
	convert(arena, text, size);
	if ((decoded = am_encword_decode(arena, text, size, &dlen)) != NULL) {
		if (dlen > size || strlen(decoded) > dlen)
			__builtin_trap();
		am_address_find_domains(
		    arena, decoded, dlen, domains, MAX_DOMAINS, &more);
	}
	am_arena_free(arena);
	return 0;
}
