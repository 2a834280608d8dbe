/* unit_authres.c - Authentication-Results: reading the authserv-id of
 * incoming fields (what a forger tries, and what the daemon sees), and
 * the rendered header compared with golden files in test/data/authres. */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "authres.h"

/* Bytes with their length, so cases may hold NUL. */
#define IN(s) s, sizeof(s) - 1

struct id_case {
	const char *name;
	const char *in;
	size_t len;
	const char *want; /* NULL: unreadable */
};

static const struct id_case id_cases[] = {
    /* what we write ourselves */
    {"our own header reads back",
	IN(" mx.example.com;\n\tspf=pass smtp.mailfrom=example.com"),
	"mx.example.com"},
    {"no results (none)", IN(" mx.example.com; none"), "mx.example.com"},
    {"an id and nothing else", IN("mx.example.com"), "mx.example.com"},
    /* forgeries that must still read as the id they claim */
    {"upper case is lowered", IN(" MX.Example.COM; spf=pass"),
	"mx.example.com"},
    {"a comment before the id is skipped",
	IN(" (mx.example.com) mx.example.com; spf=pass"), "mx.example.com"},
    {"a comment naming another host does not hide the id",
	IN(" (relay.other.example) mx.example.com; spf=pass"),
	"mx.example.com"},
    {"nested comments are skipped",
	IN(" (a (b (c) d) e)(f) mx.example.com; spf=pass"), "mx.example.com"},
    {"an escaped backslash does not escape the closing parenthesis",
	IN(" (a\\\\) mx.example.com; spf=pass"), "mx.example.com"},
    {"a comment folded over lines is skipped",
	IN(" (long\r\n\tcomment) mx.example.com; spf=pass"), "mx.example.com"},
    {"NUL inside a comment is skipped", IN(" (\0) mx.example.com; spf=pass"),
	"mx.example.com"},
    {"a quoted id is unquoted", IN(" \"mx.example.com\"; spf=pass"),
	"mx.example.com"},
    {"quoted-pairs in a quoted id are resolved",
	IN(" \"mx\\.example\\.com\"; spf=pass"), "mx.example.com"},
    {"a quoted id in upper case is lowered",
	IN(" \"MX.EXAMPLE.COM\"; spf=pass"), "mx.example.com"},
    {"blanks inside the quotes are dropped",
	IN(" \" \tmx.example.com  \"; spf=pass"), "mx.example.com"},
    {"a fold inside the quotes is dropped",
	IN(" \"mx.example.com\r\n\t\"; spf=pass"), "mx.example.com"},
    {"text glued after the closing quote is not the id",
	IN(" \"mx.example.com\"x; spf=pass"), "mx.example.com"},
    {"a CRLF fold before the id", IN("\r\n\tmx.example.com; spf=pass"),
	"mx.example.com"},
    {"a bare LF fold before the id", IN("\n mx.example.com; spf=pass"),
	"mx.example.com"},
    {"a bare CR before the id", IN("\r mx.example.com; spf=pass"),
	"mx.example.com"},
    {"a tab before the id", IN("\tmx.example.com; spf=pass"), "mx.example.com"},
    {"a trailing dot is dropped", IN(" mx.example.com.; spf=pass"),
	"mx.example.com"},
    {"several trailing dots are dropped", IN(" mx.example.com...; spf=pass"),
	"mx.example.com"},
    {"a trailing dot inside quotes is dropped",
	IN(" \"mx.example.com.\"; spf=pass"), "mx.example.com"},
    {"a version after the id is not part of it",
	IN(" mx.example.com 1; spf=pass"), "mx.example.com"},
    {"a comment and version glued to the id",
	IN(" mx.example.com(v)1; spf=pass"), "mx.example.com"},
    {"an id glued to the semicolon", IN("mx.example.com;spf=pass"),
	"mx.example.com"},
    {"a tspecial ends the id", IN(" mx.example.com/1; spf=pass"),
	"mx.example.com"},
    {"an at sign ends the id", IN(" mx.example.com@evil.example;"),
	"mx.example.com"},
    {"NUL ends the id", IN(" mx.example.com\0.evil.example; spf=pass"),
	"mx.example.com"},
    {"DEL ends the id", IN(" mx.example.com\x7f.evil; spf=pass"),
	"mx.example.com"},
    {"a control character ends the id",
	IN(" mx.example.com\x01.evil; spf=pass"), "mx.example.com"},
    {"the given length ends the id", "mx.example.com.evil.example", 14,
	"mx.example.com"},
    /* other ids stay other */
    {"a comment naming us before another id is not the id",
	IN(" (mx.example.com) relay.other.example; spf=pass"),
	"relay.other.example"},
    {"an escaped parenthesis does not close the comment",
	IN(" (a\\) mx.example.com) relay.other.example; spf=pass"),
	"relay.other.example"},
    {"a quoted id keeps inner blanks", IN(" \"mx .example.com\"; spf=pass"),
	"mx .example.com"},
    {"UTF-8 bytes are kept, ASCII lowered",
	IN(" MX.B\xc3\x9c"
	   "CHER.Example; spf=pass"),
	"mx.b\xc3\x9c"
	"cher.example"},
    {"a leading dot stays", IN(" .mx.example.com; spf=pass"),
	".mx.example.com"},
    /* unreadable: NULL */
    {"an empty value is unreadable", IN(""), NULL},
    {"only blanks and comments are unreadable", IN(" (c) \r\n\t (d)"), NULL},
    {"a semicolon first is unreadable", IN(" ; mx.example.com; spf=pass"),
	NULL},
    {"leading junk is unreadable", IN(" @mx.example.com; spf=pass"), NULL},
    {"an encoded-word is unreadable",
	IN(" =?us-ascii?q?mx.example.com?=; spf=pass"), NULL},
    {"NUL before the id is unreadable", IN("\0mx.example.com; spf=pass"), NULL},
    {"a control character before the id is unreadable",
	IN(" \x0bmx.example.com; spf=pass"), NULL},
    {"an unterminated comment is unreadable", IN(" (mx.example.com; spf=pass"),
	NULL},
    {"a comment ending in a backslash is unreadable", IN(" (mx.example.com\\"),
	NULL},
    {"an extra closing parenthesis is unreadable",
	IN(" (a)) mx.example.com; spf=pass"), NULL},
    {"an unterminated quote is unreadable", IN(" \"mx.example.com; spf=pass"),
	NULL},
    {"a quote ending in a backslash is unreadable", IN(" \"mx.example.com\\"),
	NULL},
    {"NUL inside quotes is unreadable", IN(" \"mx.example.com\0\"; spf=pass"),
	NULL},
    {"an escaped control character inside quotes is unreadable",
	IN(" \"mx.example.com\\\x01\"; spf=pass"), NULL},
    {"an empty quoted id is unreadable", IN(" \"\"; spf=pass"), NULL},
    {"a quoted id of blanks is unreadable", IN(" \"  \"; spf=pass"), NULL},
    {"an id of dots only is unreadable", IN(" ..; spf=pass"), NULL},
};

