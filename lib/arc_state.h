/*
 * arc_state.h - the per-message state of ARC, shared by arc.c (collecting
 * and verifying the chain) and arc_seal.c (adding our set).  Not a public
 * interface.
 */
#ifndef AM_ARC_STATE_H
#define AM_ARC_STATE_H

#include <stdbool.h>
#include <time.h>

#include <openssl/evp.h>

#include "arc.h"
#include "arc_internal.h"
#include "bodycanon.h"

/* ARC header fields kept per message: 50 sets of three.  One more means
 * more than 50 sets, or repeats: the chain fails either way (5.2). */
#define AM_ARC_FIELDS_MAX (3 * AM_ARC_MAX_SETS)

/* One ARC header field. */
struct am_arc_field {
	enum am_arc_kind kind;
	const struct am_header *h; /* borrowed from the message */
	unsigned instance;	   /* 0: unreadable */
	bool ok;		   /* AMS, AS: the tags are usable */
	struct am_arc_sigtags *tags; /* AMS, AS */
	const char *why;	   /* why the tags are not usable */
	const char *keyname;	   /* <s>._domainkey.<d> */
};

/* The fields of one instance; counts tell repeats. */
struct am_arc_set {
	struct am_arc_field *aar, *ams, *as;
	unsigned naar, nams, nas;
};

/* A body hash under one canonicalization (RFC 6376 3.4.3, 3.4.4). */
struct am_arc_body {
	bool wanted;
	bool done; /* digest holds the hash of the whole body */
	struct am_bodycanon canon;
	EVP_MD_CTX *md;
	unsigned char digest[AM_ARC_HASH_LEN];
	unsigned char buf[AM_BODYCANON_BUF]; /* canon's output runs */
};

struct am_arc {
	const struct am_ctx *ctx;
	struct am_dns_session *dns;
	struct am_arena *arena;
	struct am_trace *trace;
	bool seal;
	/* Allocated from the arena when first needed: a message without a
	 * chain, not sealed, costs this struct alone. */
	struct am_arc_field **fields;
	size_t nfields, cap;
	unsigned extra; /* fields past AM_ARC_FIELDS_MAX */
	bool eoh;
	struct am_arc_body *body[2]; /* [0] simple, [1] relaxed; NULL: not
					wanted */
	struct am_arc_key *keys;    /* looked up, by name */
	const struct am_header *headers; /* the message's, from finish */
	struct am_hdr_index ix;
	bool ix_built;
	struct am_arc_set *sets; /* by instance, 0..AM_ARC_MAX_SETS + 1 */
	unsigned n;		  /* the highest instance */
	const char *broken;	  /* the structure fails (5.2 steps 1-3) */
	bool ended;		  /* the newest AS says cv=fail */
	bool dropped;		  /* an ARC field was not kept */
	bool truncated;		  /* some field was not kept */
	bool finished;
	time_t started;		  /* when the signatures' checks began */
	enum am_result result;	  /* of am_arc_finish() */
};

/* The sets array (allocated once); false on ENOMEM. */
bool am_arc_sets(struct am_arc *arc);

/* The index of the message's header fields (built once). */
bool am_arc_index(struct am_arc *arc, const struct am_header *headers);

/* The canonical data an ARC-Seal of instance i signs (RFC 8617 5.1.1):
 * the sets from first to i, AAR, AMS, AS each, the last AS without its
 * b= value and final CRLF.  Fed to md; false on failure. */
bool am_arc_seal_data(struct am_arc_set *sets, unsigned first, unsigned i,
    EVP_MD_CTX *md);

/* The SHA-256 of md into out. */
bool am_arc_md_final(EVP_MD_CTX *md, unsigned char *out);

#endif
