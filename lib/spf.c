/*
 * spf.c - check_host(), RFC 7208 sections 2.3, 2.4, 4, 5, 6 and 8.
 *
 * One evaluation walks the record of the identity's domain and, through
 * include and redirect, the records it names.  The limits of 4.6.4 are
 * counted over the whole walk: at most 10 DNS-querying terms, at most two
 * void lookups, at most 10 MX names per mx and 10 PTR names per ptr, and
 * a time budget.  Record syntax lives in spf_record.c, macros in
 * spf_macro.c.
 *
 * Threads: an evaluation uses only its arguments; the context is shared
 * read-only.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "domain.h"
#include "spf.h"
#include "spf_internal.h"

#define SPF_TERM_LIMIT	  10 /* RFC 7208 4.6.4 */
#define SPF_NAME_LIMIT	  10 /* MX and PTR names per mechanism */
#define SPF_EXPAND_MAX	  4096
#define SPF_EXPLAIN_MAX	  1024

struct eval {
	const struct am_ctx *ctx;
	struct am_dns_session *dns;
	struct am_arena *arena;
	struct am_trace *trace;
	struct am_ip client;
	const char *sender, *local, *sender_domain, *helo;
	unsigned lookups, voids;
	time_t started;
	bool p_done;
	const char *p_value;
	/* An error ends the walk: its result and reason. */
	enum am_result error;
	const char *reason;
};

/* What one check_host() level decided, and where. */
struct frame {
	const char *domain;
	unsigned depth;
	const char *mechanism; /* matching directive as written */
	const char *record_domain;
	const char *exp;	/* the exp= of the deciding record */
	const char *exp_domain; /* that record's domain, for %{d} */
};

enum match { NOMATCH = 0, MATCH = 1, STOP = -1 };

static enum am_result check_host(struct eval *ev, const char *domain,
    struct frame *fr);

