/* unit_arc_tags.c - the parsers and canonicalizers under ARC: tag lists
 * (RFC 6376 3.2, taglist.c, shared with DKIM), the tags of ARC-Message-Signature and ARC-Seal (RFC
 * 8617 4.1.2, 4.1.3), the AAR instance (4.1.1), key records (RFC 6376
 * 3.6.1), base64, body and header canonicalization (3.4), h= selection
 * (5.4.2) and the results of an AAR (RFC 8601 2.2). */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "arc_internal.h"
#include "arcsign.h"
#include "base64.h"
#include "bodycanon.h"
#include "message.h"
#include "testlib.h"

#define B64 "QUJD"						/* "ABC" */
#define BH  "KWSe46TZKCcDbH4klJPo+tjk5LWJnVRlP5pvjXFZYLQ=" /* 32 bytes */
#define AMS "i=1; a=rsa-sha256; d=example.org; s=sel; h=from:to; bh=" BH \
	    "; b=" B64
#define AS  "i=2; a=ed25519-sha256; cv=pass; d=example.org; s=sel; b=" B64

static void
tag_lists_follow_the_grammar(void **state)
{
	static const struct {
		const char *text;
		bool strict, lenient;
	} cases[] = {
		{"a=1; b=2", true, true},
		{"a=1; b=2;", true, true},	     /* a final ';' */
		{"a=1; b=2;  \r\n ", true, true},   /* then FWS */
		{" a = 1 ;\r\n\tb=x y", true, true}, /* FWS around */
		{"a=1;; b=2", false, true},	     /* an empty tag-spec */
		{";a=1", false, true},
		{"a=1; a=2", false, false},	     /* a name twice */
		{"a=1; 9=2", false, false},
		{"a=1; b", false, false},
		{"a=\x01", false, false},
		{"a=caf\xc3\xa9", true, true},	     /* UTF-8, RFC 8616 */
		{"", true, true},
	};
	struct am_taglist l;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (am_taglist_parse(cases[i].text, strlen(cases[i].text),
			AM_TAGLIST_UTF8, &l) != cases[i].strict)
			fail_msg("strict \"%s\": %s", cases[i].text, l.why);
		if (am_taglist_parse(cases[i].text, strlen(cases[i].text),
			AM_TAGLIST_LENIENT | AM_TAGLIST_UTF8, &l) !=
		    cases[i].lenient)
			fail_msg("lenient \"%s\": %s", cases[i].text, l.why);
	}
	/* DKIM-Signature (dkim_tags.c) takes no UTF-8 */
	assert_false(am_taglist_parse("a=caf\xc3\xa9", 7, AM_TAGLIST_LENIENT,
	    &l));
	assert_string_equal(l.why, "byte 0xc3 in the value of a=");
}

static void
tag_values_and_the_span_b_deletes(void **state)
{
	static const char v[] = "H=x; b= QU\r\n JD ;t=1";
	struct am_taglist l;
	const struct am_tag *b;

	(void)state;
	assert_true(am_taglist_parse(v, sizeof(v) - 1, 0, &l));
	/* names are case-sensitive */
	assert_null(am_taglist_find(&l, "h"));
	assert_non_null(am_taglist_find(&l, "H"));
	b = am_taglist_find(&l, "b");
	assert_non_null(b);
	assert_int_equal(b->value.len, 7);
	assert_memory_equal(b->value.p, "QU\r\n JD", 7);
	/* RFC 6376 3.7: from after "b=" up to the ';', white space too */
	assert_int_equal(b->raw_start, 7);
	assert_int_equal(b->raw_end, 16);
}

struct sig_case {
	const char *name;
	int kind;
	const char *value;
	const char *why; /* NULL: parses */
	unsigned instance;
};

