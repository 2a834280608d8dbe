/*
 * unit_dkim.c - DKIM verification behaviours, one named case each.
 *
 * Every key is generated when the suite starts (test/dkimsign.c) and
 * published in a zone written for the test; every signature is made by
 * libopendkim's signer with exactly the properties the case is about.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dkim.h"
#include "dkim_internal.h"
#include "dkim_state.h"
#include "dkim_keycache.h"
#include "dkimsign.h"
#include "testlib.h"

#define T0 1700000000 /* the signing time and the clock's default */

static const char message[] =
    "From: Alice <alice@example.com>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Subject: Quarterly report\r\n"
    "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
    "Message-ID: <1@example.com>\r\n"
    "\r\n"
    "Hello Bob,\r\n"
    "\r\n"
    "the numbers are attached.\r\n";

static struct {
	struct dkimsign_key *rsa2048, *rsa1024, *rsa512, *ed25519;
	struct dkimsign_key *other; /* signs, but is published nowhere */
	struct am_dkim_lib *lib;
	char *zone;
} K;

/* The rsa2048 record with "t=y; " after "v=DKIM1; ". */
static void
zone_test_key(struct am_buf *z)
{
	struct am_buf r;

	am_buf_init(&r, 0);
	am_buf_printf(&r, "v=DKIM1; t=y; %s", K.rsa2048->record + 9);
	dkimsign_zone_txt(z, "testing._domainkey.example.com", am_buf_str(&r));
	am_buf_release(&r);
}

static int
setup(void **state)
{
	struct am_buf z;
	char err[128];

	(void)state;
	K.rsa2048 = dkimsign_key_rsa(2048);
	K.rsa1024 = dkimsign_key_rsa(1024);
	K.rsa512 = dkimsign_key_rsa(512);
	K.ed25519 = dkimsign_key_ed25519();
	K.other = dkimsign_key_rsa(2048);
	K.lib = am_dkim_lib_new(NULL, err, sizeof(err));
	if (!K.rsa2048 || !K.rsa1024 || !K.rsa512 || !K.ed25519 || !K.other ||
	    !K.lib)
		return -1;
	am_buf_init(&z, 0);
	dkimsign_zone_txt(&z, "s2048._domainkey.example.com", K.rsa2048->record);
	dkimsign_zone_txt(&z, "s1024._domainkey.example.com", K.rsa1024->record);
	dkimsign_zone_txt(&z, "s512._domainkey.example.com", K.rsa512->record);
	dkimsign_zone_txt(&z, "ed._domainkey.example.com", K.ed25519->record);
	dkimsign_zone_txt(&z, "twice._domainkey.example.com", K.rsa2048->record);
	zone_test_key(&z);
	dkimsign_zone_txt(&z, "pkcs1._domainkey.example.com",
	    K.rsa2048->pkcs1_record);
	am_buf_adds(&z,
	    "twice._domainkey.example.com TXT \"v=DKIM1; p=\"\n"
	    "revoked._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=\"\n"
	    "garbage._domainkey.example.com TXT \"v=DKIM1; k=rsa; "
	    "p=bm90IGEga2V5IGF0IGFsbA==\"\n"
	    "tags._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=;;==;x\"\n"
	    "nodata._domainkey.example.com A 192.0.2.1\n"
	    "slow._domainkey.example.com TIMEOUT\n");
	K.zone = (char *)am_buf_str(&z);
	return am_buf_failed(&z) ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	dkimsign_key_free(K.rsa2048);
	dkimsign_key_free(K.rsa1024);
	dkimsign_key_free(K.rsa512);
	dkimsign_key_free(K.ed25519);
	dkimsign_key_free(K.other);
	am_dkim_lib_free(K.lib);
	free(K.zone);
	return 0;
}

/* One verification: the result, what it traced, what it asked DNS. */
struct run {
	struct test_env env;
	struct am_trace trace;
	struct am_dkim *dkim;
	struct am_dkim_result res;
	bool wants_body;
	unsigned queries_at_eoh;
};

/* Verifies msg (odd-sized body pieces) with lib; release with done(). */
static void
verify_lib(struct run *r, struct am_dkim_lib *lib, time_t now,
    const char *msg, size_t len)
{
	struct dkimsign_check c;

	memset(r, 0, sizeof(*r));
	test_env_init(&r->env, K.zone);
	r->env.now = now;
	am_trace_init(&r->trace, r->env.arena);
	assert_true(dkimsign_verify(lib, &r->env.ctx, r->env.session,
	    r->env.arena, &r->trace, msg, len, 13, &c));
	r->res = c.res;
	r->wants_body = c.wants_body;
	r->queries_at_eoh = c.queries_at_eoh;
}

static void
verify(struct run *r, const char *msg)
{
	verify_lib(r, K.lib, T0, msg, strlen(msg));
}

static void
done(struct run *r)
{
	test_env_free(&r->env);
}

/* The signature fields, then msg.  Caller frees. */
static char *
with_sigs(const char *msg, char *const *fields, size_t n)
{
	struct am_buf b;
	size_t k;

	am_buf_init(&b, 0);
	for (k = 0; k < n; k++) {
		assert_non_null(fields[k]);
		am_buf_printf(&b, "%s\r\n", fields[k]);
	}
	am_buf_adds(&b, msg);
	assert_false(am_buf_failed(&b));
	return (char *)am_buf_str(&b);
}