static void
id_named_case(void **state)
{
	const struct id_case *c = *state;
	struct am_arena *arena = am_arena_new();
	const char *id;

	assert_non_null(arena);
	id = am_authres_authserv_id(arena, c->in, c->len);
	if (c->want == NULL) {
		if (id != NULL)
			fail_msg("read \"%s\", want unreadable", id);
	} else {
		if (id == NULL)
			fail_msg("unreadable, want \"%s\"", c->want);
		assert_string_equal(id, c->want);
	}
	am_arena_free(arena);
}

/* "(((...( x ...)))) mx.example.com": depth comments deep. */
static const char *
nested(struct am_arena *arena, unsigned depth)
{
	char *s = am_arena_alloc(arena, 2 * depth + 32);
	size_t n = 0;
	unsigned i;

	assert_non_null(s);
	for (i = 0; i < depth; i++)
		s[n++] = '(';
	s[n++] = 'x';
	for (i = 0; i < depth; i++)
		s[n++] = ')';
	memcpy(s + n, " mx.example.com;", sizeof(" mx.example.com;"));
	return s;
}

/* RFC 5322 sets no depth; past 32 we stop reading rather than recurse
 * or count without bound, and the caller deletes what it cannot read. */
static void
id_comment_depth_is_bounded(void **state)
{
	struct am_arena *arena = am_arena_new();
	const char *s;

	(void)state;
	assert_non_null(arena);
	s = nested(arena, 32);
	assert_string_equal(
	    am_authres_authserv_id(arena, s, strlen(s)), "mx.example.com");
	s = nested(arena, 33);
	assert_null(am_authres_authserv_id(arena, s, strlen(s)));
	s = nested(arena, 100000);
	assert_null(am_authres_authserv_id(arena, s, strlen(s)));
	am_arena_free(arena);
}