static const struct sig_case sig_cases[] = {
	{"AMS: a well-formed one", AM_ARC_AMS, AMS, NULL, 1},
	{"AMS: v= is ignored, unknown tags too", AM_ARC_AMS,
	    AMS "; v=2; zz=9", NULL, 1},
	{"AMS: h= may be empty", AM_ARC_AMS,
	    "i=1; a=rsa-sha256; d=example.org; s=sel; h=; bh=" BH "; b=" B64,
	    NULL, 1},
	{"AMS: h= missing", AM_ARC_AMS,
	    "i=1; a=rsa-sha256; d=example.org; s=sel; bh=" BH "; b=" B64,
	    "h= is missing", 1},
	{"AMS: no i=", AM_ARC_AMS,
	    "a=rsa-sha256; d=example.org; s=sel; h=from; bh=" BH "; b=" B64,
	    "i= is missing", 0},
	{"AMS: i=0", AM_ARC_AMS, "i=0; a=rsa-sha256", "i=0 is not an instance",
	    0},
	{"AMS: i=51", AM_ARC_AMS, "i=51; a=x", "i=51 is not an instance", 0},
	{"AMS: i=blorp", AM_ARC_AMS, "i=blorp; a=x", "i=blorp is not", 0},
	{"AMS: rsa-sha1 (RFC 8301)", AM_ARC_AMS,
	    "i=1; a=rsa-sha1; d=example.org; s=sel; h=from; bh=" BH "; b=" B64,
	    "a=rsa-sha1 is not allowed (RFC 8301)", 1},
	{"AMS: an unknown algorithm", AM_ARC_AMS,
	    "i=1; a=RSA-SHA256; d=example.org; s=sel; h=f; bh=" BH "; b=" B64,
	    "a=RSA-SHA256 is not a known algorithm", 1},
	{"AMS: bh= not 32 bytes", AM_ARC_AMS,
	    "i=1; a=rsa-sha256; d=example.org; s=sel; h=f; bh=" B64 "; b=" B64,
	    "bh= is not a base64 SHA-256 hash", 1},
	{"AMS: b= not base64", AM_ARC_AMS,
	    "i=1; a=rsa-sha256; d=example.org; s=sel; h=f; bh=" BH
	    "; b=not_base_64",
	    "b= is not base64", 1},
	{"AMS: c= unknown", AM_ARC_AMS, AMS "; c=pancake/waffle",
	    "c=pancake/waffle is not a canonicalization", 1},
	{"AMS: c= empty", AM_ARC_AMS, AMS "; c=", "is not a canonicalization",
	    1},
	{"AMS: d= not a domain", AM_ARC_AMS,
	    "i=1; a=rsa-sha256; d=example...; s=sel; h=f; bh=" BH "; b=" B64,
	    "d= is not a domain name", 1},
	{"AMS: t= not a number", AM_ARC_AMS, AMS "; t=icecream",
	    "t= is not a number", 1},
	{"AMS: t= with a space", AM_ARC_AMS, AMS "; t=1 2345",
	    "t= is not a number", 1},
	{"AMS: s= empty", AM_ARC_AMS,
	    "i=1; a=rsa-sha256; d=example.org; s=; h=f; bh=" BH "; b=" B64,
	    "s= is empty", 1},
	{"AMS: a stray ';'", AM_ARC_AMS, "i=1;; a=rsa-sha256", "empty tag", 0},
	{"AS: a well-formed one", AM_ARC_AS, AS, NULL, 2},
	{"AS: h= is not allowed (4.1.3)", AM_ARC_AS, AS "; h=from",
	    "h= is not allowed in an ARC-Seal", 2},
	{"AS: cv= invalid", AM_ARC_AS,
	    "i=1; a=rsa-sha256; cv=:); d=example.org; s=sel; b=" B64,
	    "cv=:) is not none, pass or fail", 1},
	{"AS: cv= missing", AM_ARC_AS,
	    "i=1; a=rsa-sha256; d=example.org; s=sel; b=" B64, "cv= is missing",
	    1},
	{"AS: cv=Pass (values are case-sensitive)", AM_ARC_AS,
	    "i=1; a=rsa-sha256; cv=Pass; d=example.org; s=sel; b=" B64,
	    "cv=Pass is not none", 1},
};

static void
sig_case(void **state)
{
	const struct sig_case *c = *state;
	struct am_arc_sigtags t;
	bool ok = am_arc_sigtags_parse((enum am_arc_kind)c->kind, c->value,
	    strlen(c->value), &t);

	if (c->why == NULL && !ok)
		fail_msg("refused: %s", t.why);
	if (c->why != NULL && (ok || strstr(t.why, c->why) == NULL))
		fail_msg("why \"%s\", want \"%s\"", ok ? "(parsed)" : t.why,
		    c->why);
	assert_int_equal(t.instance, c->instance);
}

