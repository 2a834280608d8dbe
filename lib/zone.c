/*
 * zone.c - a static DNS zone and its text format (see zone.h).
 *
 * Lookups scan the record list: zones here are test fixtures and what-if
 * files of tens to thousands of records, never a production data set.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dns_source.h"
#include "domain.h"
#include "zone.h"

#define CNAME_HOPS   16
#define ZONE_MAX_TOK 512
#define ZONE_FILE_MAX (64u << 20)

enum { KIND_RECORD, KIND_FAULT };

struct zrec {
	char *name; /* lower case, no trailing dot */
	int kind;
	unsigned type; /* record type; for a fault, 0 = every type */
	enum am_zone_fault fault;
	char *text; /* TXT data or target name */
	size_t len;
	unsigned pref;
	struct am_ip addr;
};

struct am_zone {
	struct zrec *rec;
	size_t n, cap;
};

struct am_zone *
am_zone_new(void)
{
	return calloc(1, sizeof(struct am_zone));
}

void
am_zone_free(struct am_zone *zone)
{
	size_t i;

	if (zone == NULL)
		return;
	for (i = 0; i < zone->n; i++) {
		free(zone->rec[i].name);
		free(zone->rec[i].text);
	}
	free(zone->rec);
	free(zone);
}

static char *
lower_name(const char *name)
{
	char lower[AM_DOMAIN_MAX + 1];

	return am_domain_lower(name, lower, sizeof(lower)) ? strdup(lower) :
							      NULL;
}

/* Appends a record for name; the caller fills the rest. */
static struct zrec *
zone_append(struct am_zone *zone, const char *name)
{
	struct zrec *r;
	char *lname;

	if ((lname = lower_name(name)) == NULL)
		return NULL;
	if (zone->n == zone->cap) {
		size_t cap = zone->cap != 0 ? zone->cap * 2 : 32;
		struct zrec *p = realloc(zone->rec, cap * sizeof(*p));

		if (p == NULL) {
			free(lname);
			return NULL;
		}
		zone->rec = p;
		zone->cap = cap;
	}
	r = &zone->rec[zone->n++];
	memset(r, 0, sizeof(*r));
	r->name = lname;
	return r;
}

static void
zone_drop_last(struct am_zone *zone)
{
	zone->n--;
	free(zone->rec[zone->n].name);
}

bool
am_zone_add_address(struct am_zone *zone, const char *name,
    const struct am_ip *addr)
{
	struct zrec *r = zone_append(zone, name);

	if (r == NULL)
		return false;
	r->kind = KIND_RECORD;
	r->type = addr->family == AM_IP_V4 ? AM_DNS_A : AM_DNS_AAAA;
	r->addr = *addr;
	return true;
}

bool
am_zone_add_txt(struct am_zone *zone, const char *name, const char *text,
    size_t len)
{
	struct zrec *r = zone_append(zone, name);

	if (r == NULL)
		return false;
	if ((r->text = malloc(len + 1)) == NULL) {
		zone_drop_last(zone);
		return false;
	}
	if (len > 0)
		memcpy(r->text, text, len);
	r->text[len] = '\0';
	r->len = len;
	r->kind = KIND_RECORD;
	r->type = AM_DNS_TXT;
	return true;
}

bool
am_zone_add_target(struct am_zone *zone, const char *name,
    enum am_dns_type type, unsigned pref, const char *target)
{
	size_t len = strlen(target);
	struct zrec *r;

	if (len > 1 && target[len - 1] == '.')
		len--;
	if (len == 0 || (r = zone_append(zone, name)) == NULL)
		return false;
	if ((r->text = strndup(target, len)) == NULL) {
		zone_drop_last(zone);
		return false;
	}
	r->len = len;
	r->kind = KIND_RECORD;
	r->type = type;
	r->pref = pref;
	return true;
}

bool
am_zone_add_fault(struct am_zone *zone, const char *name, unsigned type,
    enum am_zone_fault fault)
{
	struct zrec *r = zone_append(zone, name);

	if (r == NULL)
		return false;
	r->kind = KIND_FAULT;
	r->type = type;
	r->fault = fault;
	return true;
}

/* The name exists: it owns something, or something lies below it. */
static bool
name_exists(const struct am_zone *zone, const char *name)
{
	size_t i;

	for (i = 0; i < zone->n; i++)
		if (am_domain_is_within(zone->rec[i].name, name))
			return true;
	return false;
}