static const struct dkimsign_opts rsa_opts = {
	.domain = "example.com",
	.selector = "s2048",
	.alg = DKIM_SIGN_RSASHA256,
	.hcanon = DKIM_CANON_RELAXED,
	.bcanon = DKIM_CANON_RELAXED,
};

/* msg signed once with key under opt, ready to verify.  Caller frees. */
static char *
signed_with(const struct dkimsign_key *key, const struct dkimsign_opts *opt,
    const char *msg)
{
	char *field = dkimsign_sign(key, opt, msg), *out;

	out = with_sigs(msg, &field, 1);
	free(field);
	return out;
}

static void
expect(const struct am_dkim_sig *sig, enum am_result result,
    enum am_dkim_why why, const char *reason)
{
	if (sig->result != result || sig->why != why ||
	    strstr(sig->reason, reason) == NULL)
		fail_msg("got %s/%d \"%s\", want %s/%d \"%s\"",
		    am_result_name(sig->result), sig->why, sig->reason,
		    am_result_name(result), why, reason);
}

/* The signed message with one substring replaced.  Caller frees. */
static char *
tamper(const char *msg, const char *from, const char *to)
{
	const char *at = strstr(msg, from);
	struct am_buf b;

	assert_non_null(at);
	am_buf_init(&b, 0);
	am_buf_add(&b, msg, (size_t)(at - msg));
	am_buf_adds(&b, to);
	am_buf_adds(&b, at + strlen(from));
	return (char *)am_buf_str(&b);
}

/* One signature, made and checked as a case says. */
struct one_case {
	const char *name;
	struct dkimsign_key **key;
	const char *selector;
	dkim_alg_t alg;
	dkim_canon_t canon;	     /* header and body */
	uint64_t t;		     /* 0: T0 */
	const char *from, *to;	     /* changed in transit, or NULL */
	enum am_result result;
	enum am_dkim_why why;
	const char *reason;	     /* a substring of the reason */
	unsigned bits;		     /* key_bits expected */
	bool test_key, wants_body;
};

#define RSA256	  DKIM_SIGN_RSASHA256
#define RELAXED	  DKIM_CANON_RELAXED
#define SIMPLE	  DKIM_CANON_SIMPLE
#define NOTHING	  NULL, NULL
#define SUBJECT	  "Subject: Quarterly", "Subject: [EXTERNAL] Quarterly"
#define BODY	  "the numbers", "the new numbers"

