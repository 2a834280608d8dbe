/*
 * main.c - authmilter, the daemon: options, start-up, privileges,
 * signals, reload and shutdown.
 *
 * Start-up order: read and check the configuration; detach (unless -f);
 * write the pid file; open the milter socket (removing a stale unix
 * socket) and give it its mode and owner; drop root; build the runtime
 * (resolver, DKIM library) as the unprivileged user, so that a reload,
 * which runs as that user too, sees the same files; then serve.
 *
 * Signals: libmilter's own signal thread stops the milter on SIGHUP, so
 * libmilter runs in a thread of its own with HUP, TERM and INT blocked,
 * while the main thread keeps them unblocked with a handler that writes
 * to a pipe.  Blocking alone does not keep them from libmilter's
 * sigwait(): sigwait.c does.  SIGHUP reloads; SIGTERM and SIGINT refuse
 * new connections, let the ones in flight finish (up to 30 seconds),
 * then stop libmilter and exit.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "nodelay.h"
#include "recorder.h"
#include "runtime.h"
#include "sigwait.h"
#include "status.h"

#define DEFAULT_CONFIG "/etc/authmilter.conf"
#define DRAIN_SECONDS  30
#define THREAD_STACK   (512 * 1024)

struct options {
	const char *config; /* NULL: DEFAULT_CONFIG if it exists */
	const char *socket; /* -p overrides milter.socket */
	bool foreground, check;
};

static int signal_pipe[2] = {-1, -1};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: authmilter [-f] [-n] [-c FILE] [-p SOCKET]\n"
		    "  -c FILE    configuration (default " DEFAULT_CONFIG ")\n"
		    "  -p SOCKET  inet:PORT@HOST, inet6:PORT@HOST or unix:PATH\n"
		    "  -f         stay in the foreground, log to standard error\n"
		    "  -n         check the configuration, print the settings "
		    "that differ from the defaults\n"
		    "  -V         print the version\n"
		    "See authmilter(8) and authmilter.conf(5).\n");
}

/*
 * Thread stacks of 512 KB instead of 8 MB (the usual RLIMIT_STACK), set
 * before any thread starts.  libmilter's pool ends a worker whenever two
 * are idle and starts one whenever none is, so under load threads come
 * and go several times a second.  glibc keeps the stacks of ended
 * threads for reuse up to 40 MB: 5 stacks of 8 MB, against 32 or more
 * workers; every other start maps a stack and every other end unmaps
 * one, and the unmapping interrupts every core to flush its TLB.
 * Measured at 32 connections: 18 % of the daemon's CPU went to thread
 * starts and ends, a third of that saved with 80 stacks cached.  The
 * deepest stack the daemon needs fits in 256 KB even under
 * AddressSanitizer (test/abuse.sh and test/soak.sh pass with
 * `ulimit -s 256`); nothing recurses on attacker-chosen depth (comment
 * nesting and SPF includes are bounded).
 */
static void
small_thread_stacks(void)
{
	pthread_attr_t attr;

	if (pthread_attr_init(&attr) != 0)
		return;
	if (pthread_attr_setstacksize(&attr, THREAD_STACK) == 0)
		pthread_setattr_default_np(&attr);
	pthread_attr_destroy(&attr);
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt(argc, argv, "c:p:fnVh")) != -1)
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'p':
			o->socket = optarg;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 'n':
			o->check = true;
			break;
		case 'V':
			printf("authmilter %s\n", PACKAGE_VERSION);
			exit(EX_OK);
		case 'h':
			usage(stdout);
			exit(EX_OK);
		default:
			usage(stderr);
			return EX_USAGE;
		}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	return 0;
}

/* The configuration to run with; NULL with err set when it is invalid. */
static struct am_config *
load_config(const struct options *o, char *err, size_t errlen)
{
	if (o->config == NULL && access(DEFAULT_CONFIG, F_OK) != 0)
		return am_config_defaults();
	return am_config_load(o->config != NULL ? o->config : DEFAULT_CONFIG,
	    err, errlen);
}

static int
check_only(struct am_config *cfg)
{
	const char *file = cfg->file != NULL ? cfg->file :
	    "(no " DEFAULT_CONFIG ": the defaults)";

	printf("# %s: valid\n", file);
	am_config_print_changes(cfg, stdout);
	am_config_free(cfg);
	return EX_OK;
}

/* The write end of the pipe on which a detached daemon tells the command
 * that started it how the start went; -1 in the foreground or once told. */
