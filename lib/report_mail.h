/*
 * report_mail.h - report messages as handed to the local sendmail: the
 * aggregate report (RFC 9990 3.5: file name, Report-ID, Subject, MIME
 * with the gzip attachment) and the failure report (RFC 9991 4 on RFC
 * 6591's auth-failure ARF, RFC 5965's multipart/report).  Line ends are
 * LF (local submission).  Pure: the date is passed in.
 */
#ifndef AM_REPORT_MAIL_H
#define AM_REPORT_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "report.h"
#include "report_id.h"

/* receiver "!" policy-domain "!" begin "!" end ["!" chunk] ".xml.gz"
 * (3.5.2); chunk 0: none. */
void am_report_filename(struct am_buf *out, const char *submitter,
    const char *domain, int64_t begin, int64_t end, unsigned chunk);

/* "Mon, 23 Nov 2026 10:00:00 +0000" (RFC 5322 3.3), in UTC. */
void am_report_date(struct am_buf *out, int64_t t);

struct am_report_mail {
	const char *from, *to;	    /* addresses */
	const char *org_name;
	const char *policy_domain;
	const char *submitter;	    /* our domain (Subject: Submitter:) */
	const char *report_id;
	int64_t date, begin, end;
	const char *filename;
	const void *attachment;	    /* the .xml.gz */
	size_t attachment_len;
};

void am_report_mail_aggregate(struct am_buf *out,
    const struct am_report_mail *m);

struct am_report_fmail {
	const char *from, *to;
	const char *user_agent;	/* "authmilter/0.1.0" */
	const char *message_id;	/* without <> */
	int64_t date;
	const char *spf_dns;	/* the SPF record quoted in SPF-DNS, or NULL */
};

void am_report_mail_failure(struct am_buf *out,
    const struct am_report_failure *f, const struct am_report_fmail *m);

#endif