static const struct one_case one_cases[] = {
	{"RSA 2048 rsa-sha256 signature passes", &K.rsa2048, "s2048", RSA256,
	    RELAXED, 0, NOTHING, AM_RESULT_PASS, AM_DKIM_VERIFIED,
	    "verified (2048-bit RSA key)", 2048, false, true},
	{"RSA 1024 signature passes (the RFC 8301 minimum)", &K.rsa1024,
	    "s1024", RSA256, SIMPLE, 0, NOTHING, AM_RESULT_PASS,
	    AM_DKIM_VERIFIED, "verified (1024-bit RSA key)", 1024, false, true},
	{"RSA 512 key is policy (weak key), never pass", &K.rsa512, "s512",
	    RSA256, RELAXED, 0, NOTHING, AM_RESULT_POLICY, AM_DKIM_WEAK_KEY,
	    "1024-bit minimum; key has 512 bits", 512, false, true},
	{"ed25519-sha256 signature passes (RFC 8463)", &K.ed25519, "ed",
	    DKIM_SIGN_ED25519SHA256, RELAXED, 0, NOTHING, AM_RESULT_PASS,
	    AM_DKIM_VERIFIED, "verified (ed25519 key)", 256, false, true},
	{"rsa-sha1 signature is policy, never pass", &K.rsa2048, "s2048",
	    DKIM_SIGN_RSASHA1, RELAXED, 0, NOTHING, AM_RESULT_POLICY,
	    AM_DKIM_RSA_SHA1, "rsa-sha1 is not acceptable (RFC 8301)", 2048,
	    false, true},
	{"rsa-sha1 signature that does not verify is fail", &K.rsa2048,
	    "s2048", DKIM_SIGN_RSASHA1, RELAXED, 0, BODY, AM_RESULT_FAIL,
	    AM_DKIM_BODY_CHANGED, "body hash did not verify", 2048, false,
	    true},
	{"[EXTERNAL] added to Subject in transit is fail (signature)",
	    &K.rsa2048, "s2048", RSA256, RELAXED, 0, SUBJECT, AM_RESULT_FAIL,
	    AM_DKIM_BAD_SIGNATURE, "signature did not verify (signed header "
	    "fields changed in transit)", 2048, false, false},
	{"body changed in transit is fail (body hash)", &K.rsa2048, "s2048",
	    RSA256, SIMPLE, 0, BODY, AM_RESULT_FAIL, AM_DKIM_BODY_CHANGED,
	    "body hash did not verify (body changed in transit)", 2048, false,
	    true},
	{"t= in the future is neutral", &K.rsa2048, "s2048", RSA256, RELAXED,
	    T0 + 86400, NOTHING, AM_RESULT_NEUTRAL, AM_DKIM_FUTURE,
	    "signature dated 2023-11-15 22:13:20 UTC (t=), in the future", 0,
	    false, false},
	{"t= before 2001 is outside libopendkim's window: neutral",
	    &K.rsa2048, "s2048", RSA256, RELAXED, 5, NOTHING,
	    AM_RESULT_NEUTRAL, AM_DKIM_SIGNATURE_SYNTAX,
	    "outside the dates libopendkim accepts", 0, false, false},
	{"key not found (NXDOMAIN) is permerror", &K.rsa2048, "s1", RSA256,
	    RELAXED, 0, NOTHING, AM_RESULT_PERMERROR, AM_DKIM_NO_KEY,
	    "no key for selector s1 at example.com (NXDOMAIN)", 0, false,
	    false},
	{"key name without TXT (NODATA) is permerror", &K.rsa2048, "nodata",
	    RSA256, RELAXED, 0, NOTHING, AM_RESULT_PERMERROR, AM_DKIM_NO_KEY,
	    "no key for selector nodata at example.com (NODATA)", 0, false,
	    false},
	{"key record with a p= that is no key is permerror", &K.rsa2048,
	    "garbage", RSA256, RELAXED, 0, NOTHING, AM_RESULT_PERMERROR,
	    AM_DKIM_KEY_SYNTAX, "the key record at garbage._domainkey.", 0,
	    false, false},
	{"key record that is not a tag list is permerror", &K.rsa2048,
	    "tags", RSA256, RELAXED, 0, NOTHING, AM_RESULT_PERMERROR,
	    AM_DKIM_KEY_SYNTAX, "the key record at tags._domainkey.", 0, false,
	    false},
	{"two key records at the selector are permerror", &K.rsa2048,
	    "twice", RSA256, RELAXED, 0, NOTHING, AM_RESULT_PERMERROR,
	    AM_DKIM_KEY_SYNTAX, "2 TXT records at twice._domainkey.example.com",
	    0, false, false},
	{"revoked key (empty p=) is fail", &K.rsa2048, "revoked", RSA256,
	    RELAXED, 0, NOTHING, AM_RESULT_FAIL, AM_DKIM_KEY_REVOKED,
	    "key revoked", 0, false, false},
	{"test key (t=y) is reported", &K.rsa2048, "testing", RSA256, RELAXED,
	    0, NOTHING, AM_RESULT_PASS, AM_DKIM_VERIFIED, "verified", 2048,
	    true, true},
	{"bare PKCS#1 RSAPublicKey in p= verifies like SubjectPublicKeyInfo",
	    &K.rsa2048, "pkcs1", RSA256, RELAXED, 0, NOTHING, AM_RESULT_PASS,
	    AM_DKIM_VERIFIED, "verified (2048-bit RSA key)", 2048, false, true},
	{"bare PKCS#1 key: a changed body still fails", &K.rsa2048, "pkcs1",
	    RSA256, SIMPLE, 0, BODY, AM_RESULT_FAIL, AM_DKIM_BODY_CHANGED,
	    "body hash did not verify", 2048, false, true},
};

static const char *const alg_names[] = {
	[DKIM_SIGN_RSASHA1] = "rsa-sha1",
	[DKIM_SIGN_RSASHA256] = "rsa-sha256",
	[DKIM_SIGN_ED25519SHA256] = "ed25519-sha256",
};

static void
one_named_case(void **state)
{
	const struct one_case *c = *state;
	struct dkimsign_opts o = rsa_opts;
	const struct am_dkim_sig *sig;
	char *msg, *sent;
	struct run r;

	o.selector = c->selector;
	o.alg = c->alg;
	o.hcanon = o.bcanon = c->canon;
	o.t = c->t;
	msg = signed_with(*c->key, &o, message);
	sent = c->from != NULL ? tamper(msg, c->from, c->to) : msg;
	verify(&r, sent);
	assert_int_equal(r.res.count, 1);
	assert_int_equal(r.res.unchecked, 0);
	sig = &r.res.sigs[0];
	expect(sig, c->result, c->why, c->reason);
	assert_int_equal(sig->key_bits, c->bits);
	assert_int_equal(sig->test_key, c->test_key);
	assert_int_equal(r.wants_body, c->wants_body);
	assert_string_equal(sig->domain, "example.com");
	assert_string_equal(sig->selector, c->selector);
	assert_string_equal(sig->algorithm, alg_names[c->alg]);
	assert_int_equal(strlen(sig->b), 8);
	done(&r);
	if (sent != msg)
		free(sent);
	free(msg);
}

/* The PKCS#1 form becomes exactly the SubjectPublicKeyInfo record of the
 * same key; everything else is handed on untouched. */