static void
signature_tags_are_read(void **state)
{
	static const char ams[] = "i=3; a=ed25519-sha256; c=relaxed;"
				  " d=Example.ORG; s=s_1; h=from : to; bh=" BH
				  "; b=" B64 "; t=12345; x=99999; l=7";
	struct am_arc_sigtags t;

	(void)state;
	assert_true(am_arc_sigtags_parse(AM_ARC_AMS, ams, sizeof(ams) - 1, &t));
	assert_int_equal(t.instance, 3);
	assert_true(t.ed25519);
	/* c=relaxed: the body part defaults to simple */
	assert_true(t.header_relaxed);
	assert_false(t.body_relaxed);
	assert_int_equal(t.blen, 3);
	assert_memory_equal(t.b, "ABC", 3);
	assert_true(t.has_t && t.t == 12345 && t.has_x && t.x == 99999 &&
	    t.has_l && t.l == 7);
	assert_int_equal(t.h.len, 9);
	assert_true(am_arc_sigtags_parse(AM_ARC_AMS, AMS, strlen(AMS), &t));
	assert_false(t.header_relaxed || t.body_relaxed); /* simple/simple */
}

static void
aar_instances(void **state)
{
	static const struct {
		const char *value;
		unsigned instance;
	} cases[] = {
		{"i=1; lists.example.org; spf=pass", 1},
		{" i = 12 ;x", 12},
		{"(c) i=(n)3 (m);x", 3},
		{"\r\n\ti=50;", 50},
		{"i=51; x", 0},
		{"i=0; x", 0},
		{"i=1 x; y", 0},		   /* no ';' after it */
		{"i=1", 0},
		{"lists.example.org; i=1;", 0}, /* not first */
		{"I=1; x", 0},
		{"i=(unclosed; x", 0},
	};
	size_t i, payload;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (am_arc_aar_instance(cases[i].value, strlen(cases[i].value),
			&payload) != cases[i].instance)
			fail_msg("\"%s\": want %u", cases[i].value,
			    cases[i].instance);
	assert_int_equal(am_arc_aar_instance("i=2;rest", 8, &payload), 2);
	assert_int_equal(payload, 4);
}

static void
key_records(void **state)
{
	static const struct {
		const char *txt, *why;
		bool ed25519, testing;
	} cases[] = {
	    {"v=DKIM1; k=rsa; p=" B64, NULL, false, false},
	    {"p=" B64, NULL, false, false},
	    {"k=ed25519; p=" B64 ";", NULL, true, false},
	    {"v=DKIM1;; p=" B64, NULL, false, false}, /* as published */
	    {"v=DKIM1; t=y:s; s=email; h=sha1:sha256; p=" B64, NULL, false,
		true},
	    {"k=rsa; v=DKIM1; p=" B64, "v= is not DKIM1, first", false, false},
	    {"v=DKIM2; p=" B64, "v= is not DKIM1", false, false},
	    {"k=dsa; p=" B64, "k=dsa is not a known key type", false, false},
	    {"h=sha1; p=" B64, "h= does not allow sha256", false, false},
	    {"s=tlsrpt; p=" B64, "s= does not allow email", false, false},
	    {"v=DKIM1; k=rsa; p=", "the key is revoked (empty p=)", false,
		false},
	    {"v=DKIM1; k=rsa", "p= is missing", false, false},
	};
	struct am_arc_keyrec r;
	size_t i;
	bool ok;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ok = am_arc_keyrec_parse(cases[i].txt, strlen(cases[i].txt),
		    &r);
		if (cases[i].why == NULL && (!ok || r.ed25519 !=
			cases[i].ed25519 || r.testing != cases[i].testing))
			fail_msg("\"%s\": %s", cases[i].txt, r.why);
		if (cases[i].why != NULL && (ok || strstr(r.why,
						      cases[i].why) == NULL))
			fail_msg("\"%s\": got \"%s\"", cases[i].txt, r.why);
	}
}

static void
base64_strict_alphabet_lenient_white_space(void **state)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{"", ""}, {"QQ==", "A"}, {"QUI=", "AB"}, {"QUJD", "ABC"},
		{" Q U\r\n\tJ D ", "ABC"}, {"QUJDRA==", "ABCD"},
	};
	static const char *const bad[] = {"Q", "QQ=", "QQ===", "QR==",
	    "QUJ=D", "QU_D", "====", "QUI=QUI="};
	unsigned char out[16];
	struct am_buf b;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!am_base64_decode(good[i].in, strlen(good[i].in), out,
			sizeof(out), &n) || n != strlen(good[i].out) ||
		    memcmp(out, good[i].out, n) != 0)
			fail_msg("decode \"%s\"", good[i].in);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (am_base64_decode(bad[i], strlen(bad[i]), out, sizeof(out),
			&n))
			fail_msg("decoded \"%s\"", bad[i]);
	assert_false(am_base64_decode("QUJD", 4, out, 2, &n)); /* no room */
	am_buf_init(&b, 0);
	am_base64_encode(&b, (const unsigned char *)"ABCD", 4);
	assert_string_equal(am_buf_str(&b), "QUJDRA==");
	am_buf_reset(&b);
	am_base64_encode(&b, (const unsigned char *)"AB", 2);
	assert_string_equal(am_buf_str(&b), "QUI=");
	am_buf_release(&b);
}

