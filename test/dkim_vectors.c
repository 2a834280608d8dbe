/*
 * dkim_vectors.c - public DKIM test vectors through the verifier.
 *
 * The messages and key records come from two Debian packages that
 * test/dkim_vectors.sh extracts at test time (nothing of theirs is kept in
 * this repository):
 *   - golang-github-emersion-go-msgauth-dev: the RFC 8463 Appendix A.3
 *     message (verify_test.go) and its ed25519 key (query_test.go);
 *   - python3-dkim: the signed messages of its test suite, the key
 *     records in its data/ directory and those its test_dkim*.py answer
 *     from inline strings.
 * Each vector is verified with a zone holding exactly the records the
 * originating test answers with; its expected results are what that test
 * asserts, in RFC 8601 terms.  Prints TAP, one line per vector.
 *
 * Usage: dkim_vectors GO_DKIM_DIR PYTHON_DKIM_TESTS_DIR
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dkimsign.h"
#include "zone.h"

#define NOW 1700000000 /* after every t= here; no vector has x= */

enum pkg { GO, PY };
enum how {
	WHOLE,	   /* the whole file */
	GO_RAW,	   /* a Go `raw string` constant: key is its name */
	GO_QUOTED, /* a Go "string" constant */
	PY_TRIPLE, /* a Python """string""" after key, past anchor */
};

struct source {
	enum pkg pkg;
	const char *file;
	enum how how;
	const char *anchor; /* PY_TRIPLE: where to start looking */
	const char *key;
};

struct record {
	const char *owner;
	struct source src;
};

struct vector {
	const char *name;
	struct source msg;
	struct record keys[2];
	const char *expect; /* the results in order; "none": no signature */
};

#define PY_FILE(f)  {PY, f, WHOLE, NULL, NULL}
#define TEST_TXT    PY_FILE("data/test.txt")
#define FOOTBALL(s) s "._domainkey.football.example.com"
#define PY_BRISBANE                                                          \
	{PY, "test_dkim.py", PY_TRIPLE, "def dnsfunc5(",                     \
	    "'brisbane._domainkey.football.example.com.': \"\"\""}

static const struct vector vectors[] = {
	{"RFC 8463 A.3 (go-msgauth verifiedEd25519MailString): "
	 "ed25519-sha256 and rsa-sha256 pass",
	    {GO, "verify_test.go", GO_RAW, NULL, "verifiedEd25519MailString"},
	    {{FOOTBALL("brisbane"),
		 {GO, "query_test.go", GO_QUOTED, NULL, "dnsEd25519PublicKey"}},
		{FOOTBALL("test"), TEST_TXT}},
	    "pass pass"},
	{"python-dkim rfc6376.signed.msg (test_double_previous_verifies, "
	 "test_rfc8032_previous_verifies): both pass",
	    PY_FILE("data/rfc6376.signed.msg"),
	    {{FOOTBALL("brisbane"), PY_BRISBANE},
		{FOOTBALL("test"), TEST_TXT}},
	    "pass pass"},
	{"python-dkim rfc6376.signed.rsa.msg, corrupted key "
	 "(test_catch_bad_key): permerror",
	    PY_FILE("data/rfc6376.signed.rsa.msg"),
	    {{FOOTBALL("test"),
		{PY, "test_dkim.py", PY_TRIPLE, "def dnsfunc6(",
		    "sample_dns = \"\"\""}}},
	    "permerror"},
	{"python-dkim test.message.baddomain, d= with '(' "
	 "(test_invalid_domain_verify): neutral",
	    PY_FILE("data/test.message.baddomain"), {{NULL, {0}}}, "neutral"},
	{"python-dkim test2.message, degenerate folding "
	 "(test_degenerate_folding): pass",
	    PY_FILE("data/test2.message"),
	    {{"20120113._domainkey.gmail.com",
		{PY, "test_dkim.py", PY_TRIPLE, "def dnsfunc(",
		    "'20120113._domainkey.gmail.com.': \"\"\""}}},
	    "pass"},
	{"python-dkim ed25519test2.msg, signed by Exim "
	 "(test_verify_third_party): pass",
	    PY_FILE("data/ed25519test2.msg"),
	    {{"sed._domainkey.test.ex", PY_FILE("data/eximtest.dns")}},
	    "pass"},
	{"python-dkim rfc6376.w1258.msg, unsigned (test_non_utf8): none",
	    PY_FILE("data/rfc6376.w1258.msg"), {{NULL, {0}}}, "none"},
};

