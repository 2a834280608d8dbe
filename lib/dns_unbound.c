/*
 * dns_unbound.c - libunbound as the source of DNS answers.
 *
 * One ub_ctx per process in threaded async mode.  Lookups are started with
 * ub_resolve_async() from any thread; one collector thread waits on
 * ub_fd() and runs ub_process(), whose callbacks store each result in its
 * query and wake the thread waiting for it.  A waiter gives up at the
 * query's deadline and cancels; the query is freed by whichever of the
 * waiter and the callback lets go of it last.
 *
 * A repeated question is answered from dns_cache.c on the asking thread,
 * without crossing to libunbound's threads; every answer collected is
 * offered to that cache.
 *
 * The deadline and the cache's lifetimes are measured on
 * CLOCK_MONOTONIC: bounds on waiting and on keeping what libunbound
 * said, not inputs to any verdict, so they do not go through the
 * context's clock.
 */
#include "autoconfig.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <unbound.h>

#include "buf.h"
#include "dns_cache.h"
#include "dns_source.h"
#include "domain.h"

#define DEFAULT_TIMEOUT_MS 10000
#define CACHE_ENTRIES	   4096

struct ub_source {
	struct ub_ctx *ctx;
	unsigned timeout_ms;
	pthread_mutex_t lock; /* every query's state */
	pthread_t collector;
	int stop[2]; /* pipe: a byte tells the collector to leave */
	struct am_dns_cache *cache;
};

struct ub_query {
	struct am_dns_query base;
	struct ub_source *src;
	pthread_cond_t cond;
	struct timespec deadline;
	int async_id;
	int refs; /* the waiter, and the callback while it may still run */
	bool done;
	int err;
	struct ub_result *result;
	struct am_dns_cached *cached; /* answered from the cache */
};

/* Seconds on CLOCK_MONOTONIC, the cache's clock. */
static unsigned long
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec;
}

static void
query_unref(struct ub_query *q)
{
	/* Called with src->lock held. */
	if (--q->refs > 0)
		return;
	if (q->result != NULL)
		ub_resolve_free(q->result);
	pthread_cond_destroy(&q->cond);
	free(q);
}

static void
on_result(void *arg, int err, struct ub_result *result)
{
	struct ub_query *q = arg;
	struct ub_source *src = q->src;

	pthread_mutex_lock(&src->lock);
	q->done = true;
	q->err = err;
	q->result = result;
	pthread_cond_signal(&q->cond);
	query_unref(q);
	pthread_mutex_unlock(&src->lock);
}

static void *
collector_main(void *arg)
{
	struct ub_source *src = arg;
	struct pollfd pfd[2];

	pfd[0].fd = ub_fd(src->ctx);
	pfd[0].events = POLLIN;
	pfd[1].fd = src->stop[0];
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents != 0)
			break;
		if (pfd[0].revents != 0)
			ub_process(src->ctx);
	}
	return NULL;
}

static struct am_dns_query *
ub_start(void *arg, const char *name, enum am_dns_type type)
{
	struct ub_source *src = arg;
	pthread_condattr_t attr;
	struct am_dns_cached *hit;
	struct ub_query *q;
	int rc;

	if ((hit = am_dns_cache_get(src->cache, name, type, seconds())) !=
	    NULL) {
		if ((q = calloc(1, sizeof(*q))) == NULL)
			free(hit);
		else
			q->cached = hit;
		return q != NULL ? &q->base : NULL;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->src = src;
	q->refs = 2;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &attr);
	pthread_condattr_destroy(&attr);
	clock_gettime(CLOCK_MONOTONIC, &q->deadline);
	q->deadline.tv_sec += src->timeout_ms / 1000;
	q->deadline.tv_nsec += (long)(src->timeout_ms % 1000) * 1000000L;
	if (q->deadline.tv_nsec >= 1000000000L) {
		q->deadline.tv_sec++;
		q->deadline.tv_nsec -= 1000000000L;
	}
	/* The lock keeps a fast callback from running before async_id is
	 * stored. */
	pthread_mutex_lock(&src->lock);
	rc = ub_resolve_async(src->ctx, name, (int)type, 1, q, on_result,
	    &q->async_id);
	if (rc != 0) {
		q->done = true;
		q->err = rc;
		q->refs = 1;
	}
	pthread_mutex_unlock(&src->lock);
	return &q->base;
}

