/*
 * fuzz_report_uri.c - the rua=/ruf= list parser (RFC 9989 4.8, mailto:
 * of RFC 6068) and the Report-ID expansion (RFC 9990 3.5.1) on arbitrary
 * bytes.  Every URI kept must be usable: a mailto: URI of a printable
 * address with one "@" before a valid domain of two labels or more, no
 * size suffix; an accepted Report-ID must be printable, without space.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "domain.h"
#include "report_id.h"
#include "report_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_uri(const struct am_report_uri *u)
{
	const char *at = strrchr(u->address, '@'), *p;

	if (strncasecmp(u->uri, "mailto:", 7) != 0 || strchr(u->uri, '!') ||
	    strchr(u->uri, ',') || at == NULL || at == u->address ||
	    !am_domain_valid(u->host, strlen(u->host)) ||
	    !am_domain_equal(u->host, at + 1))
		__builtin_trap();
	for (p = u->address; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			__builtin_trap();
	for (p = u->host; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			__builtin_trap();
}

static void
check_id(const char *format)
{
	const char *why = NULL, *p;
	struct am_buf b;

	am_buf_init(&b, 0);
	if (am_report_id(&b, format, "example.com", 1700000000, 1700086399,
		"mx.example.net", 2, &why)) {
		if (b.len == 0)
			__builtin_trap();
		for (p = am_buf_str(&b); *p != '\0'; p++)
			if ((unsigned char)*p <= 0x20 ||
			    (unsigned char)*p >= 0x7f)
				__builtin_trap();
	} else if (why == NULL)
		__builtin_trap();
	am_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_arena *arena = am_arena_new();
	struct am_report_uri u[AM_REPORT_URIS_MAX];
	unsigned ignored = 0;
	char format[256];
	size_t n, i;

	if (arena == NULL)
		return 0;
	n = am_report_uris(arena, (const char *)data, size, u,
	    AM_REPORT_URIS_MAX, &ignored);
	if (n > AM_REPORT_URIS_MAX)
		__builtin_trap();
	for (i = 0; i < n; i++)
		check_uri(&u[i]);
	/* the same bytes as a Report-ID format (up to the first NUL) */
	n = size < sizeof(format) - 1 ? size : sizeof(format) - 1;
	memcpy(format, data, n);
	format[n] = '\0';
	check_id(format);
	am_arena_free(arena);
	return 0;
}
