/*
 * arc_seal.c - adding our ARC set to a message we pass on, RFC 8617 5.1,
 * and loading the key it is made with.
 *
 * The set, in the order it is made (5.1 step 4):
 *   ARC-Authentication-Results: i=N; <our Authentication-Results value>
 *   ARC-Message-Signature: i=N; a=; c=relaxed/relaxed; d=; s=; t=; h=;
 *       bh=; b=
 *   ARC-Seal: i=N; a=; t=; cv=; d=; s=; b=
 * N is one more than the highest instance found (step 3); cv= is what
 * verification found (none, pass or fail), and under cv=fail the seal
 * covers our set alone (5.1.2).  No set is added after a seal that says
 * cv=fail (step 2), past 50 sets, or when the chain could not be judged
 * (temperror, permerror: arc.h says why).
 *
 * The ARC-Message-Signature signs, bottom up, every instance present of
 * the header fields below (RFC 6376 5.4.1's list, the List-* fields of
 * RFC 2369 and 2919, and every DKIM-Signature, which RFC 8617 4.1.2
 * asks for), and From even when absent.  Never Authentication-Results
 * or an ARC field (4.1.2), nor Received or our verdict header, which
 * later hops may add to or remove.  At most 64 fields.
 *
 * Threads: the sealer is read-only after loading and shared; a seal is
 * made in its message's thread and arena.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>

#include "arc_state.h"
#include "base64.h"

#define RSA_MIN_BITS 1024 /* RFC 8301 3.2 */
#define FOLD_AT	     78
#define B_FIRST	     70 /* base64 characters on b='s first line */
#define B_LINE	     72 /* and on each line after it */
#define AMS_NAME     "ARC-Message-Signature"

static const char *const signed_fields[] = {
	"From", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID",
	"In-Reply-To", "References", "MIME-Version", "Content-Type",
	"Content-Transfer-Encoding", "Content-ID", "Content-Description",
	"Resent-Date", "Resent-From", "Resent-Sender", "Resent-To",
	"Resent-Cc", "Resent-Message-ID", "Sender", "List-Id", "List-Help",
	"List-Unsubscribe", "List-Subscribe", "List-Post", "List-Owner",
	"List-Archive", "DKIM-Signature",
};

struct am_arc_sealer {
	EVP_PKEY *key;
	bool ed25519;
	char domain[254];
	char selector[64];
};

static bool
dns_name(const char *s, bool selector)
{
	struct am_tagval v = {s, strlen(s)};

	return v.len > 0 && am_dkim_tag_dns_name(&v, selector);
}

/* Encrypted keys are refused rather than prompted for. */
static int
no_password(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return 0;
}

static struct am_arc_sealer *
refuse(struct am_arc_sealer *s, char *err, size_t errlen, const char *why,
    const char *path)
{
	snprintf(err, errlen, "arc seal_key %s: %s", path, why);
	am_arc_sealer_free(s);
	return NULL;
}

