/* unit_dns_cache.c - the process's cache of final DNS answers. */
#include "autoconfig.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "dns_cache.h"
#include "dns_source.h"

/* A TXT answer of two records, the second with a NUL byte. */
static void
txt_answer(struct am_dns_answer *a, struct am_dns_rr rr[2], unsigned ttl)
{
	am_dns_answer_empty(a, AM_DNS_OK, NULL);
	memset(rr, 0, 2 * sizeof(*rr));
	rr[0].text = "v=spf1 -all";
	rr[0].len = 11;
	rr[1].text = "a\0b";
	rr[1].len = 3;
	a->rr = rr;
	a->count = 2;
	a->ttl = ttl;
	a->canonical = "real.example.test";
	a->dnssec = AM_DNSSEC_SECURE;
}

/* The cached answer to (name, type) at now, from arena; false if none. */
static bool
get(struct am_dns_cache *c, struct am_arena *arena, const char *name,
    enum am_dns_type type, unsigned long now, struct am_dns_answer *out)
{
	struct am_dns_cached *h = am_dns_cache_get(c, name, type, now);

	if (h == NULL)
		return false;
	am_dns_cached_answer(h, now, arena, out);
	return true;
}

static void
cache_returns_the_answer_until_its_ttl_runs_out(void **state)
{
	struct am_dns_cache *c = am_dns_cache_new(64);
	struct am_arena *arena = am_arena_new();
	struct am_dns_answer a, out;
	struct am_dns_rr rr[2];

	(void)state;
	txt_answer(&a, rr, 300);
	assert_false(get(c, arena, "example.test", AM_DNS_TXT, 1000, &out));
	am_dns_cache_put(c, "example.test", AM_DNS_TXT, 1000, &a);
	assert_true(get(c, arena, "example.test", AM_DNS_TXT, 1000, &out));
	assert_int_equal(out.status, AM_DNS_OK);
	assert_int_equal(out.count, 2);
	assert_int_equal(out.rr[0].len, 11);
	assert_string_equal(out.rr[0].text, "v=spf1 -all");
	assert_int_equal(out.rr[1].len, 3);
	assert_memory_equal(out.rr[1].text, "a\0b", 3);
	assert_string_equal(out.canonical, "real.example.test");
	assert_int_equal(out.dnssec, AM_DNSSEC_SECURE);
	assert_int_equal(out.ttl, 300);
	/* 100 s later the TTL has counted down; at 300 s it is gone */
	assert_true(get(c, arena, "example.test", AM_DNS_TXT, 1100, &out));
	assert_int_equal(out.ttl, 200);
	assert_false(get(c, arena, "example.test", AM_DNS_TXT, 1300, &out));
	/* another type, another name: not the same question */
	assert_false(get(c, arena, "example.test", AM_DNS_A, 1000, &out));
	assert_false(get(c, arena, "example.tes", AM_DNS_TXT, 1000, &out));
	am_arena_free(arena);
	am_dns_cache_free(c);
	am_dns_cache_free(NULL);
}

static void
cache_keeps_negative_answers_and_never_failures(void **state)
{
	struct am_dns_cache *c = am_dns_cache_new(64);
	struct am_arena *arena = am_arena_new();
	struct am_dns_answer a, out;

	(void)state;
	am_dns_answer_empty(&a, AM_DNS_NXDOMAIN, NULL);
	a.ttl = 60;
	am_dns_cache_put(c, "ghost.example.test", AM_DNS_TXT, 5, &a);
	assert_true(get(c, arena, "ghost.example.test", AM_DNS_TXT, 5, &out));
	assert_int_equal(out.status, AM_DNS_NXDOMAIN);
	assert_int_equal(out.count, 0);
	assert_null(out.canonical);
	/* a failure, an answer without TTL, a bogus one: not kept */
	am_dns_answer_empty(&a, AM_DNS_TEMPFAIL, "timeout");
	a.ttl = 60;
	am_dns_cache_put(c, "slow.example.test", AM_DNS_TXT, 5, &a);
	assert_false(get(c, arena, "slow.example.test", AM_DNS_TXT, 5, &out));
	am_dns_answer_empty(&a, AM_DNS_NODATA, NULL);
	am_dns_cache_put(c, "nottl.example.test", AM_DNS_TXT, 5, &a);
	assert_false(get(c, arena, "nottl.example.test", AM_DNS_TXT, 5, &out));
	a.ttl = 60;
	a.dnssec = AM_DNSSEC_BOGUS;
	am_dns_cache_put(c, "bogus.example.test", AM_DNS_TXT, 5, &a);
	assert_false(get(c, arena, "bogus.example.test", AM_DNS_TXT, 5, &out));
	am_arena_free(arena);
	am_dns_cache_free(c);
}

