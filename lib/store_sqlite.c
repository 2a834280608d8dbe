/*
 * store_sqlite.c - the report store on SQLite (see store_driver.h): one
 * file, WAL mode so that readers (authmilter-report) never block the
 * daemon's writer, a busy timeout for writers of several processes on
 * one host.  Statements are prepared once and kept.  The send lock is an
 * flock() on "<file>.lock", released when the process ends.
 *
 * Debian: libsqlite3-dev.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_driver.h"

#define CACHE 32
#define BUSY_MS 10000

struct db {
	sqlite3 *h;
	char *path;
	int lock_fd;
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[CACHE];
};

static void
db_close(void *arg)
{
	struct db *db = arg;
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < CACHE; i++)
		sqlite3_finalize(db->cache[i].stmt);
	sqlite3_close(db->h);
	if (db->lock_fd >= 0)
		close(db->lock_fd);
	free(db->path);
	free(db);
}

static bool
error(struct db *db, char *err, size_t errlen)
{
	if (err != NULL)
		snprintf(err, errlen, "%s", sqlite3_errmsg(db->h));
	return false;
}

static bool
db_script(void *arg, const char *sql, char *err, size_t errlen)
{
	struct db *db = arg;
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) == SQLITE_OK)
		return true;
	if (err != NULL)
		snprintf(err, errlen, "%s", msg != NULL ? msg :
		    sqlite3_errmsg(db->h));
	sqlite3_free(msg);
	return false;
}

static void *
db_open(const char *path, char *err, size_t errlen)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL || (db->path = strdup(path)) == NULL) {
		free(db);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	db->lock_fd = -1;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
		SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		error(db, err, errlen);
		db_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db->h, BUSY_MS);
	/* The first statement reads the file: a corrupt one fails here
	 * ("file is not a database"). */
	if (!db_script(db, "PRAGMA journal_mode = WAL; "
			   "PRAGMA synchronous = NORMAL", err, errlen)) {
		db_close(db);
		return NULL;
	}
	return db;
}

static sqlite3_stmt *
prepared(struct db *db, const char *sql)
{
	size_t i;

	for (i = 0; i < CACHE && db->cache[i].sql != NULL; i++)
		if (db->cache[i].sql == sql) {
			sqlite3_reset(db->cache[i].stmt);
			sqlite3_clear_bindings(db->cache[i].stmt);
			return db->cache[i].stmt;
		}
	if (i == CACHE) { /* full: the oldest goes */
		sqlite3_finalize(db->cache[0].stmt);
		memmove(&db->cache[0], &db->cache[1],
		    (CACHE - 1) * sizeof(db->cache[0]));
		i = CACHE - 1;
	}
	db->cache[i].sql = sql;
	if (sqlite3_prepare_v2(db->h, sql, -1, &db->cache[i].stmt, NULL) !=
	    SQLITE_OK) {
		db->cache[i].sql = NULL;
		db->cache[i].stmt = NULL;
		return NULL;
	}
	return db->cache[i].stmt;
}

/* Integers bind as integers (comparisons and arithmetic on INTEGER
 * columns), everything else as text. */
static int
bind(sqlite3_stmt *st, int i, const char *v)
{
	char *end;
	long long n;

	if (v == NULL)
		return sqlite3_bind_null(st, i);
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v != '\0' && *end == '\0' && errno == 0 &&
	    (v[0] != '0' || v[1] == '\0') && v[0] != '+' && v[0] != ' ')
		return sqlite3_bind_int64(st, i, n);
	/* the caller's strings outlive the statement's run (db_exec) */
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static bool
db_exec(void *arg, const char *sql, const char *const *params, size_t n,
    am_store_row_fn *fn, void *fnarg, char *err, size_t errlen)
{
	struct db *db = arg;
	const char *cols[64];
	sqlite3_stmt *st;
	size_t i;
	int rc, nc;

	if ((st = prepared(db, sql)) == NULL)
		return error(db, err, errlen);
	for (i = 0; i < n; i++)
		if (bind(st, (int)i + 1, params[i]) != SQLITE_OK) {
			error(db, err, errlen);
			sqlite3_reset(st);
			return false;
		}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nc = sqlite3_column_count(st);
		if (nc > 64)
			nc = 64;
		for (i = 0; i < (size_t)nc; i++)
			cols[i] = (const char *)sqlite3_column_text(st, (int)i);
		if (fn != NULL && !fn(fnarg, cols, (size_t)nc))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		error(db, err, errlen);
		sqlite3_reset(st);
		return false;
	}
	sqlite3_reset(st);
	return true;
}

static bool
db_exec_many(void *arg, const char *sql, const char *const *params,
    size_t nparams, size_t nrows, char *err, size_t errlen)
{
	size_t r;

	for (r = 0; r < nrows; r++)
		if (!db_exec(arg, sql, params + r * nparams, nparams, NULL,
			NULL, err, errlen))
			return false;
	return true;
}

static bool
db_begin(void *arg, bool exclusive, char *err, size_t errlen)
{
	(void)exclusive; /* IMMEDIATE: the write lock now, not at the first
			    write, so two migrations cannot interleave */
	return db_script(arg, "BEGIN IMMEDIATE", err, errlen);
}

static bool
db_lock(void *arg, bool *got, char *err, size_t errlen)
{
	struct db *db = arg;
	char path[4096];

	*got = false;
	if (db->lock_fd < 0) {
		snprintf(path, sizeof(path), "%s.lock", db->path);
		if ((db->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC,
			 0600)) < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return false;
		}
	}
	if (flock(db->lock_fd, LOCK_EX | LOCK_NB) == 0)
		*got = true;
	else if (errno != EWOULDBLOCK) {
		snprintf(err, errlen, "lock: %s", strerror(errno));
		return false;
	}
	return true;
}

static void
db_unlock(void *arg)
{
	struct db *db = arg;

	if (db->lock_fd >= 0)
		flock(db->lock_fd, LOCK_UN);
}


const struct am_store_driver am_store_sqlite = {
	.open = db_open,
	.close = db_close,
	.exec = db_exec,
	.exec_many = db_exec_many,
	.script = db_script,
	.begin = db_begin,
	.lock = db_lock,
	.unlock = db_unlock,
	.id_type = "INTEGER PRIMARY KEY",
};
