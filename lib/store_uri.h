/*
 * store_uri.h - where the report store is:
 *   sqlite:/var/lib/authmilter/reports.db
 *   postgresql://user:password@host:5432/dbname  (or postgres://)
 */
#ifndef AM_STORE_URI_H
#define AM_STORE_URI_H

#include <stdbool.h>
#include <stddef.h>

/* True when uri has the form of a store; *why otherwise. */
bool am_store_uri_valid(const char *uri, const char **why);

/* uri for messages: a PostgreSQL password replaced by "***". */
void am_store_uri_display(const char *uri, char *out, size_t size);

#endif