static const struct zrec *
find(const struct am_zone *zone, const char *name, int kind, unsigned type)
{
	size_t i;

	for (i = 0; i < zone->n; i++)
		if (zone->rec[i].kind == kind && zone->rec[i].type == type &&
		    strcmp(zone->rec[i].name, name) == 0)
			return &zone->rec[i];
	return NULL;
}

static void
fault_answer(const struct zrec *f, struct am_dns_answer *out)
{
	am_dns_answer_empty(out, AM_DNS_TEMPFAIL,
	    f->fault == AM_ZONE_TIMEOUT ? "timeout" : "SERVFAIL");
}

static void
copy_records(const struct am_zone *zone, const char *name,
    enum am_dns_type type, struct am_arena *arena, struct am_dns_answer *out)
{
	size_t i, n = 0;

	for (i = 0; i < zone->n; i++)
		if (zone->rec[i].kind == KIND_RECORD &&
		    zone->rec[i].type == (unsigned)type &&
		    strcmp(zone->rec[i].name, name) == 0)
			n++;
	am_dns_answer_empty(out, AM_DNS_OK, NULL);
	out->ttl = 300;
	if ((out->rr = am_arena_zalloc(arena, n * sizeof(*out->rr))) == NULL) {
		am_dns_answer_empty(out, AM_DNS_TEMPFAIL, "out of memory");
		return;
	}
	for (i = 0; i < zone->n; i++) {
		const struct zrec *r = &zone->rec[i];
		struct am_dns_rr *rr = &out->rr[out->count];

		if (r->kind != KIND_RECORD || r->type != (unsigned)type ||
		    strcmp(r->name, name) != 0)
			continue;
		rr->addr = r->addr;
		rr->pref = r->pref;
		if (r->text != NULL &&
		    (rr->text = am_arena_strndup(arena, r->text, r->len)) ==
			NULL) {
			am_dns_answer_empty(out, AM_DNS_TEMPFAIL,
			    "out of memory");
			return;
		}
		rr->len = r->len;
		out->count++;
	}
}

void
am_zone_answer(const struct am_zone *zone, const char *qname,
    enum am_dns_type type, struct am_arena *arena, struct am_dns_answer *out)
{
	char name[AM_DOMAIN_MAX + 1];
	const struct zrec *r;
	int hops;

	if (!am_domain_lower(qname, name, sizeof(name))) {
		am_dns_answer_empty(out, AM_DNS_NXDOMAIN,
		    "not a valid domain name");
		return;
	}
	for (hops = 0;; hops++) {
		if ((r = find(zone, name, KIND_FAULT, type)) != NULL) {
			fault_answer(r, out);
			return;
		}
		if (type == AM_DNS_CNAME ||
		    (r = find(zone, name, KIND_RECORD, AM_DNS_CNAME)) == NULL)
			break;
		if (hops == CNAME_HOPS) {
			am_dns_answer_empty(out, AM_DNS_TEMPFAIL, "CNAME loop");
			return;
		}
		/* Targets keep their case; the zone's owners are lower case. */
		if (!am_domain_lower(r->text, name, sizeof(name))) {
			am_dns_answer_empty(out, AM_DNS_NXDOMAIN,
			    "CNAME target is not a valid name");
			return;
		}
	}
	if (find(zone, name, KIND_RECORD, type) != NULL) {
		copy_records(zone, name, type, arena, out);
		if (hops > 0 && out->status == AM_DNS_OK)
			out->canonical = am_arena_strdup(arena, name);
		return;
	}
	if ((r = find(zone, name, KIND_FAULT, 0)) != NULL)
		fault_answer(r, out);
	else
		am_dns_answer_empty(out,
		    name_exists(zone, name) ? AM_DNS_NODATA : AM_DNS_NXDOMAIN,
		    NULL);
}

/*
 * The text format.
 */

struct lexer {
	const char *p, *end;
	unsigned line;
};

struct token {
	size_t off, len; /* into the record's decoded bytes */
	bool quoted;
};

struct record_text {
	struct am_buf bytes;
	struct token tok[ZONE_MAX_TOK];
	size_t n;
	unsigned line;
	bool continues_owner; /* began with blank: the previous owner's */
};

