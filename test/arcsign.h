/*
 * arcsign.h - test-only ARC: a message's chain judged, and a message
 * sealed, by our own verifier and sealer (lib/arc.h), from message text.
 * Keys come from dkimsign.h.  Unit tests, authmilter-check tests, the
 * end-to-end helper and the benchmark share these.
 */
#ifndef AM_ARCSIGN_H
#define AM_ARCSIGN_H

#include <stdbool.h>

#include "arc.h"
#include "buf.h"
#include "dkimsign.h"

/* A sealer for key (its PEM written to a temporary file and read back as
 * the daemon reads seal_key), or NULL with the reason on stderr. */
struct am_arc_sealer *arcsign_sealer(const struct dkimsign_key *key,
    const char *domain, const char *selector);

/* A header field (name and value borrowed) on top of next. */
struct am_header *arcsign_field(struct am_arena *arena, struct am_header *next,
    const char *name, const char *value);

/* The message's header fields (from arena) and its body in CRLF form. */
struct am_header *arcsign_headers(struct am_arena *arena, const char *msg,
    struct am_buf *body);

/* Judges the chain of msg as the daemon would; the chain is returned
 * (free with am_arc_free()) so it can be sealed. */
struct am_arc *arcsign_check(const struct am_ctx *ctx,
    struct am_dns_session *dns, struct am_arena *arena, const char *msg,
    struct am_arc_result *out);

/*
 * Seals msg: its chain is judged, then our set (AAR "i=N; " + authres)
 * is put on top.  Returns the new message (malloc'd; CRLF line ends) or
 * NULL when no set was added (why on stderr).
 */
char *arcsign_seal(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const struct am_arc_sealer *sealer,
    const char *authres, const char *msg);

#endif
