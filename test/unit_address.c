/*
 * unit_address.c - From: address lists (RFC 5322 3.2, 3.4, 4.1, 4.4, RFC
 * 6532), the lenient domain finder, A-label conversion (RFC 5890) and
 * Punycode (RFC 3492): one named case per row of each table.
 *
 * Every text is copied into a buffer of exactly its length, without a
 * NUL, so a read past the end shows under ASan.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "address.h"
#include "idna.h"

#define T(s)  s, sizeof(s) - 1
#define NWANT 4

struct want {
	const char *display, *local, *domain, *ascii;
	bool in_group;
};

struct parse_case {
	const char *name;
	const char *text;
	size_t len, max, count;
	bool truncated;
	struct want addrs[NWANT];
};

static const struct parse_case valid[] = {
    {"plain addr-spec", T("user@example.com"), 8, 1, false,
	{{NULL, "user", "example.com", "example.com", false}}},
    {"name-addr with an atom display name", T("John Doe <jdoe@example.com>"), 8,
	1, false, {{"John Doe", "jdoe", "example.com", "example.com", false}}},
    {"angle-addr without a display name", T("<jdoe@example.com>"), 8, 1, false,
	{{NULL, "jdoe", "example.com", "example.com", false}}},
    {"quoted display name with escapes",
	T("\"Giant; \\\"Big\\\" Box\" <sysservices@example.net>"), 8, 1, false,
	{{"Giant; \"Big\" Box", "sysservices", "example.net", "example.net",
	    false}}},
    {"display name with comment and quoted local-part",
	T("Pete(A nice \\) chap) <\"pete smith\"(his account)@silly.test"
	  "(his host)>"),
	8, 1, false,
	{{"Pete", "pete smith", "silly.test", "silly.test", false}}},
    {"nested comments around every token",
	T("(a (b (c))) x (y) @ (z) example.org (end)"), 8, 1, false,
	{{NULL, "x", "example.org", "example.org", false}}},
    {"display words joined by a comment get one space",
	T("John(x)Doe <j@d.example>"), 8, 1, false,
	{{"John Doe", "j", "d.example", "d.example", false}}},
    {"adjacent quoted word and atom stay joined",
	T("\"John\"Doe <j@d.example>"), 8, 1, false,
	{{"JohnDoe", "j", "d.example", "d.example", false}}},
    {"empty quoted display name", T("\"\" <a@b.example>"), 8, 1, false,
	{{"", "a", "b.example", "b.example", false}}},
    {"folded header with CRLF WSP", T("Mary\r\n Smith\r\n\t<mary@x.test>"), 8,
	1, false, {{"Mary Smith", "mary", "x.test", "x.test", false}}},
    {"fold with a bare LF as MTAs hand it", T("Mary\n\tSmith <mary@x.test>"), 8,
	1, false, {{"Mary Smith", "mary", "x.test", "x.test", false}}},
    {"line of only white space (RFC 5322 A.6.3)",
	T("Mary Smith\r\n  \r\n     <mary@example.net>"), 8, 1, false,
	{{"Mary Smith", "mary", "example.net", "example.net", false}}},
    {"fold inside a quoted display name loses its line break",
	T("\"Mary\r\n Smith\" <mary@x.test>"), 8, 1, false,
	{{"Mary Smith", "mary", "x.test", "x.test", false}}},
    {"group members are flagged",
	T("A Group:Ed Jones <c@a.test>,joe@where.test,John "
	  "<jdoe@one.test>;"),
	8, 3, false,
	{{"Ed Jones", "c", "a.test", "a.test", true},
	    {NULL, "joe", "where.test", "where.test", true},
	    {"John", "jdoe", "one.test", "one.test", true}}},
    {"empty group is valid and gives no address", T("undisclosed-recipients:;"),
	8, 0, false, {{0}}},
    {"group with comments (RFC 5322 A.5)",
	T("A Group(Some people):Chris Jones <c@(Chris's host.)public"
	  ".example>, joe@example.org, John <jdoe@one.test> (my dear "
	  "friend); (the end of the group)"),
	8, 3, false,
	{{"Chris Jones", "c", "public.example", "public.example", true},
	    {NULL, "joe", "example.org", "example.org", true},
	    {"John", "jdoe", "one.test", "one.test", true}}},
    {"group then a plain address", T("Team: a@x.example;, b@y.example"), 8, 2,
	false,
	{{NULL, "a", "x.example", "x.example", true},
	    {NULL, "b", "y.example", "y.example", false}}},
    {"group with empty elements (obs-mbox-list)", T("G: , a@x.example, , ;"), 8,
	1, false, {{NULL, "a", "x.example", "x.example", true}}},
    {"group of only commas (obs-group-list)", T("G: , , ;"), 8, 0, false,
	{{0}}},
    {"obs-route is dropped", T("<@relay.example:user@example.com>"), 8, 1,
	false, {{NULL, "user", "example.com", "example.com", false}}},
    {"obs-route with several domains and empty elements",
	T("Mary Smith <,@node.test,,@[192.0.2.1]:mary@example.net>"), 8, 1,
	false, {{"Mary Smith", "mary", "example.net", "example.net", false}}},
    {"obs-local-part with spaces around the dot", T("john . doe@example.com"),
	8, 1, false, {{NULL, "john.doe", "example.com", "example.com", false}}},
    {"obs-local-part mixing quoted and atom words",
	T("\"john\".doe@example.com"), 8, 1, false,
	{{NULL, "john.doe", "example.com", "example.com", false}}},
    {"obs-domain with CFWS between labels",
	T("John Doe <jdoe@machine(comment).  example>"), 8, 1, false,
	{{"John Doe", "jdoe", "machine.example", "machine.example", false}}},
    {"obs-phrase with a dot", T("John Q. Public <john.q.public@example.com>"),
	8, 1, false,
	{{"John Q. Public", "john.q.public", "example.com", "example.com",
	    false}}},
    {"empty list elements (obs-addr-list)", T("a@b.example, , c@d.example"), 8,
	2, false,
	{{NULL, "a", "b.example", "b.example", false},
	    {NULL, "c", "d.example", "d.example", false}}},
    {"leading and trailing commas", T(", a@b.example,"), 8, 1, false,
	{{NULL, "a", "b.example", "b.example", false}}},
    {"domain literal has no ascii_domain", T("user@[192.0.2.1]"), 8, 1, false,
	{{NULL, "user", "192.0.2.1", NULL, false}}},
    {"IPv6 domain literal in angle brackets", T("<user@[IPv6:2001:db8::1]>"), 8,
	1, false, {{NULL, "user", "IPv6:2001:db8::1", NULL, false}}},
    {"domain literal loses its quoted-pairs", T("x@[a\\[b]"), 8, 1, false,
	{{NULL, "x", "a[b", NULL, false}}},
    {"UTF-8 display name (RFC 6532)",
	T("J\xc3\xb6rg M\xc3\xbcller <joerg@example.de>"), 8, 1, false,
	{{"J\xc3\xb6rg M\xc3\xbcller", "joerg", "example.de", "example.de",
	    false}}},
    {"UTF-8 local-part", T("j\xc3\xb6rg@example.de"), 8, 1, false,
	{{NULL, "j\xc3\xb6rg", "example.de", "example.de", false}}},
    {"UTF-8 domain becomes an A-label",
	T("<info@b\xc3\xbc"
	  "cher.example>"),
	8, 1, false,
	{{NULL, "info",
	    "b\xc3\xbc"
	    "cher.example",
	    "xn--bcher-kva.example", false}}},
    {"upper-case ASCII in a U-label is lowered",
	T("x@B\xc3\xbc"
	  "cher.EXAMPLE"),
	8, 1, false,
	{{NULL, "x",
	    "B\xc3\xbc"
	    "cher.EXAMPLE",
	    "xn--bcher-kva.example", false}}},
    {"ideographic full stop separates labels",
	T("ceo@bank\xe3\x80\x82"
	  "example"),
	8, 1, false,
	{{NULL, "ceo",
	    "bank\xe3\x80\x82"
	    "example",
	    "bank.example", false}}},
    {"escaped UTF-8 in a quoted string", T("\"J\\\xc3\xb6\" <j@d.example>"), 8,
	1, false, {{"J\xc3\xb6", "j", "d.example", "d.example", false}}},
    {"control character in a quoted string (obs-qtext)",
	T("\"a\x01"
	  "b\" <c@d.example>"),
	8, 1, false,
	{{"a\x01"
	  "b",
	    "c", "d.example", "d.example", false}}},
    {"quoted local-part keeps an escaped quote and '@'",
	T("\"a\\\"b@c\"@example.com"), 8, 1, false,
	{{NULL, "a\"b@c", "example.com", "example.com", false}}},
    {"RFC 2047 encoded word is kept as written",
	T("=?utf-8?q?J=C3=B6rg?= <j@example.de>"), 8, 1, false,
	{{"=?utf-8?q?J=C3=B6rg?=", "j", "example.de", "example.de", false}}},
    {"domain keeps its case, ascii_domain is lower-case", T("USER@Example.COM"),
	8, 1, false, {{NULL, "USER", "Example.COM", "example.com", false}}},
    {"comment after an addr-spec is not a display name",
	T("ceo@bank.example (via evil.example)"), 8, 1, false,
	{{NULL, "ceo", "bank.example", "bank.example", false}}},
    {"several addresses",
	T("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>"), 8,
	3, false,
	{{"Mary Smith", "mary", "x.test", "x.test", false},
	    {NULL, "jdoe", "example.org", "example.org", false},
	    {"Who?", "one", "y.test", "y.test", false}}},
    {"addresses past max are counted as truncated",
	T("a@x.example, B <b@x.example>, c@x.example"), 2, 2, true,
	{{NULL, "a", "x.example", "x.example", false},
	    {"B", "b", "x.example", "x.example", false}}},
    {"max 0 keeps nothing but checks everything", T("a@x.example, b@x.example"),
	0, 0, true, {{0}}},
    {"text is read only up to len", "a@b.example, junk", 11, 8, 1, false,
	{{NULL, "a", "b.example", "b.example", false}}},
    {"label too long for DNS leaves ascii_domain NULL",
	T("a@0123456789012345678901234567890123456789012345678901234567890"
	  "123.example"),
	8, 1, false,
	{{NULL, "a",
	    "0123456789012345678901234567890123456789012345678901234567890"
	    "123.example",
	    NULL, false}}},
};

struct bad_case {
	const char *name;
	const char *text;
	size_t len;
	const char *why;
	size_t count; /* addresses parsed before the error */
};

