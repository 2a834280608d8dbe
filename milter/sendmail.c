/*
 * sendmail.c - submitting a message through the local sendmail (see
 * sendmail.h).  The child's output (standard output and error) is read
 * back so that a refusal can be explained.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sendmail.h"

#define MAX_ARGS 32

/* Splits command at spaces into argv (pointing into buf). */
static size_t
split(char *buf, char **argv, size_t max)
{
	size_t n = 0;
	char *p = buf;

	while (*p != '\0' && n < max) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		argv[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

static bool
write_all(int fd, const char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += w;
		len -= (size_t)w;
	}
	return true;
}

static void
child(char **argv, int in[2], int out[2])
{
	dup2(in[0], STDIN_FILENO);
	dup2(out[1], STDOUT_FILENO);
	dup2(out[1], STDERR_FILENO);
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
	execv(argv[0], argv);
	fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* What the child said: its first line. */
static void
first_line(int fd, char *line, size_t size)
{
	ssize_t n;
	size_t got = 0;
	char *nl;

	while (got + 1 < size && (n = read(fd, line + got, size - 1 - got)) > 0)
		got += (size_t)n;
	line[got] = '\0';
	if ((nl = strchr(line, '\n')) != NULL)
		*nl = '\0';
}

bool
sendmail_send(const char *command, const char *from, const char *to,
    const char *message, size_t len, char *err, size_t errlen)
{
	char buf[1024], said[512], *argv[MAX_ARGS + 6];
	int in[2], out[2], status;
	bool wrote;
	size_t n;
	pid_t pid;

	snprintf(buf, sizeof(buf), "%s", command);
	if ((n = split(buf, argv, MAX_ARGS)) == 0) {
		snprintf(err, errlen, "reports.sendmail is empty");
		return false;
	}
	argv[n++] = "-i";
	argv[n++] = "-f";
	argv[n++] = (char *)from;
	argv[n++] = "--";
	argv[n++] = (char *)to;
	argv[n] = NULL;
	if (pipe(in) != 0 || pipe(out) != 0 || (pid = fork()) < 0) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0],
		    strerror(errno));
		return false;
	}
	if (pid == 0)
		child(argv, in, out);
	close(in[0]);
	close(out[1]);
	signal(SIGPIPE, SIG_IGN);
	wrote = write_all(in[1], message, len);
	close(in[1]);
	first_line(out[0], said, sizeof(said));
	close(out[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (wrote && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFEXITED(status))
		snprintf(err, errlen, "%s exited with status %d%s%s", argv[0],
		    WEXITSTATUS(status), said[0] != '\0' ? ": " : "", said);
	else
		snprintf(err, errlen, "%s was killed by signal %d", argv[0],
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return false;
}
