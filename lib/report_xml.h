/*
 * report_xml.h - the RFC 9990 aggregate report document (Appendix A's
 * schema, namespace urn:ietf:params:xml:ns:dmarc-2.0), written as it is
 * built: the head (metadata and policy_published), one record per
 * aggregated row, the tail.
 *
 * Every text is escaped for XML, and bytes outside printable ASCII
 * become '?': the values come from the store, which took them from
 * hostile messages.  The encoded lists of report.h (dkim, reasons) are
 * decoded here; a line that does not decode is left out.
 */
#ifndef AM_REPORT_XML_H
#define AM_REPORT_XML_H

#include <stdint.h>

#include "buf.h"

struct am_report_meta {
	const char *org_name;	   /* required */
	const char *email;	   /* required: the contact */
	const char *extra_contact; /* or NULL */
	const char *report_id;
	int64_t begin, end;	   /* the period, in seconds since the epoch */
	const char *error;	   /* or NULL */
	const char *generator;	   /* "authmilter 0.1.0", or NULL */
};

struct am_report_policy {
	const char *domain;
	const char *p, *sp, *np; /* sp, np may be NULL */
	const char *adkim, *aspf, *testing, *fo;
};

/* One aggregated record: the values of a row and how many messages. */
struct am_report_record {
	const char *source_ip;
	uint64_t count;
	const char *disposition, *dkim_aligned, *spf_aligned;
	const char *reasons;	   /* encoded (report.h) */
	const char *header_from;
	const char *envelope_from; /* NULL: left out; "": null sender */
	const char *dkim;	   /* encoded (report.h) */
	const char *spf_domain;	   /* NULL: no spf element */
	const char *spf_scope, *spf_result;
};

void am_report_xml_head(struct am_buf *b, const struct am_report_meta *m,
    const struct am_report_policy *p);
void am_report_xml_record(struct am_buf *b, const struct am_report_record *r);
void am_report_xml_tail(struct am_buf *b);

/*
 * RFC 9990 3.1.6's PolicyOverrideType for one of our reason words:
 * mailing_list, trusted_forwarder, local_policy, policy_test_mode, or
 * other for a word it does not know.
 */
const char *am_report_override_type(const char *word, size_t len);

#endif
