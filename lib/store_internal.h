/*
 * store_internal.h - the store handle and its statement runner, shared by
 * store.c (opening, migrating, writing) and store_query.c (reading for
 * reports and for the operator).  Not for use elsewhere.
 */
#ifndef AM_STORE_INTERNAL_H
#define AM_STORE_INTERNAL_H

#include <inttypes.h>
#include <stdio.h>

#include "store.h"
#include "store_driver.h"

struct am_store {
	const struct am_store_driver *drv;
	void *db;
	char uri[256]; /* for messages, password hidden */
};

/* Runs one statement (see store_driver.h); err names the store. */
bool am_store_exec(struct am_store *s, const char *sql,
    const char *const *params, size_t n, am_store_row_fn *fn, void *arg,
    char *err, size_t errlen);

/* Numbers travel as text; a few per statement. */
struct am_store_nums {
	char v[6][24];
	size_t n;
};

static inline const char *
am_store_num(struct am_store_nums *b, int64_t v)
{
	snprintf(b->v[b->n], sizeof(b->v[0]), "%" PRId64, v);
	return b->v[b->n++];
}

#endif
