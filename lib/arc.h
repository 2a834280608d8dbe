/*
 * arc.h - ARC, the Authenticated Received Chain (RFC 8617): verifying
 * the chain a message carries, and sealing the messages we pass on.
 *
 * Verification (5.2) runs beside DKIM on every message: the ARC header
 * fields are parsed as they arrive and the keys of their signatures are
 * prefetched through the message's DNS session; the body is hashed while
 * it streams (only when an ARC-Message-Signature or our own seal needs
 * it); at the end the chain is judged, step by step, and the result
 * carries the step that failed.  Work is bounded: at most 50 sets (4.2.1),
 * at most 64 header fields per signature, one body hash per
 * canonicalization, key lookups started 16 at a time and 30 s for all
 * the signatures of a chain (then temperror).
 *
 * Sealing (5.1) adds one set after our own Authentication-Results: the
 * ARC-Authentication-Results copies it, the ARC-Message-Signature signs
 * the header fields listed in arc_seal.c (the ones RFC 6376 5.4.1
 * recommends, and every DKIM-Signature) and the body, relaxed/relaxed,
 * and the ARC-Seal signs the chain with cv= as verification found it.
 *
 * Departures from RFC 8617, each argued where it is implemented:
 *   - a DNS timeout on a key is temperror, not fail (5.2.1 calls every
 *     error permanent); no seal is added then, so our transient failure
 *     does not end a chain for every later hop;
 *   - an ARC-Message-Signature whose h= names ARC-Seal fails (4.1.2
 *     forbids every ARC field there; ARC-Authentication-Results and
 *     ARC-Message-Signature in h= are tolerated, as deployed chains carry
 *     them);
 *   - l= on an ARC-Message-Signature must cover the whole body, as for
 *     DKIM in this project (RFC 6376 8.2).
 *
 * Threads: a struct am_arc belongs to its message's thread; a struct
 * am_arc_sealer is read-only once loaded and shared.
 */
#ifndef AM_ARC_H
#define AM_ARC_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ctx.h"
#include "dns.h"
#include "message.h"
#include "result.h"
#include "trace.h"

#define AM_ARC_MAX_SETS 50 /* RFC 8617 4.2.1, 5.2 step 1 */

/* Chain Validation Status (4.4), as an ARC-Seal's cv= carries it. */
enum am_arc_cv {
	AM_ARC_CV_NONE,
	AM_ARC_CV_PASS,
	AM_ARC_CV_FAIL,
};

struct am_arc_result {
	enum am_result result; /* none pass fail temperror permerror */
	unsigned sets;	       /* N, the highest instance found (0: none) */
	unsigned oldest_pass;  /* pass: 5.2 step 5, the oldest instance whose
				  ARC-Message-Signature still verifies, 0
				  when all do */
	const char *reason;    /* a short sentence: the step that failed,
				  or what passed */
	const char *sealer;    /* pass: d= of the newest ARC-Seal */
	const char *aar;       /* pass: the newest ARC-Authentication-Results
				  value (as written; untrusted) */
	bool ended;	       /* the newest ARC-Seal says cv=fail: nobody
				  may seal after it (5.1 step 2) */
	bool from_signed;      /* pass: the newest ARC-Message-Signature
				  signs every From field (its h= names From
				  as often as the message has one) */
};

/* The set a seal adds: header field values to insert above our own
 * Authentication-Results, AS on top.  From the message's arena. */
struct am_arc_seal {
	const char *aar, *ams, *as; /* NULL when no seal is added */
	unsigned instance;
	const char *why_not; /* when not sealed and a seal was wanted */
};

/* Choices for sealing that only tests make. */
struct am_arc_seal_options {
	const char *const *headers; /* the AMS's h= as given; NULL: ours */
	size_t nheaders;
	bool sorted_tags; /* tags in alphabetical order, as the ValiMail
			     signing suite was written; else i= first as
			     RFC 8617's ABNF has it */
};

struct am_arc_sealer;
struct am_arc;

/*
 * Loads the sealing key from a PEM file (RSA of 1024 bits or more, RFC
 * 8301, or Ed25519, RFC 8463) for domain and selector.  NULL with err
 * set when the file cannot be read, holds no private key, holds another
 * type or a short RSA key, or domain or selector is not a DNS name.
 * Caller owns; free with am_arc_sealer_free().
 */
struct am_arc_sealer *am_arc_sealer_new(const char *key_path,
    const char *domain, const char *selector, char *err, size_t errlen);
void am_arc_sealer_free(struct am_arc_sealer *sealer);

/* "rsa-sha256" or "ed25519-sha256" */
const char *am_arc_sealer_algorithm(const struct am_arc_sealer *sealer);

/*
 * One message's chain.  Keys come through dns, strings from arena, trace
 * may be NULL; seal says whether a seal may be asked for (the body is
 * then always hashed).  Caller owns; free with am_arc_free() before the
 * arena.  NULL on ENOMEM.
 */
struct am_arc *am_arc_new(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, struct am_trace *trace, bool seal);
void am_arc_free(struct am_arc *arc);

/* Every header field the message keeps, in order (h is borrowed and must
 * live as long as arc): ARC fields are parsed now and their keys
 * prefetched. */
void am_arc_header(struct am_arc *arc, const struct am_header *h);

/* A header field the message did not keep (over its limit): when it is
 * an ARC field, the chain cannot be judged. */
void am_arc_dropped(struct am_arc *arc, const char *name, size_t name_len);

/* The header has ended: decides which body hashes are needed. */
void am_arc_end_headers(struct am_arc *arc);

/* A piece of the body, CRLF line ends. */
void am_arc_body(struct am_arc *arc, const unsigned char *chunk, size_t len);

/* False once no body hash is wanted. */
bool am_arc_wants_body(const struct am_arc *arc);

/*
 * Judges the chain (RFC 8617 5.2) and fills *out; truncated says header
 * fields were dropped (over the message's limit): with an ARC field
 * among them, or a chain whose signatures may cover them, the chain
 * cannot be judged (permerror), and no seal is made either way.
 * headers is the message's list.  Call once.
 */
void am_arc_finish(struct am_arc *arc, const struct am_header *headers,
    bool truncated, struct am_arc_result *out);

/*
 * Seals after am_arc_finish(): the ARC-Authentication-Results is "i=N; "
 * followed by authres (our Authentication-Results value), cv= follows
 * chain.  No seal (out->aar NULL, out->why_not set) when the chain
 * ended, N would pass 50, the chain's result is temperror or permerror,
 * or a step fails.  opt may be NULL.
 */
void am_arc_seal(struct am_arc *arc, const struct am_arc_sealer *sealer,
    const struct am_arc_result *chain, const char *authres,
    const struct am_arc_seal_options *opt, struct am_arc_seal *out);

/* "none", "pass", "fail" */
const char *am_arc_cv_name(enum am_arc_cv cv);

#endif
