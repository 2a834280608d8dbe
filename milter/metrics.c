/*
 * metrics.c - the daemon's counters (see metrics.h).
 *
 * Every series is created at zero when the daemon starts, so that a
 * scraper sees "reject 0" rather than nothing (rate() needs the zero).
 * The labels are fixed words of ours, never text from a message.
 */
#include "autoconfig.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "metrics.h"
#include "policy.h"
#include "result.h"

#define NRESULTS (AM_RESULT_PERMERROR + 1)
#define NACTIONS (AM_ACTION_REJECT + 1)

static atomic_ulong messages[NACTIONS];
static atomic_ulong failed;
static atomic_ulong spf[NRESULTS], dkim[NRESULTS], dmarc[NRESULTS];
static atomic_ulong reloads_taken, reloads_refused;
static atomic_ulong connections_refused;
static atomic_ulong report_rows[METRICS_REPORT_LIMITED + 1];
static atomic_int report_store_up = -1; /* -1: reports not recorded */
static time_t started; /* written once, before any thread reads it */

/* The results each method can produce (RFC 8601 2.7), in this order. */
static const enum am_result spf_results[] = {AM_RESULT_NONE,
    AM_RESULT_PASS, AM_RESULT_FAIL, AM_RESULT_SOFTFAIL, AM_RESULT_NEUTRAL,
    AM_RESULT_TEMPERROR, AM_RESULT_PERMERROR};
static const enum am_result dkim_results[] = {AM_RESULT_PASS,
    AM_RESULT_FAIL, AM_RESULT_NEUTRAL, AM_RESULT_POLICY,
    AM_RESULT_TEMPERROR, AM_RESULT_PERMERROR};
static const enum am_result dmarc_results[] = {AM_RESULT_NONE,
    AM_RESULT_PASS, AM_RESULT_FAIL, AM_RESULT_TEMPERROR,
    AM_RESULT_PERMERROR};

static void
count(atomic_ulong *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static unsigned long
value(atomic_ulong *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void
metrics_start(void)
{
	started = time(NULL);
}

void
metrics_eom(struct eom *e)
{
	const struct am_verdict *v = e->v;
	size_t i;

	count(&messages[e->status == SMFIS_TEMPFAIL ? AM_ACTION_TEMPFAIL :
						      v->decision.action]);
	if (v->spf_done)
		count(&spf[v->spf.result]);
	for (i = 0; v->dkim_done && i < v->dkim.count; i++)
		count(&dkim[v->dkim.sigs[i].result]);
	for (i = 0; i < v->nauthors; i++)
		count(&dmarc[v->authors[i].dmarc.result]);
}

void
metrics_failed(void)
{
	count(&failed);
	count(&messages[AM_ACTION_TEMPFAIL]);
}

void
metrics_report(enum metrics_report what, unsigned long n)
{
	atomic_fetch_add_explicit(&report_rows[what], n, memory_order_relaxed);
}

void
metrics_report_store(bool up)
{
	atomic_store(&report_store_up, up ? 1 : 0);
}

void
metrics_reload(bool taken)
{
	count(taken ? &reloads_taken : &reloads_refused);
}

void
metrics_refused(void)
{
	count(&connections_refused);
}

static void
family(struct am_buf *b, const char *name, const char *type,
    const char *help)
{
	am_buf_printf(b, "# HELP authmilter_%s %s\n# TYPE authmilter_%s %s\n",
	    name, help, name, type);
}

/* The report families, once reports are recorded. */
static void
reports(struct am_buf *b)
{
	static const char *const outcomes[] = {"written", "queue_full",
	    "store_error"};
	size_t i;

	if (atomic_load(&report_store_up) < 0)
		return;
	family(b, "report_rows_total", "counter",
	    "DMARC report rows (and failure reports): written to the store, "
	    "or dropped because the queue was full or the store failed.");
	for (i = 0; i < sizeof(outcomes) / sizeof(*outcomes); i++)
		am_buf_printf(b, "authmilter_report_rows_total{outcome=\"%s\"} "
				 "%lu\n",
		    outcomes[i], value(&report_rows[i]));
	family(b, "report_failures_limited_total", "counter",
	    "Failure reports not kept: over reports.failure_rate.");
	am_buf_printf(b, "authmilter_report_failures_limited_total %lu\n",
	    value(&report_rows[METRICS_REPORT_LIMITED]));
	family(b, "report_store_up", "gauge",
	    "1 while the report store is open, 0 while it is unavailable.");
	am_buf_printf(b, "authmilter_report_store_up %d\n",
	    atomic_load(&report_store_up));
}

#define N(a) (sizeof(a) / sizeof(*(a)))

/* The per-method result families. */
static const struct {
	const char *method, *help;
	atomic_ulong *counters;
	const enum am_result *which;
	size_t n;
} methods[] = {
	{"spf", "SPF results, one per evaluated message.", spf, spf_results,
	    N(spf_results)},
	{"dkim", "DKIM results, one per verified signature.", dkim,
	    dkim_results, N(dkim_results)},
	{"dmarc", "DMARC results, one per Author Domain.", dmarc,
	    dmarc_results, N(dmarc_results)},
};

static void
results(struct am_buf *b, size_t m)
{
	char name[32];
	size_t i;

	snprintf(name, sizeof(name), "%s_results_total", methods[m].method);
	family(b, name, "counter", methods[m].help);
	for (i = 0; i < methods[m].n; i++)
		am_buf_printf(b, "authmilter_%s{result=\"%s\"} %lu\n", name,
		    am_result_name(methods[m].which[i]),
		    value(&methods[m].counters[methods[m].which[i]]));
}

void
metrics_render(struct am_buf *b, unsigned connections)
{
	static const char *const actions[NACTIONS] = {"accept", "quarantine",
	    "tempfail", "reject"};
	size_t i;

	family(b, "messages_total", "counter",
	    "Messages evaluated, by what was done with them.");
	for (i = 0; i < NACTIONS; i++)
		am_buf_printf(b, "authmilter_messages_total{action=\"%s\"} %lu\n",
		    actions[i], value(&messages[i]));
	family(b, "messages_failed_total", "counter",
	    "Messages deferred because they could not be evaluated "
	    "(out of memory); counted as tempfail too.");
	am_buf_printf(b, "authmilter_messages_failed_total %lu\n",
	    value(&failed));
	for (i = 0; i < N(methods); i++)
		results(b, i);
	reports(b);
	family(b, "reloads_total", "counter",
	    "SIGHUPs, by whether the new configuration was taken.");
	am_buf_printf(b, "authmilter_reloads_total{outcome=\"taken\"} %lu\n"
			 "authmilter_reloads_total{outcome=\"refused\"} %lu\n",
	    value(&reloads_taken), value(&reloads_refused));
	family(b, "connections", "gauge", "MTA connections open now.");
	am_buf_printf(b, "authmilter_connections %u\n", connections);
	family(b, "connections_refused_total", "counter",
	    "MTA connections answered 451 at connect: max_connections were "
	    "open.");
	am_buf_printf(b, "authmilter_connections_refused_total %lu\n",
	    value(&connections_refused));
	family(b, "start_time_seconds", "gauge",
	    "When the daemon started, in seconds since the epoch.");
	am_buf_printf(b, "authmilter_start_time_seconds %lld\n",
	    (long long)started);
}