static void
pkcs1_keys_become_spki_others_stay(void **state)
{
	struct am_arena *arena = am_arena_new();
	const char *pk = K.rsa2048->pkcs1_record, *out;
	const char *same[] = {K.rsa2048->record, K.ed25519->record, "v=DKIM1; p=",
	    "v=DKIM1; k=rsa; p=bm90IGEga2V5IGF0IGFsbA==", "no tags at all",
	    "k=rsa; p=x; p=y", ""};
	char *ed, *twice;
	size_t len, k;
	bool conv;

	(void)state;
	out = am_dkim_key_normalize(arena, pk, strlen(pk), &len, &conv);
	assert_true(conv);
	assert_int_equal(len, strlen(K.rsa2048->record));
	assert_string_equal(out, K.rsa2048->record);
	/* a key type other than RSA is not converted, nor a repeated p= */
	ed = am_arena_printf(arena, "v=DKIM1; k=ed25519; %s", strstr(pk, "p="));
	twice = am_arena_printf(arena, "%s; %s", pk, strstr(pk, "p="));
	for (k = 0; k < sizeof(same) / sizeof(same[0]); k++) {
		out = am_dkim_key_normalize(arena, same[k], strlen(same[k]),
		    &len, &conv);
		assert_false(conv);
		assert_ptr_equal(out, same[k]);
	}
	assert_ptr_equal(am_dkim_key_normalize(arena, ed, strlen(ed), &len,
			     &conv), ed);
	assert_ptr_equal(am_dkim_key_normalize(arena, twice, strlen(twice),
			     &len, &conv), twice);
	am_arena_free(arena);
}

static void
min_key_bits_2048_makes_1024_policy(void **state)
{
	struct am_dkim_options opt = {.min_key_bits = 2048};
	struct dkimsign_opts o = rsa_opts;
	struct am_dkim_lib *lib;
	char err[128], *msg;
	struct run r;

	(void)state;
	assert_non_null(lib = am_dkim_lib_new(&opt, err, sizeof(err)));
	o.selector = "s1024";
	msg = signed_with(K.rsa1024, &o, message);
	verify_lib(&r, lib, T0, msg, strlen(msg));
	expect(&r.res.sigs[0], AM_RESULT_POLICY, AM_DKIM_WEAK_KEY,
	    "2048-bit minimum; key has 1024 bits");
	done(&r);
	free(msg);
	am_dkim_lib_free(lib);
}

static void
min_key_bits_below_1024_refused(void **state)
{
	struct am_dkim_options opt = {.min_key_bits = 512};
	char err[128] = "";

	(void)state;
	assert_null(am_dkim_lib_new(&opt, err, sizeof(err)));
	assert_non_null(strstr(err, "RFC 8301"));
}

static void
expiry_follows_the_clock(void **state)
{
	struct dkimsign_opts o = rsa_opts;
	char *msg;
	struct run r;

	(void)state;
	o.ttl = 3600;
	msg = signed_with(K.rsa2048, &o, message);
	verify_lib(&r, K.lib, T0 + 3600, msg, strlen(msg));
	expect(&r.res.sigs[0], AM_RESULT_PASS, AM_DKIM_VERIFIED, "verified");
	done(&r);
	verify_lib(&r, K.lib, T0 + 3601, msg, strlen(msg));
	expect(&r.res.sigs[0], AM_RESULT_FAIL, AM_DKIM_EXPIRED,
	    "signature expired at 2023-11-14 23:13:20 UTC");
	/* Judged before the key was needed: none was looked up. */
	assert_false(r.wants_body);
	done(&r);
	free(msg);
}

/* The message under signatures by keys[k] with selectors sels[k] (n of
 * them, the first on top), verified with lib. */
static void
verify_signed(struct run *r, struct am_dkim_lib *lib,
    struct dkimsign_key *const *keys, const char *const *sels, size_t n)
{
	struct dkimsign_opts o = rsa_opts;
	char *f[4], *msg;
	size_t k;

	assert_true(n <= 4);
	for (k = 0; k < n; k++) {
		o.selector = sels[k];
		o.alg = keys[k] == K.ed25519 ? DKIM_SIGN_ED25519SHA256 :
					       DKIM_SIGN_RSASHA256;
		f[k] = dkimsign_sign(keys[k], &o, message);
	}
	msg = with_sigs(message, f, n);
	verify_lib(r, lib, T0, msg, strlen(msg));
	for (k = 0; k < n; k++)
		free(f[k]);
	free(msg);
}

static void
mixed_signatures_in_order(void **state)
{
	/* K.other signs but is not the key published for s2048. */
	struct dkimsign_key *keys[] = {K.rsa2048, K.other, K.rsa2048};
	static const char *const sels[] = {"s2048", "s2048", "absent"};
	struct run r;

	(void)state;
	verify_signed(&r, K.lib, keys, sels, 3);
	assert_int_equal(r.res.count, 3);
	expect(&r.res.sigs[0], AM_RESULT_PASS, AM_DKIM_VERIFIED, "verified");
	expect(&r.res.sigs[1], AM_RESULT_FAIL, AM_DKIM_BAD_SIGNATURE,
	    "signature did not verify");
	expect(&r.res.sigs[2], AM_RESULT_PERMERROR, AM_DKIM_NO_KEY,
	    "no key for selector absent at example.com (NXDOMAIN)");
	assert_string_equal(r.res.sigs[2].selector, "absent");
	done(&r);
}