static const struct bad_case invalid[] = {
    {"empty text", T(""), "empty address list", 0},
    {"only white space and a comment", T("  (c) "), "empty address list", 0},
    {"only commas", T(", ,"), "empty address list", 0},
    {"missing '@'", T("john"), "missing '@'", 0},
    {"just a display name", T("John Doe"), "display name without an address",
	0},
    {"missing '>'", T("\"CEO\" <ceo@bank.example"), "unbalanced '<'", 0},
    {"stray '>'", T("ceo@bank.example>"), "unbalanced '>'", 1},
    {"unterminated quoted string", T("\"CEO <ceo@bank.example>"),
	"unterminated quoted string", 0},
    {"unterminated comment keeps the address before it",
	T("ceo@bank.example (hi"), "unterminated comment", 1},
    {"quoted string ending in a backslash", T("\"abc\\"),
	"unterminated quoted string", 0},
    {"unbalanced ']'", T("a@b.example]"), "unbalanced ']'", 1},
    {"stray '>' after a word", T("Joe>"), "unbalanced '>'", 0},
    {"unbalanced ')'", T("a@b.example)"), "unbalanced ')'", 1},
    {"invalid UTF-8: stray continuation byte", T("j\x80@example.com"),
	"invalid UTF-8", 0},
    {"invalid UTF-8: lead byte without continuation",
	T("j\xc3"
	  "x@example.com"),
	"invalid UTF-8", 0},
    {"invalid UTF-8: overlong form", T("\"\xc0\xaf\" <a@b.example>"),
	"invalid UTF-8", 0},
    {"invalid UTF-8: surrogate", T("a@\xed\xa0\x80.example"), "invalid UTF-8",
	0},
    {"invalid UTF-8: past U+10FFFF", T("\xf4\x90\x80\x80@x.example"),
	"invalid UTF-8", 0},
    {"invalid UTF-8: truncated in a comment", T("a@b.example (\xe2\x82"),
	"invalid UTF-8", 1},
    {"invalid UTF-8: Latin-1 domain",
	T("a@b\xfc"
	  "cher.example"),
	"invalid UTF-8", 0},
    {"bare LF (header injection)", T("a@b.example,\nBcc: c@d.example"),
	"bare CR or LF", 1},
    {"bare CR", T("a@b.example\r c@d.example"), "bare CR or LF", 1},
    {"final CRLF is not a fold", T("a@b.example\r\n"), "bare CR or LF", 1},
    {"NUL inside len", T("a@b.example\0"), "NUL byte", 1},
    {"NUL inside a quoted string", T("\"a\0b\" <c@d.example>"), "NUL byte", 0},
    {"quoted-pair of LF (obs-qp) is refused", T("\"a\\\nb\"@x.example"),
	"bare CR or LF", 0},
    {"control character outside quotes",
	T("a\x01"
	  "b@c.example"),
	"control character", 0},
    {"DEL outside quotes", T("a\x7f@b.example"), "control character", 0},
    {"backslash outside quotes", T("a\\b@c.example"),
	"'\\' outside a quoted string", 0},
    {"two addresses without a comma",
	T("attacker@evil.example <ceo@bank.example>"),
	"expected ',' between addresses", 1},
    {"two at-signs", T("ceo@bank.example@evil.example"),
	"expected ',' between addresses", 1},
    {"group without ';'", T("Team: a@b.example"), "unterminated group", 1},
    {"group ending in a comma", T("G: a@b.example,"), "unterminated group", 1},
    {"group member followed by junk", T("Team: a@b.example c@d.example;"),
	"expected ',' or ';' in a group", 1},
    {"group inside a group", T("A: B: c@d.example;;"), "group inside a group",
	0},
    {"group without a name", T(": a@b.example;"), "group without a name", 0},
    {"empty angle address", T("<>"), "empty angle address", 0},
    {"angle address without '@'", T("Joe <joe>"), "missing '@'", 0},
    {"missing domain", T("a@"), "missing domain", 0},
    {"domain ending with a dot", T("a@b.example."), "invalid domain", 0},
    {"empty domain label", T("a@b..example"), "invalid domain", 0},
    {"local-part with a leading dot", T(".a@b.example"), "invalid local-part",
	0},
    {"local-part with two dots", T("a..b@c.example"), "invalid local-part", 0},
    {"words without dots are not a local-part", T("john doe@example.com"),
	"invalid local-part", 0},
    {"display name starting with a dot", T(".John <j@d.example>"),
	"invalid display name", 0},
    {"route without ':'", T("<@relay.example user@example.com>"),
	"invalid route", 0},
    {"route of only commas", T("<,x@y.example>"), "invalid route", 0},
    {"route without a domain", T("<@:a@b.example>"), "missing domain", 0},
    {"'[' inside a domain literal", T("a@[1[2]"), "'[' inside a domain literal",
	0},
    {"unterminated domain literal", T("a@[192.0.2.1"),
	"unterminated domain literal", 0},
    {"domain literal without '@'", T("[192.0.2.1]"),
	"domain literal without '@'", 0},
    {"an error keeps the addresses before it",
	T("a@b.example, c@d.example, <e@f.example"), "unbalanced '<'", 2},
};