static void
cache_replaces_an_answer_and_stays_bounded(void **state)
{
	struct am_dns_cache *c = am_dns_cache_new(32);
	struct am_arena *arena = am_arena_new();
	struct am_dns_answer a, out;
	struct am_dns_rr rr[2];
	char name[64];
	unsigned i, found = 0;

	(void)state;
	txt_answer(&a, rr, 300);
	am_dns_cache_put(c, "example.test", AM_DNS_TXT, 0, &a);
	a.count = 1;
	am_dns_cache_put(c, "example.test", AM_DNS_TXT, 0, &a);
	assert_true(get(c, arena, "example.test", AM_DNS_TXT, 0, &out));
	assert_int_equal(out.count, 1);
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%u.example.test", i);
		am_dns_cache_put(c, name, AM_DNS_TXT, 0, &a);
	}
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%u.example.test", i);
		found += get(c, arena, name, AM_DNS_TXT, 0, &out);
	}
	assert_true(found > 0 && found <= 32);
	am_arena_free(arena);
	am_dns_cache_free(c);
}

static void
cache_refuses_answers_too_large_to_keep(void **state)
{
	struct am_dns_cache *c = am_dns_cache_new(32);
	struct am_arena *arena = am_arena_new();
	static char big[10000];
	struct am_dns_answer a, out;
	struct am_dns_rr rr;

	(void)state;
	memset(big, 'x', sizeof(big));
	am_dns_answer_empty(&a, AM_DNS_OK, NULL);
	memset(&rr, 0, sizeof(rr));
	rr.text = big;
	rr.len = sizeof(big);
	a.rr = &rr;
	a.count = 1;
	a.ttl = 300;
	am_dns_cache_put(c, "big.example.test", AM_DNS_TXT, 0, &a);
	assert_false(get(c, arena, "big.example.test", AM_DNS_TXT, 0, &out));
	am_arena_free(arena);
	am_dns_cache_free(c);
}

struct hammer {
	struct am_dns_cache *c;
	unsigned seed;
	unsigned wrong;
};

/* Threads putting and getting the same few names: every answer got is
 * the one put for its name (run under ThreadSanitizer or ASan). */
static void *
hammer(void *arg)
{
	struct hammer *h = arg;
	struct am_arena *arena = am_arena_new();
	struct am_dns_answer a, out;
	struct am_dns_rr rr;
	char name[32];
	unsigned i, n;

	for (i = 0; i < 20000; i++) {
		n = (i * 7 + h->seed) % 50;
		snprintf(name, sizeof(name), "h%u.test", n);
		am_dns_answer_empty(&a, AM_DNS_OK, NULL);
		memset(&rr, 0, sizeof(rr));
		rr.text = name;
		rr.len = strlen(name);
		a.rr = &rr;
		a.count = 1;
		a.ttl = 10;
		if (i % 3 == 0)
			am_dns_cache_put(h->c, name, AM_DNS_TXT, i / 1000, &a);
		else if (get(h->c, arena, name, AM_DNS_TXT, i / 1000, &out) &&
		    (out.count != 1 || strcmp(out.rr[0].text, name) != 0))
			h->wrong++;
	}
	am_arena_free(arena);
	return NULL;
}

static void
cache_serves_threads_at_once(void **state)
{
	struct hammer h[4];
	pthread_t t[4];
	struct am_dns_cache *c = am_dns_cache_new(64);
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		h[i] = (struct hammer){c, i * 13, 0};
		pthread_create(&t[i], NULL, hammer, &h[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(h[i].wrong, 0);
	}
	am_dns_cache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cache_returns_the_answer_until_its_ttl_runs_out),
		cmocka_unit_test(cache_keeps_negative_answers_and_never_failures),
		cmocka_unit_test(cache_replaces_an_answer_and_stays_bounded),
		cmocka_unit_test(cache_refuses_answers_too_large_to_keep),
		cmocka_unit_test(cache_serves_threads_at_once),
	};
	return cmocka_run_group_tests_name("dns_cache", tests, NULL, NULL);
}
