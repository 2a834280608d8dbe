/*
 * fuzz_authres.c - reading the authserv-id of an incoming
 * Authentication-Results field (RFC 8601 2.2, 5) from arbitrary bytes.
 *
 * Invariants: an id read is non-empty, lower-case, free of control
 * characters and trailing dots; leading CFWS does not change what is read;
 * neither does the case of the input; an id that is a token renders into
 * a header that reads back as the same id.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "authres.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The id of value read again after a leading comment and fold. */
static const char *
with_cfws(struct am_arena *arena, const char *value, size_t len)
{
	static const char cfws[] = " (x\\)y (z))\r\n\t";
	char *s = am_arena_alloc(arena, sizeof(cfws) + len);

	if (s == NULL)
		return NULL;
	memcpy(s, cfws, sizeof(cfws) - 1);
	memcpy(s + sizeof(cfws) - 1, value, len);
	return am_authres_authserv_id(arena, s, sizeof(cfws) - 1 + len);
}

/* The id of value read again with ASCII letters upper-cased. */
static const char *
upper(struct am_arena *arena, const char *value, size_t len)
{
	char *s = am_arena_alloc(arena, len + 1);
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		s[i] = value[i] >= 'a' && value[i] <= 'z'
		    ? (char)(value[i] - 'a' + 'A')
		    : value[i];
	return am_authres_authserv_id(arena, s, len);
}

/* Renders a header for id and reads its id back. */
static const char *
round_trip(struct am_arena *arena, const char *id)
{
	struct am_authres ar;
	const char *value;

	am_authres_begin(&ar, id);
	am_authres_result(&ar, "spf", AM_RESULT_PASS, "x");
	value = am_authres_end(&ar, arena);
	return value != NULL
	    ? am_authres_authserv_id(arena, value, strlen(value))
	    : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_arena *arena = am_arena_new();
	const char *value = (const char *)data, *id;
	size_t i, len;

	if (arena == NULL)
		return 0;
	id = am_authres_authserv_id(arena, value, size);
	if (id != NULL) {
		len = strlen(id);
		if (len == 0 || len > size || id[len - 1] == '.')
			__builtin_trap();
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)id[i];

			if (c < 0x20 || c == 0x7f || (c >= 'A' && c <= 'Z'))
				__builtin_trap();
		}
		if (am_authres_is_token(id, len) &&
		    !same(round_trip(arena, id), id))
			__builtin_trap();
	}
	if (!same(with_cfws(arena, value, size), id) ||
	    !same(upper(arena, value, size), id))
		__builtin_trap();
	am_arena_free(arena);
	return 0;
}