struct find_case {
	const char *name;
	const char *text;
	size_t len, max;
	const char *want[NWANT + 1]; /* NULL-terminated */
};

static const struct find_case finds[] = {
    {"missing '>' still yields the domain", T("\"CEO\" <ceo@bank.example"), 8,
	{"bank.example"}},
    {"address used as a display name yields both",
	T("attacker@evil.example <ceo@bank.example>"), 8,
	{"evil.example", "bank.example"}},
    {"comment after the address is ignored",
	T("ceo@bank.example (via evil.example)"), 8, {"bank.example"}},
    {"address inside a comment is ignored",
	T("ceo@bank.example (evil@evil.example) <"), 8, {"bank.example"}},
    {"address in a well-formed quoted display name is ignored",
	T("\"ceo@bank.example\" <x@evil.example"), 8, {"evil.example"}},
    {"quoted local-part holding an '@' is ignored",
	T("\"evil@evil.example\"@bank.example>"), 8, {"bank.example"}},
    {"escaped quote inside a quoted display name",
	T("\"a\\\"@evil.example\" <x@bank.example"), 8, {"bank.example"}},
    {"quoted display name is read when nothing else is found",
	T("\"ceo@bank.example\" <>"), 8, {"bank.example"}},
    {"comment is read when nothing else is found",
	T("Bank CEO (ceo@bank.example)"), 8, {"bank.example"}},
    {"stray quote hides nothing", T("\"ceo@bank.example <x@evil.example>"), 8,
	{"bank.example", "evil.example"}},
    {"unclosed comment hides nothing", T("(<ceo@bank.example>"), 8,
	{"bank.example"}},
    {"a broken quote also shows closed comments",
	T("(x@hidden.example) \"a <ceo@bank.example>"), 8,
	{"hidden.example", "bank.example"}},
    {"two at-signs yield both domains", T("ceo@bank.example@evil.example"), 8,
	{"bank.example", "evil.example"}},
    {"full-width at-sign counts as '@'",
	T("ceo\xef\xbc\xa0"
	  "bank.example"),
	8, {"bank.example"}},
    {"ideographic full stop is a dot",
	T("<ceo@bank\xe3\x80\x82"
	  "example"),
	8, {"bank.example"}},
    {"U-label becomes an A-label",
	T("<ceo@B\xc3\xbc"
	  "cher.example"),
	8, {"xn--bcher-kva.example"}},
    {"duplicates are kept once", T("a@bank.example, b@BANK.example. <"), 8,
	{"bank.example"}},
    {"at most max domains", T("a@one.example, b@two.example, c@three.example"),
	2, {"one.example", "two.example"}},
    {"spaces and comments around dots (obs-domain)",
	T("ceo@ bank (x) . example>"), 8, {"bank.example"}},
    {"spaces around dots when nothing is hidden", T("(ceo@ bank . example"), 8,
	{"bank.example"}},
    {"encoded word ends the domain at '?'",
	T("=?utf-8?q?ceo@bank.example?= <x@evil.example"), 8,
	{"bank.example", "evil.example"}},
    {"route domains are included", T("<@relay.example:ceo@bank.example"), 8,
	{"relay.example", "bank.example"}},
    {"domain literal gives no domain", T("<ceo@[192.0.2.1]"), 8, {NULL}},
    {"group without ';'", T("Bank: ceo@bank.example"), 8, {"bank.example"}},
    {"no at-sign, no domain", T("CEO of bank.example"), 8, {NULL}},
    {"folded header", T("\"CEO\"\r\n <ceo@bank.example"), 8, {"bank.example"}},
    {"comment between '@' and the domain", T("ceo@(x)bank.example>"), 8,
	{"bank.example"}},
    {"invalid UTF-8 ends the domain", T("<ceo@bank.example\xff>"), 8,
	{"bank.example"}},
    {"name that cannot be converted is skipped",
	T("a@0123456789012345678901234567890123456789012345678901234567890"
	  "123.example, c@ok.example"),
	8, {"ok.example"}},
};

