/*
 * eml.c - feeding a stored message into am_msg (see eml.h).
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "eml.h"

/* One byte more than a message keeps, so a field cut here is still seen
 * by am_msg as too large (and reported), not taken as complete. */
#define FIELD_MAX (AM_MSG_HEADER_MAX + 1)
#define BODY_CHUNK 65536

struct am_eml {
	struct am_msg *msg;
	bool in_body;
	bool first_line;
	struct am_buf line;  /* the header line being read */
	struct am_buf field; /* the field being assembled, folds as CRLF */
	struct am_buf body;  /* body bytes waiting to be passed on */
	bool body_cr;	     /* the last body byte was CR */
};

struct am_eml *
am_eml_new(struct am_msg *msg)
{
	struct am_eml *eml = calloc(1, sizeof(*eml));

	if (eml == NULL)
		return NULL;
	eml->msg = msg;
	eml->first_line = true;
	am_buf_init(&eml->line, FIELD_MAX);
	am_buf_init(&eml->field, FIELD_MAX);
	am_buf_init(&eml->body, 0);
	return eml;
}

void
am_eml_free(struct am_eml *eml)
{
	if (eml == NULL)
		return;
	am_buf_release(&eml->line);
	am_buf_release(&eml->field);
	am_buf_release(&eml->body);
	free(eml);
}

static void
flush_field(struct am_eml *eml)
{
	const char *f = eml->field.data, *colon;
	size_t name_len;

	if (eml->field.len == 0)
		return;
	colon = memchr(f, ':', eml->field.len);
	/* The name as an MTA hands it over, blanks before the colon
	 * included: am_msg_header() reads past them. */
	name_len = (size_t)(colon - f);
	am_msg_header(eml->msg, f, name_len, colon + 1,
	    eml->field.len - (size_t)(colon + 1 - f));
	am_buf_reset(&eml->field);
}

/* A field name: printable ASCII but ":" (RFC 5322 3.6.8), then ":". */
static bool
is_field_start(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':')
			return i > 0;
		if (c == ' ' || c == '\t') {
			/* blanks may only stand between the name and ":" */
			while (i < len && (s[i] == ' ' || s[i] == '\t'))
				i++;
			return i > 0 && i < len && s[i] == ':' &&
			    s[0] != ' ' && s[0] != '\t';
		}
		if (c < 0x21 || c > 0x7e)
			return false;
	}
	return false;
}

static void
body_bytes(struct am_eml *eml, const char *p, size_t len)
{
	const char *end = p + len, *nl;

	/* Bare LF becomes CRLF; the runs between line ends are copied. */
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			am_buf_add(&eml->body, p, (size_t)(end - p));
			eml->body_cr = end[-1] == '\r';
			break;
		}
		am_buf_add(&eml->body, p, (size_t)(nl - p));
		if (!(nl > p ? nl[-1] == '\r' : eml->body_cr))
			am_buf_addc(&eml->body, '\r');
		am_buf_addc(&eml->body, '\n');
		eml->body_cr = false;
		p = nl + 1;
	}
	if (eml->body.len >= BODY_CHUNK) {
		am_msg_body(eml->msg, (const unsigned char *)eml->body.data,
		    eml->body.len);
		am_buf_reset(&eml->body);
	}
}

static void
end_headers(struct am_eml *eml)
{
	flush_field(eml);
	am_msg_end_headers(eml->msg);
	eml->in_body = true;
}

/* One complete header-section line, without its line end. */
static void
header_line(struct am_eml *eml, const char *s, size_t len, bool had_lf)
{
	bool first = eml->first_line;

	eml->first_line = false;
	if (len == 0) {
		end_headers(eml);
		return;
	}
	if ((s[0] == ' ' || s[0] == '\t') && eml->field.len > 0) {
		am_buf_adds(&eml->field, "\r\n");
		am_buf_add(&eml->field, s, len);
		return;
	}
	if (is_field_start(s, len)) {
		flush_field(eml);
		am_buf_add(&eml->field, s, len);
		return;
	}
	if (first && len >= 5 && memcmp(s, "From ", 5) == 0)
		return; /* mbox separator */
	end_headers(eml);
	body_bytes(eml, s, len);
	if (had_lf)
		body_bytes(eml, "\r\n", 2);
}

void
am_eml_feed(struct am_eml *eml, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;

	while (p < end && !eml->in_body) {
		size_t n;

		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		/* A line past FIELD_MAX loses its tail (buf stops growing). */
		if (!am_buf_failed(&eml->line))
			am_buf_add(&eml->line, p, n);
		if (nl == NULL)
			return;
		n = eml->line.len;
		if (n > 0 && eml->line.data[n - 1] == '\r')
			n--;
		header_line(eml, am_buf_str(&eml->line), n, true);
		am_buf_reset(&eml->line);
		p = nl + 1;
	}
	if (p < end)
		body_bytes(eml, p, (size_t)(end - p));
}

void
am_eml_end(struct am_eml *eml)
{
	if (!eml->in_body) {
		if (eml->line.len > 0) {
			size_t n = eml->line.len;

			if (eml->line.data[n - 1] == '\r')
				n--;
			header_line(eml, am_buf_str(&eml->line), n, false);
			am_buf_reset(&eml->line);
		}
		if (!eml->in_body)
			end_headers(eml);
	}
	if (eml->body.len > 0) {
		am_msg_body(eml->msg, (const unsigned char *)eml->body.data,
		    eml->body.len);
		am_buf_reset(&eml->body);
	}
}
