/*
 * dns.c - the resolver front and the per-message lookup memo (see dns.h).
 *
 * Threads: struct am_dns is shared by every thread and immutable after
 * creation; the source behind it is thread-safe.  A session belongs to the
 * thread handling its message.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "dns_source.h"
#include "domain.h"

struct am_dns {
	const struct am_dns_source_ops *ops;
	void *src;
};

/* Stands for a lookup that needed no query: an invalid name. */
static struct am_dns_query invalid_name_query;

struct am_dns *
am_dns_new_source(const struct am_dns_source_ops *ops, void *src)
{
	struct am_dns *dns = calloc(1, sizeof(*dns));

	if (dns == NULL) {
		ops->free(src);
		return NULL;
	}
	dns->ops = ops;
	dns->src = src;
	return dns;
}

void
am_dns_free(struct am_dns *dns)
{
	if (dns == NULL)
		return;
	dns->ops->free(dns->src);
	free(dns);
}

void
am_dns_answer_empty(struct am_dns_answer *out, enum am_dns_status status,
    const char *why)
{
	memset(out, 0, sizeof(*out));
	out->status = status;
	out->why = why;
}

struct am_dns_query *
am_dns_start(struct am_dns *dns, const char *name, enum am_dns_type type)
{
	char lower[AM_DOMAIN_MAX + 1];
	struct am_dns_query *q;

	if (!am_domain_lower(name, lower, sizeof(lower)))
		return &invalid_name_query;
	q = dns->ops->start(dns->src, lower, type);
	if (q != NULL) {
		q->dns = dns;
		q->type = type;
	}
	return q;
}

void
am_dns_collect(struct am_dns_query *q, struct am_arena *arena,
    struct am_dns_answer *out)
{
	if (q == NULL)
		am_dns_answer_empty(out, AM_DNS_TEMPFAIL, "out of memory");
	else if (q == &invalid_name_query)
		am_dns_answer_empty(out, AM_DNS_NXDOMAIN,
		    "not a valid domain name");
	else
		q->dns->ops->collect(q->dns->src, q, arena, out);
}

void
am_dns_cancel(struct am_dns_query *q)
{
	if (q != NULL && q != &invalid_name_query)
		q->dns->ops->cancel(q->dns->src, q);
}

void
am_dns_lookup(struct am_dns *dns, struct am_arena *arena, const char *name,
    enum am_dns_type type, struct am_dns_answer *out)
{
	am_dns_collect(am_dns_start(dns, name, type), arena, out);
}

const char *
am_dns_type_name(enum am_dns_type type)
{
	switch (type) {
	case AM_DNS_A:
		return "A";
	case AM_DNS_CNAME:
		return "CNAME";
	case AM_DNS_PTR:
		return "PTR";
	case AM_DNS_MX:
		return "MX";
	case AM_DNS_TXT:
		return "TXT";
	case AM_DNS_AAAA:
		return "AAAA";
	}
	return "?";
}

const char *
am_dns_status_name(enum am_dns_status status)
{
	switch (status) {
	case AM_DNS_OK:
		return "ok";
	case AM_DNS_NXDOMAIN:
		return "NXDOMAIN";
	case AM_DNS_NODATA:
		return "NODATA";
	case AM_DNS_TEMPFAIL:
		return "temporary failure";
	}
	return "?";
}

/* One remembered question: pending until collected, then answered. */
struct memo {
	struct memo *next;
	char *name;
	enum am_dns_type type;
	struct am_dns_query *pending; /* NULL when start ran out of memory */
	bool answered;
	struct am_dns_answer answer;
};

struct am_dns_session {
	struct am_dns *dns;
	struct am_arena *arena;
	struct memo *memo;
	unsigned queries;
};

static struct am_dns_answer session_enomem = {
	.status = AM_DNS_TEMPFAIL,
	.why = "out of memory",
};

struct am_dns_session *
am_dns_session_new(struct am_dns *dns, struct am_arena *arena)
{
	struct am_dns_session *s = am_arena_zalloc(arena, sizeof(*s));

	if (s != NULL) {
		s->dns = dns;
		s->arena = arena;
	}
	return s;
}

void
am_dns_session_end(struct am_dns_session *s)
{
	struct memo *m;

	if (s == NULL)
		return;
	for (m = s->memo; m != NULL; m = m->next)
		if (!m->answered) {
			am_dns_cancel(m->pending);
			m->answered = true;
			am_dns_answer_empty(&m->answer, AM_DNS_TEMPFAIL,
			    "cancelled");
		}
}

static struct memo *
memo_find(struct am_dns_session *s, const char *name, enum am_dns_type type)
{
	struct memo *m;

	for (m = s->memo; m != NULL; m = m->next)
		if (m->type == type && am_domain_equal(m->name, name))
			return m;
	return NULL;
}

static struct memo *
memo_start(struct am_dns_session *s, const char *name, enum am_dns_type type)
{
	struct memo *m = am_arena_zalloc(s->arena, sizeof(*m));

	if (m == NULL || (m->name = am_arena_strdup(s->arena, name)) == NULL)
		return NULL;
	m->type = type;
	m->pending = am_dns_start(s->dns, name, type);
	m->next = s->memo;
	s->memo = m;
	s->queries++;
	return m;
}

void
am_dns_session_prefetch(struct am_dns_session *s, const char *name,
    enum am_dns_type type)
{
	if (memo_find(s, name, type) == NULL)
		memo_start(s, name, type);
}

const struct am_dns_answer *
am_dns_session_lookup(struct am_dns_session *s, const char *name,
    enum am_dns_type type)
{
	struct memo *m = memo_find(s, name, type);

	if (m == NULL && (m = memo_start(s, name, type)) == NULL)
		return &session_enomem;
	if (!m->answered) {
		am_dns_collect(m->pending, s->arena, &m->answer);
		m->answered = true;
	}
	return &m->answer;
}

unsigned
am_dns_session_queries(const struct am_dns_session *s)
{
	return s->queries;
}