struct am_arc_sealer *
am_arc_sealer_new(const char *path, const char *domain, const char *selector,
    char *err, size_t errlen)
{
	struct am_arc_sealer *s;
	unsigned char digest[AM_ARC_HASH_LEN] = {0}, sig[AM_ARC_SIG_MAX];
	FILE *fp;
	int type;

	if (!dns_name(domain, false) || strlen(domain) >= sizeof(s->domain) ||
	    !dns_name(selector, true) ||
	    strlen(selector) >= sizeof(s->selector)) {
		snprintf(err, errlen, "arc seal_domain and seal_selector must "
		    "be DNS names");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return refuse(NULL, err, errlen, "out of memory", path);
	snprintf(s->domain, sizeof(s->domain), "%s", domain);
	snprintf(s->selector, sizeof(s->selector), "%s", selector);
	if ((fp = fopen(path, "r")) == NULL)
		return refuse(s, err, errlen, strerror(errno), path);
	s->key = PEM_read_PrivateKey(fp, NULL, no_password, NULL);
	fclose(fp);
	if (s->key == NULL)
		return refuse(s, err, errlen, "holds no PEM private key (an "
		    "encrypted one cannot be used)", path);
	type = EVP_PKEY_base_id(s->key);
	s->ed25519 = type == EVP_PKEY_ED25519;
	if (type != EVP_PKEY_RSA && !s->ed25519)
		return refuse(s, err, errlen,
		    "is neither an RSA nor an Ed25519 "
		    "key",
		    path);
	if (!s->ed25519 && EVP_PKEY_bits(s->key) < RSA_MIN_BITS)
		return refuse(s, err, errlen,
		    "is an RSA key of fewer than 1024 "
		    "bits (RFC 8301)",
		    path);
	if (EVP_PKEY_size(s->key) > (int)sizeof(sig) ||
	    am_arc_sign_digest(s->key, s->ed25519, digest, sig,
		sizeof(sig)) == 0)
		return refuse(s, err, errlen, "cannot sign", path);
	return s;
}

void
am_arc_sealer_free(struct am_arc_sealer *s)
{
	if (s == NULL)
		return;
	EVP_PKEY_free(s->key);
	free(s);
}

const char *
am_arc_sealer_algorithm(const struct am_arc_sealer *s)
{
	return s->ed25519 ? "ed25519-sha256" : "rsa-sha256";
}

/* A header value built tag by tag, folded between tags. */
struct fields {
	struct am_buf b;
	size_t col;
};

static void
add_tag(struct fields *f, const char *name, const char *value)
{
	size_t len = strlen(name) + 1 + strlen(value) + 1;

	if (f->b.len > 0) {
		am_buf_addc(&f->b, ';');
		if (f->col + 2 + len > FOLD_AT) {
			am_buf_adds(&f->b, "\n\t");
			f->col = 8;
		} else {
			am_buf_addc(&f->b, ' ');
			f->col += 2;
		}
	}
	am_buf_printf(&f->b, "%s=%s", name, value);
	f->col += len - 1;
}

/* b=, on lines of its own: what the next hop's seal hashes relaxed. */
static void
add_b(struct fields *f, const char *b64)
{
	size_t len = strlen(b64), k, n;

	if (f->b.len > 0)
		am_buf_adds(&f->b, ";\n\t");
	am_buf_adds(&f->b, "b=");
	f->col = 8 + 2;
	for (k = 0; k < len; k += n) {
		n = k == 0 ? B_FIRST : B_LINE;
		if (n > len - k)
			n = len - k;
		if (k > 0) {
			am_buf_adds(&f->b, "\n\t");
			f->col = 8;
		}
		am_buf_add(&f->b, b64 + k, n);
		f->col += n;
	}
}

struct tag {
	const char *name, *value;
};

#define TAGS_MAX 10 /* an AMS has 8 besides b= */

static int
by_name(const void *x, const void *y)
{
	return strcmp(((const struct tag *)x)->name,
	    ((const struct tag *)y)->name);
}

/* The value of field name with b= (empty or the signature) where the
 * layout puts it: last, or in alphabetical order. */
static char *
render(struct am_arena *arena, const char *name, const struct tag *given,
    size_t n, const char *b, bool sorted)
{
	struct fields f = {.col = strlen(name) + 2};
	struct tag tags[TAGS_MAX];
	char *s;
	size_t k;

	memcpy(tags, given, n * sizeof(*tags));
	am_buf_init(&f.b, 0);
	if (sorted) {
		tags[n++] = (struct tag){"b", ""};
		qsort(tags, n, sizeof(*tags), by_name);
	}
	for (k = 0; k < n; k++)
		if (strcmp(tags[k].name, "b") == 0)
			add_b(&f, b);
		else
			add_tag(&f, tags[k].name, tags[k].value);
	if (!sorted)
		add_b(&f, b);
	s = am_buf_failed(&f.b) ? NULL :
				  am_arena_strndup(arena, f.b.data, f.b.len);
	am_buf_release(&f.b);
	return s;
}

/* The h= value: every instance of our fields present, From always. */
static const char *
our_fields(struct am_arc *a, const struct am_arc_seal_options *opt)
{
	struct am_buf b;
	size_t k, i, n, total = 0;
	const char *s;

	am_buf_init(&b, 0);
	for (k = 0; opt != NULL && opt->headers != NULL && k < opt->nheaders;
	     k++)
		am_buf_printf(&b, "%s%s", k > 0 ? ":" : "", opt->headers[k]);
	for (k = 0; (opt == NULL || opt->headers == NULL) &&
	     k < sizeof(signed_fields) / sizeof(*signed_fields);
	     k++) {
		n = am_hdr_count(&a->ix, signed_fields[k],
		    strlen(signed_fields[k]));
		if (n == 0 && k == 0)
			n = 1;
		for (i = 0; i < n && total < AM_ARC_H_MAX; i++, total++)
			am_buf_printf(&b, "%s%s", b.len > 0 ? ":" : "",
			    signed_fields[k]);
	}
	for (k = 0; k < b.len; k++)
		if (b.data[k] >= 'A' && b.data[k] <= 'Z')
			b.data[k] = (char)(b.data[k] - 'A' + 'a');
	s = am_buf_failed(&b) ? NULL : am_arena_strndup(a->arena,
	    am_buf_str(&b), b.len);
	am_buf_release(&b);
	return s;
}

/* Signs md's data; the base64 signature, or NULL. */
static const char *
sign(struct am_arena *arena, const struct am_arc_sealer *s, EVP_MD_CTX *md)
{
	unsigned char digest[AM_ARC_HASH_LEN], sig[AM_ARC_SIG_MAX];
	struct am_buf b;
	const char *out = NULL;
	size_t len;

	if (!am_arc_md_final(md, digest) ||
	    (len = am_arc_sign_digest(s->key, s->ed25519, digest, sig,
		 sizeof(sig))) == 0)
		return NULL;
	am_buf_init(&b, 0);
	am_base64_encode(&b, sig, len);
	if (!am_buf_failed(&b))
		out = am_arena_strndup(arena, b.data, b.len);
	am_buf_release(&b);
	return out;
}

/* Our field name: value, as a message header the seal can hash. */
static struct am_arc_field *
our_field(struct am_arena *arena, enum am_arc_kind kind, const char *name,
    const char *value)
{
	struct am_arc_field *f = am_arena_zalloc(arena, sizeof(*f));
	struct am_header *h = am_arena_zalloc(arena, sizeof(*h));

	if (f == NULL || h == NULL || value == NULL ||
	    (f->tags = am_arena_zalloc(arena, sizeof(*f->tags))) == NULL)
		return NULL;
	h->name = name;
	h->name_len = strlen(name);
	h->value = value;
	h->value_len = strlen(value);
	f->kind = kind;
	f->h = h;
	return f;
}

/* A fresh SHA-256 context, or NULL. */
static EVP_MD_CTX *
sha256(void)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		md = NULL;
	}
	return md;
}

