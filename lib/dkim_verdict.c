/*
 * dkim_verdict.c - one result per DKIM-Signature field: the RFC 8601
 * result, the reason, and the Authentication-Results fields.
 *
 * The order of the questions follows RFC 6376 6.1: is the field usable
 * (3.5), is it within its validity (x=, t=), can the key be had (6.1.2),
 * do the header and body hashes verify (6.1.3).  A signature that
 * verifies is a pass only if RFC 8301 allows its algorithm (no rsa-sha1)
 * and key (RSA of min_key_bits or more), and if l= covered the whole
 * body.  header.b is the shortest prefix of b=, at least 8 characters,
 * that no other signature on the message shares (RFC 6008 2).
 *
 * Threads: works on one message's state.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <string.h>

#include "dkim_state.h"

#define B_PREFIX_MIN 8 /* RFC 6008 2 */

static void verdict(struct am_dkim *m, struct am_dkim_sig *out,
    enum am_result result, enum am_dkim_why why, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
verdict(struct am_dkim *m, struct am_dkim_sig *out, enum am_result result,
    enum am_dkim_why why, const char *fmt, ...)
{
	va_list ap;

	out->result = result;
	out->why = why;
	va_start(ap, fmt);
	out->reason = am_arena_vprintf(m->arena, fmt, ap);
	va_end(ap);
	if (out->reason == NULL)
		out->reason = "out of memory";
}

/* libopendkim's reasons for not verifying, for a key it was given. */
static bool
key_error(struct am_dkim *m, const struct sig *s, int err,
    struct am_dkim_sig *out)
{
	const char *k = s->keyname;

	switch (err) {
	case DKIM_SIGERROR_KEYREVOKED:
		verdict(m, out, AM_RESULT_FAIL, AM_DKIM_KEY_REVOKED,
		    "key revoked (empty p= at %s)", k);
		break;
	case DKIM_SIGERROR_NOKEY:
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_NO_KEY,
		    "no key for selector %s at %s", s->selector, s->domain);
		break;
	case DKIM_SIGERROR_KEYFAIL:
		verdict(m, out, AM_RESULT_TEMPERROR, AM_DKIM_DNS_ERROR,
		    "key lookup for %s failed", k);
		break;
	case DKIM_SIGERROR_DNSSYNTAX:
	case DKIM_SIGERROR_MULTIREPLY:
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_KEY_SYNTAX,
		    "the key record at %s is malformed", k);
		break;
	case DKIM_SIGERROR_KEYDECODE:
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_KEY_SYNTAX,
		    "the key record at %s holds no usable public key (p=)", k);
		break;
	case DKIM_SIGERROR_KEYVERSION:
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_KEY_SYNTAX,
		    "the key record at %s is not v=DKIM1", k);
		break;
	case DKIM_SIGERROR_KEYTYPEMISSING:
	case DKIM_SIGERROR_KEYTYPEUNKNOWN:
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_UNSUPPORTED,
		    "unknown key type (k=) at %s", k);
		break;
	case DKIM_SIGERROR_KEYUNKNOWNHASH:
	case DKIM_SIGERROR_KEYHASHMISMATCH:
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_UNSUPPORTED,
		    "the key at %s does not allow the signature's hash (h=)",
		    k);
		break;
	case DKIM_SIGERROR_NOTEMAILKEY:
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_UNSUPPORTED,
		    "the key at %s is not for e-mail (s=)", k);
		break;
	default:
		return false;
	}
	return true;
}

/* libopendkim's objections to the signature field itself. */
static bool
field_error(struct am_dkim *m, const struct sig *s, int err,
    struct am_dkim_sig *out)
{
	switch (err) {
	case DKIM_SIGERROR_INVALID_A:
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_UNSUPPORTED,
		    "unknown algorithm a=%s", s->algorithm);
		break;
	case DKIM_SIGERROR_INVALID_HC:
	case DKIM_SIGERROR_INVALID_BC:
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_UNSUPPORTED,
		    "unknown canonicalization (c=)");
		break;
	case DKIM_SIGERROR_INVALID_Q:
	case DKIM_SIGERROR_INVALID_QO:
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_UNSUPPORTED,
		    "unknown key query method (q=)");
		break;
	case DKIM_SIGERROR_TOOLARGE_L:
		verdict(m, out, AM_RESULT_FAIL, AM_DKIM_BODY_CHANGED,
		    "l= is longer than the body (body cut in transit)");
		break;
	case DKIM_SIGERROR_SUBDOMAIN:
		verdict(m, out, AM_RESULT_FAIL, AM_DKIM_BAD_SIGNATURE,
		    "i= is in a subdomain of d=, which the key forbids (t=s)");
		break;
	case DKIM_SIGERROR_EXPIRED:
	case DKIM_SIGERROR_FUTURE:
		/* Only for the absurd dates judge_clock() explains. */
		verdict(m, out, AM_RESULT_NEUTRAL, AM_DKIM_SIGNATURE_SYNTAX,
		    "t= or x= lies outside the dates libopendkim accepts");
		break;
	default:
		verdict(m, out, AM_RESULT_NEUTRAL, AM_DKIM_SIGNATURE_SYNTAX,
		    "malformed DKIM-Signature: %s", dkim_sig_geterrorstr(err));
		break;
	}
	return true;
}