/* Text form of a wire-format name inside rdata; NULL if malformed. */
static char *
wire_name(struct am_arena *arena, const unsigned char *p, size_t len)
{
	char text[AM_DOMAIN_MAX * 4 + 2];
	size_t i = 0, o = 0;

	while (i < len && p[i] != 0) {
		size_t l = p[i++], k;

		if (l > AM_LABEL_MAX || i + l > len)
			return NULL;
		for (k = 0; k < l; k++, i++) {
			unsigned char c = p[i];

			if (o + 6 >= sizeof(text))
				return NULL;
			if (c == '.' || c == '\\' || c <= 0x20 || c >= 0x7f)
				o += (size_t)snprintf(text + o, 6, "\\%03u", c);
			else
				text[o++] = (char)c;
		}
		text[o++] = '.';
	}
	if (i >= len)
		return NULL;
	if (o == 0)
		text[o++] = '.'; /* the root, e.g. a null MX (RFC 7505) */
	else
		o--;
	return am_arena_strndup(arena, text, o);
}

/* Fills rr from one rdata; false when it is malformed. */
static bool
convert_rr(struct am_arena *arena, enum am_dns_type type,
    const unsigned char *p, size_t len, struct am_dns_rr *rr)
{
	struct am_buf joined;
	size_t i;

	switch (type) {
	case AM_DNS_A:
	case AM_DNS_AAAA:
		if (len != (type == AM_DNS_A ? 4u : 16u))
			return false;
		rr->addr.family = type == AM_DNS_A ? AM_IP_V4 : AM_IP_V6;
		memcpy(rr->addr.addr, p, len);
		return true;
	case AM_DNS_TXT:
		am_buf_init(&joined, 0);
		for (i = 0; i < len; i += 1 + p[i]) {
			if (i + 1 + p[i] > len) {
				am_buf_release(&joined);
				return false;
			}
			am_buf_add(&joined, p + i + 1, p[i]);
		}
		rr->len = joined.len;
		rr->text = am_arena_strndup(arena, am_buf_str(&joined),
		    joined.len);
		am_buf_release(&joined);
		return rr->text != NULL;
	case AM_DNS_MX:
		if (len < 3)
			return false;
		rr->pref = (unsigned)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
		/* FALLTHROUGH */
	case AM_DNS_PTR:
	case AM_DNS_CNAME:
		if ((rr->text = wire_name(arena, p, len)) == NULL)
			return false;
		rr->len = strlen(rr->text);
		return true;
	}
	return false;
}

static void
convert(struct ub_query *q, struct am_arena *arena, struct am_dns_answer *out)
{
	struct ub_result *r = q->result;
	size_t n = 0, i;

	if (q->err != 0 || r == NULL) {
		am_dns_answer_empty(out, AM_DNS_TEMPFAIL,
		    q->err != 0 ? ub_strerror(q->err) : "no result");
		return;
	}
	if (r->bogus) {
		am_dns_answer_empty(out, AM_DNS_TEMPFAIL, "DNSSEC bogus");
		out->dnssec = AM_DNSSEC_BOGUS;
		return;
	}
	if (r->rcode == 3 || r->nxdomain)
		am_dns_answer_empty(out, AM_DNS_NXDOMAIN, NULL);
	else if (r->rcode != 0)
		am_dns_answer_empty(out, AM_DNS_TEMPFAIL,
		    r->rcode == 2 ? "SERVFAIL" :
		    r->rcode == 5 ? "REFUSED" : "DNS error");
	else if (!r->havedata)
		am_dns_answer_empty(out, AM_DNS_NODATA, NULL);
	else {
		am_dns_answer_empty(out, AM_DNS_OK, NULL);
		while (r->data[n] != NULL)
			n++;
		out->rr = am_arena_zalloc(arena, n * sizeof(*out->rr));
		if (out->rr == NULL) {
			am_dns_answer_empty(out, AM_DNS_TEMPFAIL,
			    "out of memory");
			return;
		}
		for (i = 0; i < n; i++)
			if (convert_rr(arena, q->base.type,
				(const unsigned char *)r->data[i],
				(size_t)r->len[i], &out->rr[out->count]))
				out->count++;
		if (out->count == 0) {
			am_dns_answer_empty(out, AM_DNS_TEMPFAIL,
			    "malformed records");
			return;
		}
		if (r->canonname != NULL && r->qname != NULL &&
		    !am_domain_equal(r->canonname, r->qname))
			out->canonical = am_domain_normalize(arena,
			    r->canonname, strlen(r->canonname));
	}
	out->ttl = r->ttl > 0 ? (unsigned)r->ttl : 0;
	out->dnssec = r->secure ? AM_DNSSEC_SECURE : AM_DNSSEC_INSECURE;
}

