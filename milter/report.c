/*
 * report.c - authmilter-report: DMARC reports from the store the daemon
 * records into.
 *
 *   authmilter-report [-c FILE] send [--dry-run DIR] [--aggregate |
 *                     --failures] [--now SECONDS]
 *   authmilter-report [-c FILE] show [--json] [--hours N] [--limit N]
 *
 * "send" mails the aggregate reports of every period that has ended
 * (RFC 9990) and the failure reports waiting (RFC 9991, when
 * reports.failure_reports is on) through the local sendmail; run it from
 * cron (hourly is plenty: a report is sent once its period is over, and
 * whatever could not be sent is sent by the next run).  "show" tells the
 * operator which From domains fail DMARC, from where, and why
 * (report_show.c).
 *
 * Exit codes (authmilter-report(1)): 0 done, 64 usage, 69 the store is
 * unavailable, 70 internal error, 75 something is left for the next run
 * (a failed delivery, a DNS failure, or another run holds the lock), 78
 * bad configuration.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "report_cmd.h"
#include "report_send.h"
#include "sendmail.h"
#include "store.h"

#define DEFAULT_CONFIG "/etc/authmilter.conf"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: authmilter-report [-c FILE] send [--dry-run DIR] "
		    "[--aggregate | --failures] [--now SECONDS]\n"
		    "       authmilter-report [-c FILE] show [--json] "
		    "[--hours N] [--limit N] [--now SECONDS]\n"
		    "See authmilter-report(1).\n");
}

static int
parse_args(int argc, char **argv, struct report_options *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"dry-run", required_argument, NULL, 'd'},
		{"aggregate", no_argument, NULL, 'A'},
		{"failures", no_argument, NULL, 'F'},
		{"now", required_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		{"hours", required_argument, NULL, 'H'},
		{"limit", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->hours = 24;
	o->limit = 10;
	o->now = (int64_t)time(NULL);
	while ((c = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1)
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'd':
			o->dry_run = optarg;
			break;
		case 'A':
			o->only = "aggregate";
			break;
		case 'F':
			o->only = "failures";
			break;
		case 'n':
			o->now = strtoll(optarg, NULL, 10);
			break;
		case 'j':
			o->json = true;
			break;
		case 'H':
			o->hours = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'l':
			o->limit = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'V':
			printf("authmilter-report %s\n", PACKAGE_VERSION);
			exit(EX_OK);
		case 'h':
			usage(stdout);
			exit(EX_OK);
		default:
			usage(stderr);
			return EX_USAGE;
		}
	if (optind + 1 != argc || (strcmp(argv[optind], "send") != 0 &&
				      strcmp(argv[optind], "show") != 0) ||
	    o->hours == 0 || o->limit == 0 || o->now <= 0) {
		usage(stderr);
		return EX_USAGE;
	}
	o->command = argv[optind];
	return 0;
}

/* The settings of a run: the configuration's, with the defaults that
 * depend on this host. */
static void
settings(const struct am_config *cfg, struct report_env *env)
{
	const struct am_report_config *r = &cfg->reports;
	struct am_report_settings *s = &env->set;

	if (gethostname(env->host, sizeof(env->host)) != 0)
		snprintf(env->host, sizeof(env->host), "localhost");
	env->host[sizeof(env->host) - 1] = '\0';
	s->submitter = r->org_domain[0] != '\0' ? r->org_domain : env->host;
	s->org_name = r->org_name[0] != '\0' ? r->org_name : s->submitter;
	snprintf(env->contact, sizeof(env->contact), "postmaster@%s",
	    s->submitter);
	s->contact = r->contact[0] != '\0' ? r->contact : env->contact;
	s->extra_contact = r->extra_contact_info;
	s->from = r->from[0] != '\0' ? r->from : s->contact;
	s->report_id_format = r->report_id_format;
	s->generator = "authmilter " PACKAGE_VERSION;
	s->user_agent = "authmilter/" PACKAGE_VERSION;
	s->interval = r->interval;
	s->max_size = (size_t)r->max_size * 1024;
	s->failure_rate = r->failure_rate;
	s->retention_days = r->retention_days;
}

static void
log_line(void *arg, bool problem, const char *msg)
{
	(void)arg;
	fprintf(problem ? stderr : stdout, "authmilter-report: %s\n", msg);
	fflush(problem ? stderr : stdout);
}