static int start_report_fd = -1;

/*
 * Becomes a daemon: forks twice, leaves the session and the terminal.
 * The command that started it waits for report_start() and exits with
 * the status reported (EX_SOFTWARE when the daemon died without a word),
 * so that "authmilter" returns only once it serves, or fails.
 */
static bool
detach(void)
{
	int report[2], fd;
	unsigned char code;
	ssize_t n;
	pid_t pid;

	if (pipe(report) != 0 || (pid = fork()) < 0)
		return false;
	if (pid > 0) {
		close(report[1]);
		do
			n = read(report[0], &code, 1);
		while (n < 0 && errno == EINTR);
		_exit(n == 1 ? code : EX_SOFTWARE);
	}
	close(report[0]);
	start_report_fd = report[1];
	if (setsid() < 0 || (pid = fork()) < 0)
		return false;
	if (pid > 0)
		_exit(EX_OK);
	if (chdir("/") != 0 || (fd = open("/dev/null", O_RDWR)) < 0)
		return false;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return true;
}

/* Tells the command waiting in detach() how the start went, once. */
static void
report_start(int code)
{
	unsigned char c = (unsigned char)code;

	if (start_report_fd < 0)
		return;
	while (write(start_report_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(start_report_fd);
	start_report_fd = -1;
}

/* False when the pid file names a process that runs (another authmilter,
 * most likely); a stale pid file is no obstacle. */
static bool
pidfile_free(const char *path)
{
	char buf[32];
	FILE *fp;
	long pid;
	bool running = false;

	if (path[0] == '\0' || (fp = fopen(path, "r")) == NULL)
		return true;
	if (fgets(buf, sizeof(buf), fp) != NULL &&
	    (pid = strtol(buf, NULL, 10)) > 0 && pid != getpid() &&
	    kill((pid_t)pid, 0) == 0) {
		log_msg(AM_LOG_ERR, "%s: authmilter %ld is running", path, pid);
		running = true;
	}
	fclose(fp);
	return !running;
}

static bool
write_pidfile(const char *path)
{
	FILE *fp;

	if (path[0] == '\0')
		return true;
	if ((fp = fopen(path, "w")) == NULL) {
		log_msg(AM_LOG_ERR, "%s: %s", path, strerror(errno));
		return false;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	return fclose(fp) == 0;
}

/*
 * Mode and ownership of a unix socket.  The socket is made before root is
 * dropped; without socket_owner / socket_group it goes to the user and
 * group the daemon is about to become (authmilter.conf(5)).
 */
static bool
own_socket(const char *sock, const struct am_config *cfg)
{
	const char *path = strchr(sock, ':') + 1;
	bool root = geteuid() == 0;
	const char *owner = cfg->socket_owner[0] != '\0' ? cfg->socket_owner :
	    root ? cfg->user : "";
	const char *group = cfg->socket_group[0] != '\0' ? cfg->socket_group :
	    root ? cfg->group : "";
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	struct passwd *pw;
	struct group *gr;

	if (strncmp(sock, "unix:", 5) != 0 && strncmp(sock, "local:", 6) != 0)
		return true;
	if (chmod(path, (mode_t)cfg->socket_mode) != 0) {
		log_msg(AM_LOG_ERR, "chmod %s: %s", path, strerror(errno));
		return false;
	}
	if (owner[0] != '\0') {
		if ((pw = getpwnam(owner)) == NULL) {
			log_msg(AM_LOG_ERR, "socket owner %s: no such user",
			    owner);
			return false;
		}
		uid = pw->pw_uid;
	}
	if (group[0] != '\0') {
		if ((gr = getgrnam(group)) == NULL) {
			log_msg(AM_LOG_ERR, "socket group %s: no such group",
			    group);
			return false;
		}
		gid = gr->gr_gid;
	}
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    chown(path, uid, gid) != 0) {
		log_msg(AM_LOG_ERR, "chown %s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

/* Started as root: become user and group.  Otherwise nothing to do. */
static bool
drop_privileges(const struct am_config *cfg)
{
	struct passwd *pw;
	struct group *gr;

	if (geteuid() != 0)
		return true;
	if ((pw = getpwnam(cfg->user)) == NULL ||
	    (gr = getgrnam(cfg->group)) == NULL) {
		log_msg(AM_LOG_ERR, "user %s or group %s does not exist",
		    cfg->user, cfg->group);
		return false;
	}
	if (setgroups(0, NULL) != 0 || setgid(gr->gr_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		log_msg(AM_LOG_ERR, "cannot become %s:%s: %s", cfg->user,
		    cfg->group, strerror(errno));
		return false;
	}
	return true;
}

static void
on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	(void)write(signal_pipe[1], &c, 1);
	errno = saved;
}

static bool
setup_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	if (pipe(signal_pipe) != 0)
		return false;
	fcntl(signal_pipe[1], F_SETFL, O_NONBLOCK);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGHUP, &sa, NULL) != 0 ||
	    sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0)
		return false;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	return pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0;
}

/* libmilter's thread: HUP, TERM and INT blocked, so that the threads it
 * starts (and its signal thread) leave them to the main thread. */
static void *
milter_main(void *arg)
{
	(void)arg;
	sigwait_block_ours();
	if (smfi_main() != MI_SUCCESS)
		log_msg(AM_LOG_ERR, "libmilter stopped with an error");
	return NULL;
}

/* SIGHUP: the new configuration is checked whole before it replaces the
 * running one; the socket is not reopened. */
static void
reload(const struct options *o)
{
	struct runtime *rt, *old = runtime_acquire();
	struct am_config *cfg;
	char err[512];

	if ((cfg = load_config(o, err, sizeof(err))) == NULL) {
		log_msg(AM_LOG_ERR, "reload refused, the running configuration "
		    "stays: %s", err);
		metrics_reload(false);
		goto out;
	}
	if (o->socket == NULL && old != NULL &&
	    strcmp(cfg->socket, old->cfg->socket) != 0)
		log_msg(AM_LOG_WARNING, "reload: milter.socket changed to %s; "
		    "the socket changes at the next restart", cfg->socket);
	if (old != NULL && cfg->milter_timeout != old->cfg->milter_timeout)
		log_msg(AM_LOG_WARNING, "reload: milter.timeout changed to %u; "
		    "it changes at the next restart", cfg->milter_timeout);
	if (old != NULL && strcmp(cfg->status_listen,
			       old->cfg->status_listen) != 0)
		log_msg(AM_LOG_WARNING, "reload: status.listen changed to "
		    "\"%s\"; the endpoint changes at the next restart",
		    cfg->status_listen);
	if ((rt = runtime_new(cfg, err, sizeof(err))) == NULL) {
		log_msg(AM_LOG_ERR, "reload refused, the running configuration "
		    "stays: %s", err);
		metrics_reload(false);
		goto out;
	}
	recorder_configure(rt->cfg);
	runtime_install(rt);
	metrics_reload(true);
	log_msg(AM_LOG_NOTICE, "configuration reloaded from %s",
	    rt->cfg->file != NULL ? rt->cfg->file : "the defaults");
out:
	if (old != NULL)
		runtime_release(old);
}

/* Serves until SIGTERM or SIGINT; returns the exit status. */
static int
serve(const struct options *o)
{
	struct pollfd pfd = {signal_pipe[0], POLLIN, 0};
	pthread_t milter;
	unsigned char sig;
	time_t deadline;

	if (pthread_create(&milter, NULL, milter_main, NULL) != 0) {
		log_msg(AM_LOG_ERR, "cannot start the milter thread");
		return EX_OSERR;
	}
	for (;;) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		if (read(signal_pipe[0], &sig, 1) != 1)
			continue;
		if (sig == SIGHUP)
			reload(o);
		else
			break;
	}
	/*
	 * libmilter built with its pool of workers (Debian's is) serves no
	 * session any more once smfi_stop() has been called: a message in
	 * flight would be cut off.  So new connections are refused first
	 * (runtime_close(): the negotiation fails, the MTA applies its
	 * milter_default_action), the connections that hold a runtime are
	 * waited for, and only then is libmilter stopped.
	 */
	runtime_close();
	log_msg(AM_LOG_NOTICE, "stopping: no new connections; waiting for "
	    "%u in flight", runtime_sessions());
	deadline = time(NULL) + DRAIN_SECONDS;
	while (runtime_sessions() > 0 && time(NULL) < deadline)
		usleep(100000);
	if (runtime_sessions() > 0)
		log_msg(AM_LOG_WARNING, "%u connections still open after %d s; "
		    "exiting (the MTA retries them)", runtime_sessions(),
		    DRAIN_SECONDS);
	smfi_stop();
	pthread_join(milter, NULL);
	recorder_stop();
	status_stop();
	runtime_install(NULL);
	return EX_OK;
}

/*
 * Everything before serving; returns 0 or the exit status.  What can
 * fail for a reason the administrator must fix (the socket, a daemon
 * already running) is done before detaching, so that the command that
 * starts the daemon fails and says why; no thread exists before the
 * fork.
 */
static int
prepare(const struct options *o, const struct am_config *cfg,
    const char *sock)
{
	char err[512];

	/* libmilter's wait for the MTA (milter.timeout): a client that
	 * stops in the middle of a packet holds a thread this long. */
	if (smfi_register(callbacks_desc) != MI_SUCCESS ||
	    smfi_settimeout((int)cfg->milter_timeout) != MI_SUCCESS ||
	    smfi_setconn((char *)sock) != MI_SUCCESS) {
		log_msg(AM_LOG_ERR, "libmilter refused the socket %s", sock);
		return EX_CONFIG;
	}
	if (!pidfile_free(cfg->pidfile))
		return EX_CANTCREAT;
	/* 1: remove a unix socket left by a crash (it would stop us). */
	if (smfi_opensocket(1) != MI_SUCCESS) {
		log_msg(AM_LOG_ERR, "cannot open the milter socket %s", sock);
		return EX_UNAVAILABLE;
	}
	if (strncmp(sock, "inet", 4) == 0 && nodelay_listeners() != 1)
		log_msg(AM_LOG_WARNING, "TCP_NODELAY not set on %s: each "
		    "verdict may wait for the MTA's delayed ACK", sock);
	if (!own_socket(sock, cfg))
		return EX_NOPERM;
	if (cfg->status_listen[0] != '\0' &&
	    !status_open(cfg->status_listen, err, sizeof(err))) {
		log_msg(AM_LOG_ERR, "%s", err);
		return EX_UNAVAILABLE;
	}
	if (!o->foreground && !detach()) {
		log_msg(AM_LOG_ERR, "cannot detach: %s", strerror(errno));
		return EX_OSERR;
	}
	if (!o->foreground)
		log_detached();
	if (!write_pidfile(cfg->pidfile))
		return EX_CANTCREAT;
	if (!drop_privileges(cfg))
		return EX_NOPERM;
	return 0;
}

static int
start(const struct options *o, struct am_config *cfg)
{
	const char *sock = o->socket != NULL ? o->socket : cfg->socket;
	struct runtime *rt;
	char err[512];
	int code;

	if ((code = prepare(o, cfg, sock)) != 0) {
		am_config_free(cfg);
		return code;
	}
	if ((rt = runtime_new(cfg, err, sizeof(err))) == NULL) {
		log_msg(AM_LOG_ERR, "%s", err);
		return EX_CONFIG;
	}
	recorder_configure(rt->cfg);
	runtime_install(rt);
	metrics_start();
	if (!setup_signals()) {
		log_msg(AM_LOG_ERR, "cannot set up signals: %s",
		    strerror(errno));
		return EX_OSERR;
	}
	if (!status_start(err, sizeof(err))) {
		log_msg(AM_LOG_ERR, "%s", err);
		return EX_OSERR;
	}
	log_msg(AM_LOG_NOTICE, "authmilter %s listening on %s (authserv-id %s)",
	    PACKAGE_VERSION, sock, rt->ctx->authserv_id);
	if (rt->cfg->status_listen[0] != '\0')
		log_msg(AM_LOG_NOTICE, "status endpoint on %s: /health, /metrics",
		    rt->cfg->status_listen);
	report_start(EX_OK);
	return serve(o);
}

int
main(int argc, char **argv)
{
	struct am_config *cfg;
	struct options o;
	const char *why;
	char err[512];
	int code;

	if ((code = parse_args(argc, argv, &o)) != 0)
		return code;
	small_thread_stacks();
	if ((cfg = load_config(&o, err, sizeof(err))) == NULL) {
		fprintf(stderr, "authmilter: %s\n", err);
		return EX_CONFIG;
	}
	if (o.check)
		return check_only(cfg);
	if (o.socket != NULL && !am_config_socket_valid(o.socket, &why)) {
		fprintf(stderr, "authmilter: -p %s: %s\n", o.socket, why);
		am_config_free(cfg);
		return EX_USAGE;
	}
	log_open(o.foreground, cfg->syslog_facility);
	log_set_level(cfg->log_level);
	code = start(&o, cfg);
	report_start(code); /* a start that failed after detaching */
	return code;
}
