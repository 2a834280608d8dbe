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
	const char *want[NWANT + 1]; /* NULL-terminated; see name_text() */
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
    {"invalid UTF-8 is part of the domain, for idna.c to refuse",
	T("<ceo@bank.example\xff>"), 8, {"?2:"}},
    {"a control byte is part of the domain, not its end",
	T("<ceo@bank\x01.example>"), 8, {"?1:example"}},
    {"a dot right after '@' is an empty label", T("ceo@ .bank.example"), 8,
	{"?1:bank.example"}},
    {"quotes after '@' show the domain inside", T("ceo@\"bank.example\""), 8,
	{"bank.example"}},
    {"a literal that holds a name shows it", T("ceo@[bank.example"), 8,
	{"bank.example"}},
    {"an address literal names no domain", T("ceo@[192.0.2.1] x@"), 8, {NULL}},
    {"name that is no DNS name is kept as its valid suffix",
	T("a@0123456789012345678901234567890123456789012345678901234567890"
	  "123.example, c@ok.example"),
	8, {"?1:example", "ok.example"}},
    {"U-label IDNA2008 refuses is kept, without a valid suffix",
	T("<ceo@ba\xe2\x98\xa0nk"), 8, {"?1:"}},
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

/* am_idna_convert(): IDNA2008 with UTS #46 mapping (libidn2), and what
 * is left of a name that is no DNS name.  ascii in name_text() form. */
struct idna_case {
	const char *name;
	const char *text;
	size_t len;
	const char *ascii;
	const char *why; /* a substring of the reason, for invalid names */
	const char *shown; /* the name as shown, for invalid names */
};

#define SHY "\xc2\xad"	   /* U+00AD soft hyphen */
#define ZWSP "\xe2\x80\x8b" /* U+200B zero width space */
#define ZWNJ "\xe2\x80\x8c" /* U+200C zero width non-joiner */
#define ZWJ "\xe2\x80\x8d"  /* U+200D zero width joiner */
#define WJ "\xe2\x81\xa0"   /* U+2060 word joiner */
#define BOM "\xef\xbb\xbf"  /* U+FEFF byte order mark */
#define CGJ "\xcd\x8f"	   /* U+034F combining grapheme joiner */
#define VS16 "\xef\xb8\x8f" /* U+FE0F variation selector 16 */

