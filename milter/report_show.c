/*
 * report_show.c - "authmilter-report show": for the operator, the From
 * domains whose mail failed DMARC in the last hours, most failures
 * first, and for each the sources of those failures with the reason
 * the evaluation gave ("SPF pass for esp.example is not aligned with
 * header.from example.com; DKIM d=example.com failed: body hash did not
 * verify"), as text or JSON.
 *
 * Only what the daemon records is shown: messages from domains whose
 * DMARC record asks for reports (rua= or ruf=).
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "buf.h"
#include "json.h"
#include "report_cmd.h"

#define SOURCES 5

struct source {
	char *ip, *why;
	uint64_t count;
};

struct domain {
	char *name;
	uint64_t messages, failed;
	struct source src[SOURCES];
	size_t nsrc;
};

struct list {
	struct domain *d;
	size_t n, cap;
	bool oom;
};

static bool
add_domain(void *arg, const char *name, uint64_t messages, uint64_t failed)
{
	struct list *l = arg;
	struct domain *d;

	if (l->n == l->cap) {
		size_t cap = l->cap > 0 ? l->cap * 2 : 16;

		if ((d = realloc(l->d, cap * sizeof(*d))) == NULL)
			return !(l->oom = true);
		l->d = d;
		l->cap = cap;
	}
	d = &l->d[l->n];
	memset(d, 0, sizeof(*d));
	if ((d->name = strdup(name)) == NULL)
		return !(l->oom = true);
	d->messages = messages;
	d->failed = failed;
	l->n++;
	return true;
}

static bool
add_source(void *arg, const char *ip, const char *why, uint64_t count)
{
	struct domain *d = arg;
	struct source *s;

	if (d->nsrc == SOURCES)
		return false;
	s = &d->src[d->nsrc];
	s->ip = strdup(ip);
	s->why = strdup(why);
	s->count = count;
	if (s->ip == NULL || s->why == NULL) {
		free(s->ip);
		free(s->why);
		return false;
	}
	d->nsrc++;
	return true;
}

static void
since_text(int64_t since, char *out, size_t size)
{
	time_t t = (time_t)since;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm);
}

static void
print_text(const struct list *l, int64_t since, unsigned hours)
{
	char when[64];
	size_t i, j;

	since_text(since, when, sizeof(when));
	if (l->n == 0) {
		printf("No DMARC failures recorded since %s (%u hours).\n", when,
		    hours);
		return;
	}
	printf("DMARC failures since %s (%u hours), by From domain:\n", when,
	    hours);
	for (i = 0; i < l->n; i++) {
		const struct domain *d = &l->d[i];

		printf("\n%s: %" PRIu64 " of %" PRIu64 " messages failed\n",
		    d->name, d->failed, d->messages);
		for (j = 0; j < d->nsrc; j++)
			printf("  %6" PRIu64 "  %-15s  %s\n", d->src[j].count,
			    d->src[j].ip, d->src[j].why);
	}
}

static void
print_json(const struct list *l, int64_t since, unsigned hours)
{
	struct json j;
	size_t i, k;

	json_init(&j, stdout);
	json_object(&j, NULL);
	json_uint(&j, "since", (unsigned long long)since);
	json_uint(&j, "hours", hours);
	json_array(&j, "domains");
	for (i = 0; i < l->n; i++) {
		const struct domain *d = &l->d[i];

		json_object(&j, NULL);
		json_string(&j, "domain", d->name);
		json_uint(&j, "messages", d->messages);
		json_uint(&j, "failed", d->failed);
		json_array(&j, "sources");
		for (k = 0; k < d->nsrc; k++) {
			json_object(&j, NULL);
			json_string(&j, "ip", d->src[k].ip);
			json_uint(&j, "count", d->src[k].count);
			json_string(&j, "reason", d->src[k].why);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	fputc('\n', stdout);
}

static void
list_free(struct list *l)
{
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		for (k = 0; k < l->d[i].nsrc; k++) {
			free(l->d[i].src[k].ip);
			free(l->d[i].src[k].why);
		}
		free(l->d[i].name);
	}
	free(l->d);
}

int
report_show(struct report_env *env)
{
	int64_t since = env->opt->now - (int64_t)env->opt->hours * 3600;
	struct list l = {NULL, 0, 0, false};
	char err[1024];
	bool ok;
	size_t i;

	ok = am_store_top_domains(env->store, since, env->opt->limit,
	    add_domain, &l, err, sizeof(err));
	for (i = 0; ok && i < l.n; i++)
		ok = am_store_top_sources(env->store, l.d[i].name, since,
		    SOURCES, add_source, &l.d[i], err, sizeof(err));
	if (ok && l.oom) {
		snprintf(err, sizeof(err), "out of memory");
		ok = false;
	}
	if (ok && env->opt->json)
		print_json(&l, since, env->opt->hours);
	else if (ok)
		print_text(&l, since, env->opt->hours);
	else
		fprintf(stderr, "authmilter-report: %s\n", err);
	list_free(&l);
	return ok ? EX_OK : EX_UNAVAILABLE;
}
