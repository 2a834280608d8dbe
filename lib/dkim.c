/*
 * dkim.c - DKIM verification, RFC 6376 section 6, with RFC 8301 (no
 * rsa-sha1, RSA keys of 1024 bits or more) and RFC 8463 (ed25519-sha256),
 * over OpenDKIM's libopendkim; what it promises is in dkim.h.
 *
 * libopendkim canonicalizes and checks the cryptography.  This file
 * decides everything else and keeps libopendkim away from the network and
 * the clock:
 *   - each DKIM-Signature field is parsed as it arrives (dkim_tags.c) and
 *     its key is prefetched through the message's DNS session; the key
 *     callback hands libopendkim that answer, so its own resolver (one
 *     shared res_state, not thread-safe) is never used;
 *   - at most max_signatures fields, in header order, are verified; the
 *     rest are counted and neither looked up nor passed to libopendkim
 *     (which canonicalizes every header once per signature it knows:
 *     thousands of signatures would cost quadratic time).  A signature
 *     whose h= covers such a later DKIM-Signature field therefore fails;
 *   - a DKIM-Signature field reaches libopendkim only once our parser
 *     accepted it (dkim_tags.c, which also bounds h= to
 *     AM_DKIM_HNAMES_MAX names); and libopendkim matches each h= name
 *     against every header field, so a message with more than
 *     FIELDS_MAX fields is not verified at all (neutral, and said so):
 *     the work per message stays bounded by the product of the two;
 *   - x= and t= are judged against am_ctx_now() at the end of the header
 *     (see judge_clock() for why libopendkim's own test is widened);
 *   - a cryptographically valid signature is still not a pass when it is
 *     rsa-sha1, its RSA key is too short, or its l= leaves body unsigned.
 *
 * Threads: struct am_dkim_lib is configured once and then only read, so
 * one serves every thread; a struct am_dkim and its libopendkim handle
 * belong to the thread of their message.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <opendkim/dkim.h>

#include "buf.h"
#include "dkim.h"
#include "dkim_keycache.h"
#include "dkim_state.h"
#include "domain.h"

#define DEFAULT_MAX_SIGS 5
#define MAX_SIGS_LIMIT	 100
#define FIELD_MAX	 (1u << 20) /* longest header field passed on */
#define FIELDS_MAX	 2000	   /* header fields passed on */
#define FUTURE_SKEW	 300	   /* seconds t= may run ahead of us */
#define LIB_DRIFT	 1000000000ULL
#define SIG_NAME	 "DKIM-Signature"

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

static struct sig *
sig_of(struct am_dkim *m, DKIM_SIGINFO *si)
{
	struct sig *s;

	for (s = m->sigs; s != NULL; s = s->next)
		if (s->si == si)
			return s;
	return NULL;
}

/*
 * Called by dkim_eoh() with libopendkim's signatures, one per field it
 * was given, in header order: pairs them with ours and tells it to skip
 * the ones already decided (malformed, expired, dated in the future).
 */
static DKIM_CBSTAT
prescreen(DKIM *d, DKIM_SIGINFO **list, int n)
{
	struct am_dkim *m = dkim_get_user_context(d);
	struct sig *s;
	int k = 0;

	if (m == NULL)
		return DKIM_CBSTAT_ERROR;
	for (s = m->sigs; s != NULL; s = s->next) {
		if (!s->fed)
			continue;
		if (k == n)
			break;
		s->si = list[k++];
		if (s->syntax != NULL || s->clock != CLOCK_OK)
			dkim_sig_ignore(s->si);
	}
	if (s != NULL || k != n) {
		am_dkim_failed(m, "libopendkim counts other signatures than we do",
		    DKIM_STAT_OK);
		return DKIM_CBSTAT_ERROR;
	}
	return DKIM_CBSTAT_CONTINUE;
}

static void
trace_answer(struct am_dkim *m, const struct sig *s,
    const struct am_dns_answer *a)
{
	if (a->status == AM_DNS_OK)
		am_trace_add(m->trace, "dkim", 1, "TXT %s -> %zu record%s, %zu "
		    "bytes", s->keyname, a->count, a->count == 1 ? "" : "s",
		    a->count > 0 ? a->rr[0].len : 0);
	else
		am_trace_add(m->trace, "dkim", 1, "TXT %s -> %s%s%s",
		    s->keyname, am_dns_status_name(a->status),
		    a->why != NULL ? ", " : "", a->why != NULL ? a->why : "");
}

