/*
 * store_driver.h - what a database gives the store (store.c): running one
 * SQL statement with text parameters ("?" placeholders) and reading the
 * rows back as text, scripts, transactions and the send lock.  The
 * operations themselves are written once, in store.c, over this.
 * Not for use outside the store.
 */
#ifndef AM_STORE_DRIVER_H
#define AM_STORE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

/* One result row: ncols values, NULL for SQL NULL.  False stops. */
typedef bool am_store_row_fn(void *arg, const char *const *cols,
    size_t ncols);

struct am_store_driver {
	/* target: what follows "sqlite:", or the whole PostgreSQL URI */
	void *(*open)(const char *target, char *err, size_t errlen);
	void (*close)(void *db);
	/* One statement; fn may be NULL.  Statements are cached by the
	 * address of sql, which must be a constant. */
	bool (*exec)(void *db, const char *sql, const char *const *params,
	    size_t nparams, am_store_row_fn *fn, void *arg, char *err,
	    size_t errlen);
	/* The same statement (no result rows) for nrows rows of nparams
	 * parameters each, params row after row: one round trip where the
	 * database allows it (PostgreSQL's pipeline mode). */
	bool (*exec_many)(void *db, const char *sql,
	    const char *const *params, size_t nparams, size_t nrows,
	    char *err, size_t errlen);
	/* Several statements, no parameters (schema changes). */
	bool (*script)(void *db, const char *sql, char *err, size_t errlen);
	/* A write transaction; exclusive: no other migration meanwhile. */
	bool (*begin)(void *db, bool exclusive, char *err, size_t errlen);
	bool (*lock)(void *db, bool *got, char *err, size_t errlen);
	void (*unlock)(void *db);
	/* the type of a table's row id: "INTEGER PRIMARY KEY" */
	const char *id_type;
};

extern const struct am_store_driver am_store_sqlite;
extern const struct am_store_driver am_store_pg;

#endif