static void
set_err(char *err, size_t errlen, unsigned line, const char *what)
{
	if (errlen > 0)
		snprintf(err, errlen, "line %u: %s", line, what);
}

/* Decodes one escape after a backslash; false when malformed. */
static bool
lex_escape(struct lexer *lx, struct am_buf *out)
{
	unsigned v;

	if (lx->p >= lx->end)
		return false;
	if (*lx->p >= '0' && *lx->p <= '9') {
		if (lx->end - lx->p < 3)
			return false;
		for (v = 0; v < 3; v++)
			if (lx->p[v] < '0' || lx->p[v] > '9')
				return false;
		v = (unsigned)(lx->p[0] - '0') * 100 +
		    (unsigned)(lx->p[1] - '0') * 10 + (unsigned)(lx->p[2] - '0');
		if (v > 255)
			return false;
		am_buf_addc(out, (char)v);
		lx->p += 3;
		return true;
	}
	if (*lx->p == '\n')
		return false;
	am_buf_addc(out, *lx->p++);
	return true;
}

/* Reads one token starting at lx->p into rt; returns an error or NULL. */
static const char *
lex_token(struct lexer *lx, struct record_text *rt)
{
	struct token *t;
	bool quoted = *lx->p == '"';

	if (rt->n == ZONE_MAX_TOK)
		return "too many fields";
	t = &rt->tok[rt->n++];
	t->off = rt->bytes.len;
	t->quoted = quoted;
	if (quoted)
		lx->p++;
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (quoted && c == '"')
			break;
		if (!quoted && (c == ' ' || c == '\t' || c == '\r' ||
				   c == '\n' || c == ';' || c == '(' ||
				   c == ')' || c == '"'))
			break;
		if (quoted && c == '\n')
			return "unterminated quoted string";
		lx->p++;
		if (c == '\\') {
			if (!lex_escape(lx, &rt->bytes))
				return "bad escape sequence";
		} else
			am_buf_addc(&rt->bytes, c);
	}
	if (quoted) {
		if (lx->p >= lx->end)
			return "unterminated quoted string";
		lx->p++;
	}
	t->len = rt->bytes.len - t->off;
	return am_buf_failed(&rt->bytes) ? "out of memory" : NULL;
}

/*
 * Reads the tokens of the next record.  Returns 1 with a record, 0 at the
 * end of the text, -1 with *why set.
 */
static int
lex_record(struct lexer *lx, struct record_text *rt, const char **why)
{
	const char *line_start = lx->p;
	int depth = 0;

	am_buf_reset(&rt->bytes);
	rt->n = 0;
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == '\n') {
			lx->p++;
			lx->line++;
			line_start = lx->p;
			if (depth == 0 && rt->n > 0)
				return 1;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			lx->p++;
			continue;
		}
		if (c == ';') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		if (rt->n == 0 && depth == 0) {
			rt->line = lx->line;
			rt->continues_owner = lx->p != line_start;
		}
		if (c == '(') {
			depth++;
			lx->p++;
			continue;
		}
		if (c == ')') {
			if (--depth < 0) {
				*why = "unbalanced ')'";
				return -1;
			}
			lx->p++;
			continue;
		}
		if ((*why = lex_token(lx, rt)) != NULL)
			return -1;
	}
	if (depth != 0) {
		*why = "unbalanced '('";
		return -1;
	}
	return rt->n > 0 ? 1 : 0;
}

static const char *
tok_str(struct record_text *rt, size_t i)
{
	/* Not terminated: use with rt->tok[i].len. */
	return rt->bytes.data + rt->tok[i].off;
}

static bool
tok_is(struct record_text *rt, size_t i, const char *word)
{
	return rt->tok[i].len == strlen(word) &&
	    strncasecmp(tok_str(rt, i), word, rt->tok[i].len) == 0;
}

