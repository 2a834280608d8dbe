/*
 * policy.h - local policy: from results to what the MTA should do.
 *
 * DMARC says what a Domain Owner asks for; the receiver decides (RFC 9989
 * 5.3.6, 5.4).  RFC 9989 7.4: a receiver MUST NOT reject solely because
 * the Author Domain publishes p=reject; without other knowledge and
 * analysis it treats the failure as p=quarantine.  The rules, each named
 * in the decision:
 *
 *   DMARC        per Author Domain, by the mode of its domain (or the
 *                global one): "reject" rejects a failure under p=reject
 *                unless the message shows a sign of legitimate indirect
 *                flow (mailing-list headers, a configured forwarder or
 *                list server, an SRS envelope sender), which makes it a
 *                quarantine; "quarantine" quarantines it (RFC 9989's
 *                literal default); "none" records it only.  p=quarantine
 *                quarantines, p=none accepts; temperror as configured.
 *                A failure a trusted ARC sealer vouches for (RFC 8617
 *                7.2.1) is accepted instead, whatever the mode.
 *   pinning      a From domain pinned to networks must come from them
 *   headers      required header fields present, once-only fields once
 *   From         no Author Domain, too many, or several
 *
 * The strictest action wins (accept < quarantine < tempfail < reject).
 * Then the exemptions (trusted or allowed networks, authenticated
 * clients, allowed From domains) and the dry run turn it into accept,
 * the reason saying what would have been done.
 */
#ifndef AM_POLICY_H
#define AM_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "dmarc.h"
#include "ip.h"

enum am_action {
	AM_ACTION_ACCEPT,
	AM_ACTION_QUARANTINE,
	AM_ACTION_TEMPFAIL,
	AM_ACTION_REJECT,
};

/* What to do with a DMARC failure under p=reject. */
enum am_dmarc_mode {
	AM_MODE_REJECT,	    /* reject, unless indirect flow: quarantine */
	AM_MODE_QUARANTINE, /* quarantine (RFC 9989 7.4 literally) */
	AM_MODE_NONE,	    /* record only */
};

/* A problem with the From header field that leaves DMARC without a clean
 * Author Domain (RFC 9989 5.3.1, 11.5). */
enum am_from_problem {
	AM_FROM_OK,
	AM_FROM_MISSING,   /* no From (or no domain anywhere in it) */
	AM_FROM_MALFORMED, /* unparseable; domains found leniently */
	AM_FROM_TOO_MANY,  /* more Author Domains than are evaluated */
};

/* A From field with more than one Author Domain (RFC 9989 11.5). */
enum am_multi_from {
	AM_MULTI_FROM_EVALUATE,	  /* each domain; the strictest outcome */
	AM_MULTI_FROM_QUARANTINE, /* at least quarantine */
	AM_MULTI_FROM_REJECT,	  /* reject */
};

struct am_domain_mode {
	const char *domain; /* lower case; applies to subdomains too */
	enum am_dmarc_mode mode;
};

struct am_pin {
	const char *domain; /* lower case; applies to subdomains too */
	const struct am_cidr *networks;
	size_t nnetworks;
	enum am_action action; /* QUARANTINE or REJECT */
};

/* An entry of the forwarders list: a network, or a host name matched
 * against the client's forward-confirmed (iprev) name. */
struct am_forwarder {
	bool is_network;
	struct am_cidr network;
	const char *name;
};

struct am_policy_options {
	enum am_dmarc_mode mode;     /* REJECT by default */
	const struct am_domain_mode *domain_modes;
	size_t ndomain_modes;
	bool dry_run;		     /* act on nothing */
	enum am_multi_from multiple_from; /* EVALUATE by default */
	enum am_action on_temperror; /* ACCEPT or TEMPFAIL */
	enum am_action on_no_author; /* From missing: ACCEPT by default */
	enum am_action on_too_many;  /* QUARANTINE by default */
	unsigned max_authors;	     /* Author Domains evaluated; 5 */
	const struct am_forwarder *forwarders;
	size_t nforwarders;
	const struct am_pin *pins;
	size_t npins;
	char *const *required_headers;	  /* must be present */
	size_t nrequired_headers;
	char *const *single_headers;	  /* at most once (RFC 5322 3.6);
					     by default those of 3.6 */
	size_t nsingle_headers;
	enum am_action on_header_problem; /* QUARANTINE by default */
	/* Exemptions: never rejected, quarantined or deferred. */
	const struct am_cidr *trusted_networks;
	size_t ntrusted_networks;
	bool trust_authenticated;
	const struct am_cidr *allow_networks;
	size_t nallow_networks;
	char *const *allow_from_domains; /* lower case */
	size_t nallow_from_domains;
	/* ARC sealers whose passing chain may override a DMARC failure
	 * (RFC 8617 7.2.1); lower case, exact d= */
	char *const *trusted_sealers;
	size_t ntrusted_sealers;
};

/* What policy knows of the client and the message besides DMARC. */
struct am_policy_input {
	const struct am_ip *ip;	     /* NULL when unknown */
	const char *auth_user;	     /* SASL login, or NULL */
	const char *confirmed_name;  /* iprev pass: the client's name */
	const char *mail_from;	     /* envelope sender, or NULL */
	const char *list_header;     /* "List-Id" etc. when present */
	const char *header_problem;  /* "2 Date header fields", or NULL */
};

/* One Author Domain: DMARC's outcome and what policy made of it. */
struct am_author {
	struct am_dmarc_outcome dmarc;
	enum am_dmarc_policy applied; /* for policy.dmarc */
	enum am_action action;
	const char *note; /* why it differs from the request: "list mail:
			     List-Id"; for the A-R comment, or NULL */
	const char *arc_sealer; /* a trusted ARC sealer vouches for this
				   DMARC failure (arc_trust.c), or NULL */
	const char *tag;  /* the same in one word ("list", "forwarder",
			     "srs", "arc", "mode"), or NULL: what aggregate reports
			     give as the override reason (RFC 9990 3.1.6) */
};

struct am_decision {
	enum am_action action;
	const char *domain; /* the Author Domain the rule that decided is
			       about (a reply's %s), or NULL: none */
	const char *rule;   /* short, for logs: "dmarc-reject", "dry-run" */
	const char *reason; /* a sentence */
	const char *tag;    /* one word for a verdict header: "list" */
	enum am_action wanted; /* before indirect flow, exemptions, dry run */
};

/* The defaults described above. */
void am_policy_defaults(struct am_policy_options *opt);

/*
 * Decides for a message whose Author Domains were evaluated into
 * authors[0..n) (their applied, action, note and tag fields are filled in),
 * with from describing trouble with the From field.  Strings from arena.
 */
void am_policy_decide(const struct am_policy_options *opt,
    struct am_arena *arena, const struct am_policy_input *in,
    struct am_author *authors, size_t n, enum am_from_problem from,
    struct am_decision *out);

/* "accept", "quarantine", "tempfail", "reject" */
const char *am_action_name(enum am_action action);

#endif