struct making {
	struct am_arc *a;
	const struct am_arc_sealer *s;
	const struct am_arc_seal_options *opt;
	unsigned n;
	char inst[8], when[24];
	const char *bh;
};

/* The AMS: the fields h= names, then the AMS itself with an empty b=. */
static const char *
make_ams(struct making *m, const char *h)
{
	struct tag tags[TAGS_MAX] = {{"i", m->inst},
	    {"a", am_arc_sealer_algorithm(m->s)}, {"c", "relaxed/relaxed"},
	    {"d", m->s->domain}, {"s", m->s->selector}, {"t", m->when},
	    {"h", h}, {"bh", m->bh}};
	bool sorted = m->opt != NULL && m->opt->sorted_tags;
	struct am_tagval hv = {h, strlen(h)};
	const char *why, *unsigned_ams, *b = NULL;
	EVP_MD_CTX *md = sha256();
	struct am_buf c;

	unsigned_ams = render(m->a->arena, AMS_NAME, tags, 8, "", sorted);
	am_buf_init(&c, 0);
	if (md != NULL && unsigned_ams != NULL &&
	    am_hdr_hash_selected(&m->a->ix, &hv, true, false, md, &why)) {
		am_canon_header(&c, true, AMS_NAME, strlen(AMS_NAME),
		    unsigned_ams, strlen(unsigned_ams), 0, 0, false);
		if (!am_buf_failed(&c) && am_arc_md_update(md, c.data, c.len))
			b = sign(m->a->arena, m->s, md);
	}
	am_buf_release(&c);
	EVP_MD_CTX_free(md);
	return b == NULL ? NULL
			 : render(m->a->arena, AMS_NAME, tags, 8, b, sorted);
}

