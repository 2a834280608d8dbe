/*
 * recorder.c - the report queue and its writer thread (see recorder.h).
 *
 * Producers (milter threads) hold the lock only to link an item; the
 * writer holds it only to unlink a batch.  Rows are built outside the
 * lock, from the verdict, into heap blocks (report.h) that the writer
 * frees once written or dropped.
 *
 * The store is the writer's alone.  When it cannot be opened, or a write
 * fails (the batch is then dropped and counted: a retry could write it
 * twice), the writer closes it and tries again after 1, 2, 4 ... 30
 * seconds; meanwhile the queue fills up to reports.queue_size and then
 * drops.
 */
#include "autoconfig.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "metrics.h"
#include "recorder.h"
#include "report.h"
#include "report_limit.h"
#include "store.h"

#define BATCH		 1000
#define FLUSH_MS	 250 /* rows wait at most this long for company */
#define PER_MESSAGE	 8  /* rows or failure reports from one message */
#define BACKOFF_MAX	 30 /* seconds between attempts to open the store */
#define STOP_SECONDS	 10 /* what is queued at stop: written within this */
#define DROP_LOG_SECONDS 10

struct item {
	struct item *next;
	struct am_report_row *row;
	struct am_report_failure *failure;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake, done;
	struct item *head, **tail;
	size_t n, cap;
	bool running, stopping, finished;
	char *uri;	  /* the store to use */
	unsigned gen;	  /* bumped when uri changes */
	pthread_t thread;
	struct am_report_limit limit;
} rec = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
    PTHREAD_COND_INITIALIZER, NULL, &rec.head, 0, 0, false, false, false,
    NULL, 0, 0, {{{0, 0}}}};

static atomic_ulong drops_unlogged;
static atomic_llong drop_logged_at;

static void
item_free(struct item *it)
{
	free(it->row);
	free(it->failure);
	free(it);
}

/* Counts a drop; at most one line per DROP_LOG_SECONDS says how many. */
static void
dropped(unsigned long n, const char *why)
{
	long long now = (long long)time(NULL), last;
	unsigned long count;

	metrics_report(METRICS_REPORT_QUEUE_FULL, n);
	atomic_fetch_add(&drops_unlogged, n);
	last = atomic_load(&drop_logged_at);
	if (now - last < DROP_LOG_SECONDS ||
	    !atomic_compare_exchange_strong(&drop_logged_at, &last, now))
		return;
	count = atomic_exchange(&drops_unlogged, 0);
	log_msg(AM_LOG_WARNING, "reports: %lu report rows dropped: %s", count,
	    why);
}

/* Links items; drops (and frees) those past the queue's bound. */
static void
enqueue(struct item **items, size_t n)
{
	size_t i, lost = 0;

	pthread_mutex_lock(&rec.lock);
	for (i = 0; i < n; i++) {
		if (!rec.running || rec.stopping || rec.n >= rec.cap) {
			item_free(items[i]);
			lost++;
			continue;
		}
		*rec.tail = items[i];
		rec.tail = &items[i]->next;
		rec.n++;
	}
	/* The writer comes by every FLUSH_MS: woken only for a full batch,
	 * so that a message costs no wake-up and a transaction carries
	 * many rows. */
	if (rec.n >= BATCH)
		pthread_cond_signal(&rec.wake);
	pthread_mutex_unlock(&rec.lock);
	if (lost > 0)
		dropped(lost, "the queue is full (reports.queue_size): the "
			      "store is unavailable or too slow");
}

static struct item *
item_new(struct am_report_row *row, struct am_report_failure *failure)
{
	struct item *it = calloc(1, sizeof(*it));

	if (it == NULL) {
		free(row);
		free(failure);
		return NULL;
	}
	it->row = row;
	it->failure = failure;
	return it;
}

/* Failure reports past the per-domain limit are not kept. */
static bool
within_limit(const struct am_report_failure *f, unsigned per_hour,
    int64_t now)
{
	bool ok;

	pthread_mutex_lock(&rec.lock);
	ok = am_report_limit_take(&rec.limit, f->policy_domain, now, per_hour);
	pthread_mutex_unlock(&rec.lock);
	if (!ok)
		metrics_report(METRICS_REPORT_LIMITED, 1);
	return ok;
}