static const struct idna_case idna_names[] = {
    {"soft hyphen is mapped away: bank.example", T("ban" SHY "k.example"),
	"bank.example", NULL, NULL},
    {"NFD a + U+0308 is NFC a-umlaut: xn--bnk-qla.example",
	T("ba\xcc\x88nk.example"), "xn--bnk-qla.example", NULL, NULL},
    {"upper-case A-umlaut is case folded: xn--bnk-qla.example",
	T("B\xc3\x84NK.example"), "xn--bnk-qla.example", NULL, NULL},
    {"ZWSP is mapped away", T("ba" ZWSP "nk.example"), "bank.example", NULL,
	NULL},
    {"ZWJ outside its context is mapped away", T("ba" ZWJ "nk.example"),
	"bank.example", NULL, NULL},
    {"ZWNJ outside its context is mapped away", T("ba" ZWNJ "nk.example"),
	"bank.example", NULL, NULL},
    {"word joiner is mapped away", T("ba" WJ "nk.example"), "bank.example",
	NULL, NULL},
    {"BOM is mapped away", T(BOM "bank.example"), "bank.example", NULL, NULL},
    {"CGJ is mapped away", T("ba" CGJ "nk.example"), "bank.example", NULL,
	NULL},
    {"variation selector is mapped away", T("bank" VS16 ".example"),
	"bank.example", NULL, NULL},
    {"ZWJ after a virama is kept (RFC 5892 A.2)",
	T("\xe0\xa4\x95\xe0\xa5\x8d" ZWJ ".example"),
	"xn--11b6iy14e.example", NULL, NULL},
    {"sharp s stays (non-transitional): xn--fa-hia",
	T("fa\xc3\x9f.example"), "xn--fa-hia.example", NULL, NULL},
    {"Kelvin sign folds to k", T("ban\xe2\x84\xaa.example"), "bank.example",
	NULL, NULL},
    {"a symbol IDNA2008 disallows: no valid suffix below the top",
	T("ba\xe2\x98\xa0nk.example"), "?1:example", "disallowed",
	"ba<U+2620>nk.example"},
    {"a DISALLOWED label under a valid parent keeps the parent",
	T("x\xe2\x98\xa0.bank.example"), "?1:bank.example", "disallowed",
	"x<U+2620>.bank.example"},
    {"a middle dot between two labels' letters is no dot (RFC 5892 A.3)",
	T("bank\xc2\xb7" "example"), "?1:", "middle dot",
	"bank<U+00B7>example"},
    {"a middle dot between two l is Catalan", T("col\xc2\xb7legi.example"),
	"xn--collegi-xma.example", NULL, NULL},
    {"GREEK ANO TELEIA (mapped to a middle dot) is no dot either",
	T("bank\xce\x87" "example.test"), "?1:test", "middle dot", NULL},
    {"a katakana middle dot without kana or Han (RFC 5892 A.7)",
	T("bank\xe3\x83\xbb" "example.test"), "?1:test", "middle dot", NULL},
    {"a katakana middle dot among katakana",
	T("\xe3\x82\xa2\xe3\x83\xbb\xe3\x82\xa2.test"), "xn--ccka0y.test",
	NULL, NULL},
    {"an emoji label is refused", T("\xf0\x9f\x98\x80.bank.example"),
	"?1:bank.example", NULL, "<U+1F600>.bank.example"},
    {"label of 64 octets", T("0123456789012345678901234567890123456789"
			     "012345678901234567890123.bank.example"),
	"?1:bank.example", "more than 63 octets", NULL},
    {"ASCII punctuation in a label", T("x}.bank.example"), "?1:bank.example",
	"not allowed", "x}.bank.example"},
    {"a '%' is shown escaped (replies read it as a format)",
	T("a%n<\".bank.example"), "?1:bank.example", "not allowed",
	"a<U+0025>n<U+003C><U+0022>.bank.example"},
    {"ASCII punctuation in the last label: no suffix",
	T("bank.example}"), "?2:", "not allowed", NULL},
    {"an empty label", T("bank..example"), "?2:example", "empty label",
	NULL},
    {"an invalid bidi label", T("1\xd9\x85.bank.example"), "?1:bank.example",
	NULL, NULL},
    {"invalid UTF-8 is shown byte by byte", T("b\xfc" "cher.bank.example"),
	"?1:bank.example", "invalid UTF-8", "b<0xFC>cher.bank.example"},
    {"full-width at-sign in a label", T("x\xef\xbc\xa0y.bank.example"),
	"?1:bank.example", NULL, NULL},
    {"small full stop is no separator", T("bank\xef\xb9\x92" "example"),
	"?1:", NULL, "bank<U+FE52>example"},
    {"a hidden soft-hyphen flood in a label maps away",
	T("ba" SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY
	  SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY SHY
	  "nk.example"), "bank.example", NULL, NULL},
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
		expect_str("ascii_domain", i, got->literal ? NULL :
		    am_domain_to_ascii(a, got->domain, got->domain_len),
		    w->ascii);
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

/* A converted name as the tables write it: the A-labels of a valid
 * name, "?N:suffix" for one with N labels that are no DNS labels left of
 * its valid suffix ("?N:" without one). */
static const char *
name_text(struct am_arena *a, const struct am_idna_name *n)
{
	if (n->hidden == 0)
		return n->ascii;
	return am_arena_printf(a, "?%u:%s", n->hidden,
	    n->ascii != NULL ? n->ascii : "");
}

/* What the finder gives, converted and without duplicates, as the
 * Author Domains of a message are collected (authors.c). */
static void
find_case(void **state)
{
	const struct find_case *c = *state;
	struct am_arena *a = am_arena_new();
	char *text = exact_copy(c->text, c->len);
	const char *raw[8], *got[8];
	struct am_idna_name name;
	size_t nraw, n = 0, i, j;
	bool more;

	assert_true(c->max <= sizeof(got) / sizeof(got[0]));
	nraw = am_address_find_domains(a, text, c->len, raw, c->max, &more);
	for (i = 0; i < nraw; i++) {
		am_idna_convert(a, raw[i], strlen(raw[i]), &name);
		got[n] = name_text(a, &name);
		for (j = 0; j < n && strcmp(got[j], got[n]) != 0; j++)
			;
		n += j == n;
	}
	for (i = 0; c->want[i] != NULL; i++)
		;
	if (n != i)
		fail_msg("%zu domains (first %s), want %zu", n,
		    n > 0 ? got[0] : "-", i);
	for (i = 0; i < n; i++)
		if (strcmp(got[i], c->want[i]) != 0)
			fail_msg("domain %zu: got %s, want %s", i, got[i],
			    c->want[i]);
	/* more tells that a domain did not fit */
	assert_int_equal(more, nraw == c->max && c->max < 8);
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
idna_case(void **state)
{
	const struct idna_case *c = *state;
	struct am_arena *a = am_arena_new();
	char *text = exact_copy(c->text, c->len);
	struct am_idna_name n;
	bool ok = am_idna_convert(a, text, c->len, &n);

	assert_int_equal(ok, n.hidden == 0);
	expect_str("conversion", 0, name_text(a, &n), c->ascii);
	if (n.hidden > 0) {
		assert_non_null(n.why);
		assert_non_null(n.shown);
		if (c->why != NULL && strstr(n.why, c->why) == NULL)
			fail_msg("why \"%s\" lacks \"%s\"", n.why, c->why);
		if (c->shown != NULL)
			assert_string_equal(n.shown, c->shown);
	}
	free(text);
	am_arena_free(a);
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
	bool more;

	(void)state;
	assert_int_equal(am_address_find_domains(a, text, len, got, 2, &more),
	    1);
	assert_string_equal(got[0], "bank.example");
	assert_false(more);
	free(text);
	am_arena_free(a);
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
	};
	enum {
		NTESTS = NELEM(valid) + NELEM(invalid) + NELEM(finds) +
		    NELEM(asciis) + NELEM(idna_names) + NELEM(fixed)
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
	test_add_rows(tests, &n, names, "idna: ", idna_names,
	    NELEM(idna_names), sizeof(idna_names[0]), idna_case);
	for (i = 0; i < NELEM(fixed); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("address", tests, n, NULL, NULL);
}
