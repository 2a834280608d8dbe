/*
 * address.h - RFC 5322 address lists (the From: header field) and
 * internationalized domains.
 *
 * The parser takes the full RFC 5322 3.4 syntax with the obsolete forms
 * of 4.4 (obs-local-part, obs-domain, obs-phrase, obs-route, routes in
 * angle addresses, CFWS anywhere it is allowed), groups, comments
 * (nested, with quoted-pairs), quoted strings, domain literals, and
 * RFC 6532 UTF-8 in local-parts, domains and display names.  Domains are
 * kept as written; am_idna_convert() (idna.h) turns one into the name DNS
 * queries use, so that a caller converts each distinct domain once.
 * Every loop is bounded by the input length; nothing recurses without a
 * depth limit.
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
	size_t domain_len;   /* its length (UTF-8 may hold no NUL, but a
				literal's quoted-pairs are removed) */
	bool literal;	     /* a domain literal ("a@[192.0.2.1]") */
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
 * "@" as a mail reader might still display it, as written (white space
 * and comments around its dots removed), without exact duplicates; the
 * caller converts them (am_idna_convert()).  Domains outside comments and
 * quoted strings first; when the field is too broken to tell, or nothing
 * was found there, inside them too.  A broken field yields more domains,
 * never fewer: the caller must evaluate every one.  Stores at most max
 * into domains; returns how many were stored, and sets *more when there
 * were others.
 */
size_t am_address_find_domains(struct am_arena *arena, const char *text,
    size_t len, const char **domains, size_t max, bool *more);

/*
 * A domain (len bytes; A-labels, U-labels in UTF-8, or a mix) in lower-
 * case A-label form without a trailing dot, by am_idna_convert() (IDNA2008
 * with UTS #46 mapping); NULL when it is no valid DNS name.
 */
const char *am_domain_to_ascii(struct am_arena *arena, const char *domain,
    size_t len);

/*
 * True for the inside of an RFC 5321 4.1.3 address literal, "192.0.2.1"
 * or "IPv6:2001:db8::1": it names no domain.  Any other literal
 * ("[bank.example]") shows a reader a domain, and is evaluated as one.
 */
bool am_address_ip_literal(const char *s, size_t len);

#endif