struct ascii_case {
	const char *name;
	const char *text;
	size_t len;
	const char *want; /* NULL: refused */
};

static const struct ascii_case asciis[] = {
    {"ASCII is lower-cased", T("Example.COM"), "example.com"},
    {"one trailing dot is stripped", T("example.com."), "example.com"},
    {"two trailing dots are refused", T("example.com.."), NULL},
    {"empty name is refused", T(""), NULL},
    {"lone dot is refused", T("."), NULL},
    {"empty label is refused", T("a..b"), NULL},
    {"leading dot is refused", T(".a.b"), NULL},
    {"bücher.example",
	T("b\xc3\xbc"
	  "cher.example"),
	"xn--bcher-kva.example"},
    {"münchen.example",
	T("m\xc3\xbc"
	  "nchen.example"),
	"xn--mnchen-3ya.example"},
    {"艺术.com", T("\xe8\x89\xba\xe6\x9c\xaf.com"), "xn--cqv902d.com"},
    {"例え.テスト",
	T("\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9"
	  "\xe3\x83\x88"),
	"xn--r8jz45g.xn--zckzah"},
    {"A-labels and U-labels mixed",
	T("XN--BCHER-KVA.m\xc3\xbc"
	  "nchen.Example"),
	"xn--bcher-kva.xn--mnchen-3ya.example"},
    {"underscore is kept", T("_dmarc.Example.com"), "_dmarc.example.com"},
    {"label of 63 octets",
	T("012345678901234567890123456789012345678901234567890123456789012"
	  ".example"),
	"012345678901234567890123456789012345678901234567890123456789012"
	".example"},
    {"label of 64 octets is refused",
	T("0123456789012345678901234567890123456789012345678901234567890123"
	  ".example"),
	NULL},
    {"A-label longer than 63 octets is refused",
	T("\xec\x84\xb8\xea\xb3\x84\xec\x9d\x98\xeb\xaa\xa8\xeb\x93\xa0"
	  "\xec\x82\xac\xeb\x9e\x8c\xeb\x93\xa4\xec\x9d\xb4\xed\x95\x9c"
	  "\xea\xb5\xad\xec\x96\xb4\xeb\xa5\xbc\xec\x9d\xb4\xed\x95\xb4"
	  "\xed\x95\x9c\xeb\x8b\xa4\xeb\xa9\xb4\xec\x96\xbc\xeb\xa7\x88"
	  "\xeb\x82\x98\xec\xa2\x8b\xec\x9d\x84\xea\xb9\x8c.example"),
	NULL},
    {"253 octets",
	T("a123456789012345678901234567890123456789012345678901234567890ab."
	  "b123456789012345678901234567890123456789012345678901234567890ab."
	  "c123456789012345678901234567890123456789012345678901234567890ab."
	  "d123456789012345678901234567890123456789012345678901234567890"),
	"a123456789012345678901234567890123456789012345678901234567890ab."
	"b123456789012345678901234567890123456789012345678901234567890ab."
	"c123456789012345678901234567890123456789012345678901234567890ab."
	"d123456789012345678901234567890123456789012345678901234567890"},
    {"254 octets are refused",
	T("a123456789012345678901234567890123456789012345678901234567890ab."
	  "b123456789012345678901234567890123456789012345678901234567890ab."
	  "c123456789012345678901234567890123456789012345678901234567890ab."
	  "d1234567890123456789012345678901234567890123456789012345678901"),
	NULL},
    {"invalid UTF-8 is refused",
	T("b\xfc"
	  "cher.example"),
	NULL},
    {"ASCII punctuation is refused", T("exa!mple.com"), NULL},
    {"space is refused", T("a b.example"), NULL},
    {"backslash is refused", T("a\\.b.example"), NULL},
    {"ASCII punctuation in a U-label is refused", T("b\xc3\xbc!cher.example"),
	NULL},
    {"NUL is refused", T("a\0b.example"), NULL},
    {"full-width full stop separates labels",
	T("bank\xef\xbc\x8e"
	  "example"),
	"bank.example"},
    {"trailing halfwidth ideographic full stop is stripped",
	T("bank.example\xef\xbd\xa1"), "bank.example"},
    {"full-width at-sign is refused", T("bank\xef\xbc\xa0x.example"), NULL},
};

