/*
 * dkim_state.h - the per-message state of the DKIM wrapper, shared by
 * dkim.c (which feeds libopendkim) and dkim_verdict.c (which turns its
 * findings into results).  Not a public interface.
 */
#ifndef AM_DKIM_STATE_H
#define AM_DKIM_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <opendkim/dkim.h>

#include "buf.h"
#include "dkim.h"
#include "dkim_internal.h"

#define RSA_MIN_BITS 1024 /* RFC 8301 3.2 */

struct am_dkim_lib {
	DKIM_LIB *lib;
	unsigned max_signatures;
	unsigned min_key_bits;
};

enum key_state { KEY_UNASKED, KEY_FOUND, KEY_MISSING, KEY_BAD, KEY_TEMPFAIL };
enum clock_state { CLOCK_OK, CLOCK_EXPIRED, CLOCK_FUTURE };

/* One DKIM-Signature field, in header order. */
struct sig {
	struct sig *next;
	unsigned n;		/* 1-based position on the message */
	bool unchecked;		/* past max_signatures */
	bool fed;		/* libopendkim holds it (one siginfo each) */
	const char *syntax;	/* why the field is unusable, or NULL */
	const char *domain, *selector, *algorithm, *identity, *b;
	const char *keyname;	/* <s>._domainkey.<d> */
	bool has_t, has_x, has_l, relaxed_body;
	uint64_t t, x, l;
	enum clock_state clock;
	enum key_state key;
	const char *key_why;	/* KEY_MISSING, KEY_BAD, KEY_TEMPFAIL */
	DKIM_SIGINFO *si;	/* from the prescreen on */
};

struct am_dkim {
	struct am_dkim_lib *lib;
	const struct am_ctx *ctx;
	struct am_dns_session *dns;
	struct am_arena *arena;
	struct am_trace *trace;
	DKIM *d;
	struct sig *sigs, **tail;
	unsigned nsigs;		/* DKIM-Signature fields seen */
	unsigned checked;	/* of them, within max_signatures */
	unsigned candidates;	/* fed to libopendkim and well-formed */
	unsigned fields;	/* header fields seen */
	bool too_many_fields;	/* more than FIELDS_MAX: nothing verified */
	const char *failed;	/* library failure: every result is temperror */
	bool eoh;		/* the header has ended */
	bool verifying;		/* dkim_eoh() found signatures to check */
	bool body;		/* a signature still needs the body */
	bool count_body;	/* a signature has l= */
	struct am_dkim_bodylen len_simple, len_relaxed;
	struct am_buf field;	/* "Name:value" for dkim_header() */
};

/* Marks the message's verification broken (every result becomes
 * temperror); the first cause is kept.  step names the libopendkim call
 * that returned st, or with DKIM_STAT_OK is the whole cause. */
void am_dkim_failed(struct am_dkim *m, const char *step, DKIM_STAT st);

/* "2023-11-14 22:13:20 UTC", from the arena. */
const char *am_dkim_when(struct am_arena *arena, uint64_t t);

#endif
