/*
 * arc_internal.h - the pieces of ARC that are tested and fuzzed on their
 * own: the ARC fields' tags (arc_tags.c over taglist.c), key records
 * (arc_tags.c), header canonicalization and selection (arc_canon.c),
 * keys and signatures (arc_crypto.c), and the results of an
 * ARC-Authentication-Results (arc_aar.c).  Not a public interface.
 */
#ifndef AM_ARC_INTERNAL_H
#define AM_ARC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "arc.h"
#include "buf.h"
#include "dkim_internal.h"
#include "taglist.h"

enum am_arc_kind {
	AM_ARC_AAR, /* ARC-Authentication-Results */
	AM_ARC_AMS, /* ARC-Message-Signature */
	AM_ARC_AS,  /* ARC-Seal */
};

/* The kind of a header field name, or -1 when it is not an ARC field. */
int am_arc_kind_of(const char *name, size_t len);

#define AM_ARC_SIG_MAX	 1024 /* bytes of a decoded b= (RSA 8192) */
#define AM_ARC_HASH_LEN	 32   /* SHA-256 */
#define AM_ARC_H_MAX	 64   /* header fields one AMS may sign */

/* The tags of an ARC-Message-Signature (4.1.2: DKIM-Signature's, i= the
 * instance, v= ignored) or of an ARC-Seal (4.1.3: i a b cv d s t; h= is
 * an error). */
struct am_arc_sigtags {
	unsigned instance; /* 1..50; 0 when i= is missing or invalid */
	bool ed25519;	   /* a=ed25519-sha256, else rsa-sha256 */
	enum am_arc_cv cv; /* AS */
	bool header_relaxed, body_relaxed; /* AMS c=; default simple/simple */
	struct am_tagval d, s, h;	   /* h: AMS */
	size_t b_start, b_end;		   /* b='s raw span in the field */
	unsigned char b[AM_ARC_SIG_MAX];
	size_t blen;
	unsigned char bh[AM_ARC_HASH_LEN]; /* AMS */
	bool has_t, has_x, has_l;
	uint64_t t, x, l;
	char why[AM_TAG_WHY];
};

/*
 * Parses the value of an ARC-Message-Signature (kind AM_ARC_AMS) or
 * ARC-Seal (AM_ARC_AS): the tag list, the required tags and their
 * syntax.  False with out->why set; out->instance is kept even then
 * when i= itself was readable.
 */
bool am_arc_sigtags_parse(enum am_arc_kind kind, const char *value,
    size_t len, struct am_arc_sigtags *out);

/* The instance of an ARC-Authentication-Results value: "i=N;" before
 * the payload (4.1.1: arc-info = instance [CFWS] ";" authres-payload).
 * 0 when there is none; *payload is the offset after the ';'. */
unsigned am_arc_aar_instance(const char *value, size_t len, size_t *payload);

/* A DKIM key record (RFC 6376 3.6.1, RFC 8463 4), as ARC reads it. */
struct am_arc_keyrec {
	bool ed25519;
	bool testing;		 /* t=y */
	struct am_tagval p; /* the key, base64 */
	char why[AM_TAG_WHY];
};

/* False with why: unusable, revoked (empty p=), or not for sha256 or
 * email. */
bool am_arc_keyrec_parse(const char *txt, size_t len,
    struct am_arc_keyrec *out);

/*
 * Header canonicalization, RFC 6376 3.4.1 (simple) and 3.4.2 (relaxed):
 * appends "name:value" to b, with the bytes [cut_start, cut_end) of the
 * value left out (the b= tag's value of the signature being made or
 * checked, 3.7), and CRLF when crlf.  Folds may be CRLF or bare LF.
 */
void am_canon_header(struct am_buf *b, bool relaxed, const char *name,
    size_t name_len, const char *value, size_t value_len, size_t cut_start,
    size_t cut_end, bool crlf);

/* The message's header fields, indexed for RFC 6376 5.4.2 selection. */
struct am_hdr_slot;

struct am_hdr_index {
	struct am_hdr_slot *sorted; /* by name, then position */
	size_t n;
};

bool am_hdr_index_build(struct am_arena *arena, const struct am_header *list,
    struct am_hdr_index *out);

/* How many fields are called name (case-insensitive). */
size_t am_hdr_count(const struct am_hdr_index *ix, const char *name,
    size_t len);

/* How many times h= names name (case-insensitive). */
size_t am_hdr_h_names(const struct am_tagval *h, const char *name, size_t len);

/*
 * Feeds the fields h= names (colon-separated, FWS around the colons;
 * empty names skipped) to md, canonicalized: each name takes the
 * bottom-most instance not yet taken, a name with none left adds
 * nothing.  False with *why when h= names more than AM_ARC_H_MAX fields,
 * names ARC-Seal (forbid_seal), or hashing failed.
 */
bool am_hdr_hash_selected(const struct am_hdr_index *ix,
    const struct am_tagval *h, bool relaxed, bool forbid_seal,
    EVP_MD_CTX *md, const char **why);

/* Signatures: digest is SHA-256 of the canonical data; RSA is PKCS#1
 * v1.5 with SHA-256 (RFC 6376 3.3.1), Ed25519 signs the digest itself
 * (RFC 8463 3). */
EVP_PKEY *am_arc_pubkey(const struct am_arc_keyrec *rec, unsigned min_bits,
    unsigned *bits, char *why, size_t whylen);
bool am_arc_verify_digest(EVP_PKEY *key, bool ed25519,
    const unsigned char *digest, const unsigned char *sig, size_t siglen);
size_t am_arc_sign_digest(EVP_PKEY *key, bool ed25519,
    const unsigned char *digest, unsigned char *sig, size_t max);

/* SHA-256 of len bytes, appended to md; false when OpenSSL fails. */
bool am_arc_md_update(EVP_MD_CTX *md, const void *p, size_t len);

/*
 * The results an ARC-Authentication-Results reports (RFC 8601 2.2, the
 * payload after "i=N;"), as far as trusting a sealer needs them: each
 * method=result with the properties DMARC alignment reads.  Bounded;
 * strings from the arena, lower-cased where DNS names, unquoted except a
 * quoted local-part before '@' (so the domain is what follows the last
 * '@').
 */
#define AM_AAR_RESULTS_MAX 32

struct am_aar_result {
	const char *method; /* "dmarc", "dkim", "spf", ... lower case */
	const char *result; /* "pass", ... lower case */
	const char *header_from, *header_d, *header_i;
	const char *smtp_mailfrom, *smtp_helo;
	bool partial; /* some property was unreadable or given twice: the
			 properties kept are not all the sealer said */
};

struct am_aar {
	unsigned instance;
	const char *authserv_id;
	struct am_aar_result results[AM_AAR_RESULTS_MAX];
	size_t n;
	bool truncated; /* more results than kept */
};

/* False when the value cannot be read as i=N; authres-payload. */
bool am_aar_parse(struct am_arena *arena, const char *value, size_t len,
    struct am_aar *out);

#endif
