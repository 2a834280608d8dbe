/*
 * ctx.h - the process-wide evaluation context.
 *
 * Everything lib/ needs from the outside world reaches it here: the
 * resolver, the DKIM library, the clock and the settings.  lib/ never
 * reads the clock or the environment itself, so tests can inject both.
 * A context is read-only once built and shared by every thread; a
 * reload builds a new one.
 *
 * am_ctx_new() is the one way the programs build a context: the daemon
 * (one per configuration generation) and authmilter-check both call it,
 * so the checker evaluates a message exactly as the daemon would.
 * am_ctx_init() fills a caller's context with defaults and a borrowed
 * resolver, for hermetic unit tests and fuzz targets.
 */
#ifndef AM_CTX_H
#define AM_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dns.h"

typedef time_t am_clock_fn(void *arg);

struct am_arc_sealer;
struct am_config;
struct am_dkim_lib;
struct am_policy_options;

struct am_ctx {
	struct am_dns *dns;	  /* owned when built by am_ctx_new() */
	struct am_dkim_lib *dkim; /* likewise; NULL: DKIM is not evaluated */
	/* The ARC seal key (arc.seal_key), owned when built by am_ctx_new();
	 * NULL: messages are not sealed. */
	struct am_arc_sealer *arc_sealer;
	const struct am_config *cfg; /* owned by am_ctx_new()'s; else NULL */
	const char *authserv_id;  /* our name in Authentication-Results */
	const char *receiver;	  /* this host's name: SPF %{r} */

	am_clock_fn *clock; /* NULL: 0 (tests must set it when time matters) */
	void *clock_arg;

	unsigned spf_void_limit; /* RFC 7208 4.6.4: 2 */
	unsigned spf_time_limit; /* seconds for one check_host(); 20 */

	/* Local policy; NULL: am_policy_defaults().  Borrowed. */
	const struct am_policy_options *policy;

	/* The verdict header's name, or NULL: incoming ones are removed. */
	const char *verdict_header;

	/* Incoming Authentication-Results also removed: these ids, or all. */
	char *const *authres_remove_ids;
	size_t authres_remove_nids;
	bool authres_remove_all;

	char host[256]; /* storage behind receiver (am_ctx_new) */
};

/* What a program supplies besides the configuration. */
struct am_ctx_env {
	const char *host;      /* this host's name: SPF %{r}, and the
				  authserv-id when the configuration names
				  none */
	am_clock_fn *clock;    /* the wall clock */
	void *clock_arg;
	struct am_dns *dns;    /* NULL: a resolver built from cfg's dns
				  section; else taken over (a zone, or a
				  resolver the caller chose) */
};

/*
 * A context for cfg, which it takes over (freed on failure too), with
 * its own resolver and DKIM library.  NULL with err set when either
 * cannot be built (err names which).  Caller owns; free with
 * am_ctx_free().
 */
struct am_ctx *am_ctx_new(struct am_config *cfg, const struct am_ctx_env *env,
    char *err, size_t errlen);

/* Frees a context from am_ctx_new(), its resolver, DKIM library and
 * configuration.  NULL is a no-op. */
void am_ctx_free(struct am_ctx *ctx);

/* Sets the defaults for everything but dns and clock; dns is borrowed. */
void am_ctx_init(struct am_ctx *ctx, struct am_dns *dns);

/* The current time from the injected clock. */
time_t am_ctx_now(const struct am_ctx *ctx);

#endif
