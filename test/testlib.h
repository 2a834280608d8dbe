/*
 * testlib.h - helpers shared by the unit tests: a context whose DNS is a
 * zone written inline, and an injectable clock.
 */
#ifndef AM_TESTLIB_H
#define AM_TESTLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arena.h"
#include "ctx.h"
#include "dns.h"
#include "zone.h"

struct test_env {
	struct am_ctx ctx;
	struct am_dns *dns;
	struct am_arena *arena;
	struct am_dns_session *session;
	time_t now;   /* what the clock says */
	time_t step;  /* added to now after each reading */
};

/* A context answering from zone_text (zone.h format); fails the test if
 * the text does not parse. */
void test_env_init(struct test_env *env, const char *zone_text);
void test_env_free(struct test_env *env);

/* A fresh lookup session (and arena) for the next evaluation. */
void test_env_reset(struct test_env *env);

/*
 * Runs one cmocka test per row of a table, then the fixed tests.  Each
 * row (row_size bytes) begins with its name, a const char *; its test is
 * named "prefix: name" and gets the row as its state.  Returns what
 * cmocka returns (the number of failures).
 */
int test_run_table(const char *group, const char *prefix, const void *rows,
    size_t nrows, size_t row_size, CMUnitTestFunction fn,
    const struct CMUnitTest *fixed, size_t nfixed, CMFixtureFunction setup,
    CMFixtureFunction teardown);

#define TEST_ROWS(rows) (rows), sizeof(rows) / sizeof((rows)[0]), sizeof((rows)[0])

/*
 * Appends to tests[*n] one named test per row of a table (each row type
 * begins with its name), "prefix" followed by the row's name, stored in
 * names[*n]; *n advances.  For main()s that gather several tables.
 */
void test_add_rows(struct CMUnitTest *tests, size_t *n, char (*names)[160],
    const char *prefix, const void *rows, size_t nrows, size_t size,
    CMUnitTestFunction fn);

/* Fails the test unless hay (which may be NULL) contains needle. */
void test_contains(const char *hay, const char *needle);

#endif
