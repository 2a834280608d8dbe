/*
 * status.h - the daemon's HTTP status endpoint (status.listen in
 * authmilter.conf(5)): GET /health for load balancers and service
 * monitors, GET /metrics for Prometheus.
 */
#ifndef AM_MILTER_STATUS_H
#define AM_MILTER_STATUS_H

#include <stdbool.h>
#include <stddef.h>

/* Binds listen ("inet:PORT@HOST" or "inet6:PORT@HOST"), before the
 * daemon detaches and drops root.  False with the reason in err. */
bool status_open(const char *listen, char *err, size_t errlen);

/* Starts serving in a thread of its own; nothing when status_open() was
 * not called.  False with the reason in err. */
bool status_start(char *err, size_t errlen);

/* Stops the thread and closes the socket. */
void status_stop(void);

#endif
