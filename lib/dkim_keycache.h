/*
 * dkim_keycache.h - decoded DKIM public keys, kept for the process
 * (private to lib/; see dkim_keycache.c for why and how).
 *
 * The cache works by itself once linked: it stands in for OpenSSL's
 * d2i_PUBKEY_bio(), which libopendkim calls for every RSA signature;
 * ARC's verifier asks it directly.
 */
#ifndef AM_DKIM_KEYCACHE_H
#define AM_DKIM_KEYCACHE_H

#include <stddef.h>

#include <openssl/evp.h>

/* Finds libcrypto's own d2i_PUBKEY_bio() for what the cache does not
 * handle; called once before the first message (idempotent,
 * thread-safe), and by the cache itself should it come first. */
void am_dkim_keycache_init(void);

/*
 * The key of a SubjectPublicKeyInfo (len bytes of DER), from the cache
 * or decoded and kept: a reference the caller frees, and in *used how
 * many bytes the decoder took.  NULL when it is none.  ARC's verifier
 * reads its keys through this, as libopendkim does through
 * d2i_PUBKEY_bio().
 */
EVP_PKEY *am_dkim_keycache_decode(const unsigned char *der, size_t len,
    size_t *used);

/* Lookups answered from the cache and decoded afresh, since start. */
void am_dkim_keycache_stats(unsigned long *hits, unsigned long *misses);

#endif