struct puny_case {
	const char *name;
	uint32_t in[64]; /* 0-terminated */
	const char *want;
};

/* RFC 3492 7.1; the encoder does not do mixed-case annotation, so (I)
 * comes out all lower-case, while basic code points keep their case. */
static const struct puny_case punys[] = {
    {"RFC 3492 7.1 (A) Arabic (Egyptian)",
	{0x644, 0x64a, 0x647, 0x645, 0x627, 0x628, 0x62a, 0x643, 0x644, 0x645,
	    0x648, 0x634, 0x639, 0x631, 0x628, 0x64a, 0x61f},
	"egbpdaj6bu4bxfgehfvwxn"},
    {"RFC 3492 7.1 (B) Chinese (simplified)",
	{0x4ed6, 0x4eec, 0x4e3a, 0x4ec0, 0x4e48, 0x4e0d, 0x8bf4, 0x4e2d,
	    0x6587},
	"ihqwcrb4cv8a8dqg056pqjye"},
    {"RFC 3492 7.1 (C) Chinese (traditional)",
	{0x4ed6, 0x5011, 0x7232, 0x4ec0, 0x9ebd, 0x4e0d, 0x8aaa, 0x4e2d,
	    0x6587},
	"ihqwctvzc91f659drss3x8bo0yb"},
    {"RFC 3492 7.1 (D) Czech",
	{0x50, 0x72, 0x6f, 0x10d, 0x70, 0x72, 0x6f, 0x73, 0x74, 0x11b, 0x6e,
	    0x65, 0x6d, 0x6c, 0x75, 0x76, 0xed, 0x10d, 0x65, 0x73, 0x6b, 0x79},
	"Proprostnemluvesky-uyb24dma41a"},
    {"RFC 3492 7.1 (E) Hebrew",
	{0x5dc, 0x5de, 0x5d4, 0x5d4, 0x5dd, 0x5e4, 0x5e9, 0x5d5, 0x5d8, 0x5dc,
	    0x5d0, 0x5de, 0x5d3, 0x5d1, 0x5e8, 0x5d9, 0x5dd, 0x5e2, 0x5d1,
	    0x5e8, 0x5d9, 0x5ea},
	"4dbcagdahymbxekheh6e0a7fei0b"},
    {"RFC 3492 7.1 (F) Hindi (Devanagari)",
	{0x92f, 0x939, 0x932, 0x94b, 0x917, 0x939, 0x93f, 0x928, 0x94d, 0x926,
	    0x940, 0x915, 0x94d, 0x92f, 0x94b, 0x902, 0x928, 0x939, 0x940,
	    0x902, 0x92c, 0x94b, 0x932, 0x938, 0x915, 0x924, 0x947, 0x939,
	    0x948, 0x902},
	"i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd"},
    {"RFC 3492 7.1 (G) Japanese (kanji and hiragana)",
	{0x306a, 0x305c, 0x307f, 0x3093, 0x306a, 0x65e5, 0x672c, 0x8a9e, 0x3092,
	    0x8a71, 0x3057, 0x3066, 0x304f, 0x308c, 0x306a, 0x3044, 0x306e,
	    0x304b},
	"n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"},
    {"RFC 3492 7.1 (H) Korean (Hangul syllables)",
	{0xc138, 0xacc4, 0xc758, 0xbaa8, 0xb4e0, 0xc0ac, 0xb78c, 0xb4e4, 0xc774,
	    0xd55c, 0xad6d, 0xc5b4, 0xb97c, 0xc774, 0xd574, 0xd55c, 0xb2e4,
	    0xba74, 0xc5bc, 0xb9c8, 0xb098, 0xc88b, 0xc744, 0xae4c},
	"989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6"
	"fea98c"},
    {"RFC 3492 7.1 (I) Russian (Cyrillic), without case annotation",
	{0x43f, 0x43e, 0x447, 0x435, 0x43c, 0x443, 0x436, 0x435, 0x43e, 0x43d,
	    0x438, 0x43d, 0x435, 0x433, 0x43e, 0x432, 0x43e, 0x440, 0x44f,
	    0x442, 0x43f, 0x43e, 0x440, 0x443, 0x441, 0x441, 0x43a, 0x438},
	"b1abfaaepdrnnbgefbadotcwatmq2g4l"},
    {"RFC 3492 7.1 (J) Spanish",
	{0x50, 0x6f, 0x72, 0x71, 0x75, 0xe9, 0x6e, 0x6f, 0x70, 0x75, 0x65, 0x64,
	    0x65, 0x6e, 0x73, 0x69, 0x6d, 0x70, 0x6c, 0x65, 0x6d, 0x65, 0x6e,
	    0x74, 0x65, 0x68, 0x61, 0x62, 0x6c, 0x61, 0x72, 0x65, 0x6e, 0x45,
	    0x73, 0x70, 0x61, 0xf1, 0x6f, 0x6c},
	"PorqunopuedensimplementehablarenEspaol-fmd56a"},
    {"RFC 3492 7.1 (K) Vietnamese",
	{0x54, 0x1ea1, 0x69, 0x73, 0x61, 0x6f, 0x68, 0x1ecd, 0x6b, 0x68, 0xf4,
	    0x6e, 0x67, 0x74, 0x68, 0x1ec3, 0x63, 0x68, 0x1ec9, 0x6e, 0xf3,
	    0x69, 0x74, 0x69, 0x1ebf, 0x6e, 0x67, 0x56, 0x69, 0x1ec7, 0x74},
	"TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g"},
    {"RFC 3492 7.1 (L) 3<nen>B<gumi><kinpachi><sensei>",
	{0x33, 0x5e74, 0x42, 0x7d44, 0x91d1, 0x516b, 0x5148, 0x751f},
	"3B-ww4c5e180e575a65lsy2b"},
    {"RFC 3492 7.1 (M) <amuro><namie>-with-SUPER-MONKEYS",
	{0x5b89, 0x5ba4, 0x5948, 0x7f8e, 0x6075, 0x2d, 0x77, 0x69, 0x74, 0x68,
	    0x2d, 0x53, 0x55, 0x50, 0x45, 0x52, 0x2d, 0x4d, 0x4f, 0x4e, 0x4b,
	    0x45, 0x59, 0x53},
	"-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"},
    {"RFC 3492 7.1 (N) Hello-Another-Way-<sorezore><no><basho>",
	{0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x2d, 0x41, 0x6e, 0x6f, 0x74, 0x68, 0x65,
	    0x72, 0x2d, 0x57, 0x61, 0x79, 0x2d, 0x305d, 0x308c, 0x305e, 0x308c,
	    0x306e, 0x5834, 0x6240},
	"Hello-Another-Way--fc4qua05auwb3674vfr0b"},
    {"RFC 3492 7.1 (O) <hitotsu><yane><no><shita>2",
	{0x3072, 0x3068, 0x3064, 0x5c4b, 0x6839, 0x306e, 0x4e0b, 0x32},
	"2-u9tlzr9756bt3uc0v"},
    {"RFC 3492 7.1 (P) Maji<de>Koi<suru>5<byou><mae>",
	{0x4d, 0x61, 0x6a, 0x69, 0x3067, 0x4b, 0x6f, 0x69, 0x3059, 0x308b, 0x35,
	    0x79d2, 0x524d},
	"MajiKoi5-783gue6qz075azm5e"},
    {"RFC 3492 7.1 (Q) <pafii>de<runba>",
	{0x30d1, 0x30d5, 0x30a3, 0x30fc, 0x64, 0x65, 0x30eb, 0x30f3, 0x30d0},
	"de-jg4avhby1noc0d"},
    {"RFC 3492 7.1 (R) <sono><supiido><de>",
	{0x305d, 0x306e, 0x30b9, 0x30d4, 0x30fc, 0x30c9, 0x3067},
	"d9juau41awczczp"},
    {"RFC 3492 7.1 (S) -> $1.00 <-",
	{0x2d, 0x3e, 0x20, 0x24, 0x31, 0x2e, 0x30, 0x30, 0x20, 0x3c, 0x2d},
	"-> $1.00 <--"},
};

