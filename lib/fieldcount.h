/*
 * fieldcount.h - the header fields local policy counts (policy.h): the
 * required and the once-only fields, and the mailing-list fields that
 * are a sign of indirect flow (RFC 2369, RFC 2919).  Counted as each
 * field arrives, so that one past the stored-header limit (message.h)
 * counts like any other: padding a message cannot hide a second From.
 *
 * Memory from the message's arena; one message belongs to one thread.
 */
#ifndef AM_FIELDCOUNT_H
#define AM_FIELDCOUNT_H

#include <stddef.h>

#include "arena.h"
#include "policy.h"

struct am_fieldcount;

/* Counts the fields opt names (its lists are borrowed: they must outlive
 * the message).  NULL on ENOMEM. */
struct am_fieldcount *am_fieldcount_new(
    struct am_arena *arena, const struct am_policy_options *opt);

/* One field's name (len bytes). */
void am_fieldcount_add(struct am_fieldcount *c, const char *name, size_t len);

/* "no Date header field", "2 From header fields (RFC 5322 allows one)",
 * or NULL when the rules hold.  From arena. */
const char *am_fieldcount_problem(
    const struct am_fieldcount *c, struct am_arena *arena);

/* "List-Id", "List-Post" or "List-Unsubscribe" (the first the message
 * has, in that order), or NULL. */
const char *am_fieldcount_list(const struct am_fieldcount *c);

#endif