void
recorder_eom(struct eom *e)
{
	const struct am_report_config *cfg = &e->rt->cfg->reports;
	struct am_report_failure *fails[PER_MESSAGE];
	struct am_report_row *rows[PER_MESSAGE];
	struct item *items[2 * PER_MESSAGE];
	struct am_report_input in;
	size_t nr, nf, n = 0, i;

	if (!cfg->record || e->status == SMFIS_TEMPFAIL)
		return; /* deferred: it comes back and is recorded then */
	memset(&in, 0, sizeof(in));
	in.received = (int64_t)time(NULL);
	in.reporter = e->rt->ctx->host;
	in.authserv_id = e->rt->ctx->authserv_id;
	in.queue_id = e->qid;
	in.redact = cfg->failure_redaction == AM_REDACT_LOCAL_PARTS;
	nr = am_report_rows(e->v, &in, rows, PER_MESSAGE);
	nf = cfg->failure_reports ? am_report_failures(e->v, &in, fails,
					PER_MESSAGE) : 0;
	for (i = 0; i < nr; i++)
		if ((items[n] = item_new(rows[i], NULL)) != NULL)
			n++;
	for (i = 0; i < nf; i++) {
		if (!within_limit(fails[i], cfg->failure_rate, in.received))
			free(fails[i]);
		else if ((items[n] = item_new(NULL, fails[i])) != NULL)
			n++;
	}
	if (n > 0)
		enqueue(items, n);
}

/* The writer's view of the store. */
struct writer {
	struct am_store *store;
	char *uri;
	unsigned gen;
	time_t retry_at;
	unsigned backoff;
	bool failing;	/* the last attempt failed: log when it is back */
	bool last_try;	/* stopping: one more attempt was made */
	bool waited;	/* a wait for company was made since the last batch */
};

/* Opens the store when it is time to try (called unlocked). */
static void
try_open(struct writer *w)
{
	char err[512], shown[256];

	am_store_uri_display(w->uri, shown, sizeof(shown));
	if ((w->store = am_store_open(w->uri, err, sizeof(err))) != NULL) {
		log_msg(AM_LOG_NOTICE, "reports: recording into %s%s", shown,
		    w->failing ? " (the store is back)" : "");
		w->failing = false;
		w->backoff = 1;
		metrics_report_store(true);
		return;
	}
	log_msg(AM_LOG_ERR, "reports: cannot open the store: %s; report rows "
	    "wait in memory (at most reports.queue_size), next attempt in "
	    "%u s", err, w->backoff);
	w->failing = true;
	w->retry_at = time(NULL) + w->backoff;
	w->backoff = w->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
						    w->backoff * 2;
	metrics_report_store(false);
}

/* Writes one batch (called unlocked); a failure drops it and closes the
 * store. */
static void
write_batch(struct writer *w, struct item *batch, size_t n)
{
	struct am_report_failure *fails[BATCH];
	struct am_report_row *rows[BATCH];
	size_t nr = 0, nf = 0;
	struct item *it, *next;
	char err[512];

	for (it = batch; it != NULL; it = it->next)
		if (it->row != NULL)
			rows[nr++] = it->row;
		else
			fails[nf++] = it->failure;
	if (am_store_write(w->store, rows, nr, fails, nf, err, sizeof(err)))
		metrics_report(METRICS_REPORT_WRITTEN, n);
	else {
		metrics_report(METRICS_REPORT_STORE_ERROR, n);
		log_msg(AM_LOG_ERR, "reports: %zu report rows lost, the store "
		    "failed: %s", n, err);
		am_store_close(w->store);
		w->store = NULL;
		w->failing = true;
		w->retry_at = time(NULL) + w->backoff;
		metrics_report_store(false);
	}
	for (it = batch; it != NULL; it = next) {
		next = it->next;
		item_free(it);
	}
}

/* Unlinks up to BATCH items (locked). */
static struct item *
take(size_t *n)
{
	struct item *batch = rec.head, **end = &rec.head;

	*n = 0;
	while (*end != NULL && *n < BATCH) {
		end = &(*end)->next;
		(*n)++;
	}
	rec.head = *end;
	*end = NULL;
	if (rec.head == NULL)
		rec.tail = &rec.head;
	rec.n -= *n;
	return batch;
}

/* Waits (locked) for a full batch or FLUSH_MS, or until the next
 * attempt to open the store. */