/* The AS over the chain (or our set alone under cv=fail). */
static const char *
make_as(struct making *m, enum am_arc_cv cv)
{
	struct tag tags[TAGS_MAX] = {{"i", m->inst},
	    {"a", am_arc_sealer_algorithm(m->s)}, {"t", m->when},
	    {"cv", am_arc_cv_name(cv)}, {"d", m->s->domain},
	    {"s", m->s->selector}};
	bool sorted = m->opt != NULL && m->opt->sorted_tags;
	struct am_arc_set *set = &m->a->sets[m->n];
	EVP_MD_CTX *md = sha256();
	const char *b = NULL;

	set->as = our_field(m->a->arena, AM_ARC_AS, "ARC-Seal",
	    render(m->a->arena, "ARC-Seal", tags, 6, "", sorted));
	if (md != NULL && set->as != NULL &&
	    am_arc_seal_data(m->a->sets, cv == AM_ARC_CV_FAIL ? m->n : 1,
		m->n, md))
		b = sign(m->a->arena, m->s, md);
	EVP_MD_CTX_free(md);
	return b == NULL ? NULL
			 : render(m->a->arena, "ARC-Seal", tags, 6, b, sorted);
}

/* Why the chain found leaves no seal to add, or NULL. */
static const char *
refusal(const struct am_arc *a, const struct am_arc_result *chain)
{
	if (!a->finished)
		return "the chain was not judged";
	if (chain->ended)
		return "the chain ended with cv=fail before us (RFC 8617 5.1)";
	if (chain->result == AM_RESULT_TEMPERROR)
		return "the chain could not be verified now (temperror): "
		       "left for the next hop to verify";
	if (chain->result == AM_RESULT_PERMERROR || a->truncated)
		return "the header was not kept whole";
	if (a->n >= AM_ARC_MAX_SETS || a->extra > 0)
		return "the chain already holds 50 sets";
	if (a->body[1] == NULL || !a->body[1]->done)
		return "the body could not be hashed";
	return NULL;
}

static const char *
seal_set(struct making *m, const struct am_arc_result *chain,
    const char *authres, struct am_arc_seal *out)
{
	struct am_arc_set *set = &m->a->sets[m->n];
	enum am_arc_cv cv = chain->result == AM_RESULT_PASS ? AM_ARC_CV_PASS :
	    chain->result == AM_RESULT_FAIL ? AM_ARC_CV_FAIL : AM_ARC_CV_NONE;
	const char *h;

	if ((h = our_fields(m->a, m->opt)) == NULL)
		return "out of memory";
	out->aar = am_arena_printf(m->a->arena, "i=%u; %s", m->n, authres);
	if ((out->ams = make_ams(m, h)) == NULL)
		return "the ARC-Message-Signature could not be made";
	set->aar = our_field(m->a->arena, AM_ARC_AAR,
	    "ARC-Authentication-Results", out->aar);
	set->ams = our_field(m->a->arena, AM_ARC_AMS, AMS_NAME, out->ams);
	if (set->aar == NULL || set->ams == NULL ||
	    (out->as = make_as(m, cv)) == NULL)
		return "the ARC-Seal could not be made";
	out->instance = m->n;
	am_trace_add(m->a->trace, "arc", 0, "sealed: i=%u cv=%s d=%s s=%s "
	    "h=%s", m->n, am_arc_cv_name(cv), m->s->domain, m->s->selector, h);
	return NULL;
}

void
am_arc_seal(struct am_arc *a, const struct am_arc_sealer *s,
    const struct am_arc_result *chain, const char *authres,
    const struct am_arc_seal_options *opt, struct am_arc_seal *out)
{
	struct making m = {.a = a, .s = s, .opt = opt};
	struct am_buf b;

	memset(out, 0, sizeof(*out));
	if ((out->why_not = refusal(a, chain)) != NULL)
		return;
	if (!am_arc_index(a, a->headers) || !am_arc_sets(a)) {
		out->why_not = "out of memory";
		return;
	}
	m.n = a->n + 1;
	snprintf(m.inst, sizeof(m.inst), "%u", m.n);
	snprintf(m.when, sizeof(m.when), "%lld", (long long)am_ctx_now(a->ctx));
	am_buf_init(&b, 0);
	am_base64_encode(&b, a->body[1]->digest, AM_ARC_HASH_LEN);
	m.bh = am_buf_failed(&b) ? NULL : am_arena_strdup(a->arena, b.data);
	am_buf_release(&b);
	if (m.bh == NULL || authres == NULL)
		out->why_not = "out of memory";
	else
		out->why_not = seal_set(&m, chain, authres, out);
	if (out->why_not != NULL) {
		out->aar = out->ams = out->as = NULL;
		am_trace_add(
		    a->trace, "arc", 0, "not sealed: %s", out->why_not);
	}
}
