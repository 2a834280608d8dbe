/*
 * fuzz_address.c - the From: parser (RFC 5322 3.4, 4.4, RFC 6532), the
 * lenient domain finder and the A-label conversion, all on the same
 * arbitrary bytes.  Besides not crashing or leaking, they must agree:
 * every domain they return is a valid lower-case name, conversion is
 * idempotent, and the finder sees every domain the parser does.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "address.h"
#include "domain.h"

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

static bool
found(const char *const *domains, size_t n, const char *d)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(domains[i], d) == 0)
			return true;
	return false;
}

static void
check_list(struct am_arena *arena, const struct am_address_list *list, bool ok,
    const char *why, const char **domains, size_t n)
{
	size_t i;

	if (ok != (why == NULL) || list->count > MAX_ADDRS ||
	    (list->truncated && list->count != MAX_ADDRS))
		__builtin_trap();
	for (i = 0; i < list->count; i++) {
		const struct am_address *a = &list->addrs[i];

		if (a->local == NULL || a->domain == NULL)
			__builtin_trap();
		if (a->ascii_domain == NULL)
			continue;
		check_ascii(arena, a->ascii_domain);
		/* The fallback never misses what the parser found. */
		if (ok && n < MAX_DOMAINS &&
		    !found(domains, n, a->ascii_domain))
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_arena *arena = am_arena_new();
	const char *text = (const char *)data, *why, *d;
	const char *domains[MAX_DOMAINS];
	struct am_address_list list;
	size_t n, i, j;
	bool ok;

	if (arena == NULL)
		return 0;
	ok = am_address_parse_list(arena, text, size, MAX_ADDRS, &list, &why);
	n = am_address_find_domains(arena, text, size, domains, MAX_DOMAINS);
	if (n > MAX_DOMAINS)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		check_ascii(arena, domains[i]);
		for (j = 0; j < i; j++)
			if (strcmp(domains[i], domains[j]) == 0)
				__builtin_trap();
	}
	check_list(arena, &list, ok, why, domains, n);
	if ((d = am_domain_to_ascii(arena, text, size)) != NULL)
		check_ascii(arena, d);
	am_arena_free(arena);
	return 0;
}