static const char *dirs[2]; /* GO, PY */

static char *
read_file(enum pkg pkg, const char *file)
{
	char path[4096];
	struct am_buf b;
	char chunk[8192];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dirs[pkg], file);
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	am_buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		am_buf_add(&b, chunk, n);
	fclose(fp);
	return am_buf_failed(&b) ? NULL : (char *)am_buf_str(&b);
}

/* The text between open (found after start) and the next close. */
static bool
between(struct am_buf *out, const char *text, const char *start,
    const char *open, const char *close)
{
	const char *p = start != NULL ? strstr(text, start) : text, *end;

	if (p == NULL || (p = strstr(p, open)) == NULL)
		return false;
	p += strlen(open);
	if ((end = strstr(p, close)) == NULL)
		return false;
	am_buf_add(out, p, (size_t)(end - p));
	return true;
}

/* Python drops a backslash-newline inside a string literal. */
static void
py_unescape(struct am_buf *b)
{
	size_t i, o = 0;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\\' && i + 1 < b->len &&
		    b->data[i + 1] == '\n')
			i++;
		else
			b->data[o++] = b->data[i];
	}
	am_buf_truncate(b, o);
}

/* The source's text, or NULL (with why) when it is not to be found. */
static char *
extract(const struct source *src, const char **why)
{
	char *text = read_file(src->pkg, src->file), *decl;
	struct am_buf b;
	bool found = false;

	*why = src->file;
	if (text == NULL)
		return NULL;
	am_buf_init(&b, 0);
	if (src->how == WHOLE) {
		am_buf_adds(&b, text);
		found = true;
	} else if (src->how == PY_TRIPLE) {
		found = between(&b, text, src->anchor, src->key, "\"\"\"");
		py_unescape(&b);
	} else if ((decl = malloc(strlen(src->key) + 16)) != NULL) {
		snprintf(decl, strlen(src->key) + 16, "const %s = %s", src->key,
		    src->how == GO_RAW ? "`" : "\"");
		found = between(&b, text, NULL, decl,
		    src->how == GO_RAW ? "`" : "\"");
		free(decl);
	}
	free(text);
	if (!found || am_buf_failed(&b)) {
		*why = src->key != NULL ? src->key : src->file;
		am_buf_release(&b);
		return NULL;
	}
	return (char *)am_buf_str(&b);
}

/* As the message reaches a milter: CRLF line ends, a final CRLF. */
static char *
as_smtp(const char *text)
{
	struct am_buf b;
	const char *p;

	am_buf_init(&b, 0);
	for (p = text; *p != '\0'; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			am_buf_addc(&b, '\r');
		am_buf_addc(&b, *p);
	}
	if (b.len < 2 || memcmp(b.data + b.len - 2, "\r\n", 2) != 0)
		am_buf_adds(&b, "\r\n");
	return am_buf_failed(&b) ? NULL : (char *)am_buf_str(&b);
}

static time_t
fixed_clock(void *arg)
{
	(void)arg;
	return NOW;
}

/* "pass pass", or "none", with each result's reason in why. */
static void
results(const struct am_dkim_result *res, struct am_buf *got,
    struct am_buf *why)
{
	size_t k;

	if (res->count == 0)
		am_buf_adds(got, "none");
	for (k = 0; k < res->count; k++) {
		am_buf_printf(got, "%s%s", k > 0 ? " " : "",
		    am_result_name(res->sigs[k].result));
		am_buf_printf(why, "#   d=%s s=%s a=%s: %s: %s\n",
		    res->sigs[k].domain ? res->sigs[k].domain : "-",
		    res->sigs[k].selector ? res->sigs[k].selector : "-",
		    res->sigs[k].algorithm ? res->sigs[k].algorithm : "-",
		    am_result_name(res->sigs[k].result), res->sigs[k].reason);
	}
}

