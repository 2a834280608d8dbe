/*
 * log.c - syslog or standard error (see log.h).  Thread-safe: syslog is,
 * and each stderr line is written with one locked stdio call.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static bool use_stderr;
/* Standard error is only used in the foreground, where the pid never
 * changes: read once, not a system call per line. */
static long pid;
/* Syslog, and until log_detached() also standard error: what stops a
 * daemon from starting is seen by whoever started it. */
static atomic_bool echo_stderr;
static atomic_int threshold = AM_LOG_INFO;

static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{"mail", LOG_MAIL}, {"daemon", LOG_DAEMON}, {"user", LOG_USER},
	{"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	{"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	{"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

void
log_open(bool to_stderr, const char *facility)
{
	int f = LOG_MAIL;
	size_t i;

	use_stderr = to_stderr;
	pid = (long)getpid();
	for (i = 0; i < sizeof(facilities) / sizeof(*facilities); i++)
		if (strcmp(facility, facilities[i].name) == 0)
			f = facilities[i].facility;
	if (!use_stderr) {
		openlog("authmilter", LOG_PID | LOG_NDELAY, f);
		atomic_store(&echo_stderr, true);
	}
}

void
log_detached(void)
{
	atomic_store(&echo_stderr, false);
}

void
log_set_level(enum am_log_level level)
{
	atomic_store(&threshold, (int)level);
}

static int
priority(enum am_log_level level)
{
	switch (level) {
	case AM_LOG_ERR:
		return LOG_ERR;
	case AM_LOG_WARNING:
		return LOG_WARNING;
	case AM_LOG_NOTICE:
		return LOG_NOTICE;
	case AM_LOG_INFO:
		return LOG_INFO;
	case AM_LOG_DEBUG:
		return LOG_DEBUG;
	}
	return LOG_INFO;
}

/* Untrusted text (DNS data, header fields) reaches log lines: no byte
 * may start a line of its own or a terminal escape. */
static void
sanitize(char *line)
{
	for (; *line != '\0'; line++)
		if ((unsigned char)*line < 0x20 || *line == 0x7f)
			*line = '?';
}

static void
emit(enum am_log_level level, char *line)
{
	static const char *const names[] = {"error", "warning", "notice",
	    "info", "debug"};
	char stamp[32];
	time_t now;
	struct tm tm;

	if ((int)level > atomic_load(&threshold))
		return;
	sanitize(line);
	if (!use_stderr) {
		syslog(priority(level), "%s", line);
		if (atomic_load(&echo_stderr))
			fprintf(stderr, "authmilter: %s\n", line);
		return;
	}
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s authmilter[%ld]: %s: %s\n", stamp, pid,
	    names[level], line);
}

void
log_msg(enum am_log_level level, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	emit(level, line);
}

void
log_eom(struct eom *e)
{
	const struct am_verdict *v = e->v;
	const struct am_trace_line *l;

	log_msg(AM_LOG_INFO, "%s: %s%s", e->qid, v->summary,
	    e->header_refused ? " (deferred: the MTA refused a header change)" :
				"");
	for (l = v->trace != NULL ? v->trace->head : NULL; l != NULL;
	     l = l->next)
		log_msg(AM_LOG_DEBUG, "%s: %s %*s%s", e->qid, l->method,
		    (int)l->depth * 2, "", l->text);
}
