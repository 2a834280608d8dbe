/*
 * fuzz_dkim_verify.c - the whole DKIM verifier, libopendkim included, on
 * hostile input: a DKIM-Signature value, the key record its lookup
 * finds, and a body, separated by NUL bytes in the input.  The key is
 * published at s._domainkey.example.com, so inputs with s=s and
 * d=example.com reach libopendkim's key parser and crypto.  Any result is
 * fine; a crash, a leak or a result without a reason is not.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "dkim.h"
#include "zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static time_t
fixed_clock(void *arg)
{
	(void)arg;
	return 1700000000;
}

/* The next NUL-separated piece of the input. */
static const char *
piece(const char **p, const char *end, size_t *len)
{
	const char *start = *p, *nul = memchr(start, '\0', (size_t)(end - start));

	*len = (size_t)((nul != NULL ? nul : end) - start);
	*p = nul != NULL ? nul + 1 : end;
	return start;
}

static void
verify(struct am_dkim_lib *lib, struct am_dns *dns, const char *sig,
    size_t sig_len, const char *body, size_t body_len)
{
	static const char from[] = " Alice <alice@example.com>";
	struct am_arena *arena = am_arena_new();
	struct am_dkim_result res;
	struct am_dns_session *s;
	struct am_dkim *dkim;
	struct am_ctx ctx;
	size_t k;

	am_ctx_init(&ctx, dns);
	ctx.clock = fixed_clock;
	if (arena == NULL || (s = am_dns_session_new(dns, arena)) == NULL) {
		am_arena_free(arena);
		return;
	}
	if ((dkim = am_dkim_new(lib, &ctx, s, arena, NULL)) != NULL) {
		am_dkim_header(dkim, "DKIM-Signature", 14, sig, sig_len);
		am_dkim_header(dkim, "From", 4, from, sizeof(from) - 1);
		am_dkim_end_headers(dkim);
		am_dkim_body(dkim, (const unsigned char *)body, body_len);
		am_dkim_finish(dkim, &res);
		for (k = 0; k < res.count; k++)
			if (res.sigs[k].reason == NULL)
				__builtin_trap();
		am_dkim_free(dkim);
	}
	am_dns_session_end(s);
	am_arena_free(arena);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct am_dkim_lib *lib;
	const char *p = (const char *)data, *end = p + size, *sig, *key, *body;
	size_t sig_len, key_len, body_len;
	struct am_zone *zone;
	struct am_dns *dns;
	char err[128];

	if (lib == NULL && (lib = am_dkim_lib_new(NULL, err, sizeof(err))) ==
		NULL)
		return 0;
	sig = piece(&p, end, &sig_len);
	key = piece(&p, end, &key_len);
	body = piece(&p, end, &body_len);
	if ((zone = am_zone_new()) == NULL)
		return 0;
	if (!am_zone_add_txt(zone, "s._domainkey.example.com", key, key_len)) {
		am_zone_free(zone);
		return 0;
	}
	if ((dns = am_dns_new_zone(zone)) != NULL) {
		verify(lib, dns, sig, sig_len, body, body_len);
		am_dns_free(dns);
	}
	return 0;
}
