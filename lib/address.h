/*
 * address.h - RFC 5322 address lists (the From: header field) and
 * internationalized domains.
 *
 * The parser takes the full RFC 5322 3.4 syntax with the obsolete forms
 * of 4.4 (obs-local-part, obs-domain, obs-phrase, obs-route, routes in
 * angle addresses, CFWS anywhere it is allowed), groups, comments
 * (nested, with quoted-pairs), quoted strings, domain literals, and
 * RFC 6532 UTF-8 in local-parts, domains and display names.  Domains are
 * converted to lower-case A-labels (RFC 5890 2.3.2.1, Punycode RFC 3492)
 * for DNS.  Every loop is bounded by the input length; nothing recurses
 * without a depth limit.
 */
#ifndef AM_ADDRESS_H
#define AM_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

struct am_address {
	const char *display; /* display name, comments and quotes removed,
				white space folded; NULL when there is none */
	const char *local;   /* local-part, quotes and escapes removed */
	const char *domain;  /* domain as written (CFWS removed); for a
				domain literal the text inside [ ] */
	const char *ascii_domain; /* lower-case A-label form for DNS; NULL
				for a domain literal or a domain that cannot
				be converted */
	bool in_group;	     /* a member of a group ("name: a@b, c@d;") */
};

struct am_address_list {
	struct am_address *addrs; /* from the arena */
	size_t count;
	bool truncated; /* there were more than max addresses */
};

/*
 * Parses len bytes of an address-list (the value of a From:, without the
 * field name).  At most max addresses are kept.  Returns true when the
 * whole text is a valid address-list (an empty group counts; an empty
 * text does not).  On a syntax error returns false with *why set; out
 * then holds the addresses parsed before the error.
 */
bool am_address_parse_list(struct am_arena *arena, const char *text,
    size_t len, size_t max, struct am_address_list *out, const char **why);

/*
 * The lenient fallback for a malformed From: every domain that follows an
 * "@" as a mail reader might still display it, converted like
 * ascii_domain and without duplicates.  Domains outside comments and
 * quoted strings first; when the field is too broken to tell, or nothing
 * was found there, inside them too.  A broken field yields more domains,
 * never fewer: the caller must evaluate every one.  Stores at most max
 * into domains; returns how many were stored.
 */
size_t am_address_find_domains(struct am_arena *arena, const char *text,
    size_t len, const char **domains, size_t max);

/*
 * A domain (len bytes; A-labels, U-labels in UTF-8, or a mix) in lower-
 * case A-label form without a trailing dot.  ASCII is lower-cased; a
 * non-ASCII label must be valid UTF-8 and becomes "xn--" + Punycode (no
 * Unicode case folding or normalization: the label is taken as sent).
 * NULL when the result would not be a valid DNS name.
 */
const char *am_domain_to_ascii(struct am_arena *arena, const char *domain,
    size_t len);

#endif