/* A signature that did not verify: which hash failed, or why none was
 * tried. */
static void
not_verified(struct am_dkim *m, const struct sig *s, int err,
    struct am_dkim_sig *out)
{
	unsigned flags = dkim_sig_getflags(s->si);

	if (dkim_sig_getbh(s->si) == DKIM_SIGBH_MISMATCH)
		verdict(m, out, AM_RESULT_FAIL, AM_DKIM_BODY_CHANGED,
		    "body hash did not verify (body changed in transit)");
	else if (err == DKIM_SIGERROR_BADSIG)
		verdict(m, out, AM_RESULT_FAIL, AM_DKIM_BAD_SIGNATURE,
		    "signature did not verify (signed header fields changed "
		    "in transit)");
	else if (key_error(m, s, err, out))
		return;
	else if (err == DKIM_SIGERROR_UNKNOWN || err == DKIM_SIGERROR_OK ||
	    (flags & DKIM_SIGFLAG_IGNORE) != 0)
		verdict(m, out, AM_RESULT_TEMPERROR, AM_DKIM_INTERNAL,
		    "libopendkim did not complete the verification");
	else
		field_error(m, s, err, out);
}

/* A signature that verified: RFC 8301 and l= decide whether it passes. */
static void
verified(struct am_dkim *m, const struct sig *s, dkim_alg_t alg,
    struct am_dkim_sig *out)
{
	const struct am_dkim_bodylen *len =
	    s->relaxed_body ? &m->len_relaxed : &m->len_simple;
	uint64_t total = am_dkim_bodylen_total(len);

	if (alg == DKIM_SIGN_RSASHA1)
		verdict(m, out, AM_RESULT_POLICY, AM_DKIM_RSA_SHA1,
		    "rsa-sha1 is not acceptable (RFC 8301)");
	else if (alg != DKIM_SIGN_ED25519SHA256 &&
	    out->key_bits < m->lib->min_key_bits)
		verdict(m, out, AM_RESULT_POLICY, AM_DKIM_WEAK_KEY,
		    "%u-bit minimum; key has %u bits", m->lib->min_key_bits,
		    out->key_bits);
	else if (s->has_l && total > s->l)
		verdict(m, out, AM_RESULT_POLICY, AM_DKIM_PARTIAL_BODY,
		    "l= leaves %llu bytes unsigned",
		    (unsigned long long)(total - s->l));
	else if (alg == DKIM_SIGN_ED25519SHA256)
		verdict(m, out, AM_RESULT_PASS, AM_DKIM_VERIFIED,
		    "verified (ed25519 key)");
	else
		verdict(m, out, AM_RESULT_PASS, AM_DKIM_VERIFIED,
		    "verified (%u-bit RSA key)", out->key_bits);
}

/* What libopendkim found, for a signature it was asked to check. */
static void
judge_lib(struct am_dkim *m, const struct sig *s, struct am_dkim_sig *out)
{
	int err = dkim_sig_geterror(s->si);
	unsigned flags = dkim_sig_getflags(s->si), bits = 0;
	dkim_alg_t alg = DKIM_SIGN_UNKNOWN;
	bool ok;

	(void)dkim_sig_getsignalg(s->si, &alg);
	out->test_key = (flags & DKIM_SIGFLAG_TESTKEY) != 0;
	/* KEYTOOSMALL is set only after both hashes verified. */
	ok = err == DKIM_SIGERROR_KEYTOOSMALL ||
	    ((err == DKIM_SIGERROR_OK || err == DKIM_SIGERROR_UNKNOWN) &&
		(flags & DKIM_SIGFLAG_PASSED) != 0 &&
		(flags & DKIM_SIGFLAG_IGNORE) == 0 &&
		dkim_sig_getbh(s->si) == DKIM_SIGBH_MATCH);
	if (alg == DKIM_SIGN_ED25519SHA256)
		bits = (flags & DKIM_SIGFLAG_PROCESSED) != 0 ? 256 : 0;
	else if (dkim_sig_getkeysize(s->si, &bits) != DKIM_STAT_OK)
		bits = 0;
	out->key_bits = bits;
	if (ok)
		verified(m, s, alg, out);
	else
		not_verified(m, s, err, out);
}