/* len bytes of text in a buffer of exactly that size.  Caller frees. */
static char *
exact_copy(const char *text, size_t len)
{
	char *p = malloc(len > 0 ? len : 1);

	assert_non_null(p);
	memcpy(p, text, len);
	return p;
}

static void
expect_str(const char *what, size_t i, const char *got, const char *want)
{
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL || strcmp(got, want) != 0)
		fail_msg("address %zu %s: got \"%s\", want \"%s\"", i, what,
		    got != NULL ? got : "(null)",
		    want != NULL ? want : "(null)");
}

static void
valid_case(void **state)
{
	const struct parse_case *c = *state;
	struct am_arena *a = am_arena_new();
	char *text = exact_copy(c->text, c->len);
	struct am_address_list list;
	const char *why = "unset";
	size_t i;

	if (!am_address_parse_list(a, text, c->len, c->max, &list, &why))
		fail_msg("refused: %s", why);
	assert_null(why);
	assert_int_equal(list.count, c->count);
	assert_int_equal(list.truncated, c->truncated);
	for (i = 0; i < c->count; i++) {
		const struct am_address *got = &list.addrs[i];
		const struct want *w = &c->addrs[i];

		expect_str("display", i, got->display, w->display);
		expect_str("local", i, got->local, w->local);
		expect_str("domain", i, got->domain, w->domain);
		expect_str("ascii_domain", i, got->ascii_domain, w->ascii);
		assert_int_equal(got->in_group, w->in_group);
	}
	free(text);
	am_arena_free(a);
}

