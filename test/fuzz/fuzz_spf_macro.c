/*
 * fuzz_spf_macro.c - SPF macro validation and expansion (RFC 7208 7) on
 * arbitrary bytes.  The first byte picks domain-spec or explanation rules
 * and the client's address family; expansion must stay within its bound.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "spf_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
validated(void *arg)
{
	return arg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_spf_macro_env env;
	enum am_spf_macro_use use;
	struct am_buf out;
	const char *s, *why;
	const char *client;

	if (size == 0)
		return 0;
	use = (data[0] & 1) ? AM_SPF_MACRO_EXPLAIN : AM_SPF_MACRO_DOMAIN;
	client = (data[0] & 2) ? "2001:db8::cb01" : "192.0.2.3";
	s = (const char *)data + 1;
	size--;
	memset(&env, 0, sizeof(env));
	env.sender = "strong-bad@email.example.com";
	env.local = "strong-bad";
	env.sender_domain = "email.example.com";
	env.domain = "email.example.com";
	env.helo = "mx.example.org";
	env.receiver = "mx.example.net";
	env.validated_name = validated;
	env.arg = (void *)"mx.example.org";
	am_ip_parse(client, strlen(client), &env.client);
	am_spf_domain_end_valid(s, size);
	if (!am_spf_macro_valid(s, size, use, &why))
		return 0;
	am_buf_init(&out, 4096);
	if (am_spf_macro_expand(s, size, use, &env, &out, &why) &&
	    out.len > 4096)
		__builtin_trap();
	am_buf_release(&out);
	return 0;
}