static void
key_timeout_is_temperror_others_go_on(void **state)
{
	struct dkimsign_key *keys[] = {K.rsa2048, K.rsa2048, K.rsa2048};
	static const char *const sels[] = {"slow", "s2048", "absent"};
	struct run r;

	(void)state;
	verify_signed(&r, K.lib, keys, sels, 3);
	assert_int_equal(r.res.count, 3);
	expect(&r.res.sigs[0], AM_RESULT_TEMPERROR, AM_DKIM_DNS_ERROR,
	    "key lookup for slow._domainkey.example.com failed (timeout)");
	expect(&r.res.sigs[1], AM_RESULT_PASS, AM_DKIM_VERIFIED, "verified");
	expect(&r.res.sigs[2], AM_RESULT_PERMERROR, AM_DKIM_NO_KEY, "absent");
	done(&r);
}

static void
partial_body_is_policy(void **state)
{
	static const dkim_canon_t canons[] = {DKIM_CANON_SIMPLE,
	    DKIM_CANON_RELAXED};
	struct dkimsign_opts o = rsa_opts;
	char *msg, *more;
	struct run r;
	size_t i;

	(void)state;
	o.length = true;
	for (i = 0; i < 2; i++) {
		o.bcanon = canons[i];
		msg = signed_with(K.rsa2048, &o, message);
		assert_non_null(strstr(msg, "l="));
		verify(&r, msg);
		expect(&r.res.sigs[0], AM_RESULT_PASS, AM_DKIM_VERIFIED,
		    "verified");
		done(&r);
		more = tamper(msg, "attached.\r\n",
		    "attached.\r\n\r\nPS: click here\r\n");
		verify(&r, more);
		expect(&r.res.sigs[0], AM_RESULT_POLICY, AM_DKIM_PARTIAL_BODY,
		    "l= leaves 18 bytes unsigned");
		done(&r);
		free(more);
		/* Shorter than l=: the body was cut. */
		more = tamper(msg, "attached.\r\n", "");
		verify(&r, more);
		expect(&r.res.sigs[0], AM_RESULT_FAIL, AM_DKIM_BODY_CHANGED,
		    "l= is longer than the body (body cut in transit)");
		done(&r);
		free(more);
		free(msg);
	}
}

static void
limit_leaves_the_rest_unchecked(void **state)
{
	struct am_dkim_options opt = {.max_signatures = 2};
	struct dkimsign_key *keys[] = {K.rsa2048, K.rsa1024, K.ed25519,
	    K.rsa512};
	static const char *const sels[] = {"s2048", "s1024", "ed", "s512"};
	struct am_dkim_lib *lib;
	char err[128];
	struct run r;

	(void)state;
	assert_non_null(lib = am_dkim_lib_new(&opt, err, sizeof(err)));
	verify_signed(&r, lib, keys, sels, 4);
	assert_int_equal(r.res.count, 2);
	assert_int_equal(r.res.unchecked, 2);
	expect(&r.res.sigs[0], AM_RESULT_PASS, AM_DKIM_VERIFIED, "2048");
	expect(&r.res.sigs[1], AM_RESULT_PASS, AM_DKIM_VERIFIED, "1024");
	/* Prefetched at their fields: two lookups, no more. */
	assert_int_equal(r.queries_at_eoh, 2);
	assert_int_equal(am_dns_session_queries(r.env.session), 2);
	done(&r);
	am_dkim_lib_free(lib);
}

static void
header_b_prefixes_are_unique(void **state)
{
	static const char *const fields[] = {
		"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s2048; "
		"h=from; bh=AAAA; b=QUJDREVGR0hJSktMTU5PUF\r\n\tFSUw==",
		"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s2048; "
		"h=from; bh=AAAA; b=QUJDREVGR0hJSktMTU5PUFJT",
		"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s2048; "
		"h=from; bh=AAAA; b=QUJD",
		"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s2048; "
		"h=from; bh=AAAA; b=enp6enp6enp6enp6",
	};
	char *msg = with_sigs(message, (char *const *)fields, 4);
	struct run r;

	(void)state;
	verify(&r, msg);
	assert_int_equal(r.res.count, 4);
	assert_string_equal(r.res.sigs[0].b, "QUJDREVGR0hJSktMTU5PUFF");
	assert_string_equal(r.res.sigs[1].b, "QUJDREVGR0hJSktMTU5PUFJ");
	assert_string_equal(r.res.sigs[2].b, "QUJD");
	assert_string_equal(r.res.sigs[3].b, "enp6enp6");
	done(&r);
	free(msg);
}

/* Every CRLF made LF.  Caller frees. */
static char *
lf_only(const char *msg)
{
	struct am_buf b;

	am_buf_init(&b, 0);
	for (; *msg != '\0'; msg++)
		if (*msg != '\r')
			am_buf_addc(&b, *msg);
	return (char *)am_buf_str(&b);
}