static void
invalid_case(void **state)
{
	const struct bad_case *c = *state;
	struct am_arena *a = am_arena_new();
	char *text = exact_copy(c->text, c->len);
	struct am_address_list list;
	const char *why = NULL;

	if (am_address_parse_list(a, text, c->len, 8, &list, &why))
		fail_msg("accepted, %zu addresses", list.count);
	if (why == NULL || strcmp(why, c->why) != 0)
		fail_msg(
		    "why \"%s\", want \"%s\"", why != NULL ? why : "", c->why);
	assert_int_equal(list.count, c->count);
	free(text);
	am_arena_free(a);
}

static void
find_case(void **state)
{
	const struct find_case *c = *state;
	struct am_arena *a = am_arena_new();
	char *text = exact_copy(c->text, c->len);
	const char *got[8];
	size_t n, i;

	assert_true(c->max <= sizeof(got) / sizeof(got[0]));
	n = am_address_find_domains(a, text, c->len, got, c->max);
	for (i = 0; c->want[i] != NULL; i++)
		;
	if (n != i)
		fail_msg("%zu domains (first %s), want %zu", n,
		    n > 0 ? got[0] : "-", i);
	for (i = 0; i < n; i++)
		if (strcmp(got[i], c->want[i]) != 0)
			fail_msg("domain %zu: got %s, want %s", i, got[i],
			    c->want[i]);
	free(text);
	am_arena_free(a);
}

static void
ascii_case(void **state)
{
	const struct ascii_case *c = *state;
	struct am_arena *a = am_arena_new();
	char *text = exact_copy(c->text, c->len);

	expect_str(
	    "A-label form", 0, am_domain_to_ascii(a, text, c->len), c->want);
	free(text);
	am_arena_free(a);
}

static void
puny_case(void **state)
{
	const struct puny_case *c = *state;
	char out[128];
	size_t n = 0;

	while (c->in[n] != 0)
		n++;
	assert_true(am_idna_punycode_encode(c->in, n, out, sizeof(out)));
	assert_string_equal(out, c->want);
}

/* "(" n times, ")" close times, then tail, in a new buffer. */
static char *
nested(size_t n, size_t close, const char *tail, size_t *len)
{
	size_t tl = strlen(tail);
	char *p = malloc(n + close + tl);

	assert_non_null(p);
	memset(p, '(', n);
	memset(p + n, ')', close);
	memcpy(p + n + close, tail, tl);
	*len = n + close + tl;
	return p;
}

static void
comments_nest_32_deep_but_not_33(void **state)
{
	struct am_arena *a = am_arena_new();
	struct am_address_list list;
	const char *why;
	size_t len;
	char *text;

	(void)state;
	text = nested(32, 32, "a@b.example", &len);
	assert_true(am_address_parse_list(a, text, len, 8, &list, &why));
	assert_int_equal(list.count, 1);
	free(text);
	text = nested(33, 33, "a@b.example", &len);
	assert_false(am_address_parse_list(a, text, len, 8, &list, &why));
	assert_string_equal(why, "comments nested too deeply");
	free(text);
	am_arena_free(a);
}

static void
a_hundred_thousand_open_comments_are_refused(void **state)
{
	struct am_arena *a = am_arena_new();
	struct am_address_list list;
	const char *why;
	size_t len;
	char *text = nested(100000, 0, "a@b.example", &len);

	(void)state;
	assert_false(am_address_parse_list(a, text, len, 8, &list, &why));
	assert_string_equal(why, "comments nested too deeply");
	free(text);
	am_arena_free(a);
}

static void
a_hundred_thousand_addresses_keep_max(void **state)
{
	static const char one[] = "Name <a@b.example>, ";
	struct am_arena *a = am_arena_new();
	struct am_address_list list;
	size_t n = 100000, len = n * (sizeof(one) - 1), i;
	char *text = malloc(len);
	const char *why;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		memcpy(text + i * (sizeof(one) - 1), one, sizeof(one) - 1);
	assert_true(am_address_parse_list(a, text, len, 3, &list, &why));
	assert_int_equal(list.count, 3);
	assert_true(list.truncated);
	free(text);
	am_arena_free(a);
}

static void
finder_sees_past_a_hundred_thousand_open_comments(void **state)
{
	struct am_arena *a = am_arena_new();
	const char *got[2];
	size_t len;
	char *text = nested(100000, 0, "a@bank.example", &len);

	(void)state;
	assert_int_equal(am_address_find_domains(a, text, len, got, 2), 1);
	assert_string_equal(got[0], "bank.example");
	free(text);
	am_arena_free(a);
}

static void
punycode_refuses_output_that_does_not_fit(void **state)
{
	static const uint32_t buecher[] = {'b', 0xfc, 'c', 'h', 'e', 'r'};
	static const uint32_t ab[] = {'a', 'b'};
	char out[16];

	(void)state;
	assert_true(am_idna_punycode_encode(buecher, 6, out, 10));
	assert_string_equal(out, "bcher-kva");
	/* short by the last digit, by two digits, by the delimiter */
	assert_false(am_idna_punycode_encode(buecher, 6, out, 9));
	assert_false(am_idna_punycode_encode(buecher, 6, out, 8));
	assert_false(am_idna_punycode_encode(ab, 2, out, 3));
	/* fewer bytes than code points */
	assert_false(am_idna_punycode_encode(buecher, 6, out, 6));
	assert_true(am_idna_punycode_encode(ab, 2, out, 4));
	assert_string_equal(out, "ab-");
}

