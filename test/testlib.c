/*
 * testlib.c - helpers shared by the unit tests (see testlib.h).
 */
#include "autoconfig.h"

#include <stdlib.h>
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

/* Room for "prefix: name" of one table row. */
#define TEST_NAME_SIZE 160

int
test_run_table(const char *group, const char *prefix, const void *rows,
    size_t nrows, size_t row_size, CMUnitTestFunction fn,
    const struct CMUnitTest *fixed, size_t nfixed, CMFixtureFunction setup,
    CMFixtureFunction teardown)
{
	struct CMUnitTest *tests = calloc(nrows + nfixed, sizeof(*tests));
	char *names = calloc(nrows, TEST_NAME_SIZE);
	size_t i;
	int rc;

	if (tests == NULL || names == NULL)
		return -1;
	for (i = 0; i < nrows; i++) {
		const void *row = (const char *)rows + i * row_size;

		snprintf(names + i * TEST_NAME_SIZE, TEST_NAME_SIZE, "%s: %s", prefix,
		    *(const char *const *)row);
		tests[i].name = names + i * TEST_NAME_SIZE;
		tests[i].test_func = fn;
		tests[i].initial_state = (void *)row;
	}
	for (i = 0; i < nfixed; i++)
		tests[nrows + i] = fixed[i];
	rc = _cmocka_run_group_tests(group, tests, nrows + nfixed, setup,
	    teardown);
	free(tests);
	free(names);
	return rc;
}

void
test_add_rows(struct CMUnitTest *tests, size_t *n, char (*names)[160],
    const char *prefix, const void *rows, size_t nrows, size_t size,
    CMUnitTestFunction fn)
{
	size_t i;

	for (i = 0; i < nrows; i++, (*n)++) {
		const void *row = (const char *)rows + i * size;

		snprintf(names[*n], sizeof(names[*n]), "%s%s", prefix,
		    *(const char *const *)row);
		memset(&tests[*n], 0, sizeof(tests[*n]));
		tests[*n].name = names[*n];
		tests[*n].test_func = fn;
		tests[*n].initial_state = (void *)(uintptr_t)row;
	}
}

void
test_contains(const char *hay, const char *needle)
{
	if (hay == NULL)
		fail_msg("NULL lacks \"%s\"", needle);
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", hay, needle);
}
