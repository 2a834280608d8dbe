/*
 * ctx.c - the process-wide evaluation context (see ctx.h).
 *
 * am_ctx_new() gathers what used to be built by hand in each program:
 * the settings of the configuration, the resolver it describes and the
 * DKIM library, so that the daemon and authmilter-check cannot drift.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"
#include "config.h"
#include "ctx.h"
#include "dkim.h"

void
am_ctx_init(struct am_ctx *ctx, struct am_dns *dns)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->dns = dns;
	ctx->authserv_id = "localhost";
	ctx->receiver = "unknown";
	ctx->spf_void_limit = 2;
	ctx->spf_time_limit = 20;
}

struct am_ctx *
am_ctx_new(struct am_config *cfg, const struct am_ctx_env *env, char *err,
    size_t errlen)
{
	struct am_ctx *ctx = calloc(1, sizeof(*ctx));
	struct am_dns_options dns;
	struct am_dkim_options dk;
	char why[256];

	if (ctx == NULL) {
		snprintf(err, errlen, "out of memory");
		am_dns_free(env->dns);
		am_config_free(cfg);
		return NULL;
	}
	am_ctx_init(ctx, env->dns);
	ctx->cfg = cfg;
	snprintf(ctx->host, sizeof(ctx->host), "%s",
	    env->host != NULL && env->host[0] != '\0' ? env->host :
							"localhost");
	if (ctx->dns == NULL) {
		am_config_dns_options(cfg, &dns);
		if ((ctx->dns = am_dns_new_unbound(&dns, why, sizeof(why))) ==
		    NULL) {
			snprintf(err, errlen, "DNS: %s", why);
			am_ctx_free(ctx);
			return NULL;
		}
	}
	am_config_dkim_options(cfg, &dk);
	if ((ctx->dkim = am_dkim_lib_new(&dk, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "DKIM: %s", why);
		am_ctx_free(ctx);
		return NULL;
	}
	/* a key that cannot seal stops the start, and a reload */
	if (cfg->arc_seal_key[0] != '\0' &&
	    (ctx->arc_sealer = am_arc_sealer_new(cfg->arc_seal_key,
		 cfg->arc_seal_domain, cfg->arc_seal_selector, why,
		 sizeof(why))) == NULL) {
		snprintf(err, errlen, "ARC: %s", why);
		am_ctx_free(ctx);
		return NULL;
	}
	am_config_apply(cfg, ctx->host, ctx);
	ctx->clock = env->clock;
	ctx->clock_arg = env->clock_arg;
	return ctx;
}

void
am_ctx_free(struct am_ctx *ctx)
{
	if (ctx == NULL)
		return;
	am_dkim_lib_free(ctx->dkim);
	am_arc_sealer_free(ctx->arc_sealer);
	am_dns_free(ctx->dns);
	am_config_free((struct am_config *)ctx->cfg);
	free(ctx);
}

time_t
am_ctx_now(const struct am_ctx *ctx)
{
	return ctx->clock != NULL ? ctx->clock(ctx->clock_arg) : 0;
}
