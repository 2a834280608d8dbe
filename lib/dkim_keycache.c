/*
 * dkim_keycache.c - decoded DKIM public keys, kept for the process (see
 * dkim_keycache.h).
 *
 * libopendkim turns the p= of an RSA key record into a key with
 * OpenSSL's d2i_PUBKEY_bio(), for every signature of every message.
 * OpenSSL 3.0 builds a decoder context for that each time: it walks
 * every decoder of every provider under read locks, about 130 us of the
 * 165 us a 2048-bit rsa-sha256 verification costs in one thread, more
 * with 32 threads taking those locks (doc/measurements.md).  The same
 * key decodes to the same EVP_PKEY, so this file defines
 * d2i_PUBKEY_bio() in the program, where the dynamic linker finds it
 * before libcrypto's: libopendkim's call lands here.  A memory BIO whose
 * bytes were decoded before gets another reference to that key; other
 * bytes are decoded with d2i_PUBKEY() and remembered; any other use
 * (another kind of BIO, a reused key object) goes to libcrypto's own
 * function.  The BIO is consumed as libcrypto would consume it.
 *
 * A shared EVP_PKEY is only read by the verification (RSA_verify() on
 * the RSA from EVP_PKEY_get1_RSA(), which OpenSSL builds once per key
 * under the key's lock; ARC's EVP_PKEY_verify() on a context of its
 * own).  ARC's verifier asks am_dkim_keycache_decode() directly.  The
 * cache holds KEYS keys, each found by a hash of its DER bytes and
 * compared byte for byte: a key an attacker publishes can only push
 * another out, never stand for it.
 *
 * Threads: one mutex; a hit holds it for a hash, a comparison and a
 * reference count.
 */
#include "autoconfig.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "dkim_keycache.h"

#define KEYS	64   /* two ways of 32 */
#define MAX_DER 2048 /* an RSA-8192 SubjectPublicKeyInfo is ~1.1 KB */

typedef EVP_PKEY *d2i_bio_fn(BIO *, EVP_PKEY **);

struct key {
	uint64_t hash;
	size_t len; /* DER bytes */
	size_t used; /* of them, what d2i_PUBKEY() consumed */
	EVP_PKEY *pkey;
	unsigned char der[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct key *keys[KEYS];
static unsigned long hits, misses;
static d2i_bio_fn *libcrypto_d2i;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
find_libcrypto(void)
{
	libcrypto_d2i = (d2i_bio_fn *)dlsym(RTLD_NEXT, "d2i_PUBKEY_bio");
}

void
am_dkim_keycache_init(void)
{
	pthread_once(&once, find_libcrypto);
}

static uint64_t
hash_of(const unsigned char *p, size_t len)
{
	uint64_t h = 14695981039346656037ULL;

	while (len-- > 0)
		h = (h ^ *p++) * 1099511628211ULL;
	return h;
}

/* Another reference to the key of these bytes, or NULL. */
static EVP_PKEY *
lookup(uint64_t h, const unsigned char *der, size_t len, size_t *used)
{
	size_t first = (size_t)(h % (KEYS / 2)) * 2, k;
	EVP_PKEY *pkey = NULL;

	pthread_mutex_lock(&lock);
	for (k = first; k < first + 2; k++)
		if (keys[k] != NULL && keys[k]->hash == h &&
		    keys[k]->len == len && memcmp(keys[k]->der, der, len) == 0 &&
		    EVP_PKEY_up_ref(keys[k]->pkey)) {
			pkey = keys[k]->pkey;
			*used = keys[k]->used;
			hits++;
			break;
		}
	if (pkey == NULL)
		misses++;
	pthread_mutex_unlock(&lock);
	return pkey;
}

/* Remembers pkey (taking a reference) for these bytes: first in its
 * set, the one there moves to the second way, which is let go. */
static void
remember(uint64_t h, const unsigned char *der, size_t len, size_t used,
    EVP_PKEY *pkey)
{
	size_t first = (size_t)(h % (KEYS / 2)) * 2;
	struct key *e = malloc(sizeof(*e) + len), *old;

	if (e == NULL || !EVP_PKEY_up_ref(pkey)) {
		free(e);
		return;
	}
	e->hash = h;
	e->len = len;
	e->used = used;
	e->pkey = pkey;
	memcpy(e->der, der, len);
	pthread_mutex_lock(&lock);
	old = keys[first + 1];
	keys[first + 1] = keys[first];
	keys[first] = e;
	pthread_mutex_unlock(&lock);
	if (old != NULL) {
		EVP_PKEY_free(old->pkey);
		free(old);
	}
}

/* Reads n bytes off the BIO, as libcrypto's decoder would have. */
static void
consume(BIO *bp, size_t n)
{
	unsigned char sink[256];
	int r;

	while (n > 0 && (r = BIO_read(bp, sink, (int)(n < sizeof(sink) ?
						  n : sizeof(sink)))) > 0)
		n -= (size_t)r;
}

EVP_PKEY *
am_dkim_keycache_decode(const unsigned char *der, size_t len, size_t *used)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey;
	uint64_t h;

	if (len == 0 || len > MAX_DER)
		return NULL;
	h = hash_of(der, len);
	if ((pkey = lookup(h, der, len, used)) != NULL)
		return pkey;
	if ((pkey = d2i_PUBKEY(NULL, &p, (long)len)) == NULL)
		return NULL;
	*used = (size_t)(p - der);
	remember(h, der, len, *used, pkey);
	return pkey;
}

EVP_PKEY *
d2i_PUBKEY_bio(BIO *bp, EVP_PKEY **a)
{
	char *data = NULL;
	EVP_PKEY *pkey;
	size_t used;
	long len;

	am_dkim_keycache_init();
	if (a != NULL || bp == NULL || BIO_method_type(bp) != BIO_TYPE_MEM ||
	    (len = BIO_get_mem_data(bp, &data)) <= 0 || len > MAX_DER ||
	    data == NULL)
		return libcrypto_d2i != NULL ? libcrypto_d2i(bp, a) : NULL;
	if ((pkey = am_dkim_keycache_decode((const unsigned char *)data,
		 (size_t)len, &used)) == NULL)
		return NULL;
	consume(bp, used);
	return pkey;
}

void
am_dkim_keycache_stats(unsigned long *nhits, unsigned long *nmisses)
{
	pthread_mutex_lock(&lock);
	*nhits = hits;
	*nmisses = misses;
	pthread_mutex_unlock(&lock);
}