static void
lf_folds_verify_like_crlf(void **state)
{
	static const char folded[] =
	    "From: Alice\r\n <alice@example.com>\r\n"
	    "Subject: a subject\r\n\tfolded twice\r\n  and indented\r\n"
	    "\r\n"
	    "body\r\n";
	static const dkim_canon_t canons[] = {DKIM_CANON_SIMPLE,
	    DKIM_CANON_RELAXED};
	struct dkimsign_opts o = rsa_opts;
	char *msg, *lf;
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		o.hcanon = canons[i];
		msg = signed_with(K.rsa2048, &o, folded);
		lf = lf_only(msg);
		verify(&r, lf);
		expect(&r.res.sigs[0], AM_RESULT_PASS, AM_DKIM_VERIFIED,
		    "verified");
		done(&r);
		free(lf);
		free(msg);
	}
}

static void
no_signature_wants_no_body(void **state)
{
	struct run r;

	(void)state;
	verify(&r, message);
	assert_int_equal(r.res.count, 0);
	assert_int_equal(r.res.unchecked, 0);
	assert_false(r.wants_body);
	assert_int_equal(am_dns_session_queries(r.env.session), 0);
	done(&r);
}

static void
key_prefetched_at_the_field(void **state)
{
	char *field = dkimsign_sign(K.rsa2048, &rsa_opts, message);
	const char *colon;
	struct run r;

	(void)state;
	assert_non_null(field);
	colon = strchr(field, ':');
	memset(&r, 0, sizeof(r));
	test_env_init(&r.env, K.zone);
	r.dkim = am_dkim_new(K.lib, &r.env.ctx, r.env.session, r.env.arena,
	    NULL);
	am_dkim_header(r.dkim, field, (size_t)(colon - field), colon + 1,
	    strlen(colon + 1));
	assert_int_equal(am_dns_session_queries(r.env.session), 1);
	assert_true(am_dkim_wants_body(r.dkim));
	am_dkim_free(r.dkim);
	done(&r);
	free(field);
}

static void
trace_explains_each_signature(void **state)
{
	char *msg = signed_with(K.rsa2048, &rsa_opts, message);
	bool field = false, key = false, result = false;
	const struct am_trace_line *l;
	struct run r;

	(void)state;
	verify(&r, msg);
	free(msg);
	for (l = r.trace.head; l != NULL; l = l->next) {
		assert_string_equal(l->method, "dkim");
		field |= strstr(l->text, "DKIM-Signature 1: d=example.com "
					 "s=s2048 a=rsa-sha256") != NULL;
		key |= strstr(l->text, "TXT s2048._domainkey.example.com -> 1 "
				       "record") != NULL;
		result |= strstr(l->text, "signature 1 (d=example.com "
					  "s=s2048): pass: verified") != NULL;
	}
	assert_true(field);
	assert_true(key);
	assert_true(result);
	done(&r);
}

/* Fields fed one by one, with explicit lengths (NUL bytes included). */
struct field {
	const char *name, *value;
	size_t len; /* 0: strlen(value) */
};

static void
verify_fields(struct run *r, const struct field *f, size_t n)
{
	size_t k;

	memset(r, 0, sizeof(*r));
	test_env_init(&r->env, K.zone);
	r->env.now = T0;
	am_trace_init(&r->trace, r->env.arena);
	r->dkim = am_dkim_new(K.lib, &r->env.ctx, r->env.session,
	    r->env.arena, &r->trace);
	for (k = 0; k < n; k++)
		am_dkim_header(r->dkim, f[k].name, strlen(f[k].name),
		    f[k].value, f[k].len != 0 ? f[k].len : strlen(f[k].value));
	am_dkim_end_headers(r->dkim);
	r->wants_body = am_dkim_wants_body(r->dkim);
	am_dkim_body(r->dkim, (const unsigned char *)"hi\r\n", 4);
	am_dkim_finish(r->dkim, &r->res);
	am_dkim_free(r->dkim);
}

static void
malformed_fields_are_neutral(void **state)
{
	static const char nul[] = " v=1; a=rsa-sha256; d=exam\0ple.com; s=x; "
				  "h=from; bh=A; b=B";
	static const struct field f[] = {
		{"DKIM-Signature", " v=1; a=rsa-sha256; d=example.com; s=s2048",
		    0},
		{"dkim-signature", ";;;=;", 0},
		{"DKIM-Signature", " \x01\xff\x80 binary", 0},
		{"DKIM-Signature", nul, sizeof(nul) - 1},
		{"DKIM-Signature", " v=1; a=rsa-sha256; d=ex ample.com; s=s; "
				   "h=from; bh=A; b=B", 0},
		{"DKIM-Signature", " v=1; a=rsa-sha256; d=example.com; s=s; "
				   "h=from; bh=A; b=B; t=9; x=8", 0},
		{"DKIM-Signature", "", 0},
		{"From", " alice@example.com", 0},
	};
	struct run r;
	size_t k;

	(void)state;
	verify_fields(&r, f, sizeof(f) / sizeof(f[0]));
	assert_int_equal(r.res.count, 5);
	assert_int_equal(r.res.unchecked, 2);
	for (k = 0; k < r.res.count; k++)
		expect(&r.res.sigs[k], AM_RESULT_NEUTRAL,
		    AM_DKIM_SIGNATURE_SYNTAX, "malformed DKIM-Signature: ");
	expect(&r.res.sigs[0], AM_RESULT_NEUTRAL, AM_DKIM_SIGNATURE_SYNTAX,
	    "b= is missing");
	expect(&r.res.sigs[2], AM_RESULT_NEUTRAL, AM_DKIM_SIGNATURE_SYNTAX,
	    "tag name expected at offset 1");
	expect(&r.res.sigs[3], AM_RESULT_NEUTRAL, AM_DKIM_SIGNATURE_SYNTAX,
	    "byte 0x00");
	assert_string_equal(r.res.sigs[0].domain, "example.com");
	assert_null(r.res.sigs[4].domain);
	/* Nothing was looked up, nothing needs the body. */
	assert_int_equal(am_dns_session_queries(r.env.session), 0);
	assert_false(r.wants_body);
	done(&r);
}