static void
collect(void *arg, const unsigned char *p, size_t len)
{
	am_buf_add(arg, p, len);
}

static void
body_canonicalization(void **state)
{
	static const struct {
		const char *in, *simple, *relaxed;
	} cases[] = {
	    {"", "\r\n", ""},
	    {"\r\n\r\n", "\r\n", ""},
	    {"a  b \t\r\n", "a  b \t\r\n", "a b\r\n"},
	    {" \t x\r\n", " \t x\r\n", " x\r\n"},
	    {"x\r\n\r\n\r\ny\r\n\r\n", "x\r\n\r\n\r\ny\r\n",
		"x\r\n\r\n\r\ny\r\n"},
	    {"x", "x\r\n", "x\r\n"},
	    {"x\r", "x\r\r\n", "x\r\r\n"},
	    {"x\ny\r\n", "x\ny\r\n", "x\ny\r\n"}, /* a bare LF is content */
	    {"   \r\n\r\n", "   \r\n", ""},
	};
	struct am_bodycanon c;
	unsigned char out[3]; /* small: the output crosses runs */
	struct am_buf b;
	size_t i, k;
	int relaxed;

	(void)state;
	am_buf_init(&b, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (relaxed = 0; relaxed < 2; relaxed++) {
			const char *want = relaxed ? cases[i].relaxed :
						     cases[i].simple;

			am_buf_reset(&b);
			am_bodycanon_init(&c, relaxed, collect, &b, out,
			    sizeof(out));
			for (k = 0; cases[i].in[k] != '\0'; k++)
				am_bodycanon_add(&c,
				    (const unsigned char *)cases[i].in + k, 1);
			am_bodycanon_finish(&c);
			if (strcmp(am_buf_str(&b), want) != 0 ||
			    c.total != strlen(want))
				fail_msg("case %zu %s: got \"%s\"", i, relaxed ?
				    "relaxed" : "simple", am_buf_str(&b));
		}
	am_buf_release(&b);
}

static void
header_canonicalization(void **state)
{
	static const char v[] = " A  value\r\n\t with\tb=x ;\n more  ";
	struct am_buf b;

	(void)state;
	am_buf_init(&b, 0);
	am_canon_header(&b, true, "SubJect ", 8, v, sizeof(v) - 1, 0, 0, true);
	assert_string_equal(am_buf_str(&b),
	    "subject:A value with b=x ; more\r\n");
	am_buf_reset(&b);
	am_canon_header(&b, false, "SubJect", 7, v, sizeof(v) - 1, 0, 0, false);
	assert_string_equal(am_buf_str(&b),
	    "SubJect: A  value\r\n\t with\tb=x ;\r\n more  ");
	/* the b= value left out, white space around it too */
	am_buf_reset(&b);
	am_canon_header(&b, true, "X", 1, v, sizeof(v) - 1, 20, 22, false);
	assert_string_equal(am_buf_str(&b), "x:A value with b=; more");
	am_buf_release(&b);
}

/* The canonical text h= selects, through a digest-less MD: SHA-256 of
 * it compared with SHA-256 of the expected text. */
static void
assert_selects(const struct am_hdr_index *ix, const char *h, const char *want)
{
	struct am_tagval hv = {h, strlen(h)};
	unsigned char a[32], b[32];
	EVP_MD_CTX *m1 = EVP_MD_CTX_new(), *m2 = EVP_MD_CTX_new();
	const char *why = NULL;
	unsigned n;

	assert_true(EVP_DigestInit_ex(m1, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestInit_ex(m2, EVP_sha256(), NULL) == 1);
	if (!am_hdr_hash_selected(ix, &hv, true, true, m1, &why))
		fail_msg("h=%s: %s", h, why);
	EVP_DigestUpdate(m2, want, strlen(want));
	EVP_DigestFinal_ex(m1, a, &n);
	EVP_DigestFinal_ex(m2, b, &n);
	if (memcmp(a, b, 32) != 0)
		fail_msg("h=%s does not select \"%s\"", h, want);
	EVP_MD_CTX_free(m1);
	EVP_MD_CTX_free(m2);
}

static void
header_selection_bottom_up(void **state)
{
	struct am_arena *a = am_arena_new();
	struct am_header *list = NULL;
	struct am_hdr_index ix;
	struct am_tagval hv;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	const char *why = NULL;
	char many[64 * 3 + 8];
	size_t k;

	(void)state;
	list = arcsign_field(a, list, "Received", "3");
	list = arcsign_field(a, list, "To", "t");
	list = arcsign_field(a, list, "received", "2");
	list = arcsign_field(a, list, "From", "f");
	list = arcsign_field(a, list, "RECEIVED", "1");
	assert_true(am_hdr_index_build(a, list, &ix));
	assert_int_equal(am_hdr_count(&ix, "Received", 8), 3);
	assert_int_equal(am_hdr_count(&ix, "Subject", 7), 0);
	/* RFC 6376 5.4.2: the last instance first, then upwards */
	assert_selects(&ix, "received:from:received",
	    "received:3\r\nfrom:f\r\nreceived:2\r\n");
	/* a name with none left, or none at all, adds nothing; empty
	 * names are skipped */
	assert_selects(&ix, "to : to: subject::from",
	    "to:t\r\nfrom:f\r\n");
	assert_selects(&ix, "", "");
	/* RFC 8617 4.1.2: an AMS may not sign ARC-Seal */
	hv = (struct am_tagval){"from:arc-seal", 13};
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	assert_false(am_hdr_hash_selected(&ix, &hv, true, true, md, &why));
	assert_string_equal(why, "h= names ARC-Seal (RFC 8617 4.1.2)");
	for (k = 0; k < 65; k++)
		memcpy(many + 2 * k, "a:", 2);
	hv = (struct am_tagval){many, 2 * 65 - 1};
	assert_false(am_hdr_hash_selected(&ix, &hv, true, true, md, &why));
	assert_string_equal(why, "h= names more than 64 header fields");
	EVP_MD_CTX_free(md);
	am_arena_free(a);
}

static void
aar_results(void **state)
{
	static const char v[] =
	    " i=2; mx.example (comment; ;) 1;\r\n\tspf=pass (x)"
	    " smtp.mailfrom=User@Bounce.Example;\r\n\tdkim=pass "
	    "header.d=D.Example"
	    " header.i=\"@d.example\" header.b=abc; garbage here ;"
	    " dmarc/1=pass reason=\"a;b\" header.from=Example.COM;"
	    " arc=none";
	struct am_arena *a = am_arena_new();
	struct am_aar aar;

	(void)state;
	assert_true(am_aar_parse(a, v, sizeof(v) - 1, &aar));
	assert_int_equal(aar.instance, 2);
	assert_string_equal(aar.authserv_id, "mx.example");
	assert_int_equal(aar.n, 4);
	assert_string_equal(aar.results[0].method, "spf");
	assert_string_equal(aar.results[0].smtp_mailfrom,
	    "user@bounce.example");
	assert_string_equal(aar.results[1].header_d, "d.example");
	assert_string_equal(aar.results[1].header_i, "@d.example");
	assert_string_equal(aar.results[2].method, "dmarc");
	assert_string_equal(aar.results[2].result, "pass");
	assert_string_equal(aar.results[2].header_from, "example.com");
	assert_string_equal(aar.results[3].method, "arc");
	assert_false(am_aar_parse(a, "lists.example; dmarc=pass", 25, &aar));
	am_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(tag_lists_follow_the_grammar),
		cmocka_unit_test(tag_values_and_the_span_b_deletes),
		cmocka_unit_test(signature_tags_are_read),
		cmocka_unit_test(aar_instances),
		cmocka_unit_test(key_records),
		cmocka_unit_test(base64_strict_alphabet_lenient_white_space),
		cmocka_unit_test(body_canonicalization),
		cmocka_unit_test(header_canonicalization),
		cmocka_unit_test(header_selection_bottom_up),
		cmocka_unit_test(aar_results),
	};

	return test_run_table("arc tags", "arc tags", TEST_ROWS(sig_cases),
	    sig_case, fixed, sizeof(fixed) / sizeof(fixed[0]), NULL, NULL);
}
