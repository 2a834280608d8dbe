/*
 * ctx.h - the process-wide evaluation context.
 *
 * Everything lib/ needs from the outside world reaches it here: the
 * resolver, the clock, the logger and the settings.  lib/ never reads the
 * clock, the environment or syslog itself, so tests can inject all three.
 * A context is read-only once built and shared by every thread; a reload
 * builds a new one.
 */
#ifndef AM_CTX_H
#define AM_CTX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dns.h"

enum am_log_level {
	AM_LOG_ERR,
	AM_LOG_WARNING,
	AM_LOG_NOTICE,
	AM_LOG_INFO,
	AM_LOG_DEBUG,
};

typedef void am_log_fn(void *arg, enum am_log_level level, const char *msg);
typedef time_t am_clock_fn(void *arg);

struct am_dkim_lib;
struct am_policy_options;

struct am_ctx {
	struct am_dns *dns;	 /* borrowed; outlives the context */
	struct am_dkim_lib *dkim; /* borrowed; NULL: DKIM is not evaluated */
	const char *authserv_id; /* our name in Authentication-Results */
	const char *receiver;	 /* this host's name: SPF %{r} */

	am_clock_fn *clock; /* NULL: 0 (tests must set it when time matters) */
	void *clock_arg;
	am_log_fn *log; /* NULL: nothing is logged */
	void *log_arg;
	enum am_log_level log_level; /* lines above this level are dropped */

	unsigned spf_void_limit;   /* RFC 7208 4.6.4: 2 */
	unsigned spf_time_limit;   /* seconds for one check_host(); 20 */

	/* Local policy; NULL: am_policy_defaults().  Borrowed. */
	const struct am_policy_options *policy;

	/* The verdict header's name, or NULL: incoming ones are removed. */
	const char *verdict_header;

	/* Incoming Authentication-Results also removed: these ids, or all. */
	char *const *authres_remove_ids;
	size_t authres_remove_nids;
	bool authres_remove_all;
};

/* Sets the defaults for everything but dns, clock and log. */
void am_ctx_init(struct am_ctx *ctx, struct am_dns *dns);

/* The current time from the injected clock. */
time_t am_ctx_now(const struct am_ctx *ctx);

/* Logs through the injected logger; level filtering happens here. */
void am_log(const struct am_ctx *ctx, enum am_log_level level,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