/* Only a DKIM-Signature our parser accepted is handed to libopendkim:
 * its own list holds the good signature alone. */
static void
only_accepted_signatures_reach_libopendkim(void **state)
{
	static const char *const bad[] = {" v=1; a=rsa-sha256; d=example.com",
	    ";;;=;", " \x01\xff binary"};
	struct test_env env;
	struct am_dkim *d;
	DKIM_SIGINFO **list;
	char *sig = dkimsign_sign(K.rsa2048, &rsa_opts, message);
	const char *colon = strchr(sig, ':');
	int nsigs = 0;
	size_t k;

	(void)state;
	test_env_init(&env, K.zone);
	env.now = T0;
	d = am_dkim_new(K.lib, &env.ctx, env.session, env.arena, NULL);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		am_dkim_header(d, "DKIM-Signature", 14, bad[k], strlen(bad[k]));
	am_dkim_header(d, "DKIM-Signature", 14, colon + 1, strlen(colon + 1));
	am_dkim_header(d, "From", 4, " alice@example.com", 18);
	am_dkim_end_headers(d);
	assert_int_equal(dkim_getsiglist(d->d, &list, &nsigs), DKIM_STAT_OK);
	assert_int_equal(nsigs, 1);
	am_dkim_free(d);
	free(sig);
	test_env_free(&env);
}

/* A signed message behind 2000 other header fields is not verified: the
 * work libopendkim does per signature grows with the number of fields. */
static void
past_2000_fields_nothing_is_verified(void **state)
{
	char *msg = signed_with(K.rsa2048, &rsa_opts, message), *padded;
	struct am_buf b;
	struct run r;
	size_t n, k;

	(void)state;
	for (n = 1994; n <= 1995; n++) {
		am_buf_init(&b, 0);
		for (k = 0; k < n; k++)
			am_buf_printf(&b, "X-Pad: %zu\r\n", k);
		am_buf_adds(&b, msg);
		padded = (char *)am_buf_str(&b);
		verify(&r, padded);
		assert_int_equal(r.res.count, 1);
		/* the signature and the message's five fields make six */
		if (n + 6 == 2000)
			expect(&r.res.sigs[0], AM_RESULT_PASS, AM_DKIM_VERIFIED,
			    "verified");
		else
			expect(&r.res.sigs[0], AM_RESULT_NEUTRAL,
			    AM_DKIM_TOO_MANY_FIELDS, "more header fields than");
		done(&r);
		am_buf_release(&b);
	}
	free(msg);
}

static void
huge_and_binary_fields_do_not_crash(void **state)
{
	char *sig = dkimsign_sign(K.rsa2048, &rsa_opts, message);
	size_t big = 3u << 20, k;
	char *junk = malloc(big), long_sig[128];
	struct field f[8];
	struct run r;

	(void)state;
	assert_non_null(sig);
	assert_non_null(junk);
	for (k = 0; k < big; k++)
		junk[k] = (char)(k % 256);
	/* A well-formed signature too long to pass on: b= of 2 MiB. */
	k = (size_t)snprintf(long_sig, sizeof(long_sig), " v=1; a=rsa-sha256; "
	    "d=example.com; s=s2048; h=from; bh=AAAA; b=");
	memset(junk + (2u << 20), 'Q', big - (2u << 20));
	memcpy(junk + (2u << 20) - k, long_sig, k);
	f[0] = (struct field){"DKIM-Signature", strchr(sig, ':') + 1, 0};
	f[1] = (struct field){"Subject", junk, 300000};
	f[2] = (struct field){"X-\x01\xff", " control bytes in a name", 0};
	f[3] = (struct field){"X-Big", junk + 1000, 100000};
	f[4] = (struct field){"DKIM-Signature", junk + (2u << 20) - k,
	    big - (2u << 20) + k};
	f[5] = (struct field){"From", " Alice <alice@example.com>", 0};
	f[6] = (struct field){"Subject", " Quarterly report", 0};
	f[7] = (struct field){"X-Huge", junk, big};
	verify_fields(&r, f, 8);
	assert_int_equal(r.res.count, 2);
	/* The signed Subject is there but a foreign one is above it. */
	expect(&r.res.sigs[0], AM_RESULT_FAIL, AM_DKIM_BAD_SIGNATURE,
	    "signature did not verify");
	expect(&r.res.sigs[1], AM_RESULT_NEUTRAL, AM_DKIM_SIGNATURE_SYNTAX,
	    "the field is too long");
	done(&r);
	free(junk);
	free(sig);
}

