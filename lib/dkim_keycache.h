/*
 * dkim_keycache.h - decoded DKIM public keys, kept for the process
 * (private to lib/; see dkim_keycache.c for why and how).
 *
 * The cache works by itself once linked: it stands in for OpenSSL's
 * d2i_PUBKEY_bio(), which libopendkim calls for every RSA signature.
 */
#ifndef AM_DKIM_KEYCACHE_H
#define AM_DKIM_KEYCACHE_H

/* Finds libcrypto's own d2i_PUBKEY_bio() for what the cache does not
 * handle; called once before the first message (idempotent,
 * thread-safe), and by the cache itself should it come first. */
void am_dkim_keycache_init(void);

/* Lookups answered from the cache and decoded afresh, since start. */
void am_dkim_keycache_stats(unsigned long *hits, unsigned long *misses);

#endif
