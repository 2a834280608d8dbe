/*
 * arc.c - verifying the Authenticated Received Chain of a message,
 * RFC 8617 5.2 (see arc.h).
 *
 * As header fields arrive, the ARC ones are parsed (arc_tags.c) and
 * filed by instance.  At the end of the header the structure is judged
 * (steps 1 to 3: how many sets, the newest cv=, one field of each kind
 * per instance, 1..N without gaps, cv= none then pass), the keys of the
 * signatures that must verify are prefetched, and the body hashes the
 * ARC-Message-Signatures need are started.  At the end of the message
 * come step 4 (the newest AMS), step 5 (oldest-pass: older AMSs until
 * one fails) and step 6 (every AS, newest first).  Each step that fails
 * ends the judgement with a reason naming the field and what failed.
 *
 * Keys are looked up through the message's DNS session, so they share
 * the resolver's cache and timeout; a lookup that fails temporarily
 * makes the chain temperror rather than fail (arc.h says why).
 *
 * Threads: a chain belongs to its message's thread.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "arc_state.h"
#include "config.h"
#include "domain.h"

#define FUTURE_SKEW  300 /* seconds t= may run ahead of us, as for DKIM */
#define PREFETCH_MAX 16	 /* key lookups started at once, per step */
/* Seconds the signatures of one chain may take, most of it waiting for
 * keys: lookups run in parallel where the steps allow, but a chain of 50
 * sets at slow name servers must not hold a message for 50 timeouts. */
#define TIME_LIMIT 30
#define RSA_MIN_BITS 1024

enum key_state { KEY_FOUND, KEY_FAIL, KEY_TEMPFAIL };

struct am_arc_key {
	struct am_arc_key *next;
	const char *name;
	enum key_state state;
	const char *why;
	EVP_PKEY *pkey;
	bool ed25519;
	unsigned bits;
};

static const char *const kind_names[] = {
	[AM_ARC_AAR] = "ARC-Authentication-Results",
	[AM_ARC_AMS] = "ARC-Message-Signature",
	[AM_ARC_AS] = "ARC-Seal",
};

const char *
am_arc_cv_name(enum am_arc_cv cv)
{
	return cv == AM_ARC_CV_PASS ? "pass" : cv == AM_ARC_CV_FAIL ? "fail" :
								      "none";
}

struct am_arc *
am_arc_new(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, struct am_trace *trace, bool seal)
{
	struct am_arc *a = am_arena_zalloc(arena, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->ctx = ctx;
	a->dns = dns;
	a->arena = arena;
	a->trace = trace;
	a->seal = seal;
	return a;
}

void
am_arc_free(struct am_arc *a)
{
	struct am_arc_key *k;
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < 2; i++)
		if (a->body[i] != NULL)
			EVP_MD_CTX_free(a->body[i]->md);
	for (k = a->keys; k != NULL; k = k->next)
		EVP_PKEY_free(k->pkey);
}

static void
parse_signature(struct am_arc *a, struct am_arc_field *f)
{
	struct am_arc_sigtags *t = am_arena_alloc(a->arena, sizeof(*t));
	const struct am_header *h = f->h;
	const char *d;

	if ((f->tags = t) == NULL) {
		f->why = "out of memory";
		return;
	}
	f->ok = am_arc_sigtags_parse(f->kind, h->value, h->value_len, t);
	f->instance = t->instance;
	if (!f->ok) {
		f->why = am_arena_strdup(a->arena, t->why);
		return;
	}
	d = am_domain_normalize(a->arena, t->d.p, t->d.len);
	f->keyname = d == NULL ? NULL : am_arena_printf(a->arena,
	    "%.*s._domainkey.%s", (int)t->s.len, t->s.p, d);
	if (f->keyname == NULL) {
		f->ok = false;
		f->why = "out of memory";
	}
}

/* Room for more fields: 6, then doubling, up to AM_ARC_FIELDS_MAX. */
static bool
grow(struct am_arc *a)
{
	size_t cap = a->cap != 0 ? a->cap * 2 : 6;
	struct am_arc_field **f;

	if (cap > AM_ARC_FIELDS_MAX)
		cap = AM_ARC_FIELDS_MAX;
	if ((f = am_arena_alloc(a->arena, cap * sizeof(*f))) == NULL)
		return false;
	if (a->nfields > 0)
		memcpy(f, a->fields, a->nfields * sizeof(*f));
	a->fields = f;
	a->cap = cap;
	return true;
}

