/*
 * metrics.h - counters of what the daemon did, read by the status
 * endpoint (status.c) in the Prometheus text format.  Lock-free: any
 * thread may count, any may render.
 */
#ifndef AM_MILTER_METRICS_H
#define AM_MILTER_METRICS_H

#include <stdbool.h>

#include "buf.h"
#include "eom.h"

/* Notes the start time; called once, before the threads start. */
void metrics_start(void);

/* Counts a message's verdict and results, as a consumer of the end of
 * a message (eom.h): a deferred message (a temperror, or a header
 * change the MTA refused) counts as tempfail. */
void metrics_eom(struct eom *e);

/* Counts a message deferred because it could not be evaluated. */
void metrics_failed(void);

/* What became of report rows (recorder.c). */
enum metrics_report {
	METRICS_REPORT_WRITTEN,
	METRICS_REPORT_QUEUE_FULL,  /* dropped: the queue was full */
	METRICS_REPORT_STORE_ERROR, /* dropped: the store failed a write */
	METRICS_REPORT_LIMITED,	    /* failure reports over the limit */
};

void metrics_report(enum metrics_report what, unsigned long n);

/* Whether the report store is open (a gauge). */
void metrics_report_store(bool up);

/* Counts a SIGHUP: taken or refused. */
void metrics_reload(bool taken);

/* A connection refused at the connection limit. */
void metrics_refused(void);

/* Appends the exposition text: the counters, the connections open now
 * and the start time. */
void metrics_render(struct am_buf *b, unsigned connections);

#endif