/*
 * Golden files: each case renders a header and compares it, with the
 * "Authentication-Results: " prefix and a final newline, byte for byte.
 */
enum op_kind { OP_END, OP_RESULT, OP_PROP, OP_COMMENT };

struct op {
	enum op_kind kind;
	const char *a, *b, *c; /* method, -, comment | ptype, property, value
				  | text */
	enum am_result result;
};

struct golden_case {
	const char *name;
	const char *file;
	const char *authserv_id;
	struct op ops[5];
};

static const char long_word[] =
    "https://www.example.com/why/"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static const struct golden_case golden_cases[] = {
    {"spf pass with smtp.mailfrom", "spf_pass_mailfrom", "mx.example.com",
	{{OP_RESULT, "spf", NULL,
	     "192.0.2.1 matched ip4:192.0.2.0/24 in the record of "
	     "example.com",
	     AM_RESULT_PASS},
	    {OP_PROP, "smtp", "mailfrom", "sender@example.com", 0}}},
    {"null sender: spf with smtp.helo", "null_sender_helo", "mx.example.com",
	{{OP_RESULT, "spf", NULL, NULL, AM_RESULT_NEUTRAL},
	    {OP_COMMENT, "null sender: checked postmaster@mail.example.org",
		NULL, NULL, 0},
	    {OP_PROP, "smtp", "helo", "mail.example.org", 0}}},
    {"a long comment folds between words", "long_comment", "mx.example.com",
	{{OP_RESULT, "spf", NULL,
	     "192.0.2.77 is not allowed to send mail for example.net: "
	     "the record of example.net ends in -all and no mechanism "
	     "before it matched this client, see "
	     "https://example.net/spf for the list of servers",
	     AM_RESULT_FAIL},
	    {OP_PROP, "smtp", "mailfrom", "bounce@example.net", 0}}},
    {"values that are no token are quoted", "quoted_values", "mx.example.com",
	{{OP_RESULT, "dkim", NULL, NULL, AM_RESULT_PASS},
	    {OP_PROP, "header", "d", "example.com", 0},
	    {OP_PROP, "header", "b", "kD3/xq0=", 0},
	    {OP_PROP, "header", "i", "\"odd\\local\"@example.com", 0},
	    {OP_PROP, "smtp", "mailfrom", "user.name@example.com", 0}}},
    {"parentheses and backslashes in a comment are escaped", "comment_escapes",
	"mx.example.com",
	{{OP_RESULT, "iprev", NULL, "a (nested) comment) with \\ backslash\\",
	     AM_RESULT_PASS},
	    {OP_PROP, "policy", "iprev", "192.0.2.1", 0}}},
    {"no results: none", "none", "mx.example.com", {{OP_END}}},
    {"no results after a long authserv-id: none folds", "none_long_id",
	"authserv-id.of-a-mail-filter-cluster.example.co.uk", {{OP_END}}},
    {"control characters in a comment are replaced", "control_chars",
	"mx.example.com",
	{{OP_RESULT, "spf", NULL, "line one\r\nspf=pass\ttab\x7f del\x01",
	     AM_RESULT_SOFTFAIL},
	    {OP_COMMENT, "\n\tsecond: \x1b[0m", NULL, NULL, 0}}},
    {"a word longer than a line in a comment is cut at 998",
	"long_word_comment", "mx.example.com",
	{{OP_RESULT, "spf", NULL, NULL, AM_RESULT_FAIL},
	    {OP_COMMENT, long_word, NULL, NULL, 0},
	    {OP_COMMENT, "after", NULL, NULL, 0}}},
    {"a line keeps room for the semicolon of the next result", "semicolon_room",
	"mx.example.com",
	{{OP_RESULT, "spf", NULL,
	     "192.0.2.1 matched ip4:192.0.2.0/24 in the record of "
	     "example.org.uk",
	     AM_RESULT_PASS},
	    {OP_RESULT, "dkim", NULL, NULL, AM_RESULT_NONE}}},
    {"several results, each on its line", "several_results", "mx.example.com",
	{{OP_RESULT, "iprev", NULL,
	     "mail.example.com resolves back to 192.0.2.1", AM_RESULT_PASS},
	    {OP_PROP, "policy", "iprev", "192.0.2.1", 0},
	    {OP_RESULT, "spf", NULL, NULL, AM_RESULT_TEMPERROR},
	    {OP_COMMENT, "no DNS answer for TXT example.com (timeout)", NULL,
		NULL, 0},
	    {OP_PROP, "smtp", "mailfrom", "example.com", 0}}},
};

