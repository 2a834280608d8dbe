/*
 * dkim.h - DKIM verification (RFC 6376, RFC 8301, RFC 8463), our wrapper
 * around OpenDKIM's libopendkim.
 *
 * libopendkim does the canonicalization and the cryptography.  The wrapper
 * adds what it lacks or gets wrong for us:
 *   - keys come from lib/dns.c (the message's lookup session) through
 *     dkim_set_key_lookup(); libopendkim's own resolver is not thread-safe
 *     and is never used;
 *   - RFC 8301: rsa-sha1 signatures and RSA keys under 1024 bits are not
 *     valid (the library passes rsa-sha1);
 *   - a key record whose p= is a bare PKCS#1 RSAPublicKey (RFC 6376
 *     3.6.1's wording) verifies like the usual SubjectPublicKeyInfo,
 *     which alone the library decodes (dkim_key.c converts it);
 *   - DKIM-Signature x= expiry is judged by the context's clock, so tests
 *     can inject one;
 *   - an l= that leaves part of the body unsigned is not a pass (policy);
 *   - one result per signature, with the RFC 8601 result, the fields for
 *     Authentication-Results and a reason a person can act on.
 *
 * Threads: one struct am_dkim_lib per process, shared read-only; one
 * struct am_dkim per message, used by one thread.
 */
#ifndef AM_DKIM_H
#define AM_DKIM_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ctx.h"
#include "dns.h"
#include "result.h"
#include "trace.h"

struct am_dkim_options {
	unsigned max_signatures; /* verified per message; 0: 5 */
	unsigned min_key_bits;	 /* RSA; 0: 1024; never below 1024 (RFC 8301) */
};

/* Why a signature got its result (machine-readable; reason is prose). */
enum am_dkim_why {
	AM_DKIM_VERIFIED,	/* pass */
	AM_DKIM_BAD_SIGNATURE,	/* fail: the signature does not verify */
	AM_DKIM_BODY_CHANGED,	/* fail: body hash mismatch */
	AM_DKIM_EXPIRED,	/* fail: x= is past */
	AM_DKIM_KEY_REVOKED,	/* fail: empty p= in the key record */
	AM_DKIM_NO_KEY,		/* permerror: no key record (NXDOMAIN/NODATA) */
	AM_DKIM_KEY_SYNTAX,	/* permerror: the key record is unusable */
	AM_DKIM_UNSUPPORTED,	/* permerror: algorithm or key type unknown */
	AM_DKIM_SIGNATURE_SYNTAX, /* neutral: malformed DKIM-Signature */
	AM_DKIM_FUTURE,		/* neutral: t= in the future */
	AM_DKIM_RSA_SHA1,	/* policy: RFC 8301 */
	AM_DKIM_WEAK_KEY,	/* policy: RSA key under the minimum */
	AM_DKIM_PARTIAL_BODY,	/* policy: l= leaves bytes unsigned */
	AM_DKIM_DNS_ERROR,	/* temperror: the key lookup failed */
	AM_DKIM_INTERNAL,	/* temperror: library or memory failure */
	AM_DKIM_TOO_MANY_FIELDS, /* neutral: more header fields than are
				    verified (not a library failure) */
};

struct am_dkim_sig {
	enum am_result result; /* pass fail neutral policy temperror permerror */
	enum am_dkim_why why;
	const char *reason;    /* one sentence, e.g. "body hash did not
				  verify (body changed in transit)" */
	const char *domain;    /* d=, lower case; NULL if absent */
	const char *selector;  /* s=; NULL if absent */
	const char *algorithm; /* a= as written ("rsa-sha256"); may be NULL */
	const char *b;	       /* the shortest prefix of b= (at least 8
				  characters) that tells this signature from
				  every other on the message */
	const char *identity;  /* i=, or NULL */
	unsigned key_bits;     /* 0 when unknown */
	bool test_key;	       /* the key record says t=y */
};

struct am_dkim_result {
	struct am_dkim_sig *sigs; /* in header order; allocated from arena */
	size_t count;
	size_t unchecked; /* signatures past max_signatures, not verified */
};

struct am_dkim_lib;
struct am_dkim;

/* The process-wide verifier.  NULL with err set on failure.  Caller
 * owns; free with am_dkim_lib_free(). */
struct am_dkim_lib *am_dkim_lib_new(const struct am_dkim_options *opt,
    char *err, size_t errlen);
void am_dkim_lib_free(struct am_dkim_lib *lib);

/*
 * One message's verification.  Keys are looked up through dns; every
 * string of the result comes from arena; trace may be NULL.  Caller owns;
 * free with am_dkim_free() (before the arena).  NULL on ENOMEM.
 */
struct am_dkim *am_dkim_new(struct am_dkim_lib *lib, const struct am_ctx *ctx,
    struct am_dns_session *dns, struct am_arena *arena,
    struct am_trace *trace);
void am_dkim_free(struct am_dkim *dkim);

/*
 * One header field, as am_msg_header() receives it: name, and the value
 * as it follows the colon (leading white space included, folds as CRLF
 * or LF, no final line break).  A DKIM-Signature field starts the
 * lookup of its key at once, so DNS overlaps the rest of the message.
 */
void am_dkim_header(struct am_dkim *dkim, const char *name, size_t name_len,
    const char *value, size_t value_len);
void am_dkim_end_headers(struct am_dkim *dkim);

/* A piece of the body, CRLF line ends. */
void am_dkim_body(struct am_dkim *dkim, const unsigned char *chunk,
    size_t len);

/* False once no signature needs more body (none, or all decided early):
 * the daemon may then stop the body transfer. */
bool am_dkim_wants_body(const struct am_dkim *dkim);

/* Verifies and fills *out.  Call once. */
void am_dkim_finish(struct am_dkim *dkim, struct am_dkim_result *out);

#endif
