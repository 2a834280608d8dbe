/*
 * dkimsign.h - test-only DKIM signing: keys made at test time with
 * OpenSSL, published as DKIM key records, and messages signed with
 * libopendkim's signer, so the verifier meets signatures whose every
 * property the test chose.  Also splits a stored message into header
 * fields and body the way an MTA hands them over.
 */
#ifndef AM_DKIMSIGN_H
#define AM_DKIMSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <opendkim/dkim.h>

#include "buf.h"
#include "dkim.h"

struct dkimsign_key {
	char *private_pem; /* PKCS#8 PEM, as dkim_sign() takes it */
	char *record;	   /* the TXT record: "v=DKIM1; k=...; p=..." */
	char *pkcs1_record; /* RSA: the same key as a bare PKCS#1
			       RSAPublicKey in p= (RFC 6376 3.6.1's wording);
			       NULL for ed25519 */
	unsigned bits;	   /* RSA modulus bits; 0 for ed25519 */
};

/* A fresh RSA key of bits bits (512 works with OpenSSL 3's default
 * provider), or NULL with the OpenSSL error printed. */
struct dkimsign_key *dkimsign_key_rsa(unsigned bits);

/* A fresh ed25519 key; the record carries the raw 32-byte public key
 * (RFC 8463 4.2). */
struct dkimsign_key *dkimsign_key_ed25519(void);

void dkimsign_key_free(struct dkimsign_key *key);

struct dkimsign_opts {
	const char *domain;   /* d= */
	const char *selector; /* s= */
	dkim_alg_t alg;	      /* DKIM_SIGN_RSASHA256, ..._RSASHA1,
				 ..._ED25519SHA256 */
	/* DKIM_CANON_SIMPLE or _RELAXED.  libopendkim 2.11.0~beta2 makes
	 * ed25519 signatures with simple header canonicalization that
	 * neither it nor python-dkim verifies: use relaxed with ed25519. */
	dkim_canon_t hcanon, bcanon;
	bool length;		     /* add l= (the whole body) */
	uint64_t t;		     /* t=; 0 stands for 1700000000 */
	uint64_t ttl;		     /* x= is t= + ttl; 0: no x= */
	const char *const *headers; /* h= candidates, NULL-terminated;
				       NULL: every field present */
};

/*
 * Signs message (header fields, an empty line, the body; CRLF or LF) and
 * returns "DKIM-Signature: ..." with CRLF folds and no final line break.
 * Caller frees.  NULL, with the reason on stderr, on failure.
 */
char *dkimsign_sign(const struct dkimsign_key *key,
    const struct dkimsign_opts *opt, const char *message);

/* Where dkimsign_split() delivers a message. */
struct dkimsign_sink {
	void (*header)(void *arg, const char *name, size_t name_len,
	    const char *value, size_t value_len);
	void (*body)(void *arg, const unsigned char *chunk, size_t len);
	void *arg;
};

/*
 * Calls sink->header for each header field (value as after the colon,
 * folds as in the text, no final line break) and sink->body with the body
 * in CRLF form, in pieces of chunk bytes (0: all at once).  Returns false
 * when memory ran out.
 */
bool dkimsign_split(const char *message, size_t len, size_t chunk,
    const struct dkimsign_sink *sink);

/* Appends a zone.h line publishing txt at name, split into
 * character-strings. */
void dkimsign_zone_txt(struct am_buf *zone, const char *name,
    const char *txt);

/* What one verification said. */
struct dkimsign_check {
	struct am_dkim_result res;
	bool wants_body;	 /* am_dkim_wants_body() at the end of header */
	unsigned queries_at_eoh; /* DNS queries sent by then */
};

/*
 * Verifies message with lib as the daemon would: header fields, end of
 * header, the body in pieces of chunk bytes, finish.  Results come from
 * arena; trace may be NULL.  False when the verifier could not be made.
 */
bool dkimsign_verify(struct am_dkim_lib *lib, const struct am_ctx *ctx,
    struct am_dns_session *dns, struct am_arena *arena,
    struct am_trace *trace, const char *message, size_t len, size_t chunk,
    struct dkimsign_check *out);

#endif