/* Verifies msg with a zone of the vector's keys; false with a reason. */
static bool
check(const struct vector *v, const char *msg, struct am_dkim_lib *lib,
    const char *zone, struct am_buf *got, struct am_buf *why)
{
	struct am_zone *z = am_zone_new();
	struct dkimsign_check c;
	struct am_dns_session *s;
	struct am_arena *arena;
	struct am_dns *dns;
	struct am_ctx ctx;
	char err[256];
	bool ok = false;

	if (z == NULL || !am_zone_parse(z, zone, strlen(zone), err,
			     sizeof(err))) {
		am_buf_printf(why, "#   zone: %s\n", z ? err : "no memory");
		am_zone_free(z);
		return false;
	}
	dns = am_dns_new_zone(z);
	am_ctx_init(&ctx, dns);
	ctx.clock = fixed_clock;
	arena = am_arena_new();
	if (dns != NULL && arena != NULL &&
	    (s = am_dns_session_new(dns, arena)) != NULL) {
		if (dkimsign_verify(lib, &ctx, s, arena, NULL, msg, strlen(msg),
			64, &c)) {
			results(&c.res, got, why);
			ok = strcmp(am_buf_str(got), v->expect) == 0;
		}
		am_dns_session_end(s);
	}
	am_arena_free(arena);
	am_dns_free(dns);
	return ok;
}

static bool
run(const struct vector *v, struct am_dkim_lib *lib, struct am_buf *got,
    struct am_buf *why)
{
	char *text, *msg, *key;
	const char *missing;
	struct am_buf zone;
	size_t k;
	bool ok;

	if ((text = extract(&v->msg, &missing)) == NULL) {
		am_buf_printf(why, "#   not found in the package: %s\n",
		    missing);
		return false;
	}
	msg = as_smtp(text);
	free(text);
	am_buf_init(&zone, 0);
	for (k = 0; k < 2 && v->keys[k].owner != NULL; k++) {
		if ((key = extract(&v->keys[k].src, &missing)) == NULL) {
			am_buf_printf(why, "#   not found in the package: %s\n",
			    missing);
			break;
		}
		/* A record file ends with a line break. */
		key[strcspn(key, "\r\n")] = '\0';
		dkimsign_zone_txt(&zone, v->keys[k].owner, key);
		free(key);
	}
	ok = msg != NULL && (k == 2 || v->keys[k].owner == NULL) &&
	    !am_buf_failed(&zone) &&
	    check(v, msg, lib, am_buf_str(&zone), got, why);
	am_buf_release(&zone);
	free(msg);
	return ok;
}

int
main(int argc, char **argv)
{
	size_t n = sizeof(vectors) / sizeof(vectors[0]), i, failed = 0;
	struct am_buf got, why;
	struct am_dkim_lib *lib;
	char err[256];
	bool ok;

	if (argc != 3) {
		fprintf(stderr, "usage: dkim_vectors GO_DKIM_DIR PY_TESTS_DIR\n");
		return 2;
	}
	dirs[GO] = argv[1];
	dirs[PY] = argv[2];
	if ((lib = am_dkim_lib_new(NULL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "dkim_vectors: %s\n", err);
		return 1;
	}
	printf("1..%zu\n", n);
	for (i = 0; i < n; i++) {
		am_buf_init(&got, 0);
		am_buf_init(&why, 0);
		ok = run(&vectors[i], lib, &got, &why);
		printf("%sok %zu - %s\n", ok ? "" : "not ", i + 1,
		    vectors[i].name);
		if (!ok)
			printf("#   want: %s\n#   got:  %s\n", vectors[i].expect,
			    am_buf_str(&got));
		fputs(am_buf_str(&why), stdout);
		failed += !ok;
		am_buf_release(&got);
		am_buf_release(&why);
	}
	am_dkim_lib_free(lib);
	return failed == 0 ? 0 : 1;
}
