/*
 * dkimsign.c - test-only DKIM signing (see dkimsign.h).
 *
 * Keys: OpenSSL 3 EVP_PKEY_Q_keygen(); RSA of 512, 1024 and 2048 bits
 * and ed25519 all generate with the default provider.  OpenSSL refuses
 * nothing here; it is libopendkim's signer that refuses keys under its
 * DKIM_OPTS_MINKEYBITS (default 1024), so the signer lowers that to 512.
 * A libopendkim library handle is made per signature because l=, t= and
 * x= are library-wide options.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "buf.h"
#include "dkimsign.h"

#define DEFAULT_T 1700000000

/*
 * libopendkim 2.11.0~beta2 frees the signing key in dkim_free() only when
 * it is RSA: each ed25519 signature leaks the EVP_PKEY and the output
 * buffer that dkim_eom() allocates.  The sanitizer build is told, the way
 * LeakSanitizer provides, that those allocations are not this project's.
 */
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#define LIBOPENDKIM_LEAKS_BEGIN() __lsan_disable()
#define LIBOPENDKIM_LEAKS_END()	  __lsan_enable()
#else
#define LIBOPENDKIM_LEAKS_BEGIN() ((void)0)
#define LIBOPENDKIM_LEAKS_END()	  ((void)0)
#endif

static void
ssl_failed(const char *what)
{
	fprintf(stderr, "dkimsign: %s failed\n", what);
	ERR_print_errors_fp(stderr);
}

/* A malloc'd copy of the buffer's bytes, or NULL if building it failed. */
static char *
buf_take(struct am_buf *b)
{
	char *s = NULL;

	if (!am_buf_failed(b) && (s = malloc(b->len + 1)) != NULL) {
		memcpy(s, am_buf_str(b), b->len);
		s[b->len] = '\0';
	}
	am_buf_release(b);
	return s;
}

static char *
record(const char *type, const unsigned char *der, size_t len)
{
	struct am_buf b;
	unsigned char *text = malloc(4 * ((len + 2) / 3) + 1);

	if (text == NULL)
		return NULL;
	EVP_EncodeBlock(text, der, (int)len);
	am_buf_init(&b, 0);
	am_buf_printf(&b, "v=DKIM1; k=%s; p=%s", type, text);
	free(text);
	return buf_take(&b);
}

static char *
private_pem(EVP_PKEY *pk)
{
	BIO *bio = BIO_new(BIO_s_mem());
	struct am_buf b;
	char *data;
	long len;

	if (bio == NULL ||
	    !PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL)) {
		ssl_failed("PEM_write_bio_PrivateKey");
		BIO_free(bio);
		return NULL;
	}
	len = BIO_get_mem_data(bio, &data);
	am_buf_init(&b, 0);
	am_buf_add(&b, data, (size_t)len);
	BIO_free(bio);
	return buf_take(&b);
}

/* The key pair as dkim_sign() and a DNS zone want it. */
static struct dkimsign_key *
key_from(EVP_PKEY *pk, const char *type, const unsigned char *pub,
    size_t publen, unsigned bits)
{
	struct dkimsign_key *key = calloc(1, sizeof(*key));

	if (key == NULL)
		return NULL;
	key->bits = bits;
	key->record = record(type, pub, publen);
	key->private_pem = private_pem(pk);
	if (key->record == NULL || key->private_pem == NULL) {
		dkimsign_key_free(key);
		return NULL;
	}
	return key;
}

struct dkimsign_key *
dkimsign_key_rsa(unsigned bits)
{
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	struct dkimsign_key *key = NULL;
	unsigned char *der = NULL;
	int len;

	if (pk == NULL) {
		ssl_failed("RSA key generation");
		return NULL;
	}
	/* RFC 6376 3.6.1: p= is the SubjectPublicKeyInfo, base64, as
	 * published in practice; the RFC's words name the bare PKCS#1
	 * RSAPublicKey, which i2d_PublicKey() writes for an RSA key. */
	if ((len = i2d_PUBKEY(pk, &der)) <= 0)
		ssl_failed("i2d_PUBKEY");
	else
		key = key_from(pk, "rsa", der, (size_t)len, bits);
	OPENSSL_free(der);
	der = NULL;
	if (key != NULL && ((len = i2d_PublicKey(pk, &der)) <= 0 ||
	    (key->pkcs1_record = record("rsa", der, (size_t)len)) == NULL)) {
		ssl_failed("i2d_PublicKey");
		dkimsign_key_free(key);
		key = NULL;
	}
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
	return key;
}

