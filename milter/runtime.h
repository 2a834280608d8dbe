/*
 * runtime.h - everything one configuration needs while mail flows: the
 * evaluation context lib/ builds from it (am_ctx_new(): the
 * configuration, its resolver and DKIM library), refcounted.
 *
 * The current runtime is a refcounted pointer, the daemon's one mutable
 * global besides the stop flag.  A connection takes a reference when it
 * starts and drops it when it closes, so a reload (a new runtime swapped
 * in) never changes the configuration under a message in flight; the old
 * runtime is freed when its last connection ends.
 */
#ifndef AM_MILTER_RUNTIME_H
#define AM_MILTER_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "ctx.h"

struct runtime {
	struct am_ctx *ctx;	     /* owned */
	const struct am_config *cfg; /* ctx->cfg */
	unsigned refs;		     /* under the runtime lock */
};

/* A runtime for cfg, which it takes over.  NULL with err set (cfg is
 * freed). */
struct runtime *runtime_new(struct am_config *cfg, char *err, size_t errlen);

/* The current runtime with a reference taken, or NULL before the first
 * runtime_install() and after runtime_close(). */
struct runtime *runtime_acquire(void);

/* Drops a reference; the last one frees the runtime. */
void runtime_release(struct runtime *rt);

/* As runtime_acquire(), for an MTA connection, which it counts: NULL
 * as well (and *full set) when max_connections of the current runtime
 * are open already.  Ended by runtime_session_end(). */
struct runtime *runtime_session_start(bool *full);

/* The connection is over: drops its reference and its count. */
void runtime_session_end(struct runtime *rt);

/* Makes rt current (taking its first reference) and drops the
 * reference held on the previous one.  NULL: none is current (stop). */
void runtime_install(struct runtime *rt);

/* From now on runtime_acquire() returns NULL: new connections are
 * refused while those that hold a runtime finish. */
void runtime_close(void);

/* A runtime is installed and runtime_close() was not called: new
 * connections are taken. */
bool runtime_is_open(void);

/* Connections that hold a runtime (any generation): sessions started
 * and not ended. */
unsigned runtime_sessions(void);

#endif
