/*
 * report_redact.c - hiding the people in failure reports (RFC 9991 7,
 * RFC 6590): the local part of every address-like word is replaced, so a
 * report still shows which domains and hosts were involved, not who.
 *
 * A word is address-like when a run of local-part characters (RFC 5322
 * atext and dots) or quoted strings ends at an "@" that a domain (or
 * another local part) follows.  Bytes outside printable ASCII, TAB, CR and LF are
 * replaced too: the text goes into a report verbatim.  Pure, bounded by
 * its input.
 */
#include "autoconfig.h"

#include <string.h>

#include "buf.h"
#include "report.h"
#include "report_internal.h"

#define REDACTED "redacted"

static bool
is_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~.",
							   c) != NULL);
}

/* What may follow the "@" of an address: a domain, a domain literal,
 * or (once scrubbed) a byte that could begin the next address's local
 * part, which redaction may turn into a name; erring towards redaction
 * keeps the result stable when redacted again. */
static bool
may_follow_at(char c)
{
	return is_atext(c) || c == '[' || c == '"';
}

/* Where the local part that ends at the end of out begins, or out->len
 * when there is none: back over atext, dots and quoted strings (each at
 * most 128 bytes), so that no part of the word is left in front of the
 * replacement. */
static size_t
local_part_start(const struct am_buf *out)
{
	size_t i = out->len, j;

	while (i > 0) {
		if (out->data[i - 1] == '"') {
			for (j = i - 1; j > 0 && i - j < 128; j--)
				if (out->data[j - 1] == '"')
					break;
			if (j == 0 || out->data[j - 1] != '"')
				break; /* no opening quote near: stop here */
			i = j - 1;
		} else if (is_atext(out->data[i - 1]))
			i--;
		else
			break;
	}
	return i;
}

/* Bytes a report may carry verbatim: printable ASCII, TAB, CR, LF. */
static char
scrub(char c)
{
	if (((unsigned char)c < 0x20 && c != '\t' && c != '\r' &&
		c != '\n') ||
	    (unsigned char)c >= 0x7f)
		return '?';
	return c;
}

void
am_report_redact(const char *s, size_t len, struct am_buf *out)
{
	size_t i, start;

	for (i = 0; i < len; i++) {
		if (s[i] == '@' && i + 1 < len && may_follow_at(scrub(s[i + 1])) &&
		    out->len > 0 && !am_buf_failed(out) &&
		    (start = local_part_start(out)) < out->len) {
			am_buf_truncate(out, start);
			am_buf_adds(out, REDACTED);
		}
		am_buf_addc(out, scrub(s[i]));
	}
}

void
am_report_redact_none(const char *s, size_t len, struct am_buf *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		am_buf_addc(out, scrub(s[i]));
}
