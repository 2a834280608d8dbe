/*
 * report_mail.c - composing report messages (see report_mail.h).
 *
 * RFC 9990 3.5.1 (Report-ID), 3.5.2 (file name, media type
 * application/gzip, Subject "Report Domain: ... Submitter: ...
 * Report-ID: <...>"); RFC 9991 4, RFC 6591 3 and RFC 5965 2 (the
 * feedback report: a human part, message/feedback-report, the header
 * block as text/rfc822-headers).
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base64.h"
#include "report_mail.h"

void
am_report_filename(struct am_buf *out, const char *submitter,
    const char *domain, int64_t begin, int64_t end, unsigned chunk)
{
	am_buf_printf(out, "%s!%s!%" PRId64 "!%" PRId64, submitter, domain,
	    begin, end);
	if (chunk > 0)
		am_buf_printf(out, "!%u", chunk);
	am_buf_adds(out, ".xml.gz");
}

void
am_report_date(struct am_buf *out, int64_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	am_buf_printf(out, "%s, %d %s %d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A Message-ID for a Report-ID: the same text when it has the form of
 * one (3.5.2 allows using the ridtxt), else made one. */
static void
message_id(struct am_buf *out, const char *report_id, const char *submitter)
{
	if (strchr(report_id, '@') != NULL)
		am_buf_printf(out, "<%s>", report_id);
	else
		am_buf_printf(out, "<%s@%s>", report_id, submitter);
}

static void
header_top(struct am_buf *out, const char *from, const char *to, int64_t date)
{
	am_buf_printf(out, "From: %s\nTo: %s\nDate: ", from, to);
	am_report_date(out, date);
	am_buf_adds(out, "\nAuto-Submitted: auto-generated\nMIME-Version: 1.0\n");
}

void
am_report_mail_aggregate(struct am_buf *out, const struct am_report_mail *m)
{
	char boundary[64];

	snprintf(boundary, sizeof(boundary), "=_authmilter_%" PRId64 "_%" PRId64,
	    m->begin, m->end); /* base64 and our text never hold "=_" */
	header_top(out, m->from, m->to, m->date);
	/* 3.5.2: dmarc-subject, folded as its example is */
	am_buf_printf(out, "Subject: Report Domain: %s\n Submitter: %s\n "
			   "Report-ID: <%s>\nMessage-ID: ",
	    m->policy_domain, m->submitter, m->report_id);
	message_id(out, m->report_id, m->submitter);
	am_buf_printf(out, "\nContent-Type: multipart/mixed; boundary=\"%s\"\n"
			   "\nThis is a MIME-formatted message.\n\n--%s\n"
			   "Content-Type: text/plain; charset=us-ascii\n"
			   "Content-Transfer-Encoding: 7bit\n\n"
			   "This is a DMARC aggregate report (RFC 9990) from "
			   "%s\nfor the domain %s, from ",
	    boundary, boundary, m->org_name, m->policy_domain);
	am_report_date(out, m->begin);
	am_buf_adds(out, " to ");
	am_report_date(out, m->end);
	am_buf_printf(out, ".\n\n--%s\nContent-Type: application/gzip; "
			   "name=\"%s\"\nContent-Disposition: attachment; "
			   "filename=\"%s\"\nContent-Transfer-Encoding: "
			   "base64\n\n",
	    boundary, m->filename, m->filename);
	am_base64_encode_mime(out, m->attachment, m->attachment_len);
	am_buf_printf(out, "\n--%s--\n", boundary);
}

/* text with CRLF turned into LF (the header block is kept as received) */
static void
lf_text(struct am_buf *out, const char *text)
{
	const char *p;

	for (p = text; *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			am_buf_addc(out, *p);
}

static void
field(struct am_buf *out, const char *name, const char *value)
{
	if (value != NULL)
		am_buf_printf(out, "%s: %s\n", name, value);
}

/* The machine-readable part: RFC 5965 3.1, RFC 6591 3, RFC 9991 4. */
static void
feedback_fields(struct am_buf *out, const struct am_report_failure *f,
    const struct am_report_fmail *m)
{
	am_buf_printf(out, "Feedback-Type: auth-failure\nUser-Agent: %s\n"
			   "Version: 1\nAuth-Failure: %s\n",
	    m->user_agent, f->auth_failure);
	field(out, "Authentication-Results", f->authres);
	field(out, "Identity-Alignment", f->identity_alignment);
	field(out, "DKIM-Domain", f->dkim_domain);
	field(out, "DKIM-Identity", f->dkim_identity);
	field(out, "DKIM-Selector", f->dkim_selector);
	if (m->spf_dns != NULL && f->spf_domain != NULL) {
		const char *p;

		/* RFC 6591 4: "txt : domain : quoted-string" */
		am_buf_printf(out, "SPF-DNS: txt : %s : \"", f->spf_domain);
		for (p = m->spf_dns; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				am_buf_addc(out, '\\');
			am_buf_addc(out, (unsigned char)*p >= 0x20 &&
				(unsigned char)*p < 0x7f ? *p : '?');
		}
		am_buf_adds(out, "\"\n");
	}
	field(out, "Original-Envelope-Id", f->queue_id);
	field(out, "Original-Mail-From", f->mail_from);
	am_buf_adds(out, "Arrival-Date: ");
	am_report_date(out, f->received);
	am_buf_addc(out, '\n');
	field(out, "Source-IP", f->source_ip);
	field(out, "Reported-Domain", f->header_from);
	field(out, "Delivery-Result", f->delivery);
}

void
am_report_mail_failure(struct am_buf *out, const struct am_report_failure *f,
    const struct am_report_fmail *m)
{
	char boundary[96];
	size_t n;

	/* The header block could hold anything: a boundary it does not. */
	snprintf(boundary, sizeof(boundary), "=_authmilter_%" PRId64,
	    m->date);
	for (n = strlen(boundary); strstr(f->headers, boundary) != NULL &&
	     n < sizeof(boundary) - 1; n++) {
		boundary[n] = '_';
		boundary[n + 1] = '\0';
	}
	header_top(out, m->from, m->to, m->date);
	am_buf_printf(out, "Subject: DMARC failure report (%s) for %s from "
			   "%s\nMessage-ID: <%s>\nContent-Type: "
			   "multipart/report; report-type=feedback-report;\n"
			   " boundary=\"%s\"\n\nThis is a MIME-formatted "
			   "message.\n\n--%s\nContent-Type: text/plain; "
			   "charset=us-ascii\nContent-Transfer-Encoding: 7bit"
			   "\n\nThis is an authentication failure report (RFC "
			   "9991) for a message\nreceived from %s on ",
	    f->auth_failure, f->header_from, f->source_ip, m->message_id,
	    boundary, boundary, f->source_ip);
	am_report_date(out, f->received);
	am_buf_printf(out, ": %s.\n\n--%s\nContent-Type: "
			   "message/feedback-report\nContent-Transfer-Encoding:"
			   " 7bit\n\n",
	    f->authres, boundary);
	feedback_fields(out, f, m);
	am_buf_printf(out, "\n--%s\nContent-Type: text/rfc822-headers\n"
			   "Content-Transfer-Encoding: 7bit\n\n",
	    boundary);
	lf_text(out, f->headers);
	am_buf_printf(out, "\n--%s--\n", boundary);
}
