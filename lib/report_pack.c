/*
 * report_pack.c - rows and failure reports as single heap blocks (see
 * report.h), and the cleaning of the strings that go into them.
 *
 * A block is the struct followed by its strings; the struct's pointers
 * point into the block, so one free() releases all and the block can
 * travel between threads.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_internal.h"

#define ROW(f) offsetof(struct am_report_row, f)
#define FAIL(f) offsetof(struct am_report_failure, f)

static const size_t row_strings[] = {ROW(reporter), ROW(policy_domain),
    ROW(header_from), ROW(envelope_from), ROW(source_ip), ROW(p), ROW(sp),
    ROW(np), ROW(adkim), ROW(aspf), ROW(testing), ROW(fo), ROW(rua),
    ROW(ruf), ROW(policy_error), ROW(dmarc), ROW(disposition),
    ROW(dkim_aligned), ROW(spf_aligned), ROW(reasons), ROW(dkim),
    ROW(spf_domain), ROW(spf_scope), ROW(spf_result), ROW(why)};

static const size_t failure_strings[] = {FAIL(reporter),
    FAIL(policy_domain), FAIL(header_from), FAIL(source_ip), FAIL(ruf),
    FAIL(kind), FAIL(auth_failure), FAIL(identity_alignment),
    FAIL(authres), FAIL(dkim_domain), FAIL(dkim_selector),
    FAIL(dkim_identity), FAIL(spf_domain), FAIL(mail_from), FAIL(queue_id),
    FAIL(delivery), FAIL(headers)};

#define N(a) (sizeof(a) / sizeof(*(a)))

static const char **
field(void *base, size_t off)
{
	return (const char **)(void *)((char *)base + off);
}

static void *
pack(const void *src, size_t size, const size_t *offs, size_t n)
{
	size_t total = size, len, i;
	const char *s;
	char *block, *p;

	for (i = 0; i < n; i++)
		if ((s = *field((void *)(uintptr_t)src, offs[i])) != NULL)
			total += strlen(s) + 1;
	if ((block = malloc(total)) == NULL)
		return NULL;
	memcpy(block, src, size);
	p = block + size;
	for (i = 0; i < n; i++) {
		if ((s = *field(block, offs[i])) == NULL)
			continue;
		len = strlen(s) + 1;
		memcpy(p, s, len);
		*field(block, offs[i]) = p;
		p += len;
	}
	return block;
}

struct am_report_row *
am_report_row_copy(const struct am_report_row *row)
{
	return pack(row, sizeof(*row), row_strings, N(row_strings));
}

struct am_report_failure *
am_report_failure_copy(const struct am_report_failure *f)
{
	return pack(f, sizeof(*f), failure_strings, N(failure_strings));
}

static char
clean_byte(char c)
{
	return (unsigned char)c >= 0x20 && (unsigned char)c < 0x7f ? c : '?';
}

void
am_report_clean_into(struct am_buf *b, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s != NULL && s[i] != '\0' && i < max; i++)
		am_buf_addc(b, clean_byte(s[i]));
}

const char *
am_report_clean(struct am_arena *arena, const char *s, size_t max, bool lower)
{
	size_t i, n;
	char *out;

	if (s == NULL)
		return NULL;
	n = strnlen(s, max);
	if ((out = am_arena_alloc(arena, n + 1)) == NULL)
		return "";
	for (i = 0; i < n; i++) {
		out[i] = clean_byte(s[i]);
		if (lower && out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	}
	out[n] = '\0';
	return out;
}
