/*
 * dns.h - every DNS lookup authmilter makes.
 *
 * One resolver per process (struct am_dns), shared by all threads: either
 * libunbound (the daemon; configurable forwarders, timeout, DNSSEC status
 * with each answer) or a static zone loaded from a text file (unit tests,
 * fuzz targets and `authmilter-check --zone`).  Callers see one typed
 * answer whichever source is behind it.
 *
 * Lookups can be started early and collected later (am_dns_start /
 * am_dns_collect), so DNS time overlaps the transfer of a message.  A
 * per-message session (am_dns_session) remembers every answer it has
 * collected, so SPF, DKIM and DMARC asking the same question within one
 * message cost one query and see one consistent answer.
 */
#ifndef AM_DNS_H
#define AM_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ip.h"

enum am_dns_type {
	AM_DNS_A = 1,
	AM_DNS_CNAME = 5,
	AM_DNS_PTR = 12,
	AM_DNS_MX = 15,
	AM_DNS_TXT = 16,
	AM_DNS_AAAA = 28,
};

enum am_dns_status {
	AM_DNS_OK,	 /* one or more records */
	AM_DNS_NXDOMAIN, /* the name does not exist (or is not a valid name) */
	AM_DNS_NODATA,	 /* the name exists, no record of that type */
	AM_DNS_TEMPFAIL, /* timeout, SERVFAIL, bogus DNSSEC, network error */
};

enum am_dnssec {
	AM_DNSSEC_INSECURE, /* unsigned, or validation not enabled */
	AM_DNSSEC_SECURE,   /* validated */
	AM_DNSSEC_BOGUS,    /* validation failed (status is TEMPFAIL) */
};

struct am_dns_rr {
	/* TXT: the character-strings joined without separator (RFC 7208
	 * 3.3, RFC 6376 3.6.2.2); may hold NUL bytes, so use len.
	 * PTR, MX, CNAME: the target name, text form, no trailing dot. */
	const char *text;
	size_t len;
	unsigned pref;	    /* MX preference */
	struct am_ip addr;  /* A, AAAA */
};

struct am_dns_answer {
	enum am_dns_status status;
	enum am_dnssec dnssec;
	unsigned ttl;
	const char *why;       /* TEMPFAIL and invalid names: a few words */
	const char *canonical; /* the owner after following CNAMEs, or NULL */
	size_t count;
	struct am_dns_rr *rr;
};

struct am_dns_options {
	/* Upstream servers ("192.0.2.53", "127.0.0.1@5353"); none: use
	 * resolv_conf. */
	const char *const *forwarders;
	size_t nforwarders;
	const char *resolv_conf; /* NULL: /etc/resolv.conf */
	unsigned timeout_ms;	 /* per lookup; 0: 10000 */
	bool dnssec;		 /* validate, with trust_anchor */
	const char *trust_anchor; /* a root key file, e.g. /usr/share/dns/root.key */
	/* Resolve RFC 6761 special-use names (test., invalid.) and the
	 * private and documentation reverse zones through the forwarders
	 * instead of answering NXDOMAIN locally: test and lab setups. */
	bool resolve_special_names;
};

struct am_dns;
struct am_dns_query;
struct am_zone;

/*
 * A libunbound resolver.  Returns NULL with a message in err on a bad
 * option (unreadable resolv.conf or trust anchor, bad forwarder address).
 * Caller owns; free with am_dns_free().
 */
struct am_dns *am_dns_new_unbound(const struct am_dns_options *opt,
    char *err, size_t errlen);

/* A resolver answering from zone, which it takes over (see zone.h). */
struct am_dns *am_dns_new_zone(struct am_zone *zone);

/* Frees the resolver; no lookup may be outstanding.  NULL is a no-op. */
void am_dns_free(struct am_dns *dns);

/*
 * Starts a lookup of name (text form, trailing dot optional).  Returns a
 * handle to pass to am_dns_collect() or am_dns_cancel() exactly once, or
 * NULL when memory ran out (am_dns_collect(NULL) then reports TEMPFAIL).
 * A name that is not a valid DNS name is answered NXDOMAIN without a query.
 */
struct am_dns_query *am_dns_start(struct am_dns *dns, const char *name,
    enum am_dns_type type);

/*
 * Waits for the answer (at most the configured timeout counted from the
 * start) and fills *out with data allocated from arena.  Releases q.
 */
void am_dns_collect(struct am_dns_query *q, struct am_arena *arena,
    struct am_dns_answer *out);

/* Drops a lookup whose answer is no longer wanted.  Releases q. */
void am_dns_cancel(struct am_dns_query *q);

/* am_dns_start() followed by am_dns_collect(). */
void am_dns_lookup(struct am_dns *dns, struct am_arena *arena,
    const char *name, enum am_dns_type type, struct am_dns_answer *out);

/* "A", "TXT", ... */
const char *am_dns_type_name(enum am_dns_type type);

/* "ok", "NXDOMAIN", "NODATA", "temporary failure" */
const char *am_dns_status_name(enum am_dns_status status);

/*
 * Per-message memo of lookups.  Allocated from arena; the arena must
 * outlive the session.  am_dns_session_end() cancels what is still
 * pending and must be called before the arena is freed.
 */
struct am_dns_session;

struct am_dns_session *am_dns_session_new(struct am_dns *dns,
    struct am_arena *arena);
void am_dns_session_end(struct am_dns_session *s);

/* Starts a lookup whose answer will probably be wanted later. */
void am_dns_session_prefetch(struct am_dns_session *s, const char *name,
    enum am_dns_type type);

/*
 * The answer for (name, type): from the memo, or collected from a
 * prefetch, or looked up now.  Borrowed from the session's arena.  Never
 * NULL: running out of memory reads as TEMPFAIL.
 */
const struct am_dns_answer *am_dns_session_lookup(struct am_dns_session *s,
    const char *name, enum am_dns_type type);

/* Lookups this session sent to the resolver (memo hits excluded). */
unsigned am_dns_session_queries(const struct am_dns_session *s);

#endif
