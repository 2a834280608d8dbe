/*
 * policy.h - local policy: from results to what the MTA should do.
 *
 * DMARC says what a Domain Owner asks for; the receiver decides (RFC 9989
 * 5.3.6, 5.4).  Each Author Domain's outcome maps to an action:
 *
 *   pass, none, permerror       accept
 *   fail                        the requested disposition (after t=y):
 *                               none -> accept, quarantine -> quarantine,
 *                               reject -> reject
 *   temperror                   on_temperror: accept (default) or tempfail
 *
 * and the message gets the strictest of them, accept < quarantine <
 * tempfail < reject.  Then the local exemptions: a client in a trusted or
 * allowed network, an authenticated client, or an allowed From domain is
 * never rejected, quarantined or deferred.  Without DMARC enforcement the
 * failures are recorded but not acted on; in a dry run nothing is acted
 * on and the reason says what would have happened.  Every decision names
 * the rule that made it.
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

struct am_policy_options {
	bool enforce;		     /* act on DMARC failures */
	bool dry_run;		     /* act on nothing */
	enum am_multi_from multiple_from; /* EVALUATE by default */
	enum am_action on_temperror; /* ACCEPT or TEMPFAIL */
	enum am_action on_no_author; /* From missing: ACCEPT by default */
	enum am_action on_too_many;  /* QUARANTINE by default */
	unsigned max_authors;	     /* Author Domains evaluated; 5 */
	/* Exemptions: never rejected, quarantined or deferred. */
	const struct am_cidr *trusted_networks;
	size_t ntrusted_networks;
	bool trust_authenticated;
	const struct am_cidr *allow_networks;
	size_t nallow_networks;
	char *const *allow_from_domains; /* lower case */
	size_t nallow_from_domains;
};

/* What policy knows of the client. */
struct am_policy_client {
	const struct am_ip *ip; /* NULL when unknown */
	const char *auth_user;	/* SASL login, or NULL */
};

/* One Author Domain: DMARC's outcome and what policy made of it. */
struct am_author {
	struct am_dmarc_outcome dmarc;
	enum am_dmarc_policy applied; /* for policy.dmarc */
	enum am_action action;
};

struct am_decision {
	enum am_action action;
	const char *rule;   /* short, for logs: "dmarc-reject", "dry-run" */
	const char *reason; /* a sentence */
};

/* The defaults described above. */
void am_policy_defaults(struct am_policy_options *opt);

/*
 * Decides for a message from client whose Author Domains were evaluated
 * into authors[0..n) (their applied and action fields are filled in),
 * with from describing trouble with the From field.  Strings from arena.
 */
void am_policy_decide(const struct am_policy_options *opt,
    struct am_arena *arena, const struct am_policy_client *client,
    struct am_author *authors, size_t n, enum am_from_problem from,
    struct am_decision *out);

/* "accept", "quarantine", "tempfail", "reject" */
const char *am_action_name(enum am_action action);

#endif
