/*
 * fuzz_report_xml.c - the aggregate report writer (RFC 9990, report_xml.c)
 * on arbitrary values, as a tampered or hostile store could hand it: the
 * bytes are cut at NULs into the fields of a record (the encoded dkim and
 * reasons lists among them).  The document must stay well-formed as far
 * as a byte scan can tell: only printable ASCII and LF, no "<" or "&"
 * but those of our own markup and entities, every element closed.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "report_xml.h"

#define NFIELDS 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every "&" starts one of the five entities we write. */
static void
check(const struct am_buf *b)
{
	static const char *const entities[] = {"&amp;", "&lt;", "&gt;",
	    "&quot;"};
	size_t i, k, opened = 0, closed = 0;
	bool ok;

	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if ((c < 0x20 && c != '\n') || c >= 0x7f)
			__builtin_trap();
		if (c == '&') {
			for (ok = false, k = 0; k < 4; k++)
				if (strncmp(b->data + i, entities[k],
					strlen(entities[k])) == 0)
					ok = true;
			if (!ok)
				__builtin_trap();
		}
		if (c == '<' && i + 1 < b->len && b->data[i + 1] == '/')
			closed++;
		else if (c == '<' && i + 1 < b->len && b->data[i + 1] != '?')
			opened++;
	}
	if (opened != closed + 1) /* the feedback element, left open */
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[4096];
	const char *f[NFIELDS];
	struct am_report_record r;
	struct am_buf b;
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1, i, k;
	static const struct am_report_meta meta = {"o", "e", NULL, "id", 0, 1,
	    NULL, NULL};
	static const struct am_report_policy pol = {"d", "none", NULL, NULL,
	    "r", "r", "n", "0"};

	memcpy(text, data, n);
	text[n] = '\0';
	for (i = 0, k = 0; k < NFIELDS; k++) { /* fields cut at NULs */
		f[k] = i <= n ? text + i : "";
		if (i <= n)
			i += strlen(text + i) + 1;
	}
	memset(&r, 0, sizeof(r));
	r.source_ip = f[0];
	r.count = n;
	r.disposition = f[1];
	r.dkim_aligned = f[2];
	r.spf_aligned = f[3];
	r.reasons = f[4];
	r.header_from = f[5];
	r.envelope_from = f[6][0] != '\0' ? f[6] : NULL;
	r.dkim = f[7];
	r.spf_domain = f[8][0] != '\0' ? f[8] : NULL;
	r.spf_scope = f[9];
	r.spf_result = f[10];
	am_buf_init(&b, 0);
	am_report_xml_head(&b, &meta, &pol);
	am_report_xml_record(&b, &r);
	if (!am_buf_failed(&b))
		check(&b);
	am_buf_release(&b);
	return 0;
}
