/*
 * spf_internal.h - the parts of the SPF evaluator shared between
 * spf.c (check_host), spf_record.c (record syntax) and spf_macro.c
 * (macro expansion).  Not for use outside lib/spf*.c and their tests.
 */
#ifndef AM_SPF_INTERNAL_H
#define AM_SPF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "ip.h"

enum am_spf_mech {
	AM_SPF_MECH_ALL,
	AM_SPF_MECH_INCLUDE,
	AM_SPF_MECH_A,
	AM_SPF_MECH_MX,
	AM_SPF_MECH_PTR,
	AM_SPF_MECH_IP4,
	AM_SPF_MECH_IP6,
	AM_SPF_MECH_EXISTS,
};

struct am_spf_term {
	char qualifier;	  /* '+', '-', '~' or '?' */
	enum am_spf_mech mech;
	const char *spec; /* domain-spec, NUL-terminated; NULL if absent */
	unsigned cidr4;	  /* a, mx, ip4: prefix length (32 if absent) */
	unsigned cidr6;	  /* a, mx, ip6: prefix length (128 if absent) */
	struct am_ip net; /* ip4, ip6 */
	const char *text; /* the term as written, for reasons and traces */
};

struct am_spf_record {
	struct am_spf_term *terms;
	size_t nterms;
	const char *redirect; /* domain-spec, or NULL */
	const char *exp;      /* domain-spec, or NULL */
};

/* The longest record text accepted (several 255-byte strings joined). */
#define AM_SPF_RECORD_MAX 4096

/*
 * True when len bytes at txt begin with the version section "v=spf1"
 * followed by a space or the end (RFC 7208 4.5).
 */
bool am_spf_record_is_spf(const char *txt, size_t len);

/*
 * Parses a record selected by am_spf_record_is_spf() (RFC 7208 4.6, 5, 6,
 * 7.1).  Any syntax error anywhere fails the whole record: returns false
 * with *why describing the first one.  Strings come from arena.
 */
bool am_spf_record_parse(struct am_arena *arena, const char *txt, size_t len,
    struct am_spf_record *out, const char **why);

/* Where a macro-string appears: a domain-spec, or explanation text (which
 * also admits spaces and the c, r and t macros). */
enum am_spf_macro_use {
	AM_SPF_MACRO_DOMAIN,
	AM_SPF_MACRO_EXPLAIN,
};

/* Checks macro-string syntax (RFC 7208 7.1); false with *why if bad. */
bool am_spf_macro_valid(const char *s, size_t len, enum am_spf_macro_use use,
    const char **why);

/* True when a domain-spec ends with a valid domain-end (7.1): a top label
 * that is not all-numeric, or a macro-expand. */
bool am_spf_domain_end_valid(const char *s, size_t len);

struct am_spf_macro_env {
	const char *sender; /* s */
	const char *local;  /* l */
	const char *sender_domain; /* o */
	const char *domain; /* d */
	const char *helo;   /* h */
	const char *receiver; /* r */
	struct am_ip client;  /* i, c, v */
	time_t now;	      /* t */
	/* p: the validated name of the client; called at most as needed.
	 * Returns NULL when the lookup limit stops it. */
	const char *(*validated_name)(void *arg);
	void *arg;
};

/*
 * Expands a macro-string (already known to be valid) into out.  Returns
 * false when the expansion cannot be made (the %{p} lookup hit a limit, or
 * the output grew past its bound) with *why set.
 */
bool am_spf_macro_expand(const char *s, size_t len, enum am_spf_macro_use use,
    const struct am_spf_macro_env *env, struct am_buf *out, const char **why);

#endif