static bool
write_file(const char *dir, const char *name, const void *data, size_t len,
    char *err, size_t errlen)
{
	char path[4096], *p;
	FILE *fp;
	bool ok;

	/* names come from addresses and domains: no way out of dir */
	snprintf(path, sizeof(path), "%s/", dir);
	p = path + strlen(path);
	snprintf(p, sizeof(path) - (size_t)(p - path), "%s", name);
	for (; *p != '\0'; p++)
		if (*p == '/' || (unsigned char)*p < 0x20)
			*p = '_';
	if ((fp = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	ok = fwrite(data, 1, len, fp) == len;
	ok = fclose(fp) == 0 && ok;
	if (!ok)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return ok;
}

/* --dry-run: the report file (aggregate) and the message, as files. */
static bool
deliver_file(void *arg, const struct am_report_out *o, char *err,
    size_t errlen)
{
	const struct report_env *env = arg;
	char name[1024];

	if (o->filename != NULL &&
	    !write_file(env->opt->dry_run, o->filename, o->attachment,
		o->attachment_len, err, errlen))
		return false;
	snprintf(name, sizeof(name), "%s.%s.eml", o->report_id, o->to);
	return write_file(env->opt->dry_run, name, o->message, o->len, err,
	    errlen);
}

static bool
deliver_mail(void *arg, const struct am_report_out *o, char *err,
    size_t errlen)
{
	const struct report_env *env = arg;

	return sendmail_send(env->cfg->reports.sendmail, o->from, o->to,
	    o->message, o->len, err, errlen);
}

static int
send_reports(struct report_env *env)
{
	struct am_report_job job;
	char err[1024];
	bool got, ok = true;

	if (!am_store_lock(env->store, &got, err, sizeof(err))) {
		fprintf(stderr, "authmilter-report: %s\n", err);
		return EX_UNAVAILABLE;
	}
	if (!got) {
		fprintf(stderr, "authmilter-report: another authmilter-report "
				"send is running on this store\n");
		return EX_TEMPFAIL;
	}
	memset(&job, 0, sizeof(job));
	job = (struct am_report_job){.store = env->store, .dns = env->dns,
	    .set = &env->set, .now = env->opt->now,
	    .dry_run = env->opt->dry_run != NULL,
	    .deliver = env->opt->dry_run != NULL ? deliver_file : deliver_mail,
	    .deliver_arg = env, .log = log_line};
	if (env->opt->only == NULL || strcmp(env->opt->only, "aggregate") == 0)
		ok = am_report_send_aggregates(&job, err, sizeof(err));
	if (ok && env->cfg->reports.failure_reports &&
	    (env->opt->only == NULL || strcmp(env->opt->only, "failures") == 0))
		ok = am_report_send_failures(&job, err, sizeof(err));
	am_store_unlock(env->store);
	printf("authmilter-report: %u reports built, %u messages %s, %u "
	       "failed, %u deferred, %u destinations refused; %u failure "
	       "reports, %u over the rate limit\n",
	    job.reports, job.delivered, job.dry_run ? "written" : "sent",
	    job.failed, job.deferred, job.refused, job.failure_reports,
	    job.suppressed);
	if (!ok) {
		fprintf(stderr, "authmilter-report: %s\n", err);
		return EX_UNAVAILABLE;
	}
	return job.failed > 0 || job.deferred > 0 ? EX_TEMPFAIL : EX_OK;
}

static struct am_config *
load(const struct report_options *o)
{
	struct am_config *cfg;
	char err[1024];

	if (o->config == NULL && access(DEFAULT_CONFIG, F_OK) != 0)
		return am_config_defaults();
	cfg = am_config_load(o->config != NULL ? o->config : DEFAULT_CONFIG,
	    err, sizeof(err));
	if (cfg == NULL)
		fprintf(stderr, "authmilter-report: %s\n", err);
	return cfg;
}

static int
run(struct report_env *env)
{
	struct am_dns_options dopt;
	char err[1024];

	if (strcmp(env->opt->command, "show") == 0)
		return report_show(env);
	if (env->opt->dry_run != NULL &&
	    mkdir(env->opt->dry_run, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "authmilter-report: %s: %s\n",
		    env->opt->dry_run, strerror(errno));
		return EX_CANTCREAT;
	}
	am_config_dns_options(env->cfg, &dopt);
	if ((env->dns = am_dns_new_unbound(&dopt, err, sizeof(err))) == NULL) {
		fprintf(stderr, "authmilter-report: DNS: %s\n", err);
		return EX_CONFIG;
	}
	return send_reports(env);
}

int
main(int argc, char **argv)
{
	struct report_options o;
	struct report_env env;
	char err[1024];
	int code;

	if ((code = parse_args(argc, argv, &o)) != 0)
		return code;
	memset(&env, 0, sizeof(env));
	env.opt = &o;
	if ((env.cfg = load(&o)) == NULL)
		return EX_CONFIG;
	settings(env.cfg, &env);
	if ((env.store = am_store_open(env.cfg->reports.store, err,
		 sizeof(err))) == NULL) {
		fprintf(stderr, "authmilter-report: %s\n", err);
		am_config_free(env.cfg);
		return EX_UNAVAILABLE;
	}
	code = run(&env);
	am_store_close(env.store);
	am_dns_free(env.dns);
	am_config_free(env.cfg);
	return code;
}