/* Lets go of the waiter's reference, cancelling an unanswered query. */
static void
release(struct ub_query *q)
{
	struct ub_source *src = q->src;

	pthread_mutex_lock(&src->lock);
	if (!q->done && ub_cancel(src->ctx, q->async_id) == 0)
		q->refs--; /* the callback will not run */
	query_unref(q);
	pthread_mutex_unlock(&src->lock);
}

static void
ub_collect(void *arg, struct am_dns_query *base, struct am_arena *arena,
    struct am_dns_answer *out)
{
	struct ub_source *src = arg;
	struct ub_query *q = (struct ub_query *)base;
	bool timed_out = false, done;

	if (q->cached != NULL) {
		am_dns_cached_answer(q->cached, seconds(), arena, out);
		free(q);
		return;
	}
	pthread_mutex_lock(&src->lock);
	while (!q->done && !timed_out)
		timed_out = pthread_cond_timedwait(&q->cond, &src->lock,
				&q->deadline) == ETIMEDOUT;
	done = q->done;
	pthread_mutex_unlock(&src->lock);
	/* Once done, the result is the waiter's alone until release(). */
	if (done) {
		convert(q, arena, out);
		if (q->err == 0 && q->result != NULL &&
		    q->result->qname != NULL)
			am_dns_cache_put(src->cache, q->result->qname,
			    q->base.type, seconds(), out);
	} else
		am_dns_answer_empty(out, AM_DNS_TEMPFAIL, "timeout");
	release(q);
}

static void
ub_cancel_query(void *arg, struct am_dns_query *base)
{
	struct ub_query *q = (struct ub_query *)base;

	(void)arg;
	if (q->cached != NULL) {
		free(q->cached);
		free(q);
		return;
	}
	release(q);
}

static void
ub_source_free(void *arg)
{
	struct ub_source *src = arg;

	if (src->stop[1] >= 0) {
		(void)write(src->stop[1], "x", 1);
		pthread_join(src->collector, NULL);
		close(src->stop[0]);
		close(src->stop[1]);
	}
	ub_ctx_delete(src->ctx);
	am_dns_cache_free(src->cache);
	pthread_mutex_destroy(&src->lock);
	free(src);
}

static const struct am_dns_source_ops unbound_ops = {
	ub_start, ub_collect, ub_cancel_query, ub_source_free,
};

/* Local zones libunbound answers by itself (RFC 6761, RFC 6303), which
 * resolve_special_names hands to the forwarders instead. */
static const char *const special_zones[] = {
	"test.", "invalid.", "example.", "local.", "home.arpa.",
	"10.in-addr.arpa.", "16.172.in-addr.arpa.", "17.172.in-addr.arpa.",
	"18.172.in-addr.arpa.", "19.172.in-addr.arpa.", "20.172.in-addr.arpa.",
	"21.172.in-addr.arpa.", "22.172.in-addr.arpa.", "23.172.in-addr.arpa.",
	"24.172.in-addr.arpa.", "25.172.in-addr.arpa.", "26.172.in-addr.arpa.",
	"27.172.in-addr.arpa.", "28.172.in-addr.arpa.", "29.172.in-addr.arpa.",
	"30.172.in-addr.arpa.", "31.172.in-addr.arpa.", "168.192.in-addr.arpa.",
	"2.0.192.in-addr.arpa.", "100.51.198.in-addr.arpa.",
	"113.0.203.in-addr.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa.", "d.f.ip6.arpa.",
};