/* Our view of the answer, when libopendkim cannot be handed it. */
static DKIM_CBSTAT
key_refused(struct sig *s, enum key_state state, const char *why)
{
	s->key = state;
	s->key_why = why != NULL ? why : "out of memory";
	if (state == KEY_TEMPFAIL) {
		/* libopendkim stops dkim_eoh() at TRYAGAIN and resumes when
		 * called again; ignoring the signature keeps it from asking
		 * for this key a second time. */
		dkim_sig_ignore(s->si);
		return DKIM_CBSTAT_TRYAGAIN;
	}
	return DKIM_CBSTAT_NOTFOUND;
}

/*
 * libopendkim's key lookup (dkim_set_key_lookup): the TXT record at
 * <s>._domainkey.<d> from the message's DNS session (RFC 6376 3.6.2).
 */
static DKIM_CBSTAT
key_lookup(DKIM *d, DKIM_SIGINFO *si, u_char *buf, size_t buflen)
{
	struct am_dkim *m = dkim_get_user_context(d);
	const struct am_dns_answer *a;
	const char *status, *text;
	struct sig *s;
	size_t len;
	bool converted;

	if (m == NULL || (s = sig_of(m, si)) == NULL || s->keyname == NULL)
		return DKIM_CBSTAT_ERROR;
	a = am_dns_session_lookup(m->dns, s->keyname, AM_DNS_TXT);
	trace_answer(m, s, a);
	if (a->status == AM_DNS_TEMPFAIL)
		return key_refused(s, KEY_TEMPFAIL,
		    a->why != NULL ? a->why : "no answer");
	if (a->status != AM_DNS_OK || a->count == 0) {
		/* An answer without records is NODATA. */
		status = am_dns_status_name(a->status == AM_DNS_OK ?
			AM_DNS_NODATA : a->status);
		return key_refused(s, KEY_MISSING, a->why == NULL ? status :
		    am_arena_printf(m->arena, "%s, %s", status, a->why));
	}
	/* RFC 6376 3.6.2.2: one record per selector. */
	if (a->count > 1)
		return key_refused(s, KEY_BAD, am_arena_printf(m->arena,
		    "%zu TXT records at %s, not one", a->count, s->keyname));
	if (memchr(a->rr[0].text, '\0', a->rr[0].len) != NULL)
		return key_refused(s, KEY_BAD, am_arena_printf(m->arena,
		    "the key record at %s holds a NUL byte", s->keyname));
	/* RFC 6376 3.6.1: p= may be a bare PKCS#1 RSAPublicKey, which
	 * libopendkim cannot decode; it gets the SubjectPublicKeyInfo. */
	text = am_dkim_key_normalize(m->arena, a->rr[0].text, a->rr[0].len,
	    &len, &converted);
	if (converted)
		am_trace_add(m->trace, "dkim", 1, "the key at %s is a bare "
		    "PKCS#1 RSAPublicKey; passed on as SubjectPublicKeyInfo",
		    s->keyname);
	if (len >= buflen)
		return key_refused(s, KEY_BAD, am_arena_printf(m->arena,
		    "the key record at %s is %zu bytes, more than libopendkim "
		    "takes (%zu)", s->keyname, len, buflen - 1));
	memcpy(buf, text, len);
	buf[len] = '\0';
	s->key = KEY_FOUND;
	return DKIM_CBSTAT_CONTINUE;
}

static bool
lib_configure(struct am_dkim_lib *lib)
{
	uint32_t flags = DKIM_LIBFLAGS_BADSIGHANDLES;
	unsigned bits = lib->min_key_bits;
	uint64_t drift = LIB_DRIFT;

	/* BADSIGHANDLES: a malformed field still gets its siginfo, so
	 * libopendkim's list stays parallel to ours. */
	return dkim_options(lib->lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
		   sizeof(flags)) == DKIM_STAT_OK &&
	    dkim_options(lib->lib, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &bits,
		sizeof(bits)) == DKIM_STAT_OK &&
	    dkim_options(lib->lib, DKIM_OP_SETOPT, DKIM_OPTS_CLOCKDRIFT, &drift,
		sizeof(drift)) == DKIM_STAT_OK &&
	    dkim_set_key_lookup(lib->lib, key_lookup) == DKIM_STAT_OK &&
	    dkim_set_prescreen(lib->lib, prescreen) == DKIM_STAT_OK;
}