static bool
tok_number(struct record_text *rt, size_t i, unsigned max, unsigned *out)
{
	const char *s = tok_str(rt, i);
	unsigned long v = 0;
	size_t k;

	if (rt->tok[i].quoted || rt->tok[i].len == 0 || rt->tok[i].len > 10)
		return false;
	for (k = 0; k < rt->tok[i].len; k++) {
		if (s[k] < '0' || s[k] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[k] - '0');
	}
	if (v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/* Copies token i into a terminated string of at most size bytes. */
static bool
tok_copy(struct record_text *rt, size_t i, char *dst, size_t size)
{
	if (rt->tok[i].len >= size ||
	    memchr(tok_str(rt, i), '\0', rt->tok[i].len) != NULL)
		return false;
	memcpy(dst, tok_str(rt, i), rt->tok[i].len);
	dst[rt->tok[i].len] = '\0';
	return true;
}

static const struct {
	const char *name;
	unsigned type;
} zone_types[] = {
	{"A", AM_DNS_A}, {"AAAA", AM_DNS_AAAA}, {"TXT", AM_DNS_TXT},
	{"MX", AM_DNS_MX}, {"PTR", AM_DNS_PTR}, {"CNAME", AM_DNS_CNAME},
};

static unsigned
type_of(struct record_text *rt, size_t i)
{
	size_t k;

	for (k = 0; k < sizeof(zone_types) / sizeof(zone_types[0]); k++)
		if (tok_is(rt, i, zone_types[k].name))
			return zone_types[k].type;
	return 0;
}

static const char *
parse_txt(struct am_zone *zone, const char *owner, struct record_text *rt,
    size_t i)
{
	struct am_buf joined;
	bool ok;

	am_buf_init(&joined, 0);
	for (; i < rt->n; i++) {
		if (rt->tok[i].len > 255) {
			am_buf_release(&joined);
			return "TXT string longer than 255 bytes";
		}
		am_buf_add(&joined, tok_str(rt, i), rt->tok[i].len);
	}
	ok = !am_buf_failed(&joined) &&
	    am_zone_add_txt(zone, owner, joined.data, joined.len);
	am_buf_release(&joined);
	return ok ? NULL : "out of memory";
}

static const char *
parse_address(struct am_zone *zone, const char *owner, unsigned type,
    struct record_text *rt, size_t i)
{
	char text[64];
	struct am_ip ip;

	memset(&ip, 0, sizeof(ip));
	if (rt->n != i + 1 || !tok_copy(rt, i, text, sizeof(text)))
		return type == AM_DNS_A ? "A takes one IPv4 address" :
					  "AAAA takes one IPv6 address";
	/* Raw inet_pton: an AAAA record keeps its family even when it holds
	 * an IPv4-mapped address. */
	if (type == AM_DNS_A && inet_pton(AF_INET, text, ip.addr) == 1)
		ip.family = AM_IP_V4;
	else if (type == AM_DNS_AAAA && inet_pton(AF_INET6, text, ip.addr) == 1)
		ip.family = AM_IP_V6;
	else
		return type == AM_DNS_A ? "bad IPv4 address" :
					  "bad IPv6 address";
	return am_zone_add_address(zone, owner, &ip) ? NULL : "out of memory";
}

static const char *
parse_target(struct am_zone *zone, const char *owner, unsigned type,
    struct record_text *rt, size_t i)
{
	char target[AM_DOMAIN_MAX + 2];
	unsigned pref = 0;

	if (type == AM_DNS_MX) {
		if (i >= rt->n || !tok_number(rt, i, 65535, &pref))
			return "MX needs a preference from 0 to 65535";
		i++;
	}
	if (rt->n != i + 1 || !tok_copy(rt, i, target, sizeof(target)) ||
	    (strcmp(target, ".") != 0 &&
		!am_domain_valid(target, strlen(target))))
		return "needs one target domain name";
	return am_zone_add_target(zone, owner, type, pref, target) ?
	    NULL : "out of memory";
}

static const char *
parse_fault(struct am_zone *zone, const char *owner, enum am_zone_fault fault,
    struct record_text *rt, size_t i)
{
	unsigned type = 0;

	if (i < rt->n) {
		if (rt->n != i + 1 || (type = type_of(rt, i)) == 0)
			return "TIMEOUT and SERVFAIL take at most one record "
			       "type";
	}
	return am_zone_add_fault(zone, owner, type, fault) ? NULL :
							     "out of memory";
}

static const char *
parse_record(struct am_zone *zone, struct record_text *rt, char *owner)
{
	size_t i = 0;
	unsigned type, ttl;

	if (!rt->continues_owner) {
		if (rt->tok[0].quoted ||
		    !tok_copy(rt, 0, owner, AM_DOMAIN_MAX + 2) ||
		    !am_domain_valid(owner, strlen(owner))) {
			owner[0] = '\0';
			return "owner is not a valid domain name";
		}
		i = 1;
	} else if (owner[0] == '\0')
		return "record without an owner name";
	if (i < rt->n && tok_number(rt, i, 0x7fffffff, &ttl))
		i++;
	if (i < rt->n && tok_is(rt, i, "IN"))
		i++;
	if (i >= rt->n)
		return "missing record type";
	if (tok_is(rt, i, "TIMEOUT"))
		return parse_fault(zone, owner, AM_ZONE_TIMEOUT, rt, i + 1);
	if (tok_is(rt, i, "SERVFAIL"))
		return parse_fault(zone, owner, AM_ZONE_SERVFAIL, rt, i + 1);
	switch (type = type_of(rt, i)) {
	case AM_DNS_TXT:
		return parse_txt(zone, owner, rt, i + 1);
	case AM_DNS_A:
	case AM_DNS_AAAA:
		return parse_address(zone, owner, type, rt, i + 1);
	case AM_DNS_MX:
	case AM_DNS_PTR:
	case AM_DNS_CNAME:
		return parse_target(zone, owner, type, rt, i + 1);
	}
	return "unknown record type (A AAAA TXT MX PTR CNAME TIMEOUT SERVFAIL)";
}

bool
am_zone_parse(struct am_zone *zone, const char *text, size_t len, char *err,
    size_t errlen)
{
	struct lexer lx = {text, text + len, 1};
	struct record_text *rt;
	char owner[AM_DOMAIN_MAX + 2] = "";
	const char *why = NULL;
	int r;

	if ((rt = malloc(sizeof(*rt))) == NULL) {
		set_err(err, errlen, 0, "out of memory");
		return false;
	}
	am_buf_init(&rt->bytes, 0);
	while ((r = lex_record(&lx, rt, &why)) == 1)
		if ((why = parse_record(zone, rt, owner)) != NULL) {
			set_err(err, errlen, rt->line, why);
			break;
		}
	if (r < 0)
		set_err(err, errlen, lx.line, why);
	am_buf_release(&rt->bytes);
	free(rt);
	return why == NULL;
}

bool
am_zone_load_file(struct am_zone *zone, const char *path, char *err,
    size_t errlen)
{
	struct am_buf text;
	char chunk[8192];
	size_t n;
	FILE *fp;
	bool ok;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	am_buf_init(&text, ZONE_FILE_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		am_buf_add(&text, chunk, n);
	if (ferror(fp) || am_buf_failed(&text)) {
		snprintf(err, errlen, "%s: %s", path,
		    ferror(fp) ? strerror(errno) : "larger than 64 MB");
		fclose(fp);
		am_buf_release(&text);
		return false;
	}
	fclose(fp);
	ok = am_zone_parse(zone, am_buf_str(&text), text.len, err, errlen);
	if (!ok) {
		char line[256];

		snprintf(line, sizeof(line), "%s", err);
		snprintf(err, errlen, "%s: %s", path, line);
	}
	am_buf_release(&text);
	return ok;
}

/*
 * The zone as a DNS source: answers are ready at start.
 */

struct zone_query {
	struct am_dns_query base;
	char name[AM_DOMAIN_MAX + 2];
};

static struct am_dns_query *
zone_start(void *src, const char *name, enum am_dns_type type)
{
	struct zone_query *q = calloc(1, sizeof(*q));

	(void)src;
	(void)type;
	if (q != NULL)
		snprintf(q->name, sizeof(q->name), "%s", name);
	return q != NULL ? &q->base : NULL;
}

/* The zone never changes, so the answer is computed when collected. */
static void
zone_collect(void *src, struct am_dns_query *base, struct am_arena *arena,
    struct am_dns_answer *out)
{
	struct zone_query *q = (struct zone_query *)base;

	am_zone_answer(src, q->name, base->type, arena, out);
	free(q);
}

static void
zone_cancel(void *src, struct am_dns_query *base)
{
	(void)src;
	free(base);
}

static void
zone_free(void *src)
{
	am_zone_free(src);
}

static const struct am_dns_source_ops zone_ops = {
	zone_start, zone_collect, zone_cancel, zone_free,
};

struct am_dns *
am_dns_new_zone(struct am_zone *zone)
{
	return am_dns_new_source(&zone_ops, zone);
}