static bool
configure(struct ub_ctx *ctx, const struct am_dns_options *opt, char *err,
    size_t errlen)
{
	char zone[64];
	size_t i;
	int rc;

	if ((rc = ub_ctx_async(ctx, 1)) != 0)
		goto fail;
	if (opt->nforwarders == 0) {
		rc = ub_ctx_resolvconf(ctx, opt->resolv_conf != NULL ?
			opt->resolv_conf : "/etc/resolv.conf");
		if (rc != 0) {
			snprintf(err, errlen, "cannot use %s: %s",
			    opt->resolv_conf != NULL ? opt->resolv_conf :
						       "/etc/resolv.conf",
			    ub_strerror(rc));
			return false;
		}
	}
	for (i = 0; i < opt->nforwarders; i++)
		if ((rc = ub_ctx_set_fwd(ctx, opt->forwarders[i])) != 0) {
			snprintf(err, errlen, "bad resolver address \"%s\": %s",
			    opt->forwarders[i], ub_strerror(rc));
			return false;
		}
	/* Forwarders on loopback (a local unbound or a test server) are
	 * normal for a mail gateway; libunbound refuses them by default. */
	if ((rc = ub_ctx_set_option(ctx, "do-not-query-localhost:", "no")) != 0)
		goto fail;
	if (opt->dnssec) {
		if (opt->trust_anchor == NULL ||
		    (rc = ub_ctx_add_ta_file(ctx, opt->trust_anchor)) != 0) {
			snprintf(err, errlen, "cannot use DNSSEC trust anchor "
			    "%s", opt->trust_anchor != NULL ?
				opt->trust_anchor : "(none configured)");
			return false;
		}
	}
	if (opt->resolve_special_names) {
		/* "nodefault" is ignored when set through ub_ctx_set_option()
		 * (libunbound 1.17; it works only from a config file), but a
		 * "transparent" zone without data passes queries on just the
		 * same.  domain-insecure keeps DNSSEC, when on, from calling
		 * the answers bogus. */
		for (i = 0; i < sizeof(special_zones) / sizeof(*special_zones);
		     i++) {
			snprintf(zone, sizeof(zone), "%s transparent",
			    special_zones[i]);
			if ((rc = ub_ctx_set_option(ctx, "local-zone:", zone)) !=
				0 ||
			    (rc = ub_ctx_set_option(ctx, "domain-insecure:",
				 special_zones[i])) != 0)
				goto fail;
		}
	}
	return true;
fail:
	snprintf(err, errlen, "libunbound: %s", ub_strerror(rc));
	return false;
}

struct am_dns *
am_dns_new_unbound(const struct am_dns_options *opt, char *err, size_t errlen)
{
	struct ub_source *src;

	if ((src = calloc(1, sizeof(*src))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	src->stop[0] = src->stop[1] = -1;
	src->timeout_ms = opt->timeout_ms != 0 ? opt->timeout_ms :
						 DEFAULT_TIMEOUT_MS;
	pthread_mutex_init(&src->lock, NULL);
	if ((src->cache = am_dns_cache_new(CACHE_ENTRIES)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((src->ctx = ub_ctx_create()) == NULL) {
		snprintf(err, errlen, "libunbound: cannot create a context");
		goto fail;
	}
	if (!configure(src->ctx, opt, err, errlen))
		goto fail;
	if (pipe(src->stop) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		src->stop[0] = src->stop[1] = -1;
		goto fail;
	}
	/* ub_fd() finalizes the context; it must come after every option. */
	if (ub_fd(src->ctx) < 0 ||
	    pthread_create(&src->collector, NULL, collector_main, src) != 0) {
		snprintf(err, errlen, "cannot start the DNS collector thread");
		close(src->stop[0]);
		close(src->stop[1]);
		src->stop[0] = src->stop[1] = -1;
		goto fail;
	}
	return am_dns_new_source(&unbound_ops, src);
fail:
	ub_ctx_delete(src->ctx);
	am_dns_cache_free(src->cache);
	pthread_mutex_destroy(&src->lock);
	free(src);
	return NULL;
}