bool
am_arc_sets(struct am_arc *a)
{
	if (a->sets == NULL)
		a->sets = am_arena_zalloc(a->arena,
		    (AM_ARC_MAX_SETS + 2) * sizeof(*a->sets));
	return a->sets != NULL;
}

void
am_arc_header(struct am_arc *a, const struct am_header *h)
{
	struct am_arc_field *f;
	size_t payload;
	int kind;

	if (a->eoh || (kind = am_arc_kind_of(h->name, h->name_len)) < 0)
		return;
	if (a->nfields == AM_ARC_FIELDS_MAX) {
		a->extra++;
		return;
	}
	if (a->nfields == a->cap && !grow(a)) {
		a->extra++; /* unaccounted for: the chain cannot pass */
		return;
	}
	if ((f = am_arena_zalloc(a->arena, sizeof(*f))) == NULL) {
		a->extra++; /* unaccounted for: the chain cannot pass */
		return;
	}
	f->kind = (enum am_arc_kind)kind;
	f->h = h;
	if (f->kind == AM_ARC_AAR)
		f->instance = am_arc_aar_instance(h->value, h->value_len,
		    &payload);
	else
		parse_signature(a, f);
	if (f->instance > a->n)
		a->n = f->instance;
	a->fields[a->nfields++] = f;
	am_trace_add(a->trace, "arc", 0, "%s i=%u%s%s", kind_names[kind],
	    f->instance, f->why != NULL ? ": malformed, " : "",
	    f->why != NULL ? f->why : "");
}

void
am_arc_dropped(struct am_arc *a, const char *name, size_t name_len)
{
	if (am_arc_kind_of(name, name_len) >= 0)
		a->dropped = true;
}

/* Files the fields by instance; 5.2 step 1 and 3.A, 3.B. */
static const char *
file_sets(struct am_arc *a)
{
	struct am_arc_set *s;
	size_t k;

	if (a->extra > 0)
		return am_arena_printf(a->arena, "more than %d ARC header "
		    "fields (RFC 8617 allows %d sets)", AM_ARC_FIELDS_MAX,
		    AM_ARC_MAX_SETS);
	if (!am_arc_sets(a))
		return "out of memory";
	for (k = 0; k < a->nfields; k++) {
		struct am_arc_field *f = a->fields[k];

		if (f->instance == 0)
			return am_arena_printf(a->arena, "%s without a valid "
			    "instance (i=)%s%s", kind_names[f->kind],
			    f->why != NULL ? ": " : "",
			    f->why != NULL ? f->why : "");
		s = &a->sets[f->instance];
		if (f->kind == AM_ARC_AAR && s->naar++ == 0)
			s->aar = f;
		else if (f->kind == AM_ARC_AMS && s->nams++ == 0)
			s->ams = f;
		else if (f->kind == AM_ARC_AS && s->nas++ == 0)
			s->as = f;
	}
	return NULL;
}

/* 5.2 steps 2 and 3. */
static const char *
judge_structure(struct am_arc *a)
{
	struct am_arc_set *s = &a->sets[a->n];
	unsigned i;

	if (s->nas == 1 && s->as->ok && s->as->tags->cv == AM_ARC_CV_FAIL) {
		a->ended = true;
		return am_arena_printf(a->arena, "ARC-Seal i=%u says cv=fail: "
		    "the chain ended before us", a->n);
	}
	for (i = 1; i <= a->n; i++) {
		s = &a->sets[i];
		if (s->naar != 1 || s->nams != 1 || s->nas != 1)
			return am_arena_printf(a->arena, "ARC set %u of %u has "
			    "%u ARC-Authentication-Results, %u "
			    "ARC-Message-Signature and %u ARC-Seal fields, not "
			    "one each", i, a->n, s->naar, s->nams, s->nas);
		if (!s->as->ok)
			return am_arena_printf(a->arena, "ARC-Seal i=%u is "
			    "malformed: %s", i, s->as->why);
		if (s->as->tags->cv != (i == 1 ? AM_ARC_CV_NONE :
						 AM_ARC_CV_PASS))
			return am_arena_printf(a->arena, "ARC-Seal i=%u says "
			    "cv=%s, not %s", i,
			    am_arc_cv_name(s->as->tags->cv), i == 1 ? "none" :
			    "pass");
	}
	return NULL;
}

