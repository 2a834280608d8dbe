/*
 * milterbench.c - a milter measured through the milter protocol the way
 * an MTA drives it (`make bench`, `make soak`: test/bench_daemon.sh,
 * test/soak.sh).
 *
 *   milterbench [-c CONNECTIONS] [-n MESSAGES] [-m PER_CONNECTION]
 *               [-p PID] HOST PORT CORPUS
 *
 * CORPUS lists the messages, one a line: "CLIENT_IP MAIL_FROM VERDICT
 * FILE" (VERDICT: accept, quarantine, reject or tempfail, the verdict
 * the message must get; # starts a comment).  MESSAGES messages (default
 * 1000) are sent, taking the corpus in turn, by CONNECTIONS concurrent
 * clients (default 1); each client opens a milter connection per
 * PER_CONNECTION messages (default 1: one connection per message, a
 * connection per SMTP session as Postfix has it) and sends one
 * transaction per message, with milterclient.c's protocol handling.
 *
 * Prints the messages per second, the median and 99th percentile of the
 * time from the end of a message to its verdict, the verdicts, and with
 * -p the CPU time the process PID (the milter) spent per message, from
 * its utime + stime in /proc/PID/stat before and after: what the milter
 * costs, whatever the load generator on the same cores costs.  The last
 * line ("RESULT key=value ...") is for scripts.
 *
 * Exit status 0, or 1 when a message got another verdict than its
 * corpus line says or a connection failed (each is counted, the run goes
 * on), or 2 on a usage error.
 */
#include "autoconfig.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "milterclient.h"

#define MAX_CORPUS 64

struct run {
	const char *host, *port;
	struct mc_message *corpus[MAX_CORPUS];
	size_t ncorpus;
	unsigned total, per_conn;
	atomic_uint next;
	double *latency; /* one per message */
};

struct client {
	struct run *run;
	pthread_t thread;
	unsigned verdicts[MC_NVERDICTS];
	unsigned unexpected, failures;
	const char *last_error;
};

/* The session a message goes over: the one open, or a new one. */
static bool
session_for(struct client *c, struct mc_session *s, unsigned *used,
    const struct mc_message *m, enum mc_verdict *refused)
{
	const char *err;

	*refused = MC_ACCEPT;
	if (s->fd >= 0 && *used < c->run->per_conn)
		return true;
	mc_close(s);
	*used = 0;
	if ((err = mc_open(s, c->run->host, c->run->port, m, refused)) ==
	    NULL)
		return true;
	c->failures++;
	c->last_error = err;
	mc_close(s);
	return false;
}

static void
count(struct client *c, const struct mc_message *m, enum mc_verdict v)
{
	c->verdicts[v]++;
	if (v != m->expect)
		c->unexpected++;
}

static void *
client_main(void *arg)
{
	struct client *c = arg;
	struct run *r = c->run;
	struct mc_session s = {.fd = -1};
	struct mc_outcome o;
	const struct mc_message *m;
	enum mc_verdict refused;
	const char *err;
	unsigned i, used = 0;

	while ((i = atomic_fetch_add(&r->next, 1)) < r->total) {
		m = r->corpus[i % r->ncorpus];
		r->latency[i] = 0;
		if (!session_for(c, &s, &used, m, &refused))
			continue;
		if (refused != MC_ACCEPT) {
			count(c, m, refused); /* refused at connect */
			mc_close(&s);
			continue;
		}
		used++;
		if ((err = mc_transaction(&s, m, &o)) != NULL) {
			c->failures++;
			c->last_error = err;
			mc_close(&s);
			continue;
		}
		r->latency[i] = o.latency;
		count(c, m, o.verdict);
	}
	mc_close(&s);
	return NULL;
}

static char *
field(char **p)
{
	char *start;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	start = *p;
	while (**p != '\0' && **p != ' ' && **p != '\t' && **p != '\n')
		(*p)++;
	if (**p != '\0')
		*(*p)++ = '\0';
	return start[0] != '\0' ? start : NULL;
}

/* Reads the corpus file; false with the reason on standard error. */
static bool
corpus_read(struct run *r, const char *path)
{
	char line[4096], *p, *ip, *from, *verdict, *file;
	enum mc_verdict v;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "milterbench: %s: %s\n", path, strerror(errno));
		return false;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		p = line;
		if ((ip = field(&p)) == NULL || ip[0] == '#')
			continue;
		from = field(&p);
		verdict = field(&p);
		file = field(&p);
		if (file == NULL || r->ncorpus == MAX_CORPUS ||
		    (v = mc_verdict_parse(verdict)) == MC_NVERDICTS) {
			fprintf(stderr, "milterbench: %s: bad line \"%s\"\n",
			    path, ip);
			fclose(fp);
			return false;
		}
		if ((r->corpus[r->ncorpus] = mc_message_read(file, ip, from,
			 v)) == NULL) {
			fclose(fp);
			return false;
		}
		r->ncorpus++;
	}
	fclose(fp);
	if (r->ncorpus == 0)
		fprintf(stderr, "milterbench: %s: no message\n", path);
	return r->ncorpus > 0;
}

