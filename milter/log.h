/*
 * log.h - the daemon's logger: syslog, or standard error in the
 * foreground.  Level filtering happens here, never at call sites.
 */
#ifndef AM_MILTER_LOG_H
#define AM_MILTER_LOG_H

#include <stdbool.h>

#include "config.h"
#include "eom.h"

/* Starts logging; facility is a syslog facility name ("mail").  To
 * syslog, lines go to standard error as well until log_detached(). */
void log_open(bool to_stderr, const char *facility);

/* Syslog only from now on: standard error is gone (detached). */
void log_detached(void);

/* Changes the threshold (a reload may). */
void log_set_level(enum am_log_level level);

void log_msg(enum am_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The line of a message's verdict, and at debug level every step of
 * its evaluation, as a consumer of the end of a message (eom.h). */
void log_eom(struct eom *e);

#endif
