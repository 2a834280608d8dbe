/*
 * report_cmd.h - what the parts of authmilter-report share: its options
 * and the environment of a run (report.c: options, send; report_show.c:
 * show).
 */
#ifndef AM_MILTER_REPORT_CMD_H
#define AM_MILTER_REPORT_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "dns.h"
#include "report_send.h"
#include "store.h"

struct report_options {
	const char *config;
	const char *command;	/* "send" or "show" */
	const char *dry_run;	/* a directory, or NULL */
	const char *only;	/* "aggregate", "failures", or NULL: both */
	int64_t now;		/* seconds since the epoch */
	bool json;
	unsigned hours, limit;
};

struct report_env {
	const struct report_options *opt;
	struct am_config *cfg;
	struct am_store *store;
	struct am_dns *dns;
	struct am_report_settings set;
	char host[256];
	char contact[320];
};

/* "show": the From domains failing DMARC, their sources and why. */
int report_show(struct report_env *env);

#endif