static void
judge(struct am_dkim *m, const struct sig *s, struct am_dkim_sig *out)
{
	if (m->failed != NULL) {
		verdict(m, out, AM_RESULT_TEMPERROR, AM_DKIM_INTERNAL, "%s",
		    m->failed);
	} else if (s->syntax != NULL) {
		verdict(m, out, AM_RESULT_NEUTRAL, AM_DKIM_SIGNATURE_SYNTAX,
		    "malformed DKIM-Signature: %s", s->syntax);
	} else if (m->too_many_fields) {
		verdict(m, out, AM_RESULT_NEUTRAL, AM_DKIM_TOO_MANY_FIELDS,
		    "not verified: the message has more header fields than "
		    "are verified");
	} else if (s->clock == CLOCK_EXPIRED) {
		verdict(m, out, AM_RESULT_FAIL, AM_DKIM_EXPIRED,
		    "signature expired at %s", am_dkim_when(m->arena, s->x));
	} else if (s->clock == CLOCK_FUTURE) {
		verdict(m, out, AM_RESULT_NEUTRAL, AM_DKIM_FUTURE,
		    "signature dated %s (t=), in the future",
		    am_dkim_when(m->arena, s->t));
	} else if (s->key == KEY_TEMPFAIL) {
		verdict(m, out, AM_RESULT_TEMPERROR, AM_DKIM_DNS_ERROR,
		    "key lookup for %s failed (%s)", s->keyname, s->key_why);
	} else if (s->key == KEY_MISSING) {
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_NO_KEY,
		    "no key for selector %s at %s (%s)", s->selector,
		    s->domain, s->key_why);
	} else if (s->key == KEY_BAD) {
		verdict(m, out, AM_RESULT_PERMERROR, AM_DKIM_KEY_SYNTAX, "%s",
		    s->key_why);
	} else if (s->si == NULL) {
		verdict(m, out, AM_RESULT_TEMPERROR, AM_DKIM_INTERNAL,
		    "libopendkim did not report on the signature");
	} else {
		judge_lib(m, s, out);
	}
}

/* RFC 6008 2: at least 8 characters, and unique on the message. */
static const char *
b_prefix(struct am_dkim *m, const struct sig *s)
{
	const struct sig *o;
	size_t len, want = B_PREFIX_MIN, cp;

	if (s->b == NULL)
		return NULL;
	len = strlen(s->b);
	for (o = m->sigs; o != NULL; o = o->next) {
		if (o == s || o->b == NULL)
			continue;
		for (cp = 0; s->b[cp] != '\0' && s->b[cp] == o->b[cp]; cp++)
			;
		if (cp + 1 > want)
			want = cp + 1;
	}
	return am_arena_strndup(m->arena, s->b, want < len ? want : len);
}

/* dkim_eom() answers for the one signature it picked; only a failure of
 * the library itself matters here. */
static void
end_message(struct am_dkim *m)
{
	DKIM_STAT st = dkim_eom(m->d, NULL);

	switch (st) {
	case DKIM_STAT_OK:
	case DKIM_STAT_BADSIG:
	case DKIM_STAT_NOSIG:
	case DKIM_STAT_NOKEY:
	case DKIM_STAT_CANTVRFY:
	case DKIM_STAT_REVOKED:
	case DKIM_STAT_KEYFAIL:
		break;
	default:
		am_dkim_failed(m, "dkim_eom", st);
	}
}

void
am_dkim_finish(struct am_dkim *m, struct am_dkim_result *out)
{
	struct am_dkim_sig *r;
	const struct sig *s;

	memset(out, 0, sizeof(*out));
	am_dkim_end_headers(m);
	if (m->verifying && m->failed == NULL)
		end_message(m);
	out->unchecked = m->nsigs - m->checked;
	if (m->checked == 0)
		return;
	if ((out->sigs = am_arena_zalloc(m->arena,
		 m->checked * sizeof(*out->sigs))) == NULL) {
		out->unchecked = m->nsigs;
		return;
	}
	for (s = m->sigs; s != NULL; s = s->next) {
		if (s->unchecked)
			continue;
		r = &out->sigs[out->count++];
		r->domain = s->domain;
		r->selector = s->selector;
		r->algorithm = s->algorithm;
		r->identity = s->identity;
		r->b = b_prefix(m, s);
		judge(m, s, r);
		am_trace_add(m->trace, "dkim", 0, "signature %u (d=%s s=%s): "
		    "%s: %s", s->n, s->domain != NULL ? s->domain : "?",
		    s->selector != NULL ? s->selector : "?",
		    am_result_name(r->result), r->reason);
	}
}
