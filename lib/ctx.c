/*
 * ctx.c - the process-wide evaluation context (see ctx.h).
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "ctx.h"

void
am_ctx_init(struct am_ctx *ctx, struct am_dns *dns)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->dns = dns;
	ctx->authserv_id = "localhost";
	ctx->receiver = "unknown";
	ctx->log_level = AM_LOG_INFO;
	ctx->spf_void_limit = 2;
	ctx->spf_time_limit = 20;
}

time_t
am_ctx_now(const struct am_ctx *ctx)
{
	return ctx->clock != NULL ? ctx->clock(ctx->clock_arg) : 0;
}

void
am_log(const struct am_ctx *ctx, enum am_log_level level, const char *fmt,
    ...)
{
	char line[1024];
	va_list ap;

	if (ctx->log == NULL || level > ctx->log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ctx->log(ctx->log_arg, level, line);
}