struct dkimsign_key *
dkimsign_key_ed25519(void)
{
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	struct dkimsign_key *key = NULL;
	unsigned char pub[32];
	size_t len = sizeof(pub);

	if (pk == NULL) {
		ssl_failed("ed25519 key generation");
		return NULL;
	}
	if (!EVP_PKEY_get_raw_public_key(pk, pub, &len))
		ssl_failed("EVP_PKEY_get_raw_public_key");
	else
		key = key_from(pk, "ed25519", pub, len, 0);
	EVP_PKEY_free(pk);
	return key;
}

void
dkimsign_key_free(struct dkimsign_key *key)
{
	if (key == NULL)
		return;
	free(key->private_pem);
	free(key->record);
	free(key->pkcs1_record);
	free(key);
}

/* Appends len bytes at p with every bare LF made CRLF. */
static void
add_crlf(struct am_buf *b, const char *p, size_t len)
{
	size_t k;

	for (k = 0; k < len; k++) {
		if (p[k] == '\n' && (k == 0 || p[k - 1] != '\r'))
			am_buf_addc(b, '\r');
		am_buf_addc(b, p[k]);
	}
}

static size_t
line_end(const char *s, size_t len, size_t i, size_t *next)
{
	const char *lf = memchr(s + i, '\n', len - i);
	size_t k;

	if (lf == NULL) {
		*next = len;
		return len;
	}
	k = (size_t)(lf - s);
	*next = k + 1;
	return k > i && s[k - 1] == '\r' ? k - 1 : k;
}

static void
emit_field(const struct dkimsign_sink *sink, const char *f, size_t len)
{
	const char *colon = memchr(f, ':', len);

	if (colon != NULL)
		sink->header(sink->arg, f, (size_t)(colon - f), colon + 1,
		    len - (size_t)(colon + 1 - f));
}

bool
dkimsign_split(const char *msg, size_t len, size_t chunk,
    const struct dkimsign_sink *sink)
{
	size_t i = 0, start, eol, next, k, n;
	struct am_buf body;

	while (i < len) {
		if ((eol = line_end(msg, len, i, &next)) == i) {
			i = next; /* the empty line: the body follows */
			break;
		}
		start = i;
		while (next < len && (msg[next] == ' ' || msg[next] == '\t'))
			eol = line_end(msg, len, next, &next);
		emit_field(sink, msg + start, eol - start);
		i = next;
	}
	am_buf_init(&body, 0);
	add_crlf(&body, msg + i, len - i);
	if (am_buf_failed(&body)) {
		am_buf_release(&body);
		return false;
	}
	for (k = 0; k < body.len; k += n) {
		n = chunk == 0 || body.len - k < chunk ? body.len - k : chunk;
		sink->body(sink->arg, (const unsigned char *)body.data + k, n);
	}
	am_buf_release(&body);
	return true;
}

struct signer {
	DKIM *d;
	DKIM_STAT st; /* the first failure */
	const char *step;
	bool eoh;
	struct am_buf field;
};

static void
signer_status(struct signer *sg, const char *step, DKIM_STAT st)
{
	if (st != DKIM_STAT_OK && sg->st == DKIM_STAT_OK) {
		sg->st = st;
		sg->step = step;
	}
}

static void
sign_header(void *arg, const char *name, size_t name_len, const char *value,
    size_t value_len)
{
	struct signer *sg = arg;

	am_buf_reset(&sg->field);
	am_buf_add(&sg->field, name, name_len);
	am_buf_addc(&sg->field, ':');
	add_crlf(&sg->field, value, value_len);
	signer_status(sg, "dkim_header",
	    dkim_header(sg->d, (u_char *)sg->field.data, sg->field.len));
}

static void
sign_eoh(struct signer *sg)
{
	if (!sg->eoh) {
		sg->eoh = true;
		signer_status(sg, "dkim_eoh", dkim_eoh(sg->d));
	}
}

static void
sign_body(void *arg, const unsigned char *chunk, size_t len)
{
	struct signer *sg = arg;

	sign_eoh(sg);
	signer_status(sg, "dkim_body",
	    dkim_body(sg->d, (u_char *)(uintptr_t)chunk, len));
}

static DKIM_LIB *
signer_lib(const struct dkimsign_opts *opt)
{
	DKIM_LIB *lib = dkim_init(NULL, NULL);
	uint64_t t = opt->t != 0 ? opt->t : DEFAULT_T, ttl = opt->ttl;
	uint32_t flags = opt->length ? DKIM_LIBFLAGS_SIGNLEN : 0;
	unsigned bits = 512;

	if (lib == NULL)
		return NULL;
	if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME, &t,
		sizeof(t)) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNATURETTL, &ttl,
		sizeof(ttl)) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
		sizeof(flags)) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &bits,
		sizeof(bits)) != DKIM_STAT_OK ||
	    (opt->headers != NULL &&
		dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNHDRS,
		    (void *)(uintptr_t)opt->headers,
		    sizeof(char **)) != DKIM_STAT_OK)) {
		dkim_close(lib);
		return NULL;
	}
	return lib;
}

