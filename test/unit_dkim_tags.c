/* unit_dkim_tags.c - the DKIM-Signature tag parser (RFC 6376 3.2, 3.5)
 * and the canonical body length counter (3.4.3, 3.4.4). */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "dkim_internal.h"
#include "testlib.h"

#define GOOD "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=BBBB"

static void
tags_of_a_wellformed_signature(void **state)
{
	static const char v[] =
	    " v=1; a=rsa-sha256; c=relaxed/simple;\r\n d=Example.COM;"
	    " s=sel-1_x; i=\"a b\"@sub.example.com; t=1700000000;\n\t"
	    "x=1700003600; l=42; h=from : to; z=future|tags;\r\n"
	    " bh=AAAA=; b=QUJD\r\n REVG\n\tR0g=;";
	struct am_arena *a = am_arena_new();
	struct am_dkim_sigtags t;

	(void)state;
	assert_true(am_dkim_sigtags_parse(v, sizeof(v) - 1, &t));
	assert_string_equal(am_dkim_tag_copy(a, &t.tag[AM_DKIM_TAG_D]),
	    "Example.COM");
	assert_string_equal(am_dkim_tag_copy(a, &t.tag[AM_DKIM_TAG_S]), "sel-1_x");
	assert_string_equal(am_dkim_tag_copy(a, &t.tag[AM_DKIM_TAG_C]),
	    "relaxed/simple");
	assert_string_equal(am_dkim_tag_copy(a, &t.tag[AM_DKIM_TAG_H]),
	    "from : to");
	assert_string_equal(am_dkim_tag_compact(a, &t.tag[AM_DKIM_TAG_B]),
	    "QUJDREVGR0g=");
	assert_string_equal(am_dkim_tag_copy(a, &t.tag[AM_DKIM_TAG_BH]), "AAAA=");
	assert_true(t.t == 1700000000 && t.x == 1700003600 && t.l == 42);
	assert_null(am_dkim_tag_copy(a, &(struct am_dkim_tagval){NULL, 0}));
	am_arena_free(a);
}

/* h= naming 257 fields, one more than is accepted */
#define H257 "a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a"

static void
malformed_fields_are_refused(void **state)
{
	static const struct {
		const char *value, *why;
	} bad[] = {
		{"", "v= is missing"},
		{";;;", "v= is missing"},
		{"v=2; a=rsa-sha256; d=example.com; s=s; h=from; bh=A; b=B",
		    "v= is not 1"},
		{"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=A",
		    "b= is missing"},
		{"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=A; b=",
		    "b= is empty"},
		{GOOD "; d=example.org", "tag d= appears twice"},
		{GOOD "; zz=1; zz=2", "tag zz= appears twice"},
		{GOOD "; =x", "tag name expected"},
		{GOOD "; 9a=x", "tag name expected"},
		{GOOD "; novalue", "'=' expected after novalue"},
		{GOOD "; x=\x01", "byte 0x01 in the value of x="},
		{GOOD "; n=caf\xc3\xa9", "byte 0xc3"},
		{"v=1; a=rsa-sha256; d=exa mple.com; s=s; h=from; bh=A; b=B",
		    "d= is not a domain name"},
		{"v=1; a=rsa-sha256; d=legitimate.com(.attacker.com; s=s; "
		 "h=from; bh=A; b=B", "d= is not a domain name"},
		{"v=1; a=rsa-sha256; d=example.com.; s=s; h=from; bh=A; b=B",
		    "d= is not a domain name"},
		{"v=1; a=rsa-sha256; d=example..com; s=s; h=from; bh=A; b=B",
		    "d= is not a domain name"},
		{"v=1; a=rsa-sha256; d=example.com; s=a/b; h=from; bh=A; b=B",
		    "s= is not a valid selector"},
		{GOOD "; i=user@example.org", "i= is not within d="},
		{GOOD "; i=user@notexample.com", "i= is not within d="},
		{GOOD "; i=no-at-sign", "i= is not within d="},
		{GOOD "; t=12x", "t= is not a number"},
		{GOOD "; t=1234567890123", "t= is not a number"},
		{GOOD "; x=", "x= is not a number"},
		{GOOD "; t=200; x=200", "x= is not after t="},
		{GOOD "; l=-1", "l= is not a number"},
		{"v=1; a=rsa-sha256; d=example.com; s=s; bh=A; b=B; h=" H257,
		    "h= names more than 256 header fields"},
	};
	struct am_dkim_sigtags t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (am_dkim_sigtags_parse(bad[i].value, strlen(bad[i].value), &t))
			fail_msg("accepted \"%s\"", bad[i].value);
		if (strstr(t.why, bad[i].why) == NULL)
			fail_msg("\"%s\": why \"%s\", want \"%s\"", bad[i].value,
			    t.why, bad[i].why);
	}
}