struct am_dkim_lib *
am_dkim_lib_new(const struct am_dkim_options *opt, char *err, size_t errlen)
{
	struct am_dkim_lib *lib;
	unsigned max = DEFAULT_MAX_SIGS, bits = RSA_MIN_BITS;

	if (opt != NULL && opt->max_signatures != 0)
		max = opt->max_signatures;
	if (opt != NULL && opt->min_key_bits != 0)
		bits = opt->min_key_bits;
	if (bits < RSA_MIN_BITS) {
		set_err(err, errlen, "dkim min_key_bits is below 1024, the "
				     "RFC 8301 minimum");
		return NULL;
	}
	if (max > MAX_SIGS_LIMIT) {
		set_err(err, errlen, "dkim max_signatures is above 100");
		return NULL;
	}
	if ((lib = calloc(1, sizeof(*lib))) == NULL) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	lib->max_signatures = max;
	lib->min_key_bits = bits;
	am_dkim_keycache_init();
	if ((lib->lib = dkim_init(NULL, NULL)) == NULL || !lib_configure(lib)) {
		set_err(err, errlen, "libopendkim could not be initialized");
		am_dkim_lib_free(lib);
		return NULL;
	}
	return lib;
}

void
am_dkim_lib_free(struct am_dkim_lib *lib)
{
	if (lib == NULL)
		return;
	if (lib->lib != NULL)
		dkim_close(lib->lib);
	free(lib);
}

struct am_dkim *
am_dkim_new(struct am_dkim_lib *lib, const struct am_ctx *ctx,
    struct am_dns_session *dns, struct am_arena *arena, struct am_trace *trace)
{
	struct am_dkim *m = am_arena_zalloc(arena, sizeof(*m));
	DKIM_STAT st = DKIM_STAT_OK;

	if (m == NULL)
		return NULL;
	m->lib = lib;
	m->ctx = ctx;
	m->dns = dns;
	m->arena = arena;
	m->trace = trace;
	m->tail = &m->sigs;
	am_buf_init(&m->field, FIELD_MAX);
	m->d = dkim_verify(lib->lib, (const unsigned char *)"authmilter", NULL,
	    &st);
	if (m->d == NULL)
		am_dkim_failed(m, "dkim_verify", st);
	else if ((st = dkim_set_user_context(m->d, m)) != DKIM_STAT_OK)
		am_dkim_failed(m, "dkim_set_user_context", st);
	return m;
}

void
am_dkim_free(struct am_dkim *m)
{
	if (m == NULL)
		return;
	if (m->d != NULL)
		dkim_free(m->d);
	am_buf_release(&m->field);
}

/* The field name, as libopendkim compares it: white space before the
 * colon does not count. */
static bool
is_signature(const char *name, size_t len)
{
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	return len == sizeof(SIG_NAME) - 1 &&
	    strncasecmp(name, SIG_NAME, len) == 0;
}

/* A name worth reporting: letters, digits, '-', '_' and '.' only (a
 * malformed field must not smuggle text into Authentication-Results). */
static bool
is_name(const struct am_dkim_tagval *v)
{
	unsigned char c;
	size_t k;

	if (v->p == NULL || !am_domain_valid(v->p, v->len))
		return false;
	for (k = 0; k < v->len; k++) {
		c = (unsigned char)v->p[k];
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '-' && c != '_' && c != '.')
			return false;
	}
	return true;
}

/* Any other tag is reported only without white space in it. */
static const char *
plain(struct am_arena *arena, const struct am_dkim_tagval *v)
{
	if (v->p == NULL || memchr(v->p, ' ', v->len) != NULL ||
	    memchr(v->p, '\t', v->len) != NULL ||
	    memchr(v->p, '\n', v->len) != NULL ||
	    memchr(v->p, '\r', v->len) != NULL)
		return NULL;
	return am_dkim_tag_copy(arena, v);
}

static void
sig_fields(struct am_dkim *m, struct sig *s, const struct am_dkim_sigtags *tags)
{
	const struct am_dkim_tagval *c = &tags->tag[AM_DKIM_TAG_C],
				 *d = &tags->tag[AM_DKIM_TAG_D],
				 *sel = &tags->tag[AM_DKIM_TAG_S];
	const char *slash;

	s->domain = is_name(d) ? am_domain_normalize(m->arena, d->p, d->len) :
				 NULL;
	s->selector = is_name(sel) ? am_dkim_tag_copy(m->arena, sel) : NULL;
	s->algorithm = plain(m->arena, &tags->tag[AM_DKIM_TAG_A]);
	s->identity = plain(m->arena, &tags->tag[AM_DKIM_TAG_I]);
	s->has_t = tags->tag[AM_DKIM_TAG_T].p != NULL;
	s->has_x = tags->tag[AM_DKIM_TAG_X].p != NULL;
	s->has_l = tags->tag[AM_DKIM_TAG_L].p != NULL;
	s->t = tags->t;
	s->x = tags->x;
	s->l = tags->l;
	/* c= header[/body]; the body part defaults to simple (3.5). */
	if (c->p != NULL && (slash = memchr(c->p, '/', c->len)) != NULL)
		s->relaxed_body = (size_t)(c->p + c->len - slash - 1) == 7 &&
		    strncasecmp(slash + 1, "relaxed", 7) == 0;
}