static void
unknown_algorithms_are_permerror(void **state)
{
	static const struct field f[] = {
		{"DKIM-Signature", " v=1; a=rsa-sha512; d=example.com; "
				   "s=s2048; h=from; bh=AAAA; b=QUJD", 0},
		{"DKIM-Signature", " v=1; a=rsa-sha256; c=loose/relaxed; "
				   "d=example.com; s=s2048; h=from; bh=AAAA; "
				   "b=QUJE", 0},
		{"From", " alice@example.com", 0},
	};
	struct run r;

	(void)state;
	verify_fields(&r, f, sizeof(f) / sizeof(f[0]));
	assert_int_equal(r.res.count, 2);
	expect(&r.res.sigs[0], AM_RESULT_PERMERROR, AM_DKIM_UNSUPPORTED,
	    "unknown algorithm a=rsa-sha512");
	expect(&r.res.sigs[1], AM_RESULT_PERMERROR, AM_DKIM_UNSUPPORTED,
	    "unknown canonicalization (c=)");
	done(&r);
}

/* The decoded key of a record serves the next message (dkim_keycache.c),
 * and never stands for another key. */
static void
decoded_keys_are_kept_per_key(void **state)
{
	struct dkimsign_key *keys[] = {K.rsa2048, K.rsa2048};
	static const char *const sels[] = {"s2048", "s1024"};
	unsigned long h1, m1, h2, m2;
	struct run r;
	int round;

	(void)state;
	for (round = 0; round < 2; round++) {
		am_dkim_keycache_stats(&h1, &m1);
		verify_signed(&r, K.lib, keys, sels, 2);
		am_dkim_keycache_stats(&h2, &m2);
		assert_int_equal(r.res.count, 2);
		expect(&r.res.sigs[0], AM_RESULT_PASS, AM_DKIM_VERIFIED,
		    "verified");
		/* s1024 publishes another key: the 2048-bit one in the
		 * cache must not verify it */
		expect(&r.res.sigs[1], AM_RESULT_FAIL, AM_DKIM_BAD_SIGNATURE,
		    "signature did not verify");
		if (round == 1) /* both keys were decoded before */
			assert_true(h2 == h1 + 2 && m2 == m1);
		done(&r);
	}
}

#define CASE(name, fn) {"dkim: " name, fn, NULL, NULL, NULL}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		CASE("min_key_bits 2048 makes a 1024-bit key policy",
		    min_key_bits_2048_makes_1024_policy),
		CASE("min_key_bits below 1024 is refused",
		    min_key_bits_below_1024_refused),
		CASE("x= expiry follows the injected clock: pass, then fail",
		    expiry_follows_the_clock),
		CASE("pass, fail and no key reported separately, in order",
		    mixed_signatures_in_order),
		CASE("key lookup timeout is temperror; the others go on",
		    key_timeout_is_temperror_others_go_on),
		CASE("l= with content appended is policy with the byte count",
		    partial_body_is_policy),
		CASE("past max_signatures: counted unchecked, not looked up",
		    limit_leaves_the_rest_unchecked),
		CASE("header.b prefixes are unique and at least 8 characters",
		    header_b_prefixes_are_unique),
		CASE("LF-only folded headers verify the same as CRLF",
		    lf_folds_verify_like_crlf),
		CASE("no signature: wants_body is false, nothing looked up",
		    no_signature_wants_no_body),
		CASE("the key is prefetched at the DKIM-Signature field",
		    key_prefetched_at_the_field),
		CASE("trace explains each signature",
		    trace_explains_each_signature),
		CASE("malformed DKIM-Signature fields are neutral, looked up "
		     "nowhere", malformed_fields_are_neutral),
		CASE("huge fields and binary bytes do not crash",
		    huge_and_binary_fields_do_not_crash),
		CASE("unknown algorithm or canonicalization is permerror",
		    unknown_algorithms_are_permerror),
		CASE("a PKCS#1 key record becomes SubjectPublicKeyInfo; others "
		     "stay as published", pkcs1_keys_become_spki_others_stay),
		CASE("only DKIM-Signature fields our parser accepted reach "
		     "libopendkim", only_accepted_signatures_reach_libopendkim),
		CASE("past 2000 header fields no signature is verified",
		    past_2000_fields_nothing_is_verified),
		CASE("a decoded key serves later messages, only for its own "
		     "bytes", decoded_keys_are_kept_per_key),
	};
	enum { NONE = sizeof(one_cases) / sizeof(one_cases[0]),
	       NFIXED = sizeof(fixed) / sizeof(fixed[0]) };
	struct CMUnitTest tests[NONE + NFIXED];
	char names[NONE][128];
	size_t i;

	for (i = 0; i < NONE; i++) {
		snprintf(names[i], sizeof(names[i]), "dkim: %s",
		    one_cases[i].name);
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = names[i];
		tests[i].test_func = one_named_case;
		tests[i].initial_state = (void *)&one_cases[i];
	}
	for (i = 0; i < NFIXED; i++)
		tests[NONE + i] = fixed[i];
	return _cmocka_run_group_tests("dkim", tests, NONE + NFIXED, setup,
	    teardown);
}
