/*
 * dns_threads.c - the libunbound source under concurrent use: several
 * threads start lookups on one shared resolver, collect some, cancel
 * others before or after their answers arrive, and wait out timeouts
 * against a server that never answers.  Every answer must be the right
 * one; under ASan the reference counting of queries between waiters and
 * the collector thread must neither leak nor touch freed memory.
 *
 * Usage: dns_threads PORT   (nsd serving spf.test on 127.0.0.1:PORT)
 * Prints TAP.
 */
#include "autoconfig.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dns.h"

#define THREADS 8
#define ROUNDS	60

static struct am_dns *live, *silent;
static atomic_uint wrong, answered, nxdomains, timeouts, cancelled;
static pthread_mutex_t first_lock = PTHREAD_MUTEX_INITIALIZER;
static char first_wrong[256]; /* what the first wrong answer was */

static void
record_wrong(const char *what, const struct am_dns_answer *a)
{
	wrong++;
	pthread_mutex_lock(&first_lock);
	if (first_wrong[0] == '\0')
		snprintf(first_wrong, sizeof(first_wrong), "%s: %s (%s), %zu "
		    "records", what, am_dns_status_name(a->status),
		    a->why != NULL ? a->why : "-", a->count);
	pthread_mutex_unlock(&first_lock);
}

static void *
worker(void *arg)
{
	unsigned id = (unsigned)(size_t)arg, round;
	char name[64];

	for (round = 0; round < ROUNDS; round++) {
		struct am_arena *arena = am_arena_new();
		struct am_dns_query *q1, *q2, *q3 = NULL;
		struct am_dns_answer a;

		snprintf(name, sizeof(name), "nx%u-%u.spf.test", id, round);
		q1 = am_dns_start(live, "spf.test", AM_DNS_TXT);
		q2 = am_dns_start(live, name, AM_DNS_TXT);
		if (round % 10 == 0)
			q3 = am_dns_start(silent, "spf.test", AM_DNS_TXT);
		if (round % 3 == 0) {
			am_dns_cancel(q1);
			cancelled++;
		} else {
			am_dns_collect(q1, arena, &a);
			if (a.status == AM_DNS_OK && a.count == 1 &&
			    strncmp(a.rr[0].text, "v=spf1 ", 7) == 0)
				answered++;
			else
				record_wrong("TXT spf.test", &a);
		}
		am_dns_collect(q2, arena, &a);
		if (a.status == AM_DNS_NXDOMAIN)
			nxdomains++;
		else
			record_wrong(name, &a);
		if (q3 != NULL) {
			if (round % 20 == 0) {
				am_dns_collect(q3, arena, &a);
				if (a.status == AM_DNS_TEMPFAIL &&
				    strcmp(a.why, "timeout") == 0)
					timeouts++;
				else
					record_wrong("silent spf.test", &a);
			} else {
				am_dns_cancel(q3);
				cancelled++;
			}
		}
		am_arena_free(arena);
	}
	return NULL;
}

static struct am_dns *
resolver(const char *fwd, unsigned timeout_ms)
{
	const char *fwds[1] = {fwd};
	struct am_dns_options opt;
	struct am_dns *dns;
	char err[256];

	memset(&opt, 0, sizeof(opt));
	opt.forwarders = fwds;
	opt.nforwarders = 1;
	opt.timeout_ms = timeout_ms;
	opt.resolve_special_names = true;
	if ((dns = am_dns_new_unbound(&opt, err, sizeof(err))) == NULL) {
		printf("Bail out! %s\n", err);
		exit(99);
	}
	return dns;
}

int
main(int argc, char **argv)
{
	pthread_t t[THREADS];
	char fwd[64];
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: dns_threads PORT\n");
		return 99;
	}
	snprintf(fwd, sizeof(fwd), "127.0.0.1@%s", argv[1]);
	/* Generous: this test is about answers and reference counts, and a
	 * CI machine running the sanitizer build beside it can be slow. */
	live = resolver(fwd, 20000);
	silent = resolver("127.0.0.2@9", 300);
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	am_dns_free(live);
	am_dns_free(silent);
	printf("%sok 1 - %u threads share one resolver: every answer right "
	       "(%u wrong)\n", wrong == 0 ? "" : "not ", THREADS,
	    (unsigned)wrong);
	if (wrong > 0)
		printf("# first wrong answer: %s\n", first_wrong);
	printf("%sok 2 - records collected: %u\n",
	    answered == THREADS * (ROUNDS - ROUNDS / 3) ? "" : "not ",
	    (unsigned)answered);
	printf("%sok 3 - NXDOMAIN collected: %u\n",
	    nxdomains == THREADS * ROUNDS ? "" : "not ", (unsigned)nxdomains);
	printf("%sok 4 - timeouts waited out: %u\n",
	    timeouts == THREADS * (ROUNDS / 20) ? "" : "not ",
	    (unsigned)timeouts);
	printf("ok 5 - lookups cancelled before collection: %u\n",
	    (unsigned)cancelled);
	printf("1..5\n");
	return 0;
}