static char *
read_golden(const char *file, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	char *data;
	long size;
	FILE *fp;

	if (top == NULL)
		return NULL;
	snprintf(
	    path, sizeof(path), "%s/test/data/authres/%s.golden", top, file);
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("%s: cannot open", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	size = ftell(fp);
	assert_true(size >= 0);
	rewind(fp);
	data = malloc((size_t)size + 1);
	assert_non_null(data);
	*len = fread(data, 1, (size_t)size, fp);
	data[*len] = '\0';
	fclose(fp);
	return data;
}

static const char *
render(struct am_arena *arena, const struct golden_case *c)
{
	struct am_authres ar;
	const struct op *op;

	am_authres_begin(&ar, c->authserv_id);
	for (op = c->ops; op < c->ops + 5 && op->kind != OP_END; op++)
		switch (op->kind) {
		case OP_RESULT:
			am_authres_result(&ar, op->a, op->result, op->c);
			break;
		case OP_PROP:
			am_authres_prop(&ar, op->a, op->b, op->c);
			break;
		case OP_COMMENT:
			am_authres_comment(&ar, op->a);
			break;
		case OP_END:
			break;
		}
	return am_authres_end(&ar, arena);
}

static void
golden_named_case(void **state)
{
	const struct golden_case *c = *state;
	struct am_arena *arena = am_arena_new();
	const char *value, *got;
	char *want;
	size_t len;

	assert_non_null(arena);
	if ((want = read_golden(c->file, &len)) == NULL) {
		am_arena_free(arena);
		skip(); /* top_srcdir comes from make check */
	}
	value = render(arena, c);
	assert_non_null(value);
	got = am_arena_printf(arena, "%s: %s\n", AM_AUTHRES_HEADER, value);
	assert_non_null(got);
	if (strlen(got) != len || memcmp(got, want, len) != 0)
		fail_msg("%s.golden differs; rendered:\n%s", c->file, got);
	/* what we render, we read back */
	assert_string_equal(am_authres_authserv_id(arena, value, strlen(value)),
	    c->authserv_id);
	free(want);
	am_arena_free(arena);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(id_comment_depth_is_bounded),
	};
	enum {
		NID = sizeof(id_cases) / sizeof(id_cases[0]),
		NGOLDEN = sizeof(golden_cases) / sizeof(golden_cases[0]),
		NFIXED = sizeof(fixed) / sizeof(fixed[0])
	};
	struct CMUnitTest tests[NID + NGOLDEN + NFIXED];
	char names[NID + NGOLDEN][160];
	size_t i;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < NID; i++) {
		snprintf(names[i], sizeof(names[i]), "authserv-id: %s -> %s",
		    id_cases[i].name,
		    id_cases[i].want != NULL ? id_cases[i].want : "NULL");
		tests[i].name = names[i];
		tests[i].test_func = id_named_case;
		tests[i].initial_state = (void *)&id_cases[i];
	}
	for (i = 0; i < NGOLDEN; i++) {
		snprintf(names[NID + i], sizeof(names[NID + i]),
		    "render: %s (%s.golden)", golden_cases[i].name,
		    golden_cases[i].file);
		tests[NID + i].name = names[NID + i];
		tests[NID + i].test_func = golden_named_case;
		tests[NID + i].initial_state = (void *)&golden_cases[i];
	}
	for (i = 0; i < NFIXED; i++)
		tests[NID + NGOLDEN + i] = fixed[i];
	return _cmocka_run_group_tests(
	    "authres", tests, NID + NGOLDEN + NFIXED, NULL, NULL);
}