static void
hash_body(void *arg, const unsigned char *p, size_t len)
{
	struct am_arc_body *b = arg;

	if (b->md != NULL && !am_arc_md_update(b->md, p, len)) {
		EVP_MD_CTX_free(b->md);
		b->md = NULL;
	}
}

static void
want_body(struct am_arc *a, bool relaxed)
{
	struct am_arc_body *b;

	if (a->body[relaxed] != NULL ||
	    (b = am_arena_zalloc(a->arena, sizeof(*b))) == NULL)
		return;
	a->body[relaxed] = b;
	b->wanted = true;
	if ((b->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(b->md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(b->md);
		b->md = NULL;
	}
	am_bodycanon_init(&b->canon, relaxed, hash_body, b, b->buf,
	    sizeof(b->buf));
}

/* The keys every passing chain needs, started together so that they
 * resolve in parallel: the newest AMS's and each AS's (newest first). */
static void
prefetch(struct am_arc *a)
{
	unsigned i, started = 0;

	if (a->sets[a->n].ams->ok) {
		am_dns_session_prefetch(a->dns, a->sets[a->n].ams->keyname,
		    AM_DNS_TXT);
		started++;
	}
	for (i = a->n; i >= 1 && started < PREFETCH_MAX; i--, started++)
		am_dns_session_prefetch(a->dns, a->sets[i].as->keyname,
		    AM_DNS_TXT);
}

void
am_arc_end_headers(struct am_arc *a)
{
	unsigned i;

	if (a->eoh)
		return;
	a->eoh = true;
	if (a->nfields > 0 || a->extra > 0) {
		if ((a->broken = file_sets(a)) == NULL)
			a->broken = judge_structure(a);
		if (a->broken != NULL)
			am_trace_add(a->trace, "arc", 0, "the chain fails: %s",
			    a->broken);
	}
	if (a->nfields > 0 && a->broken == NULL) {
		prefetch(a);
		for (i = 1; i <= a->n; i++)
			if (a->sets[i].ams->ok)
				want_body(
				    a, a->sets[i].ams->tags->body_relaxed);
	}
	if (a->seal)
		want_body(a, true); /* our AMS: relaxed/relaxed */
}

bool
am_arc_wants_body(const struct am_arc *a)
{
	return !a->eoh || (a->body[0] != NULL && a->body[0]->md != NULL) ||
	    (a->body[1] != NULL && a->body[1]->md != NULL);
}

void
am_arc_body(struct am_arc *a, const unsigned char *chunk, size_t len)
{
	size_t i;

	if (!a->eoh)
		am_arc_end_headers(a);
	for (i = 0; i < 2; i++)
		if (a->body[i] != NULL && a->body[i]->md != NULL)
			am_bodycanon_add(&a->body[i]->canon, chunk, len);
}

bool
am_arc_md_final(EVP_MD_CTX *md, unsigned char *out)
{
	unsigned n = 0;

	return EVP_DigestFinal_ex(md, out, &n) == 1 && n == AM_ARC_HASH_LEN;
}

static void
finish_bodies(struct am_arc *a)
{
	struct am_arc_body *b;
	size_t i;

	for (i = 0; i < 2; i++) {
		if ((b = a->body[i]) == NULL || b->md == NULL)
			continue;
		am_bodycanon_finish(&b->canon);
		b->done = b->md != NULL && am_arc_md_final(b->md, b->digest);
	}
}

bool
am_arc_index(struct am_arc *a, const struct am_header *headers)
{
	if (!a->ix_built)
		a->ix_built = am_hdr_index_build(a->arena, headers, &a->ix);
	return a->ix_built;
}

/* The key at name, looked up once per message. */
static struct am_arc_key *
key_for(struct am_arc *a, const char *name)
{
	const struct am_dns_answer *ans;
	struct am_arc_keyrec rec;
	struct am_arc_key *k;
	char why[128];
	unsigned bits = RSA_MIN_BITS;

	for (k = a->keys; k != NULL; k = k->next)
		if (strcmp(k->name, name) == 0)
			return k;
	if ((k = am_arena_zalloc(a->arena, sizeof(*k))) == NULL)
		return NULL;
	k->name = name;
	k->next = a->keys;
	a->keys = k;
	k->state = KEY_FAIL;
	ans = am_dns_session_lookup(a->dns, name, AM_DNS_TXT);
	if (ans->status == AM_DNS_TEMPFAIL) {
		k->state = KEY_TEMPFAIL;
		k->why = am_arena_printf(a->arena, "key %s: %s", name,
		    ans->why != NULL ? ans->why : "no answer");
	} else if (ans->status != AM_DNS_OK || ans->count == 0)
		k->why = am_arena_printf(a->arena, "no key at %s (%s)", name,
		    am_dns_status_name(ans->status == AM_DNS_OK ?
			AM_DNS_NODATA : ans->status));
	else if (ans->count > 1)
		k->why = am_arena_printf(a->arena, "%zu TXT records at %s, "
		    "not one", ans->count, name);
	else if (!am_arc_keyrec_parse(ans->rr[0].text, ans->rr[0].len, &rec))
		k->why = am_arena_printf(a->arena, "the key at %s: %s", name,
		    rec.why);
	else {
		if (a->ctx->cfg != NULL &&
		    a->ctx->cfg->dkim_min_key_bits > bits)
			bits = a->ctx->cfg->dkim_min_key_bits;
		k->ed25519 = rec.ed25519;
		if ((k->pkey = am_arc_pubkey(&rec, bits, &k->bits, why,
			 sizeof(why))) == NULL)
			k->why = am_arena_printf(a->arena, "the key at %s: %s",
			    name, why);
		else
			k->state = KEY_FOUND;
	}
	am_trace_add(a->trace, "arc", 1, "TXT %s -> %s", name,
	    k->state == KEY_FOUND ? am_arena_printf(a->arena, "%u-bit %s key",
	    k->bits, k->ed25519 ? "Ed25519" : "RSA") : k->why);
	return k;
}

/* Checks sig against digest with the field's key; the result and why. */
static enum am_result
check_signature(struct am_arc *a, const struct am_arc_field *f,
    const unsigned char *digest, const char **why)
{
	const struct am_arc_sigtags *t = f->tags;
	struct am_arc_key *k;

	if (am_ctx_now(a->ctx) - a->started > TIME_LIMIT) {
		*why = am_arena_printf(a->arena, "the chain's keys took more "
		    "than %d s", TIME_LIMIT);
		return AM_RESULT_TEMPERROR;
	}
	if ((k = key_for(a, f->keyname)) == NULL) {
		*why = "out of memory";
		return AM_RESULT_TEMPERROR;
	}
	if (k->state != KEY_FOUND) {
		*why = k->why;
		return k->state == KEY_TEMPFAIL ? AM_RESULT_TEMPERROR :
						  AM_RESULT_FAIL;
	}
	if (k->ed25519 != t->ed25519) {
		*why = am_arena_printf(a->arena, "the key at %s is %s, a= says "
		    "%s", f->keyname, k->ed25519 ? "Ed25519" : "RSA",
		    t->ed25519 ? "ed25519-sha256" : "rsa-sha256");
		return AM_RESULT_FAIL;
	}
	if (!am_arc_verify_digest(k->pkey, t->ed25519, digest, t->b,
		t->blen)) {
		*why = "the signature did not verify";
		return AM_RESULT_FAIL;
	}
	return AM_RESULT_PASS;
}

/* x= and t= against our clock (RFC 6376 3.5). */
static const char *
clock_problem(struct am_arc *a, const struct am_arc_sigtags *t)
{
	time_t now = am_ctx_now(a->ctx);
	uint64_t at = now > 0 ? (uint64_t)now : 0;

	if (t->has_x && at > t->x)
		return "it expired (x=)";
	if (t->has_t && t->t > at + FUTURE_SKEW)
		return "it is dated in the future (t=)";
	return NULL;
}

/* The body under t's canonicalization: what bh= and l= must match. */
static const char *
body_problem(struct am_arc *a, const struct am_arc_sigtags *t)
{
	const struct am_arc_body *b = a->body[t->body_relaxed];

	if (b == NULL || !b->done)
		return "the body could not be hashed";
	if (t->has_l && t->l < b->canon.total)
		return am_arena_printf(a->arena,
		    "l= leaves %llu bytes of the "
		    "body unsigned",
		    (unsigned long long)(b->canon.total - t->l));
	if (t->has_l && t->l > b->canon.total)
		return "l= is longer than the body";
	if (memcmp(t->bh, b->digest, sizeof(b->digest)) != 0)
		return "the body hash did not verify (body changed in transit)";
	return NULL;
}

/* The digest an AMS signs: the fields h= names, then the AMS itself. */
static const char *
ams_digest(struct am_arc *a, const struct am_arc_field *f,
    unsigned char *digest)
{
	const struct am_arc_sigtags *t = f->tags;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	const char *why = "out of memory";
	struct am_buf b;
	bool ok;

	am_buf_init(&b, 0);
	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    am_hdr_hash_selected(&a->ix, &t->h, t->header_relaxed, true, md,
		&why);
	if (ok) {
		am_canon_header(&b, t->header_relaxed, f->h->name,
		    f->h->name_len, f->h->value, f->h->value_len, t->b_start,
		    t->b_end, false);
		ok = !am_buf_failed(&b) &&
		    am_arc_md_update(md, b.data, b.len) &&
		    am_arc_md_final(md, digest);
	}
	am_buf_release(&b);
	EVP_MD_CTX_free(md);
	return ok ? NULL : why;
}

/* RFC 8617 5.2 step 4 (and 5): one AMS. */
static enum am_result
verify_ams(struct am_arc *a, unsigned i, const char **why)
{
	const struct am_arc_field *f = a->sets[i].ams;
	unsigned char digest[AM_ARC_HASH_LEN];
	enum am_result r = AM_RESULT_FAIL;
	const char *problem;

	if (!f->ok)
		problem = am_arena_printf(a->arena, "malformed: %s", f->why);
	else if ((problem = clock_problem(a, f->tags)) == NULL &&
	    (problem = body_problem(a, f->tags)) == NULL &&
	    (problem = ams_digest(a, f, digest)) == NULL &&
	    (r = check_signature(a, f, digest, &problem)) == AM_RESULT_PASS)
		return r;
	*why = am_arena_printf(a->arena, "ARC-Message-Signature i=%u: %s", i,
	    problem);
	return r;
}

static bool
hash_field(EVP_MD_CTX *md, const struct am_arc_field *f, bool last)
{
	struct am_buf b;
	bool ok;

	am_buf_init(&b, 0);
	am_canon_header(&b, true, f->h->name, f->h->name_len, f->h->value,
	    f->h->value_len, last ? f->tags->b_start : 0,
	    last ? f->tags->b_end : 0, !last);
	ok = !am_buf_failed(&b) && am_arc_md_update(md, b.data, b.len);
	am_buf_release(&b);
	return ok;
}

bool
am_arc_seal_data(struct am_arc_set *sets, unsigned first, unsigned i,
    EVP_MD_CTX *md)
{
	unsigned j;

	for (j = first; j <= i; j++)
		if (!hash_field(md, sets[j].aar, false) ||
		    !hash_field(md, sets[j].ams, false) ||
		    !hash_field(md, sets[j].as, j == i))
			return false;
	return true;
}

/* RFC 8617 5.2 step 6: one AS, over the sets 1..i (5.1.1). */
static enum am_result
verify_as(struct am_arc *a, unsigned i, const char **why)
{
	const struct am_arc_field *f = a->sets[i].as;
	unsigned char digest[AM_ARC_HASH_LEN];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	enum am_result r = AM_RESULT_TEMPERROR;
	const char *problem = "out of memory";

	if ((problem = clock_problem(a, f->tags)) != NULL)
		r = AM_RESULT_FAIL;
	else if (md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) ==
		1 &&
	    am_arc_seal_data(a->sets, 1, i, md) && am_arc_md_final(md, digest))
		r = check_signature(a, f, digest, &problem);
	else
		problem = "out of memory";
	EVP_MD_CTX_free(md);
	if (r != AM_RESULT_PASS)
		*why = am_arena_printf(a->arena, "ARC-Seal i=%u: %s", i,
		    problem);
	return r;
}

/* Step 5: the oldest instance whose AMS still verifies, 0 for all.  The
 * older AMSs' keys are started together first. */
static unsigned
oldest_pass(struct am_arc *a)
{
	const char *why;
	unsigned m, started = 0;

	for (m = a->n - 1; m >= 1 && started < PREFETCH_MAX; m--)
		if (a->sets[m].ams->ok) {
			am_dns_session_prefetch(a->dns, a->sets[m].ams->keyname,
			    AM_DNS_TXT);
			started++;
		}
	for (m = a->n - 1; m >= 1; m--)
		if (verify_ams(a, m, &why) != AM_RESULT_PASS) {
			am_trace_add(a->trace, "arc", 0, "oldest-pass %u: %s",
			    m + 1, why);
			return m + 1;
		}
	return 0;
}

/* Whether the newest AMS signs every From field: h= names From as often
 * as the message has them (each name signs the bottom-most field not yet
 * taken, RFC 6376 5.4.2), so none was added or swapped after sealing. */
static bool
from_signed(struct am_arc *a)
{
	size_t have = am_hdr_count(&a->ix, "From", 4);

	return have > 0 &&
	    am_hdr_h_names(&a->sets[a->n].ams->tags->h, "From", 4) >= have;
}

static void
judge(struct am_arc *a, const struct am_header *headers,
    struct am_arc_result *out)
{
	const struct am_arc_field *as;
	const char *why;
	unsigned i;

	if (!am_arc_index(a, headers)) {
		out->result = AM_RESULT_TEMPERROR;
		out->reason = "out of memory";
		return;
	}
	a->started = am_ctx_now(a->ctx);
	/* step 4 */
	if ((out->result = verify_ams(a, a->n, &why)) != AM_RESULT_PASS) {
		out->reason = why;
		return;
	}
	/* step 5 */
	out->oldest_pass = oldest_pass(a);
	/* step 6 */
	for (i = a->n; i >= 1; i--)
		if ((out->result = verify_as(a, i, &why)) != AM_RESULT_PASS) {
			out->reason = why;
			return;
		}
	as = a->sets[a->n].as;
	if ((out->sealer = am_domain_normalize(a->arena, as->tags->d.p,
		 as->tags->d.len)) == NULL) {
		out->result = AM_RESULT_TEMPERROR;
		out->reason = "out of memory";
		return;
	}
	out->aar = a->sets[a->n].aar->h->value;
	out->from_signed = from_signed(a);
	out->reason = am_arena_printf(a->arena, "%u set%s, newest sealed by "
	    "%s", a->n, a->n == 1 ? "" : "s", out->sealer);
}

void
am_arc_finish(struct am_arc *a, const struct am_header *headers,
    bool truncated, struct am_arc_result *out)
{
	memset(out, 0, sizeof(*out));
	if (!a->eoh)
		am_arc_end_headers(a);
	finish_bodies(a);
	a->headers = headers;
	a->finished = true;
	out->sets = a->n;
	out->ended = a->ended;
	a->truncated = truncated;
	if (a->dropped || (truncated && a->nfields > 0)) {
		/* fields past the message's limit were not kept: part of
		 * the chain, or a field an AMS signs, may be among them */
		out->result = AM_RESULT_PERMERROR;
		out->reason = "header fields past the size kept were dropped";
	} else if (a->nfields == 0 && a->extra == 0) {
		out->result = AM_RESULT_NONE;
	} else if (a->broken != NULL) {
		out->result = AM_RESULT_FAIL;
		out->reason = a->broken;
	} else
		judge(a, headers, out);
	a->result = out->result;
	am_trace_add(a->trace, "arc", 0, "arc=%s%s%s%s",
	    am_result_name(out->result), out->reason != NULL ? ": " : "",
	    out->reason != NULL ? out->reason : "", out->result ==
	    AM_RESULT_PASS ? am_arena_printf(a->arena, " (oldest-pass %u)",
	    out->oldest_pass) : "");
}