/* Records a DKIM-Signature field; NULL when it is not to be verified. */
static struct sig *
add_signature(struct am_dkim *m, const char *value, size_t len)
{
	struct am_dkim_sigtags tags;
	bool ok = am_dkim_sigtags_parse(value, len, &tags);
	struct sig *s = am_arena_zalloc(m->arena, sizeof(*s));

	if (s == NULL) {
		am_dkim_failed(m, "out of memory", DKIM_STAT_OK);
		return NULL;
	}
	s->n = ++m->nsigs;
	s->b = am_dkim_tag_compact(m->arena, &tags.tag[AM_DKIM_TAG_B]);
	*m->tail = s;
	m->tail = &s->next;
	if (s->n > m->lib->max_signatures) {
		s->unchecked = true;
		am_trace_add(m->trace, "dkim", 0, "DKIM-Signature %u: past the "
		    "limit of %u, not verified", s->n, m->lib->max_signatures);
		return NULL;
	}
	m->checked++;
	sig_fields(m, s, &tags);
	if (!ok) {
		s->syntax = am_arena_strdup(m->arena, tags.why);
		am_trace_add(m->trace, "dkim", 0, "DKIM-Signature %u: malformed "
		    "(%s)", s->n, tags.why);
		return s;
	}
	s->keyname = am_arena_printf(m->arena, "%s._domainkey.%s",
	    s->selector, s->domain);
	if (s->keyname == NULL) {
		am_dkim_failed(m, "out of memory", DKIM_STAT_OK);
		return s;
	}
	am_trace_add(m->trace, "dkim", 0, "DKIM-Signature %u: d=%s s=%s a=%s",
	    s->n, s->domain, s->selector, s->algorithm);
	/* The answer is collected by key_lookup() at the end of the header. */
	am_dns_session_prefetch(m->dns, s->keyname, AM_DNS_TXT);
	m->count_body |= s->has_l;
	return s;
}

/* "Name:value", with every bare LF made CRLF as libopendkim needs. */
static void
build_field(struct am_buf *b, const char *name, size_t name_len,
    const char *value, size_t value_len)
{
	size_t k, run = 0;

	am_buf_reset(b);
	am_buf_add(b, name, name_len);
	am_buf_addc(b, ':');
	for (k = 0; k < value_len; k++) {
		if (value[k] != '\n' || (k > 0 && value[k - 1] == '\r'))
			continue;
		am_buf_add(b, value + run, k - run);
		am_buf_addc(b, '\r');
		run = k;
	}
	am_buf_add(b, value + run, value_len - run);
}

static void
feed(struct am_dkim *m, struct sig *s, const char *name, size_t name_len,
    const char *value, size_t value_len)
{
	DKIM_STAT st;

	build_field(&m->field, name, name_len, value, value_len);
	if (am_buf_failed(&m->field)) {
		am_trace_add(m->trace, "dkim", 0, "header field %.*s: longer "
		    "than %u bytes, not passed on", (int)(name_len < 40 ?
		    name_len : 40), name, FIELD_MAX);
		if (s != NULL && s->syntax == NULL)
			s->syntax = "the field is too long";
		return;
	}
	st = dkim_header(m->d, (u_char *)m->field.data, m->field.len);
	if (st != DKIM_STAT_OK && st != DKIM_STAT_SYNTAX) {
		am_dkim_failed(m, "dkim_header", st);
		return;
	}
	if (s == NULL)
		return;
	/* A DKIM-Signature field always gets a siginfo, even refused. */
	s->fed = true;
	if (st == DKIM_STAT_SYNTAX && s->syntax == NULL)
		s->syntax = "libopendkim could not parse it";
	if (s->syntax == NULL)
		m->candidates++;
}

void
am_dkim_header(struct am_dkim *m, const char *name, size_t name_len,
    const char *value, size_t value_len)
{
	struct sig *s = NULL;

	if (m->eoh || name_len == 0)
		return;
	if (++m->fields > FIELDS_MAX && !m->too_many_fields) {
		m->too_many_fields = true;
		am_trace_add(m->trace, "dkim", 0, "more than %u header fields: "
		    "no signature is verified", FIELDS_MAX);
	}
	if (is_signature(name, name_len) &&
	    (s = add_signature(m, value, value_len)) == NULL)
		return;
	/* Only fields our own parser accepted reach libopendkim. */
	if (s != NULL && s->syntax != NULL)
		return;
	if (m->failed == NULL && !m->too_many_fields)
		feed(m, s, name, name_len, value, value_len);
}

