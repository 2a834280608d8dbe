/*
 * fuzz_report_redact.c - the redaction of failure reports (RFC 6590's
 * concern, report_redact.c) on arbitrary bytes: the output holds only
 * printable ASCII, TAB, CR and LF; no "@" keeps a local part before it
 * that redaction would have replaced (the result, redacted again, is
 * itself); and it never shrinks the text but by local parts.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_buf once, twice;
	size_t i;

	am_buf_init(&once, 0);
	am_buf_init(&twice, 0);
	am_report_redact((const char *)data, size, &once);
	if (am_buf_failed(&once))
		goto out;
	for (i = 0; i < once.len; i++) {
		unsigned char c = (unsigned char)once.data[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
		    c >= 0x7f)
			__builtin_trap();
	}
	am_report_redact(once.data != NULL ? once.data : "", once.len, &twice);
	if (!am_buf_failed(&twice) &&
	    (twice.len != once.len ||
		(once.len > 0 && memcmp(once.data, twice.data, once.len) != 0)))
		__builtin_trap();
out:
	am_buf_release(&once);
	am_buf_release(&twice);
	return 0;
}
