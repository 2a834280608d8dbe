/*
 * arc_crypto.c - keys and signatures for ARC, over OpenSSL's EVP API.
 *
 * libopendkim verifies DKIM-Signature fields only (it looks for that
 * header name), so ARC's AMS and AS are checked here.  The rules are
 * DKIM's: RSA keys (RFC 6376 3.3.1, SubjectPublicKeyInfo as published in
 * practice, or a bare RSAPublicKey) of at least 1024 bits (RFC 8301
 * 3.2), PKCS#1 v1.5 over SHA-256; Ed25519 keys (RFC 8463 4: the raw 32
 * bytes) sign the SHA-256 digest of the canonical data (RFC 8463 3).
 *
 * Threads: keys are per message; OpenSSL 1.1 and later are thread-safe.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "arc_internal.h"
#include "base64.h"
#include "dkim_keycache.h"

#define KEY_MAX 2048 /* decoded p= bytes (RSA 16384) */

bool
am_arc_md_update(EVP_MD_CTX *md, const void *p, size_t len)
{
	return len == 0 || EVP_DigestUpdate(md, p, len) == 1;
}

static EVP_PKEY *
rsa_key(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	size_t used;
	EVP_PKEY *k = am_dkim_keycache_decode(der, len, &used);

	if (k != NULL &&
	    (used != len || EVP_PKEY_base_id(k) != EVP_PKEY_RSA)) {
		EVP_PKEY_free(k);
		return NULL;
	}
	if (k == NULL) {
		/* a bare PKCS#1 RSAPublicKey, as some publish it */
		p = der;
		k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
		if (k != NULL && p != der + len) {
			EVP_PKEY_free(k);
			k = NULL;
		}
	}
	return k;
}

EVP_PKEY *
am_arc_pubkey(const struct am_arc_keyrec *rec, unsigned min_bits,
    unsigned *bits, char *why, size_t whylen)
{
	unsigned char der[KEY_MAX];
	size_t len;
	EVP_PKEY *k;
	int n;

	*bits = 0;
	if (!am_base64_decode(rec->p.p, rec->p.len, der, sizeof(der), &len) ||
	    len == 0) {
		snprintf(why, whylen, "p= is not base64");
		return NULL;
	}
	if (rec->ed25519) {
		/* RFC 8463 4: the 32 bytes of the public key */
		if (len != 32 || (k = EVP_PKEY_new_raw_public_key(
				      EVP_PKEY_ED25519, NULL, der, len)) ==
			NULL) {
			snprintf(why, whylen, "p= is not an Ed25519 key");
			return NULL;
		}
		*bits = 256;
		return k;
	}
	if ((k = rsa_key(der, len)) == NULL) {
		snprintf(why, whylen, "p= is not an RSA key");
		return NULL;
	}
	if ((n = EVP_PKEY_bits(k)) < (int)min_bits) {
		snprintf(why, whylen, "the RSA key has %d bits, fewer than %u "
		    "(RFC 8301)", n, min_bits);
		EVP_PKEY_free(k);
		return NULL;
	}
	*bits = (unsigned)n;
	return k;
}

static bool
rsa_ready(EVP_PKEY_CTX *pc)
{
	return EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) > 0 &&
	    EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()) > 0;
}

bool
am_arc_verify_digest(EVP_PKEY *key, bool ed25519, const unsigned char *digest,
    const unsigned char *sig, size_t siglen)
{
	EVP_PKEY_CTX *pc;
	EVP_MD_CTX *md;
	bool ok = false;

	if ((EVP_PKEY_base_id(key) == EVP_PKEY_ED25519) != ed25519)
		return false;
	if (ed25519) {
		if ((md = EVP_MD_CTX_new()) == NULL)
			return false;
		ok = EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
		    EVP_DigestVerify(md, sig, siglen, digest,
			AM_ARC_HASH_LEN) == 1;
		EVP_MD_CTX_free(md);
		return ok;
	}
	if ((pc = EVP_PKEY_CTX_new(key, NULL)) == NULL)
		return false;
	ok = EVP_PKEY_verify_init(pc) == 1 && rsa_ready(pc) &&
	    EVP_PKEY_verify(pc, sig, siglen, digest, AM_ARC_HASH_LEN) == 1;
	EVP_PKEY_CTX_free(pc);
	return ok;
}

size_t
am_arc_sign_digest(EVP_PKEY *key, bool ed25519, const unsigned char *digest,
    unsigned char *sig, size_t max)
{
	EVP_PKEY_CTX *pc;
	EVP_MD_CTX *md;
	size_t len = max;
	bool ok;

	if (ed25519) {
		if ((md = EVP_MD_CTX_new()) == NULL)
			return 0;
		ok = EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1 &&
		    EVP_DigestSign(md, sig, &len, digest, AM_ARC_HASH_LEN) == 1;
		EVP_MD_CTX_free(md);
		return ok ? len : 0;
	}
	if ((pc = EVP_PKEY_CTX_new(key, NULL)) == NULL)
		return 0;
	ok = EVP_PKEY_sign_init(pc) == 1 && rsa_ready(pc) &&
	    EVP_PKEY_sign(pc, sig, &len, digest, AM_ARC_HASH_LEN) == 1;
	EVP_PKEY_CTX_free(pc);
	return ok ? len : 0;
}