/*
 * RFC 3492 6.4.  After 4000 basic code points, U+10FFFF makes the first
 * delta (0x10FFFF - 128) * 4001, past 2^32.  U+1061C1 makes it
 * 1073473 * 4001 = 2^32 - 1823, and counting the 4000 basic code points
 * before it passes 2^32.  After 3000, U+10FFFF stays below.
 */
static void
punycode_refuses_integer_overflow(void **state)
{
	uint32_t in[4001];
	char out[8192];
	size_t i;

	(void)state;
	for (i = 0; i < 4000; i++)
		in[i] = 'a';
	in[4000] = 0x10ffff;
	assert_false(am_idna_punycode_encode(in, 4001, out, sizeof(out)));
	in[4000] = 0x1061c1;
	assert_false(am_idna_punycode_encode(in, 4001, out, sizeof(out)));
	in[3000] = 0x10ffff;
	assert_true(am_idna_punycode_encode(in, 3001, out, sizeof(out)));
}

/* "x" labels of 63 octets then tail, in an exact buffer. */
static char *
long_name(size_t labels, const char *tail, size_t *len)
{
	size_t tl = strlen(tail), i;
	char *p = malloc(labels * 64 + tl);

	assert_non_null(p);
	for (i = 0; i < labels; i++) {
		memset(p + i * 64, 'x', 63);
		p[i * 64 + 63] = '.';
	}
	memcpy(p + labels * 64, tail, tl);
	*len = labels * 64 + tl;
	return p;
}

/* Wherever the 253 octets run out: in an ASCII label, at a dot, in an
 * A-label made from a U-label. */
static void
to_ascii_refuses_names_past_253_octets(void **state)
{
	static const char *const tails[] = {
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy.z",
	    "yyyyyyyyyyyyyyyyyyyy.b\xc3\xbc"
	    "cheraaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct am_arena *a = am_arena_new();
	size_t i, len;
	char *text;

	(void)state;
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		text = long_name(3, tails[i], &len);
		assert_null(am_domain_to_ascii(a, text, len));
		free(text);
	}
	text = long_name(3,
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
	    &len);
	assert_non_null(am_domain_to_ascii(a, text, len));
	free(text);
	am_arena_free(a);
}

static void
more_than_four_addresses_are_all_kept(void **state)
{
	static const char text[] = "a0@x.example, a1@x.example, a2@x.example, "
				   "a3@x.example, a4@x.example, a5@x.example, "
				   "a6@x.example, a7@x.example, a8@x.example, "
				   "a9@x.example";
	struct am_arena *a = am_arena_new();
	struct am_address_list list;
	const char *why;
	char want[3] = "a0";
	size_t i;

	(void)state;
	assert_true(
	    am_address_parse_list(a, text, sizeof(text) - 1, 16, &list, &why));
	assert_int_equal(list.count, 10);
	assert_false(list.truncated);
	for (i = 0; i < 10; i++) {
		want[1] = (char)('0' + i);
		assert_string_equal(list.addrs[i].local, want);
	}
	am_arena_free(a);
}

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
	    {"address: comments nest 32 deep but not 33",
		comments_nest_32_deep_but_not_33, NULL, NULL, NULL},
	    {"address: 100000 open comments are refused",
		a_hundred_thousand_open_comments_are_refused, NULL, NULL, NULL},
	    {"address: more than four addresses are all kept",
		more_than_four_addresses_are_all_kept, NULL, NULL, NULL},
	    {"address: 100000 addresses keep max and say truncated",
		a_hundred_thousand_addresses_keep_max, NULL, NULL, NULL},
	    {"address find: sees past 100000 open comments",
		finder_sees_past_a_hundred_thousand_open_comments, NULL, NULL,
		NULL},
	    {"address to_ascii: names past 253 octets are refused",
		to_ascii_refuses_names_past_253_octets, NULL, NULL, NULL},
	    {"punycode: output that does not fit is refused",
		punycode_refuses_output_that_does_not_fit, NULL, NULL, NULL},
	    {"punycode: integer overflow is refused (RFC 3492 6.4)",
		punycode_refuses_integer_overflow, NULL, NULL, NULL},
	};
	enum {
		NTESTS = NELEM(valid) + NELEM(invalid) + NELEM(finds) +
		    NELEM(asciis) + NELEM(punys) + NELEM(fixed)
	};
	static struct CMUnitTest tests[NTESTS];
	static char names[NTESTS][160];
	size_t n = 0, i;

	test_add_rows(tests, &n, names, "address: ", valid, NELEM(valid),
	    sizeof(valid[0]), valid_case);
	test_add_rows(tests, &n, names, "address: refuses ", invalid,
	    NELEM(invalid), sizeof(invalid[0]), invalid_case);
	test_add_rows(tests, &n, names, "address find: ", finds, NELEM(finds),
	    sizeof(finds[0]), find_case);
	test_add_rows(tests, &n, names, "address to_ascii: ", asciis,
	    NELEM(asciis), sizeof(asciis[0]), ascii_case);
	test_add_rows(tests, &n, names, "punycode: ", punys, NELEM(punys),
	    sizeof(punys[0]), puny_case);
	for (i = 0; i < NELEM(fixed); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("address", tests, n, NULL, NULL);
}
