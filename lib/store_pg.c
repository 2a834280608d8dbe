/*
 * store_pg.c - the report store on PostgreSQL (see store_driver.h), for a
 * fleet: every gateway writes into one database, one of them (or a cron
 * job elsewhere) sends the reports.  libpq, one connection per handle;
 * statements are prepared once per connection ("?" becomes "$n").
 * Migrations and the send lock use advisory locks, which the server
 * releases when a connection ends.
 *
 * Debian: libpq-dev.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_driver.h"

#define CACHE 32
/* advisory lock keys: "am" "mi"(grate) and "am" "se"(nd) */
#define MIGRATE_KEY "1634560361"
#define SEND_KEY    "1634562917"

struct db {
	PGconn *conn;
	const char *cache[CACHE]; /* statement i is named "am<i>" */
	size_t ncache;
};

static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* NOTICEs ("already exists, skipping") */
}

/* libpq's message without its final line break. */
static bool
error(struct db *db, PGresult *res, char *err, size_t errlen)
{
	const char *m = res != NULL ? PQresultErrorMessage(res) : "";
	size_t n;

	if (m[0] == '\0')
		m = PQerrorMessage(db->conn);
	if (err != NULL) {
		snprintf(err, errlen, "%s", m);
		n = strlen(err);
		while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
			err[--n] = '\0';
	}
	PQclear(res);
	return false;
}

static void
db_close(void *arg)
{
	struct db *db = arg;

	if (db == NULL)
		return;
	PQfinish(db->conn);
	free(db);
}

static void *
db_open(const char *uri, char *err, size_t errlen)
{
	static const char *const keys[] = {"dbname", "connect_timeout",
	    "application_name", NULL};
	const char *values[] = {uri, "5", "authmilter", NULL};
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* expand_dbname: the URI gives everything; connect_timeout is
	 * added unless the URI says otherwise. */
	db->conn = PQconnectdbParams(keys, values, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		if (db->conn == NULL)
			snprintf(err, errlen, "out of memory");
		else
			error(db, NULL, err, errlen);
		db_close(db);
		return NULL;
	}
	PQsetNoticeProcessor(db->conn, quiet, NULL);
	return db;
}

static bool
db_script(void *arg, const char *sql, char *err, size_t errlen)
{
	struct db *db = arg;
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return error(db, res, err, errlen);
	PQclear(res);
	return true;
}

/* "?" placeholders as "$1", "$2"... (our SQL has no "?" in literals). */
static char *
numbered(const char *sql)
{
	size_t n = 1, len = strlen(sql), i, o = 0;
	char *out = malloc(len * 4 + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (sql[i] == '?')
			o += (size_t)snprintf(out + o, len * 4 + 1 - o, "$%zu",
			    n++);
		else
			out[o++] = sql[i];
	}
	out[o] = '\0';
	return out;
}

/* The name of sql's prepared statement, preparing it on first use. */
static bool
prepare(struct db *db, const char *sql, char *name, size_t size, char *err,
    size_t errlen)
{
	PGresult *res;
	char *text;
	size_t i;

	for (i = 0; i < db->ncache; i++)
		if (db->cache[i] == sql) {
			snprintf(name, size, "am%u", (unsigned)i);
			return true;
		}
	if (db->ncache == CACHE) {
		snprintf(err, errlen, "too many statements");
		return false;
	}
	snprintf(name, size, "am%u", (unsigned)db->ncache);
	if ((text = numbered(sql)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	res = PQprepare(db->conn, name, text, 0, NULL);
	free(text);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return error(db, res, err, errlen);
	PQclear(res);
	db->cache[db->ncache++] = sql;
	return true;
}

static bool
db_exec(void *arg, const char *sql, const char *const *params, size_t n,
    am_store_row_fn *fn, void *fnarg, char *err, size_t errlen)
{
	struct db *db = arg;
	const char *cols[64];
	char name[32];
	PGresult *res;
	int r, c, nc, nr;

	if (!prepare(db, sql, name, sizeof(name), err, errlen))
		return false;
	res = PQexecPrepared(db->conn, name, (int)n, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		return error(db, res, err, errlen);
	nr = PQntuples(res);
	nc = PQnfields(res) > 64 ? 64 : PQnfields(res);
	for (r = 0; fn != NULL && r < nr; r++) {
		for (c = 0; c < nc; c++)
			cols[c] = PQgetisnull(res, r, c) ? NULL :
							   PQgetvalue(res, r, c);
		if (!fn(fnarg, cols, (size_t)nc))
			break;
	}
	PQclear(res);
	return true;
}

/*
 * Pipeline mode (libpq 14): every row sent, then one sync, then the
 * results read: one round trip for the batch.  Batches stay small
 * enough (store.c: 256 rows) that neither side's socket buffer fills
 * while the other waits, which libpq's documentation warns of.
 */
static bool
db_exec_many(void *arg, const char *sql, const char *const *params,
    size_t nparams, size_t nrows, char *err, size_t errlen)
{
	struct db *db = arg;
	PGresult *res;
	ExecStatusType st;
	char name[32];
	size_t r, nulls = 0;
	bool ok = true;

	if (!prepare(db, sql, name, sizeof(name), err, errlen))
		return false;
	if (PQenterPipelineMode(db->conn) != 1)
		return error(db, NULL, err, errlen);
	for (r = 0; ok && r < nrows; r++)
		ok = PQsendQueryPrepared(db->conn, name, (int)nparams,
			 params + r * nparams, NULL, NULL, 0) == 1;
	if (!ok || PQpipelineSync(db->conn) != 1) {
		error(db, NULL, err, errlen);
		PQexitPipelineMode(db->conn);
		return false;
	}
	/* each query's results end with a NULL; the sync ends the batch */
	while (nulls <= nrows) {
		if ((res = PQgetResult(db->conn)) == NULL) {
			if (PQstatus(db->conn) == CONNECTION_BAD)
				break;
			nulls++;
			continue;
		}
		st = PQresultStatus(res);
		if (st == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			PQexitPipelineMode(db->conn);
			return ok;
		}
		if (st != PGRES_COMMAND_OK && ok) {
			ok = false;
			error(db, res, err, errlen);
		} else
			PQclear(res);
	}
	if (ok)
		error(db, NULL, err, errlen);
	return false;
}

static bool
db_begin(void *arg, bool exclusive, char *err, size_t errlen)
{
	return db_script(arg, exclusive ? "BEGIN; SELECT "
					  "pg_advisory_xact_lock(" MIGRATE_KEY
					  ")" :
					  "BEGIN",
	    err, errlen);
}

static bool
db_lock(void *arg, bool *got, char *err, size_t errlen)
{
	struct db *db = arg;
	PGresult *res = PQexec(db->conn,
	    "SELECT pg_try_advisory_lock(" SEND_KEY ")");

	*got = false;
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		return error(db, res, err, errlen);
	*got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return true;
}

static void
db_unlock(void *arg)
{
	db_script(arg, "SELECT pg_advisory_unlock(" SEND_KEY ")", NULL, 0);
}


const struct am_store_driver am_store_pg = {
	.open = db_open,
	.close = db_close,
	.exec = db_exec,
	.exec_many = db_exec_many,
	.script = db_script,
	.begin = db_begin,
	.lock = db_lock,
	.unlock = db_unlock,
	.id_type = "BIGSERIAL PRIMARY KEY",
};
