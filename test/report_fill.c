/*
 * report_fill.c - fills a report store with rows for `make bench`
 * (test/bench_daemon.sh): as a busy gateway would have recorded them in
 * one day, through the store's own write path.
 *
 *   report_fill STORE_URI ROWS DOMAINS SOURCES DAY
 *
 * ROWS rows, spread over DOMAINS policy domains (d<N>.example.test,
 * rua=mailto:d@example.test) and SOURCES client addresses, received in
 * the UTC day that begins at DAY (seconds since the epoch); a third fail
 * DMARC, one in ten came through a list.  Batches of 10000 rows, one
 * transaction each.  Prints the rows per second of the writes.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"

#define BATCH 10000

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Row i of the day (strings in the caller's buffers). */
static void
make_row(struct am_report_row *r, unsigned long i, unsigned long domains,
    unsigned long sources, long long day, char *domain, char *ip)
{
	bool fail = i % 3 == 0, list = i % 10 == 0;

	snprintf(domain, 64, "d%lu.example.test", i % domains);
	snprintf(ip, 64, "198.%lu.%lu.%lu", 18 + (i % sources) / 65536 % 2,
	    (i % sources) / 256 % 256, (i % sources) % 256);
	memset(r, 0, sizeof(*r));
	r->received = day + (long long)(i % 86400);
	r->reporter = "mx1.bench.test";
	r->policy_domain = r->header_from = domain;
	r->envelope_from = fail ? "bounce.esp.test" : domain;
	r->source_ip = ip;
	r->p = "reject";
	r->adkim = r->aspf = "r";
	r->testing = "n";
	r->fo = "0";
	r->rua = "mailto:d@example.test";
	r->dmarc = fail ? "fail" : "pass";
	r->disposition = fail ? (list ? "quarantine" : "reject") : "pass";
	r->dkim_aligned = fail ? "fail" : "pass";
	r->spf_aligned = fail ? "fail" : "pass";
	r->reasons = fail && list ? "list\tlist mail: List-Id\n" : "";
	r->dkim = fail ? "esp.test\ts1\tpass\n" : "example.test\tsel\tpass\n";
	r->spf_domain = r->envelope_from;
	r->spf_scope = "mfrom";
	r->spf_result = fail ? "softfail" : "pass";
	r->why = fail ? "SPF softfail for bounce.esp.test; DKIM d=esp.test "
			"passed but is not aligned" :
			"SPF pass is aligned";
}

int
main(int argc, char **argv)
{
	static struct am_report_row rows[BATCH];
	static struct am_report_row *p[BATCH];
	static char domains[BATCH][64], ips[BATCH][64];
	unsigned long total, ndomains, nsources, i, n;
	struct am_store *s;
	char err[512];
	long long day;
	double t;

	if (argc != 6) {
		fprintf(stderr, "usage: report_fill STORE_URI ROWS DOMAINS "
				"SOURCES DAY\n");
		return 64;
	}
	total = strtoul(argv[2], NULL, 10);
	ndomains = strtoul(argv[3], NULL, 10);
	nsources = strtoul(argv[4], NULL, 10);
	day = strtoll(argv[5], NULL, 10);
	if (ndomains == 0 || nsources == 0 ||
	    (s = am_store_open(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "report_fill: %s\n", ndomains == 0 ||
		    nsources == 0 ? "DOMAINS and SOURCES must be > 0" : err);
		return 1;
	}
	t = now();
	for (i = 0; i < total; i += n) {
		n = total - i < BATCH ? total - i : BATCH;
		for (size_t k = 0; k < n; k++) {
			make_row(&rows[k], i + k, ndomains, nsources, day,
			    domains[k], ips[k]);
			p[k] = &rows[k];
		}
		if (!am_store_write(s, p, n, NULL, 0, err, sizeof(err))) {
			fprintf(stderr, "report_fill: %s\n", err);
			am_store_close(s);
			return 1;
		}
	}
	t = now() - t;
	printf("%lu rows written in %.1f s (%.0f rows/s)\n", total, t,
	    (double)total / t);
	am_store_close(s);
	return 0;
}