static void
limits_and_extremes(void **state)
{
	struct am_dkim_sigtags t;
	size_t len = 200000, k;
	char *v = malloc(len);

	(void)state;
	assert_non_null(v);
	/* 64 tags are allowed, the 65th is not. */
	for (k = 0, len = 0; k < 65; k++)
		len += (size_t)snprintf(v + len, 200000 - len, "t%zu=1;", k);
	assert_false(am_dkim_sigtags_parse(v, len, &t));
	assert_non_null(strstr(t.why, "more than 64 tags"));
	/* 76 digits of l= saturate; a huge b= is fine. */
	len = (size_t)snprintf(v, 200000, GOOD "; l=%s", "99999999999999999999"
	    "99999999999999999999999999999999999999999999999999999999");
	assert_true(am_dkim_sigtags_parse(v, len, &t));
	assert_true(t.l == UINT64_MAX);
	len = (size_t)snprintf(v, 200000, "%s", GOOD);
	memset(v + len, 'Q', 190000);
	assert_true(am_dkim_sigtags_parse(v, len + 190000, &t));
	assert_int_equal(t.tag[AM_DKIM_TAG_B].len, 190004);
	/* The length is the end: no NUL is needed or read. */
	len = strlen(GOOD);
	memcpy(v + 199990 - len, GOOD, len);
	assert_true(am_dkim_sigtags_parse(v + 199990 - len, len, &t));
	free(v);
}

static void
body_lengths_simple_and_relaxed(void **state)
{
	static const struct {
		const char *body;
		uint64_t simple, relaxed;
	} cases[] = {
		{"", 2, 0},
		{"\r\n\r\n\r\n", 2, 0},
		{"Hi.\r\n", 5, 5},
		{"Hi.", 5, 5},
		{"Hi.\r\n\r\n\r\n", 5, 5},
		{"a \t b  \r\n", 9, 5},	 /* relaxed: "a b" */
		{"line\r\n \t \r\nend\r\n", 16, 13}, /* WSP-only line */
		{"x\r\n\r\ny\r\n\r\n", 8, 8},
		{"bare\rcr\r\n", 9, 9},
		{"trailing cr\r", 14, 14},
		{"  \t", 5, 0},
	};
	struct am_dkim_bodylen s, r;
	const unsigned char *p;
	size_t i, k, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		am_dkim_bodylen_init(&s, false);
		am_dkim_bodylen_init(&r, true);
		p = (const unsigned char *)cases[i].body;
		len = strlen(cases[i].body);
		/* One byte at a time: pieces must not matter. */
		for (k = 0; k < len; k++) {
			am_dkim_bodylen_add(&s, p + k, 1);
			am_dkim_bodylen_add(&r, p + k, 1);
		}
		if (am_dkim_bodylen_total(&s) != cases[i].simple ||
		    am_dkim_bodylen_total(&r) != cases[i].relaxed)
			fail_msg("case %zu: simple %llu relaxed %llu", i,
			    (unsigned long long)am_dkim_bodylen_total(&s),
			    (unsigned long long)am_dkim_bodylen_total(&r));
	}
}

#define CASE(name, fn) {name, fn, NULL, NULL, NULL}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		CASE("dkim tags: a well-formed signature yields its tags",
		    tags_of_a_wellformed_signature),
		CASE("dkim tags: malformed fields are refused with a reason",
		    malformed_fields_are_refused),
		CASE("dkim tags: 64-tag limit, huge values, no NUL needed",
		    limits_and_extremes),
		CASE("dkim bodylen: canonical body lengths, simple and relaxed",
		    body_lengths_simple_and_relaxed),
	};

	return _cmocka_run_group_tests("dkim_tags", tests,
	    sizeof(tests) / sizeof(tests[0]), NULL, NULL);
}