/*
 * RFC 6376 3.5 x= and t=, judged by the context's clock, once, at the end
 * of the header; a signature found expired or dated in the future is not
 * verified further (6.1.1 order: the key is not fetched).
 *
 * libopendkim checks both itself against the system clock, before it
 * canonicalizes anything, so a signature it deems expired or future can
 * never be verified; DKIM_OPTS_FIXEDTIME only sets the time it signs
 * with.  Its tolerance (DKIM_OPTS_CLOCKDRIFT) is therefore widened to
 * LIB_DRIFT, 10^9 s: its check then fires only for t= before 2001-09-09
 * or more than 31 years ahead, and for x= more than 31 years past, which
 * no live signature carries, and the verdict is ours.  The drift cannot
 * be wider: libopendkim subtracts it from t= in unsigned arithmetic, and
 * a drift above t= would wrap and make every signature "future".
 * dkim_verdict.c reports the cases left as neutral.
 */
static void
judge_clock(struct am_dkim *m)
{
	time_t now = am_ctx_now(m->ctx);
	uint64_t t = now > 0 ? (uint64_t)now : 0;
	struct sig *s;

	for (s = m->sigs; s != NULL; s = s->next) {
		if (!s->fed || s->syntax != NULL)
			continue;
		if (s->has_x && t > s->x)
			s->clock = CLOCK_EXPIRED;
		else if (s->has_t && s->t > t + FUTURE_SKEW)
			s->clock = CLOCK_FUTURE;
		if (s->clock != CLOCK_OK)
			am_trace_add(m->trace, "dkim", 0, "DKIM-Signature %u: "
			    "%s=%s, and the time is %s", s->n,
			    s->clock == CLOCK_EXPIRED ? "x" : "t",
			    am_dkim_when(m->arena, s->clock == CLOCK_EXPIRED ? s->x :
									 s->t),
			    am_dkim_when(m->arena, t));
	}
}

/* After dkim_eoh(): does a signature still wait for its body hash? */
static bool
needs_body(struct am_dkim *m)
{
	struct sig *s;

	for (s = m->sigs; s != NULL; s = s->next)
		if (s->si != NULL &&
		    (dkim_sig_getflags(s->si) & DKIM_SIGFLAG_IGNORE) == 0 &&
		    dkim_sig_geterror(s->si) == DKIM_SIGERROR_UNKNOWN)
			return true;
	return false;
}

void
am_dkim_end_headers(struct am_dkim *m)
{
	DKIM_STAT st;
	unsigned retries = 0;

	if (m->eoh)
		return;
	m->eoh = true;
	if (m->failed != NULL || m->nsigs == 0 || m->too_many_fields)
		return;
	judge_clock(m);
	/* Each TRYAGAIN ignores one more signature (key_refused()). */
	do
		st = dkim_eoh(m->d);
	while (st == DKIM_STAT_CBTRYAGAIN && retries++ < m->checked);
	if (st == DKIM_STAT_OK)
		m->verifying = true;
	else if (st != DKIM_STAT_NOSIG)
		am_dkim_failed(m, "dkim_eoh", st);
	m->body = m->verifying && m->failed == NULL && needs_body(m);
	if (m->body && m->count_body) {
		am_dkim_bodylen_init(&m->len_simple, false);
		am_dkim_bodylen_init(&m->len_relaxed, true);
	}
}

bool
am_dkim_wants_body(const struct am_dkim *m)
{
	if (m->failed != NULL || m->too_many_fields)
		return false;
	return m->eoh ? m->body : m->candidates > 0;
}

void
am_dkim_body(struct am_dkim *m, const unsigned char *chunk, size_t len)
{
	DKIM_STAT st;

	if (!m->eoh)
		am_dkim_end_headers(m);
	if (!am_dkim_wants_body(m) || len == 0)
		return;
	if (m->count_body) {
		am_dkim_bodylen_add(&m->len_simple, chunk, len);
		am_dkim_bodylen_add(&m->len_relaxed, chunk, len);
	}
	/* dkim_body() takes a non-const pointer but only reads. */
	st = dkim_body(m->d, (u_char *)(uintptr_t)chunk, len);
	if (st != DKIM_STAT_OK)
		am_dkim_failed(m, "dkim_body", st);
}