/* utime + stime of pid, in seconds; -1 when unreadable. */
static double
cpu_seconds(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long utime, stime;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/* after the command name: state is field 3, utime 14, stime 15 */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		&utime, &stime) != 2)
		return -1;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* VmRSS of pid in KB; 0 when unreadable. */
static unsigned long
rss_kb(long pid)
{
	char path[64], line[256];
	unsigned long kb = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmRSS: %lu", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
report(struct run *r, const struct client *cl, unsigned nconn,
    double elapsed, long pid, double cpu)
{
	unsigned v, c, verdicts[MC_NVERDICTS] = {0}, unexpected = 0,
			failures = 0;
	double p50, p99;

	for (c = 0; c < nconn; c++) {
		for (v = 0; v < MC_NVERDICTS; v++)
			verdicts[v] += cl[c].verdicts[v];
		unexpected += cl[c].unexpected;
		failures += cl[c].failures;
		if (cl[c].last_error != NULL)
			fprintf(stderr, "milterbench: client %u: %s\n", c,
			    cl[c].last_error);
	}
	qsort(r->latency, r->total, sizeof(*r->latency), by_value);
	p50 = r->latency[r->total / 2] * 1e6;
	p99 = r->latency[r->total * 99 / 100] * 1e6;
	printf("  %u connections, %u messages (%u a connection): %.0f "
	       "messages/s\n", nconn, r->total, r->per_conn,
	    (double)r->total / elapsed);
	printf("  end of message -> verdict: median %.1f us, 99th pct %.1f "
	       "us\n", p50, p99);
	printf("  verdicts:");
	for (v = 0; v < MC_NVERDICTS; v++)
		printf(" %u %s%s", verdicts[v], mc_verdict_name(v),
		    v + 1 < MC_NVERDICTS ? "," : "");
	printf("; %u not as expected, %u connections failed\n", unexpected,
	    failures);
	if (pid > 0)
		printf("  milter (pid %ld) CPU: %.3f ms/message, resident "
		       "%lu KB\n", pid, cpu * 1e3 / r->total, rss_kb(pid));
	printf("RESULT messages=%u rate=%.0f p50_us=%.1f p99_us=%.1f "
	       "cpu_ms=%.4f rss_kb=%lu unexpected=%u failures=%u\n",
	    r->total, (double)r->total / elapsed, p50, p99,
	    pid > 0 ? cpu * 1e3 / r->total : 0.0, pid > 0 ? rss_kb(pid) : 0,
	    unexpected, failures);
}

static int
usage(void)
{
	fprintf(stderr, "usage: milterbench [-c CONNECTIONS] [-n MESSAGES] "
			"[-m PER_CONNECTION] [-p PID] HOST PORT CORPUS\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static struct run r = {.total = 1000, .per_conn = 1};
	struct client *cl;
	unsigned c, nconn = 1, bad = 0;
	long pid = 0;
	double t0, cpu0 = 0, cpu = 0;
	int opt;

	while ((opt = getopt(argc, argv, "c:n:m:p:")) != -1) {
		switch (opt) {
		case 'c':
			nconn = (unsigned)atoi(optarg);
			break;
		case 'n':
			r.total = (unsigned)atoi(optarg);
			break;
		case 'm':
			r.per_conn = (unsigned)atoi(optarg);
			break;
		case 'p':
			pid = atol(optarg);
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != 3 || nconn == 0 || r.total == 0 ||
	    r.per_conn == 0)
		return usage();
	r.host = argv[optind];
	r.port = argv[optind + 1];
	if (!corpus_read(&r, argv[optind + 2]) ||
	    (cl = calloc(nconn, sizeof(*cl))) == NULL ||
	    (r.latency = calloc(r.total, sizeof(*r.latency))) == NULL)
		return 1;
	if (pid > 0 && (cpu0 = cpu_seconds(pid)) < 0) {
		fprintf(stderr, "milterbench: no process %ld\n", pid);
		return 1;
	}
	t0 = mc_now();
	for (c = 0; c < nconn; c++) {
		cl[c].run = &r;
		pthread_create(&cl[c].thread, NULL, client_main, &cl[c]);
	}
	for (c = 0; c < nconn; c++) {
		pthread_join(cl[c].thread, NULL);
		bad += cl[c].unexpected + cl[c].failures;
	}
	if (pid > 0)
		cpu = cpu_seconds(pid) - cpu0;
	report(&r, cl, nconn, mc_now() - t0, pid, cpu);
	for (c = 0; c < r.ncorpus; c++)
		mc_message_free(r.corpus[c]);
	free(cl);
	free(r.latency);
	return bad == 0 ? 0 : 1;
}