static enum match
stop(struct eval *ev, enum am_result result, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records an error that ends the evaluation. */
static enum match
stop(struct eval *ev, enum am_result result, const char *fmt, ...)
{
	va_list ap;

	ev->error = result;
	va_start(ap, fmt);
	ev->reason = am_arena_vprintf(ev->arena, fmt, ap);
	va_end(ap);
	return STOP;
}

static const char *
describe(struct eval *ev, const struct am_dns_answer *a)
{
	char ip[AM_IP_STRLEN];
	struct am_buf b;
	const char *s;
	size_t i;

	if (a->status != AM_DNS_OK)
		return a->why != NULL ?
		    am_arena_printf(ev->arena, "%s (%s)",
			am_dns_status_name(a->status), a->why) :
		    am_dns_status_name(a->status);
	am_buf_init(&b, 300);
	for (i = 0; i < a->count; i++) {
		if (i > 0)
			am_buf_adds(&b, ", ");
		if (a->rr[i].text != NULL) {
			if (a->rr[i].pref != 0 || strcmp(a->rr[i].text, ".") == 0)
				am_buf_printf(&b, "%u ", a->rr[i].pref);
			am_buf_printf(&b, "\"%.*s\"", (int)a->rr[i].len,
			    a->rr[i].text);
		} else {
			am_ip_format(&a->rr[i].addr, ip);
			am_buf_adds(&b, ip);
		}
	}
	s = am_arena_printf(ev->arena, "%s%s%s", am_buf_str(&b),
	    am_buf_failed(&b) ? " ..." : "",
	    a->dnssec == AM_DNSSEC_SECURE ? " (DNSSEC secure)" : "");
	am_buf_release(&b);
	return s;
}

/* A lookup on behalf of the evaluation, within its time budget. */
static const struct am_dns_answer *
lookup(struct eval *ev, unsigned depth, const char *name,
    enum am_dns_type type)
{
	static const struct am_dns_answer late = {
		.status = AM_DNS_TEMPFAIL,
		.why = "SPF time limit reached",
	};
	const struct am_dns_answer *a;

	if (ev->ctx->spf_time_limit != 0 &&
	    am_ctx_now(ev->ctx) - ev->started >
		(time_t)ev->ctx->spf_time_limit)
		return &late;
	a = am_dns_session_lookup(ev->dns, name, type);
	am_trace_add(ev->trace, "spf", depth, "%s %s -> %s",
	    am_dns_type_name(type), name, describe(ev, a));
	return a;
}

/* A lookup that got no answer ends the evaluation with temperror. */
static enum match
no_answer(struct eval *ev, enum am_dns_type type, const char *name,
    const struct am_dns_answer *a)
{
	return stop(ev, AM_RESULT_TEMPERROR, "no DNS answer for %s %s (%s)",
	    am_dns_type_name(type), name, a->why != NULL ? a->why : "failure");
}

/* RFC 7208 4.6.4: a DNS answer with no records counts as void. */
static bool
count_void(struct eval *ev, const struct am_dns_answer *a)
{
	if (a->status != AM_DNS_NXDOMAIN && a->status != AM_DNS_NODATA)
		return true;
	if (++ev->voids > ev->ctx->spf_void_limit) {
		stop(ev, AM_RESULT_PERMERROR, "more than %u void DNS lookups",
		    ev->ctx->spf_void_limit);
		return false;
	}
	return true;
}

static const char *
validated_name(void *arg);

/* The values macros expand to while evaluating domain. */
static void
macro_env(struct eval *ev, const char *domain, struct am_spf_macro_env *env)
{
	memset(env, 0, sizeof(*env));
	env->sender = ev->sender;
	env->local = ev->local;
	env->sender_domain = ev->sender_domain;
	env->domain = domain;
	env->helo = ev->helo;
	env->receiver = ev->ctx->receiver;
	env->client = ev->client;
	env->now = am_ctx_now(ev->ctx);
	env->validated_name = validated_name;
	env->arg = ev;
}

/* Expands a domain-spec (spec, or the current domain when NULL). */
static const char *
target_name(struct eval *ev, const struct frame *fr, const char *spec)
{
	struct am_spf_macro_env env;
	struct am_buf out;
	const char *why, *name, *p;

	if (spec == NULL)
		return fr->domain;
	macro_env(ev, fr->domain, &env);
	am_buf_init(&out, SPF_EXPAND_MAX);
	if (!am_spf_macro_expand(spec, strlen(spec), AM_SPF_MACRO_DOMAIN, &env, &out,
		&why)) {
		am_buf_release(&out);
		stop(ev, AM_RESULT_PERMERROR, "cannot expand \"%s\": %s", spec,
		    why);
		return NULL;
	}
	/* RFC 7208 7.3: over 253 bytes, drop labels from the left. */
	p = am_buf_str(&out);
	if (out.len > 0 && p[out.len - 1] == '.')
		am_buf_truncate(&out, out.len - 1);
	while (strlen(p) > AM_DOMAIN_MAX && strchr(p, '.') != NULL)
		p = strchr(p, '.') + 1;
	name = am_arena_strdup(ev->arena, p);
	am_buf_release(&out);
	if (name == NULL)
		stop(ev, AM_RESULT_TEMPERROR, "out of memory");
	return name;
}

static bool
ip_matches(const struct am_dns_answer *a, const struct am_ip *client,
    unsigned bits)
{
	size_t i;

	for (i = 0; i < a->count; i++)
		if (am_ip_in_net(client, &a->rr[i].addr, bits))
			return true;
	return false;
}

static enum am_dns_type
address_type(const struct eval *ev)
{
	return ev->client.family == AM_IP_V4 ? AM_DNS_A : AM_DNS_AAAA;
}

static unsigned
prefix_for(const struct eval *ev, const struct am_spf_term *t)
{
	return ev->client.family == AM_IP_V4 ? t->cidr4 : t->cidr6;
}

static enum match
match_a(struct eval *ev, const struct frame *fr, const struct am_spf_term *t)
{
	const char *name = target_name(ev, fr, t->spec);
	const struct am_dns_answer *a;

	if (name == NULL)
		return STOP;
	a = lookup(ev, fr->depth, name, address_type(ev));
	if (a->status == AM_DNS_TEMPFAIL)
		return no_answer(ev, address_type(ev), name, a);
	if (!count_void(ev, a))
		return STOP;
	return ip_matches(a, &ev->client, prefix_for(ev, t)) ? MATCH : NOMATCH;
}

/* The MX record after prev (an index, or SIZE_MAX for the first) in
 * preference order, ties in answer order; SIZE_MAX after the last.  A
 * walk of the answer per step: only the first SPF_NAME_LIMIT + 1 steps
 * are ever taken. */
static size_t
next_mx(const struct am_dns_answer *mx, size_t prev)
{
	size_t i, best = SIZE_MAX;

	for (i = 0; i < mx->count; i++) {
		if (prev != SIZE_MAX &&
		    (mx->rr[i].pref < mx->rr[prev].pref ||
			(mx->rr[i].pref == mx->rr[prev].pref && i <= prev)))
			continue;
		if (best == SIZE_MAX || mx->rr[i].pref < mx->rr[best].pref)
			best = i;
	}
	return best;
}

/*
 * RFC 7208 5.4 and 4.6.4: the address of each MX name, in preference
 * order (DNS gives no order; this one makes the result repeatable), at
 * most SPF_NAME_LIMIT address lookups: when an eleventh would be needed,
 * the limit is exceeded and the result is permerror.  A match among the
 * first ten ends the mechanism before that, as the limit counts the
 * lookups made.
 */
static enum match
match_mx(struct eval *ev, const struct frame *fr, const struct am_spf_term *t)
{
	const char *name = target_name(ev, fr, t->spec);
	const struct am_dns_answer *mx, *a;
	size_t i = SIZE_MAX, looked = 0;

	if (name == NULL)
		return STOP;
	mx = lookup(ev, fr->depth, name, AM_DNS_MX);
	if (mx->status == AM_DNS_TEMPFAIL)
		return no_answer(ev, AM_DNS_MX, name, mx);
	if (!count_void(ev, mx))
		return STOP;
	while ((i = next_mx(mx, i)) != SIZE_MAX) {
		if (strcmp(mx->rr[i].text, ".") == 0)
			continue; /* null MX, RFC 7505 */
		if (looked++ == SPF_NAME_LIMIT)
			return stop(ev, AM_RESULT_PERMERROR,
			    "%s has %zu MX records, and the client is not at "
			    "the first %d", name, mx->count, SPF_NAME_LIMIT);
		a = lookup(ev, fr->depth, mx->rr[i].text, address_type(ev));
		if (a->status == AM_DNS_TEMPFAIL)
			return no_answer(ev, address_type(ev), mx->rr[i].text,
			    a);
		if (ip_matches(a, &ev->client, prefix_for(ev, t)))
			return MATCH;
	}
	return NOMATCH;
}

/* True when name's addresses include the client (forward confirmation). */
static bool
confirms(struct eval *ev, unsigned depth, const char *name)
{
	const struct am_dns_answer *a;

	a = lookup(ev, depth, name, address_type(ev));
	return a->status == AM_DNS_OK &&
	    ip_matches(a, &ev->client, ev->client.family == AM_IP_V4 ? 32 :
								       128);
}

/* The client's PTR names, at most SPF_NAME_LIMIT of them (4.6.4). */
static const struct am_dns_answer *
client_ptr(struct eval *ev, unsigned depth)
{
	char rev[AM_IP_STRLEN];

	am_ip_reverse_name(&ev->client, rev);
	return lookup(ev, depth, rev, AM_DNS_PTR);
}

static enum match
match_ptr(struct eval *ev, const struct frame *fr, const struct am_spf_term *t)
{
	const char *target = target_name(ev, fr, t->spec);
	const struct am_dns_answer *ptr;
	size_t i;

	if (target == NULL)
		return STOP;
	ptr = client_ptr(ev, fr->depth);
	/* RFC 7208 5.5: a DNS error on the PTR lookup is no match. */
	if (ptr->status == AM_DNS_TEMPFAIL)
		return NOMATCH;
	if (!count_void(ev, ptr))
		return STOP;
	/* Only names that would match are worth validating. */
	for (i = 0; i < ptr->count && i < SPF_NAME_LIMIT; i++)
		if (am_domain_is_within(ptr->rr[i].text, target) &&
		    confirms(ev, fr->depth, ptr->rr[i].text))
			return MATCH;
	return NOMATCH;
}

/* %{p}, RFC 7208 7.3: a validated name of the client, preferring the
 * current domain, else "unknown". */
static const char *
validated_name(void *arg)
{
	struct eval *ev = arg;
	const struct am_dns_answer *ptr;
	const char *any = NULL;
	size_t i;

	if (ev->p_done)
		return ev->p_value;
	ev->p_done = true;
	ev->p_value = "unknown";
	ptr = client_ptr(ev, 0);
	for (i = 0; ptr->status == AM_DNS_OK && i < ptr->count &&
	     i < SPF_NAME_LIMIT; i++) {
		if (!confirms(ev, 0, ptr->rr[i].text))
			continue;
		if (am_domain_is_within(ptr->rr[i].text, ev->sender_domain)) {
			any = ptr->rr[i].text;
			break;
		}
		if (any == NULL)
			any = ptr->rr[i].text;
	}
	if (any != NULL)
		ev->p_value = any;
	return ev->p_value;
}

static enum match
match_exists(struct eval *ev, const struct frame *fr,
    const struct am_spf_term *t)
{
	const char *name = target_name(ev, fr, t->spec);
	const struct am_dns_answer *a;

	if (name == NULL)
		return STOP;
	/* RFC 7208 5.7: always an A query, whatever the client's family. */
	a = lookup(ev, fr->depth, name, AM_DNS_A);
	if (a->status == AM_DNS_TEMPFAIL)
		return no_answer(ev, AM_DNS_A, name, a);
	if (!count_void(ev, a))
		return STOP;
	return a->count > 0 ? MATCH : NOMATCH;
}

static enum match
match_include(struct eval *ev, const struct frame *fr,
    const struct am_spf_term *t)
{
	const char *name = target_name(ev, fr, t->spec);
	struct frame inner;
	enum am_result r;

	if (name == NULL)
		return STOP;
	memset(&inner, 0, sizeof(inner));
	inner.depth = fr->depth + 1;
	r = check_host(ev, name, &inner);
	switch (r) {
	case AM_RESULT_PASS:
		return MATCH;
	case AM_RESULT_FAIL:
	case AM_RESULT_SOFTFAIL:
	case AM_RESULT_NEUTRAL:
		return NOMATCH;
	case AM_RESULT_NONE:
		/* RFC 7208 5.2: none from an include is permerror. */
		return stop(ev, AM_RESULT_PERMERROR,
		    "include:%s: %s", name, ev->reason);
	default:
		return STOP; /* temperror or permerror, already recorded */
	}
}

static enum match
match_term(struct eval *ev, const struct frame *fr, const struct am_spf_term *t)
{
	switch (t->mech) {
	case AM_SPF_MECH_ALL:
		return MATCH;
	case AM_SPF_MECH_IP4:
	case AM_SPF_MECH_IP6:
		return am_ip_in_net(&ev->client, &t->net,
			   t->mech == AM_SPF_MECH_IP4 ? t->cidr4 : t->cidr6) ?
		    MATCH : NOMATCH;
	case AM_SPF_MECH_A:
		return match_a(ev, fr, t);
	case AM_SPF_MECH_MX:
		return match_mx(ev, fr, t);
	case AM_SPF_MECH_PTR:
		return match_ptr(ev, fr, t);
	case AM_SPF_MECH_EXISTS:
		return match_exists(ev, fr, t);
	case AM_SPF_MECH_INCLUDE:
		return match_include(ev, fr, t);
	}
	return NOMATCH;
}

static bool
counts_as_lookup(enum am_spf_mech mech)
{
	return mech == AM_SPF_MECH_INCLUDE || mech == AM_SPF_MECH_A || mech == AM_SPF_MECH_MX ||
	    mech == AM_SPF_MECH_PTR || mech == AM_SPF_MECH_EXISTS;
}

static enum am_result
qualifier_result(char q)
{
	switch (q) {
	case '-':
		return AM_RESULT_FAIL;
	case '~':
		return AM_RESULT_SOFTFAIL;
	case '?':
		return AM_RESULT_NEUTRAL;
	default:
		return AM_RESULT_PASS;
	}
}

/* RFC 7208 4.4, 4.5: the one SPF record of domain, or NULL with the
 * result to return in ev->error. */
static const char *
find_record(struct eval *ev, const struct frame *fr, size_t *len)
{
	const struct am_dns_answer *a;
	const struct am_dns_rr *found = NULL;
	size_t i;

	a = lookup(ev, fr->depth, fr->domain, AM_DNS_TXT);
	if (a->status == AM_DNS_TEMPFAIL) {
		no_answer(ev, AM_DNS_TXT, fr->domain, a);
		return NULL;
	}
	for (i = 0; i < a->count; i++) {
		if (!am_spf_record_is_spf(a->rr[i].text, a->rr[i].len))
			continue;
		if (found != NULL) {
			stop(ev, AM_RESULT_PERMERROR, "more than one SPF record "
			    "at %s", fr->domain);
			return NULL;
		}
		found = &a->rr[i];
	}
	if (found == NULL) {
		stop(ev, AM_RESULT_NONE, a->status == AM_DNS_NXDOMAIN ?
		    "%s does not exist" : "no SPF record at %s", fr->domain);
		return NULL;
	}
	*len = found->len;
	return found->text;
}

static enum am_result
decided(struct eval *ev, struct frame *fr, const struct am_spf_record *rec,
    const struct am_spf_term *t)
{
	enum am_result r = qualifier_result(t->qualifier);

	fr->mechanism = t->text;
	fr->record_domain = fr->domain;
	fr->exp = rec->exp;
	fr->exp_domain = fr->domain;
	ev->reason = am_arena_printf(ev->arena, "matched %s in the SPF "
	    "record of %s", t->text, fr->domain);
	am_trace_add(ev->trace, "spf", fr->depth, "%s matched: %s", t->text,
	    am_result_name(r));
	return r;
}

static enum am_result
redirect(struct eval *ev, struct frame *fr, const struct am_spf_record *rec)
{
	const char *name;
	enum am_result r;

	if (++ev->lookups > SPF_TERM_LIMIT) {
		stop(ev, AM_RESULT_PERMERROR, "more than %d DNS-querying "
		    "terms", SPF_TERM_LIMIT);
		return ev->error;
	}
	if ((name = target_name(ev, fr, rec->redirect)) == NULL)
		return ev->error;
	am_trace_add(ev->trace, "spf", fr->depth, "redirect=%s (DNS term %u "
	    "of %d)", name, ev->lookups, SPF_TERM_LIMIT);
	fr->domain = name;
	if ((r = check_host(ev, name, fr)) == AM_RESULT_NONE) {
		/* RFC 7208 6.1: a redirect to nothing is permerror. */
		stop(ev, AM_RESULT_PERMERROR, "redirect=%s: %s", name,
		    ev->reason);
		return ev->error;
	}
	return r;
}

static enum am_result
check_host(struct eval *ev, const char *domain, struct frame *fr)
{
	struct am_spf_record rec;
	const char *txt, *why;
	enum match m;
	size_t len, i;

	fr->domain = domain;
	/* RFC 7208 4.3: a malformed or single-label domain is none. */
	if (domain[0] == '[' || !am_domain_valid(domain, strlen(domain)) ||
	    am_domain_labels(domain, strlen(domain)) < 2) {
		stop(ev, AM_RESULT_NONE, "\"%s\" is not a valid domain name",
		    domain);
		return AM_RESULT_NONE;
	}
	if ((txt = find_record(ev, fr, &len)) == NULL)
		return ev->error;
	if (!am_spf_record_parse(ev->arena, txt, len, &rec, &why)) {
		stop(ev, AM_RESULT_PERMERROR, "syntax error in the SPF record "
		    "of %s: %s", domain, why);
		return AM_RESULT_PERMERROR;
	}
	for (i = 0; i < rec.nterms; i++) {
		const struct am_spf_term *t = &rec.terms[i];

		if (counts_as_lookup(t->mech)) {
			if (++ev->lookups > SPF_TERM_LIMIT) {
				stop(ev, AM_RESULT_PERMERROR, "more than %d "
				    "DNS-querying terms", SPF_TERM_LIMIT);
				return AM_RESULT_PERMERROR;
			}
			am_trace_add(ev->trace, "spf", fr->depth, "%s (DNS term "
			    "%u of %d)", t->text, ev->lookups,
			    SPF_TERM_LIMIT);
		}
		if ((m = match_term(ev, fr, t)) == STOP)
			return ev->error;
		if (m == MATCH)
			return decided(ev, fr, &rec, t);
	}
	if (rec.redirect != NULL)
		return redirect(ev, fr, &rec);
	ev->reason = am_arena_printf(ev->arena, "no mechanism matched in the "
	    "SPF record of %s (default neutral)", domain);
	fr->record_domain = domain;
	return AM_RESULT_NEUTRAL;
}

/* RFC 7208 6.2: the explanation of a fail, or NULL for the default. */
static const char *
explanation(struct eval *ev, const struct frame *fr)
{
	struct am_spf_macro_env env;
	const struct am_dns_answer *a;
	struct frame at = *fr;
	struct am_buf out;
	const char *name, *why, *text = NULL;

	if (fr->exp == NULL)
		return NULL;
	at.domain = fr->exp_domain;
	if ((name = target_name(ev, &at, fr->exp)) == NULL)
		return NULL;
	a = lookup(ev, fr->depth, name, AM_DNS_TXT);
	if (a->status != AM_DNS_OK || a->count != 1)
		return NULL;
	macro_env(ev, fr->exp_domain, &env);
	am_buf_init(&out, SPF_EXPLAIN_MAX);
	if (am_spf_macro_valid(a->rr[0].text, a->rr[0].len, AM_SPF_MACRO_EXPLAIN,
		&why) &&
	    am_spf_macro_expand(a->rr[0].text, a->rr[0].len, AM_SPF_MACRO_EXPLAIN,
		&env, &out, &why))
		text = am_arena_strdup(ev->arena, am_buf_str(&out));
	am_buf_release(&out);
	return text;
}

/* Splits the identity into <sender>, local-part and <domain> (2.3, 2.4). */
static const char *
identity(struct eval *ev, const struct am_spf_request *req,
    enum am_spf_identity id)
{
	const char *from = req->mail_from != NULL ? req->mail_from : "";
	const char *at = strrchr(from, '@');
	const char *helo = req->helo != NULL ? req->helo : "";

	if (id == AM_SPF_HELO || from[0] == '\0') {
		/* RFC 7208 2.4: the null sender is postmaster@<HELO>. */
		ev->local = "postmaster";
		ev->sender_domain = helo;
	} else if (at == NULL) {
		ev->local = "postmaster";
		ev->sender_domain = from;
	} else {
		/* 4.3: no local-part means "postmaster". */
		ev->local = at == from ? "postmaster" :
		    am_arena_strndup(ev->arena, from, (size_t)(at - from));
		ev->sender_domain = at + 1;
	}
	ev->sender = am_arena_printf(ev->arena, "%s@%s", ev->local,
	    ev->sender_domain);
	return ev->sender_domain;
}

void
am_spf_check(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const struct am_spf_request *req,
    enum am_spf_identity id, struct am_trace *trace,
    struct am_spf_outcome *out)
{
	struct eval ev;
	struct frame fr;
	const char *domain;
	char ip[AM_IP_STRLEN];

	memset(&ev, 0, sizeof(ev));
	memset(&fr, 0, sizeof(fr));
	memset(out, 0, sizeof(*out));
	ev.ctx = ctx;
	ev.dns = dns;
	ev.arena = arena;
	ev.trace = trace;
	ev.client = req->client;
	ev.helo = req->helo;
	ev.started = am_ctx_now(ctx);
	domain = identity(&ev, req, id);
	out->identity = id;
	out->sender = ev.sender;
	out->domain = am_domain_normalize(arena, domain, strlen(domain));
	if (ev.local == NULL || ev.sender == NULL || out->domain == NULL) {
		out->result = AM_RESULT_TEMPERROR;
		out->reason = "out of memory";
		return;
	}
	am_ip_format(&req->client, ip);
	am_trace_add(trace, "spf", 0, "check_host(%s, %s, %s) for the %s "
	    "identity", ip, domain, ev.sender,
	    id == AM_SPF_HELO ? "HELO" : "MAIL FROM");
	out->result = check_host(&ev, domain, &fr);
	out->mechanism = fr.mechanism;
	out->record_domain = fr.record_domain;
	out->reason = ev.reason;
	out->lookups = ev.lookups;
	out->void_lookups = ev.voids;
	if (out->result == AM_RESULT_FAIL)
		out->explanation = explanation(&ev, &fr);
	am_trace_add(trace, "spf", 0, "result %s: %s",
	    am_result_name(out->result), out->reason != NULL ? out->reason :
							       "");
}
