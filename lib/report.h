/*
 * report.h - what a message's verdict contributes to DMARC reports:
 * one aggregate-report row per Author Domain whose DMARC record asks for
 * reports (RFC 9990 3.1.1: the data of a "record" element before
 * counting), and the material of failure reports (RFC 9991, RFC 6591)
 * when the record has ruf= and its fo= asks for one.
 *
 * A row or a failure is one heap block (the struct and its strings), so
 * it outlives the message it came from and crosses threads: the daemon
 * hands it to its writer thread, which stores it (store.h).  Every
 * string is printable ASCII without TAB or LF, bounded, so that the
 * lists below can be encoded with those two bytes and nothing a message
 * carries can break a report, a log line or the store:
 *
 *   dkim     one line per DKIM signature, "d<TAB>s<TAB>result", in the
 *            order of RFC 9990 3.1.3 (aligned passes first), at most 100
 *   reasons  one line per policy override, "word<TAB>comment"; the word
 *            is ours ("list", "forwarder", "srs", "arc", "mode",
 *            "test-mode", "dry-run", "trusted-network", ...), mapped to
 *            RFC 9990's PolicyOverrideType when a report is written
 *            (report_xml.h), so new reasons need no schema change
 *
 * Pure functions of the verdict and the input: no clock, no I/O.
 */
#ifndef AM_REPORT_H
#define AM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verdict.h"

/* RFC 9990 3.1.3: at most 100 signatures for a row. */
#define AM_REPORT_DKIM_MAX 100

/* What the builders need besides the verdict. */
struct am_report_input {
	int64_t received;	 /* seconds since the epoch */
	const char *reporter;	 /* this host's name (fleet: who saw it) */
	const char *authserv_id; /* for failure reports' A-R field */
	const char *queue_id;	 /* the MTA's, or NULL */
	bool redact;		 /* failure reports: hide local parts */
};

/* One message for one Author Domain: an aggregate-report record before
 * counting, and what the operator's "show" explains. */
struct am_report_row {
	int64_t received;
	const char *reporter;
	const char *policy_domain; /* where the record was found */
	const char *header_from;   /* the Author Domain */
	const char *envelope_from; /* its domain, "" for the null sender,
				      NULL when unknown */
	const char *source_ip;
	/* policy_published (RFC 9990 3.1.1.5) */
	const char *p, *sp, *np; /* sp, np NULL when not published */
	const char *adkim, *aspf; /* "r" or "s" */
	const char *testing;	  /* "y" or "n" */
	const char *fo;		  /* "0", "1:d", ... */
	const char *rua, *ruf;	  /* as published; ruf may be NULL */
	const char *policy_error; /* for report_metadata/error, or NULL */
	/* policy_evaluated (3.1.1.9) */
	const char *dmarc;	 /* the DMARC result: pass, fail, ... */
	const char *disposition; /* none, pass, quarantine, reject */
	const char *dkim_aligned, *spf_aligned; /* "pass" or "fail" */
	const char *reasons;	 /* encoded as above; "" for none */
	/* auth_results (3.1.1.11) */
	const char *dkim;	 /* encoded as above; "" for none */
	const char *spf_domain;	 /* NULL: SPF was not evaluated */
	const char *spf_scope;	 /* "mfrom" */
	const char *spf_result;
	const char *why;	 /* the DMARC explanation, for the operator */
};

/* The material of one failure report (RFC 9991 4, RFC 6591 3). */
struct am_report_failure {
	int64_t received;
	const char *reporter;
	const char *policy_domain;
	const char *header_from;
	const char *source_ip;
	const char *ruf;	  /* as published */
	const char *kind;	  /* "dmarc" (fo=0/1), "dkim" (d), "spf" (s) */
	const char *auth_failure; /* dmarc, bodyhash, revoked, signature,
				     spf (RFC 6591 3.3, RFC 9991 4) */
	const char *identity_alignment; /* "dkim, spf", "none", or NULL */
	const char *authres;	  /* one method's result: "mx; dmarc=fail
				     header.from=example.com" */
	const char *dkim_domain, *dkim_selector, *dkim_identity; /* or NULL */
	const char *spf_domain;	  /* whose SPF record to quote, or NULL */
	const char *mail_from;	  /* redacted as asked; NULL when unknown */
	const char *queue_id;	  /* or NULL */
	const char *delivery;	  /* delivered, spam, policy, reject, other */
	const char *headers;	  /* the header block, CRLF, redacted as
				     asked */
};

/*
 * The rows of v: one per Author Domain evaluated against a record with
 * rua= or ruf=, at most max, each a heap block the caller frees with
 * free().  None without the client's address (source_ip is required).
 * Returns how many were made; fewer when memory ran out.
 */
size_t am_report_rows(const struct am_verdict *v,
    const struct am_report_input *in, struct am_report_row **out,
    size_t max);

/*
 * The failure reports v calls for (ruf= present, not a PSD record, fo=
 * satisfied), at most max, each a heap block freed with free().
 */
size_t am_report_failures(const struct am_verdict *v,
    const struct am_report_input *in, struct am_report_failure **out,
    size_t max);

/* A copy of row in one heap block, or NULL on ENOMEM (the store reads
 * rows back through it). */
struct am_report_row *am_report_row_copy(const struct am_report_row *row);
struct am_report_failure *am_report_failure_copy(
    const struct am_report_failure *f);

/*
 * Replaces the local part of every address-like word in len bytes at s
 * ("alice@example.com" -> "redacted@example.com"; RFC 6590's concern)
 * and writes the result to out.  Bytes outside printable ASCII, TAB, CR
 * and LF become '?'.
 */
struct am_buf;
void am_report_redact(const char *s, size_t len, struct am_buf *out);

#endif