static void
wait_for_work(const struct writer *w)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	if (w->store == NULL && w->retry_at > until.tv_sec)
		until.tv_sec = w->retry_at;
	else {
		until.tv_nsec += FLUSH_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	if ((rec.n < BATCH || w->store == NULL) && !rec.stopping)
		pthread_cond_timedwait(&rec.wake, &rec.lock, &until);
}

/* One round of the writer (locked on entry and exit); false: stop. */
static bool
round_once(struct writer *w)
{
	struct item *batch;
	size_t n;

	if (w->gen != rec.gen) { /* a reload named another store */
		free(w->uri);
		w->uri = strdup(rec.uri);
		w->gen = rec.gen;
		w->retry_at = 0;
		w->backoff = 1;
		pthread_mutex_unlock(&rec.lock);
		am_store_close(w->store);
		w->store = NULL;
		pthread_mutex_lock(&rec.lock);
	}
	if (w->store == NULL && w->uri != NULL &&
	    (time(NULL) >= w->retry_at || (rec.stopping && !w->last_try))) {
		w->last_try = rec.stopping;
		pthread_mutex_unlock(&rec.lock);
		try_open(w);
		pthread_mutex_lock(&rec.lock);
	}
	if (rec.stopping && (rec.n == 0 || w->store == NULL))
		return false;
	if (w->store == NULL || (rec.n < BATCH && !rec.stopping &&
				    !w->waited)) {
		wait_for_work(w);
		w->waited = true;
		return true;
	}
	w->waited = false;
	if (rec.n == 0)
		return true;
	batch = take(&n);
	pthread_mutex_unlock(&rec.lock);
	write_batch(w, batch, n);
	pthread_mutex_lock(&rec.lock);
	return true;
}

static void *
writer_main(void *arg)
{
	struct writer w = {NULL, NULL, 0, 0, 1, false, false, false};
	struct item *batch, *it, *next;
	size_t n;

	(void)arg;
	pthread_mutex_lock(&rec.lock);
	while (round_once(&w))
		;
	/* Stopping without a store: what is left is lost, and said so. */
	batch = take(&n);
	rec.finished = true;
	pthread_cond_broadcast(&rec.done);
	pthread_mutex_unlock(&rec.lock);
	if (n > 0) {
		metrics_report(METRICS_REPORT_STORE_ERROR, n);
		log_msg(AM_LOG_ERR, "reports: %zu report rows lost at stop: "
		    "the store is unavailable", n);
	}
	for (it = batch; it != NULL; it = next) {
		next = it->next;
		item_free(it);
	}
	am_store_close(w.store);
	free(w.uri);
	return NULL;
}

void
recorder_configure(const struct am_config *cfg)
{
	const struct am_report_config *r = &cfg->reports;
	char *uri;

	if (!r->record && !rec.running)
		return; /* never enabled: no thread, no store */
	if ((uri = strdup(r->store)) == NULL) {
		log_msg(AM_LOG_ERR, "reports: out of memory");
		return;
	}
	pthread_mutex_lock(&rec.lock);
	rec.cap = r->queue_size;
	if (rec.uri == NULL || strcmp(rec.uri, uri) != 0) {
		free(rec.uri);
		rec.uri = uri;
		rec.gen++;
		uri = NULL;
	}
	if (!rec.running) {
		metrics_report_store(false); /* the series exist from now */
		if (pthread_create(&rec.thread, NULL, writer_main, NULL) == 0)
			rec.running = true;
		else
			log_msg(AM_LOG_ERR, "reports: cannot start the writer "
			    "thread: nothing is recorded");
	}
	pthread_cond_signal(&rec.wake);
	pthread_mutex_unlock(&rec.lock);
	free(uri);
}

void
recorder_stop(void)
{
	struct timespec until;
	bool finished;
	size_t left;

	pthread_mutex_lock(&rec.lock);
	if (!rec.running) {
		pthread_mutex_unlock(&rec.lock);
		return;
	}
	rec.stopping = true;
	pthread_cond_signal(&rec.wake);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += STOP_SECONDS;
	while (!rec.finished &&
	    pthread_cond_timedwait(&rec.done, &rec.lock, &until) != ETIMEDOUT)
		;
	finished = rec.finished;
	left = rec.n;
	pthread_mutex_unlock(&rec.lock);
	if (finished)
		pthread_join(rec.thread, NULL);
	else
		log_msg(AM_LOG_WARNING, "reports: the store did not take the "
		    "last %zu rows within %d s; exiting without them", left,
		    STOP_SECONDS);
}
