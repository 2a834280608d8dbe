/*
 * recorder.h - recording for DMARC reports without ever holding up mail.
 *
 * The end-of-message consumer turns a verdict into report rows (and
 * failure reports when enabled) and puts them on a bounded queue; one
 * writer thread takes what is queued and writes it to the store in one
 * transaction at a time.  A full queue drops and counts (metrics, one
 * log line per few seconds); a store that cannot be opened or written
 * is retried with a growing pause while rows wait in the queue; nothing
 * on a milter thread ever waits for the database.
 */
#ifndef AM_MILTER_RECORDER_H
#define AM_MILTER_RECORDER_H

#include "config.h"
#include "eom.h"

/* Starts the writer (the first time reports.record is set) or takes a
 * reloaded configuration: another store is opened, another queue size
 * applies.  Called from the main thread, before the runtime with cfg is
 * installed. */
void recorder_configure(const struct am_config *cfg);

/* Writes what is queued (for at most a few seconds), closes the store
 * and stops the writer.  After the milter threads have stopped. */
void recorder_stop(void);

/* The end-of-message consumer (eom.h): records the message when its
 * configuration says reports.record and it was not deferred. */
void recorder_eom(struct eom *e);

#endif
