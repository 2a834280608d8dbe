/*
 * dnsdrop.c - a UDP DNS relay for the end-to-end suite (test/e2e.sh) that
 * never answers chosen names: the way to make one lookup time out while
 * the real server (nsd) answers the rest.
 *
 *   dnsdrop UPSTREAM_PORT SUFFIX...
 *
 * Listens on an unused UDP port of 127.0.0.1 and prints that port on
 * standard output.  Each query whose name is one of the SUFFIXes or below
 * one is dropped (and named on standard error); every other query goes to
 * 127.0.0.1:UPSTREAM_PORT and its answer back to the asker, matched by
 * the DNS message id.  UDP only: an answer truncated by the server would
 * make the asker retry over TCP, which is not relayed (the suite's
 * answers all fit in a datagram).  Runs until killed.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXMSG 65535

/* Who asked each message id; ids are the asker's, kept as they are. */
static struct sockaddr_in askers[65536];
static bool pending[65536];

static int
bound_socket(void)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The question name of a query as dotted text without the final dot,
 * lower-cased; false for anything that is not a one-question query with
 * an uncompressed name (real resolvers send nothing else).
 */
static bool
qname(const unsigned char *m, size_t len, char *out, size_t outlen)
{
	size_t i = 12, o = 0, n;

	if (len < 12 || (m[2] & 0x80) != 0 || m[4] != 0 || m[5] != 1)
		return false;
	while (i < len && (n = m[i]) != 0) {
		if ((n & 0xc0) != 0 || i + 1 + n > len || o + n + 2 > outlen)
			return false;
		if (o > 0)
			out[o++] = '.';
		for (i++; n > 0; n--, i++)
			out[o++] = (char)tolower(m[i]);
	}
	out[o] = '\0';
	return i < len;
}

/* name is suffix or a name below it. */
static bool
under(const char *name, const char *suffix)
{
	size_t nl = strlen(name), sl = strlen(suffix);

	if (nl < sl || strcasecmp(name + nl - sl, suffix) != 0)
		return false;
	return nl == sl || name[nl - sl - 1] == '.';
}

static void
from_asker(int listen_fd, int up_fd, const struct sockaddr_in *upstream,
    char **suffixes, int nsuffixes)
{
	static unsigned char m[MAXMSG];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	char name[256];
	ssize_t len;
	unsigned id;
	int k;

	len = recvfrom(listen_fd, m, sizeof(m), 0, (struct sockaddr *)&from,
	    &fl);
	if (len < 12)
		return;
	if (qname(m, (size_t)len, name, sizeof(name)))
		for (k = 0; k < nsuffixes; k++)
			if (under(name, suffixes[k])) {
				fprintf(stderr, "dnsdrop: dropped %s\n", name);
				return;
			}
	id = (unsigned)m[0] << 8 | m[1];
	askers[id] = from;
	pending[id] = true;
	(void)sendto(up_fd, m, (size_t)len, 0,
	    (const struct sockaddr *)upstream, sizeof(*upstream));
}

static void
from_upstream(int listen_fd, int up_fd)
{
	static unsigned char m[MAXMSG];
	ssize_t len = recv(up_fd, m, sizeof(m), 0);
	unsigned id;

	if (len < 12)
		return;
	id = (unsigned)m[0] << 8 | m[1];
	if (!pending[id])
		return;
	pending[id] = false;
	(void)sendto(listen_fd, m, (size_t)len, 0,
	    (const struct sockaddr *)&askers[id], sizeof(askers[id]));
}

int
main(int argc, char **argv)
{
	struct sockaddr_in upstream, me;
	socklen_t ml = sizeof(me);
	struct pollfd pfd[2];
	long port;

	if (argc < 3 || (port = strtol(argv[1], NULL, 10)) <= 0 ||
	    port > 65535) {
		fprintf(stderr, "usage: dnsdrop UPSTREAM_PORT SUFFIX...\n");
		return 1;
	}
	memset(&upstream, 0, sizeof(upstream));
	upstream.sin_family = AF_INET;
	upstream.sin_port = htons((unsigned short)port);
	upstream.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	pfd[0].fd = bound_socket();
	pfd[1].fd = bound_socket();
	if (pfd[0].fd < 0 || pfd[1].fd < 0 ||
	    getsockname(pfd[0].fd, (struct sockaddr *)&me, &ml) != 0) {
		perror("dnsdrop: socket");
		return 1;
	}
	printf("%u\n", (unsigned)ntohs(me.sin_port));
	fflush(stdout);
	pfd[0].events = pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("dnsdrop: poll");
			return 1;
		}
		if (pfd[0].revents & POLLIN)
			from_asker(pfd[0].fd, pfd[1].fd, &upstream, argv + 2,
			    argc - 2);
		if (pfd[1].revents & POLLIN)
			from_upstream(pfd[0].fd, pfd[1].fd);
	}
}
