/*
 * testlib.c - helpers shared by the unit tests (see testlib.h).
 */
#include "autoconfig.h"

#include <string.h>

#include "testlib.h"

static time_t
test_clock(void *arg)
{
	struct test_env *env = arg;
	time_t t = env->now;

	env->now += env->step;
	return t;
}

void
test_env_init(struct test_env *env, const char *zone_text)
{
	struct am_zone *zone = am_zone_new();
	char err[256];

	memset(env, 0, sizeof(*env));
	assert_non_null(zone);
	if (!am_zone_parse(zone, zone_text, strlen(zone_text), err,
		sizeof(err)))
		fail_msg("zone: %s", err);
	env->dns = am_dns_new_zone(zone);
	assert_non_null(env->dns);
	am_ctx_init(&env->ctx, env->dns);
	env->ctx.authserv_id = "mx.test.example";
	env->ctx.receiver = "mx.test.example";
	env->ctx.clock = test_clock;
	env->ctx.clock_arg = env;
	env->now = 1700000000;
	test_env_reset(env);
}

void
test_env_reset(struct test_env *env)
{
	if (env->session != NULL)
		am_dns_session_end(env->session);
	am_arena_free(env->arena);
	env->arena = am_arena_new();
	assert_non_null(env->arena);
	env->session = am_dns_session_new(env->dns, env->arena);
	assert_non_null(env->session);
}

void
test_env_free(struct test_env *env)
{
	am_dns_session_end(env->session);
	am_arena_free(env->arena);
	am_dns_free(env->dns);
}
