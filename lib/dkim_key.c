/*
 * dkim_key.c - a DKIM key record as libopendkim can read it.
 *
 * RFC 6376 3.6.1 says that for k=rsa the p= tag holds "an ASN.1
 * DER-encoded [ITU-X660-1997] RSAPublicKey", the bare PKCS#1 structure;
 * what nearly every signer publishes, and all libopendkim decodes
 * (d2i_PUBKEY), is the SubjectPublicKeyInfo that wraps it.  Both are the
 * same key, and other verifiers take both, so a record whose p= decodes
 * as a whole RSAPublicKey (an INTEGER first, which no
 * SubjectPublicKeyInfo has) is handed on with p= re-encoded by OpenSSL.
 * Anything else (ed25519 keys, empty or broken p=, records that are no
 * tag list) is handed on unchanged, for libopendkim to judge as before.
 *
 * The record is hostile DNS text: every loop is bounded by its length,
 * and the conversion happens only when the DER is consumed exactly.
 *
 * Threads: no state; scratch memory from the caller's arena.
 */
#include "autoconfig.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "dkim_internal.h"

/* One tag of the record: where its value is, as offsets into it. */
struct span {
	size_t start, end;
	bool seen;
};

static bool
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 6376 3.2 tag-list: the spans of k= and p=; false when a tag is
 * there twice or a tag-spec has no "=" (the record is then not ours to
 * change). */
static bool
find_tags(const char *rec, size_t len, struct span *k, struct span *p)
{
	size_t i = 0, end, eq, ns, ne;
	struct span *t;

	memset(k, 0, sizeof(*k));
	memset(p, 0, sizeof(*p));
	while (i < len) {
		for (end = i; end < len && rec[end] != ';'; end++)
			;
		for (eq = i; eq < end && rec[eq] != '='; eq++)
			;
		for (ns = i; ns < eq && is_fws(rec[ns]); ns++)
			;
		for (ne = eq; ne > ns && is_fws(rec[ne - 1]); ne--)
			;
		if (eq == end) {
			if (ns != ne) /* only white space may stand alone */
				return false;
		} else if (ne - ns == 1 && (rec[ns] == 'k' || rec[ns] == 'p')) {
			t = rec[ns] == 'k' ? k : p;
			if (t->seen)
				return false;
			t->seen = true;
			for (t->start = eq + 1;
			     t->start < end && is_fws(rec[t->start]);
			     t->start++)
				;
			for (t->end = end;
			     t->end > t->start && is_fws(rec[t->end - 1]);
			     t->end--)
				;
		}
		i = end + 1;
	}
	return true;
}

/* Decoded bytes, or text to hand on; from the arena. */
struct bytes {
	unsigned char *p;
	size_t len;
};

/* The base64 text of a p= value (FWS allowed inside) as DER bytes; false
 * when it is not base64. */
static bool
decode(struct am_arena *arena, const char *s, size_t len, struct bytes *out)
{
	unsigned char *text = am_arena_alloc(arena, len + 1);
	size_t i, n = 0, pad;
	int got;

	if (text == NULL)
		return false;
	for (i = 0; i < len; i++)
		if (!is_fws(s[i]))
			text[n++] = (unsigned char)s[i];
	if (n == 0 || n % 4 != 0 || n > INT_MAX ||
	    (out->p = am_arena_alloc(arena, n / 4 * 3)) == NULL)
		return false;
	pad = (text[n - 1] == '=') + (text[n - 2] == '=');
	if ((got = EVP_DecodeBlock(out->p, text, (int)n)) < 0 ||
	    (size_t)got < pad)
		return false;
	out->len = (size_t)got - pad;
	return true;
}

/*
 * The tag of the first element inside der's outer SEQUENCE, or -1: an
 * INTEGER (0x02) opens an RSAPublicKey, a SEQUENCE (0x30, the
 * AlgorithmIdentifier) a SubjectPublicKeyInfo.  Read off the bytes, not
 * by OpenSSL: its decoder costs ~130 us a call (dkim_keycache.c), and
 * every signature of every message comes through here.
 */
static int
inner_tag(const struct bytes *der)
{
	size_t at = 2;

	if (der->len < 3 || der->p[0] != 0x30)
		return -1;
	if (der->p[1] & 0x80) { /* long form: that many length octets */
		if ((der->p[1] & 0x7f) == 0 || (der->p[1] & 0x7f) > 4)
			return -1;
		at = 2 + (der->p[1] & 0x7f);
	}
	return at < der->len ? der->p[at] : -1;
}

/* DER of a bare PKCS#1 RSAPublicKey re-encoded as a base64
 * SubjectPublicKeyInfo; false when der is anything else. */
static bool
reencode(struct am_arena *arena, const struct bytes *der, struct bytes *b64)
{
	const unsigned char *q = der->p;
	unsigned char *spki = NULL;
	EVP_PKEY *pk;
	int n;
	bool ok = false;

	/* a SubjectPublicKeyInfo (what libopendkim reads) never opens with
	 * an INTEGER, an RSAPublicKey always does */
	if (der->len > LONG_MAX || inner_tag(der) != 0x02)
		return false;
	pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, (long)der->len);
	if (pk != NULL && q == der->p + der->len &&
	    (n = i2d_PUBKEY(pk, &spki)) > 0 &&
	    (b64->p = am_arena_alloc(arena, 4 * (((size_t)n + 2) / 3) + 1)) !=
		NULL) {
		b64->len = (size_t)EVP_EncodeBlock(b64->p, spki, n);
		ok = true;
	}
	OPENSSL_free(spki);
	EVP_PKEY_free(pk);
	return ok;
}

const char *
am_dkim_key_normalize(struct am_arena *arena, const char *rec, size_t len,
    size_t *out_len, bool *converted)
{
	struct span k, p;
	struct bytes der, b64;
	char *out;

	*out_len = len;
	*converted = false;
	if (!find_tags(rec, len, &k, &p) || !p.seen || p.start == p.end ||
	    (k.seen &&
		(k.end - k.start != 3 ||
		    strncasecmp(rec + k.start, "rsa", 3) != 0)))
		return rec;
	if (!decode(arena, rec + p.start, p.end - p.start, &der) ||
	    !reencode(arena, &der, &b64) ||
	    (out = am_arena_alloc(
		 arena, len - (p.end - p.start) + b64.len + 1)) == NULL)
		return rec;
	memcpy(out, rec, p.start);
	memcpy(out + p.start, b64.p, b64.len);
	memcpy(out + p.start + b64.len, rec + p.end, len - p.end);
	*out_len = len - (p.end - p.start) + b64.len;
	out[*out_len] = '\0';
	*converted = true;
	return out;
}