/* "DKIM-Signature: " and the header libopendkim made for sg. */
static char *
signature_field(struct signer *sg)
{
	struct am_buf b;
	u_char *hdr = NULL;
	size_t len = 0;

	signer_status(sg, "dkim_getsighdr_d",
	    dkim_getsighdr_d(sg->d, sizeof("DKIM-Signature: ") - 1, &hdr,
		&len));
	if (sg->st != DKIM_STAT_OK)
		return NULL;
	am_buf_init(&b, 0);
	am_buf_adds(&b, "DKIM-Signature: ");
	add_crlf(&b, (const char *)hdr, len);
	return buf_take(&b);
}

char *
dkimsign_sign(const struct dkimsign_key *key,
    const struct dkimsign_opts *opt, const char *message)
{
	DKIM_LIB *lib = signer_lib(opt);
	struct signer sg = {.st = DKIM_STAT_OK};
	struct dkimsign_sink sink = {sign_header, sign_body, &sg};
	char *field = NULL;

	if (lib == NULL) {
		fprintf(stderr, "dkimsign: libopendkim set-up failed\n");
		return NULL;
	}
	am_buf_init(&sg.field, 0);
	sg.d = dkim_sign(lib, (const unsigned char *)"dkimsign", NULL,
	    (dkim_sigkey_t)key->private_pem, (const unsigned char *)opt->selector,
	    (const unsigned char *)opt->domain, opt->hcanon, opt->bcanon,
	    opt->alg, -1, &sg.st);
	if (sg.d != NULL && dkimsign_split(message, strlen(message), 0, &sink)) {
		sign_eoh(&sg);
		if (opt->alg == DKIM_SIGN_ED25519SHA256)
			LIBOPENDKIM_LEAKS_BEGIN();
		signer_status(&sg, "dkim_eom", dkim_eom(sg.d, NULL));
		if (opt->alg == DKIM_SIGN_ED25519SHA256)
			LIBOPENDKIM_LEAKS_END();
		field = signature_field(&sg);
	}
	if (field == NULL)
		fprintf(stderr, "dkimsign: %s: %s\n", sg.step ? sg.step :
		    "dkim_sign", dkim_getresultstr(sg.st));
	if (sg.d != NULL)
		dkim_free(sg.d);
	am_buf_release(&sg.field);
	dkim_close(lib);
	return field;
}

void
dkimsign_zone_txt(struct am_buf *z, const char *name, const char *txt)
{
	size_t k, len = strlen(txt), n;

	am_buf_printf(z, "%s TXT (", name);
	for (k = 0; k < len; k += n) {
		n = len - k < 200 ? len - k : 200;
		am_buf_printf(z, " \"%.*s\"", (int)n, txt + k);
	}
	am_buf_adds(z, " )\n");
}

struct verifier {
	struct am_dkim *dkim;
	struct am_dns_session *dns;
	struct dkimsign_check *out;
	bool eoh;
};

static void
verify_eoh(struct verifier *v)
{
	if (!v->eoh) {
		v->eoh = true;
		v->out->queries_at_eoh = am_dns_session_queries(v->dns);
		am_dkim_end_headers(v->dkim);
		v->out->wants_body = am_dkim_wants_body(v->dkim);
	}
}

static void
verify_header(void *arg, const char *name, size_t name_len, const char *value,
    size_t value_len)
{
	struct verifier *v = arg;

	am_dkim_header(v->dkim, name, name_len, value, value_len);
}

static void
verify_body(void *arg, const unsigned char *chunk, size_t len)
{
	struct verifier *v = arg;

	verify_eoh(v);
	am_dkim_body(v->dkim, chunk, len);
}

bool
dkimsign_verify(struct am_dkim_lib *lib, const struct am_ctx *ctx,
    struct am_dns_session *dns, struct am_arena *arena,
    struct am_trace *trace, const char *message, size_t len, size_t chunk,
    struct dkimsign_check *out)
{
	struct verifier v = {.dns = dns, .out = out};
	struct dkimsign_sink sink = {verify_header, verify_body, &v};
	bool ok;

	memset(out, 0, sizeof(*out));
	if ((v.dkim = am_dkim_new(lib, ctx, dns, arena, trace)) == NULL)
		return false;
	ok = dkimsign_split(message, len, chunk, &sink);
	verify_eoh(&v);
	am_dkim_finish(v.dkim, &out->res);
	am_dkim_free(v.dkim);
	return ok;
}
