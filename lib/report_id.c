/*
 * report_id.c - the Report-ID of an aggregate report, RFC 9990 3.5.1:
 *
 *   ridfmt = (dot-atom-text ["@" dot-atom-text]) ; from RFC 5322
 *
 * made from the configured format (reports.report_id_format).  Part of
 * the core library: the configuration checks the format when it is
 * read.  Pure.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <string.h>

#include "report_id.h"

static bool
is_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
					  strchr("!#$%&'*+-/=?^_`{|}~", c) !=
					      NULL);
}

/* RFC 5322 dot-atom-text for len bytes at s. */
static bool
dot_atom(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++)
		if (!is_atext(s[i]) && !(s[i] == '.' && s[i - 1] != '.'))
			return false;
	return true;
}

static bool
ridfmt(const char *s, const char **why)
{
	const char *at = strchr(s, '@');
	bool ok = at == NULL ? dot_atom(s, strlen(s)) :
	    dot_atom(s, (size_t)(at - s)) &&
		dot_atom(at + 1, strlen(at + 1));

	if (!ok)
		*why = "the Report-ID must be dot-atom-text, optionally "
		       "\"@\" and dot-atom-text (RFC 9990 3.5.1)";
	return ok;
}

static bool
expand(struct am_buf *out, const char *format, const char *domain,
    int64_t begin, int64_t end, const char *submitter, const char **why)
{
	const char *p;

	for (p = format; *p != '\0'; p++) {
		if (*p != '%') {
			am_buf_addc(out, *p);
			continue;
		}
		switch (*++p) {
		case 'd':
			am_buf_adds(out, domain);
			break;
		case 'b':
			am_buf_printf(out, "%" PRId64, begin);
			break;
		case 'e':
			am_buf_printf(out, "%" PRId64, end);
			break;
		case 's':
			am_buf_adds(out, submitter);
			break;
		case '%':
			am_buf_addc(out, '%');
			break;
		default:
			*why = "the only % directives are %d (the policy "
			       "domain), %b and %e (the period), %s (the "
			       "submitter) and %%";
			return false;
		}
	}
	return true;
}

bool
am_report_id(struct am_buf *out, const char *format, const char *domain,
    int64_t begin, int64_t end, const char *submitter, unsigned chunk,
    const char **why)
{
	struct am_buf id;
	const char *at;
	bool ok;

	am_buf_init(&id, 1024);
	ok = expand(&id, format, domain, begin, end, submitter, why);
	if (ok && chunk > 0) {
		const char *s = am_buf_str(&id);

		at = strchr(s, '@');
		if (at == NULL)
			am_buf_printf(out, "%s.%u", s, chunk);
		else
			am_buf_printf(out, "%.*s.%u%s", (int)(at - s), s, chunk,
			    at);
	} else if (ok)
		am_buf_adds(out, am_buf_str(&id));
	am_buf_release(&id);
	return ok && !am_buf_failed(out) && ridfmt(am_buf_str(out), why);
}

bool
am_report_id_format_valid(const char *format, const char **why)
{
	struct am_buf b;
	bool ok;

	am_buf_init(&b, 1024);
	ok = am_report_id(&b, format, "example.com", 1700000000, 1700086399,
	    "mx.example.net", 0, why);
	am_buf_release(&b);
	return ok;
}

