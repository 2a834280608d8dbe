/*
 * milterbench.c - the running daemon, measured through the milter
 * protocol the way an MTA drives it (`make bench`, test/bench_daemon.sh).
 *
 *   milterbench HOST PORT MESSAGE.eml CLIENT_IP CONNECTIONS MESSAGES
 *
 * CONNECTIONS threads each open one milter connection and send MESSAGES
 * messages over it (a connection per SMTP session, a message per
 * transaction, as Postfix does), honouring what the daemon negotiated:
 * steps it switched off are not sent, steps it answers no-reply to are
 * not waited for, a SKIP ends the body.  Prints the messages per second,
 * the median and 99th percentile of the time from the end of the message
 * to the daemon's verdict, and the verdicts seen.
 *
 * Exit status 0, or 1 with the reason on standard error (a protocol
 * error, a connection refused, a verdict other than accept).
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/tcp.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#include "buf.h"
#include "dkimsign.h"

#define MAX_PACKET (1024 * 1024)
#define MAX_FIELDS 256

/* The message as an MTA hands it over: fields (name, NUL, value, NUL,
 * ready to send) and the body in CRLF form. */
struct message {
	struct am_buf fields[MAX_FIELDS];
	size_t nfields;
	struct am_buf body;
};

struct job {
	const char *host, *port, *ip;
	const struct message *msg;
	unsigned messages;
	double *latency; /* one per message */
	unsigned accepted;
	const char *error;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		c += w;
		n -= (size_t)w;
	}
	return true;
}

static bool
read_all(int fd, void *p, size_t n)
{
	char *c = p;
	ssize_t r;

	while (n > 0) {
		if ((r = read(fd, c, n)) <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return false;
		}
		c += r;
		n -= (size_t)r;
	}
	return true;
}

/* One packet: length (command included), command, data, in one write
 * as an MTA sends it (three small writes would meet Nagle's algorithm). */
static bool
send_packet(int fd, char cmd, const void *data, size_t len)
{
	uint32_t n = htonl((uint32_t)len + 1);
	char head[5];
	struct iovec iov[2] = {{head, 5}, {(void *)data, len}};
	ssize_t w;

	memcpy(head, &n, 4);
	head[4] = cmd;
	do
		w = writev(fd, iov, len > 0 ? 2 : 1);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return false;
	if ((size_t)w == 5 + len)
		return true;
	/* a short write: the rest the slow way */
	if ((size_t)w < 5)
		return write_all(fd, head + w, 5 - (size_t)w) &&
		    write_all(fd, data, len);
	return write_all(fd, (const char *)data + (w - 5), len - (size_t)(w - 5));
}

/* Reads one packet into buf (at least MAX_PACKET bytes); *len its data. */
static bool
read_packet(int fd, char *cmd, char *buf, size_t *len)
{
	uint32_t n;

	if (!read_all(fd, &n, 4) || (n = ntohl(n)) < 1 || n > MAX_PACKET)
		return false;
	*len = n - 1;
	return read_all(fd, cmd, 1) && read_all(fd, buf, *len);
}

/* Reads until a reply that ends the step (not a header change, not a
 * progress report); its command in *cmd. */
static bool
await_reply(int fd, char *buf, char *cmd)
{
	size_t len;

	do
		if (!read_packet(fd, cmd, buf, &len))
			return false;
	while (*cmd == SMFIR_INSHEADER || *cmd == SMFIR_ADDHEADER ||
	    *cmd == SMFIR_CHGHEADER || *cmd == SMFIR_QUARANTINE ||
	    *cmd == SMFIR_PROGRESS);
	return true;
}

/* Sends a step and, unless the daemon said it needs no reply, waits for
 * one; *cmd is 'c' when none was awaited. */
static bool
step(int fd, char *buf, uint32_t proto, uint32_t no_reply, char what,
    const void *data, size_t len, char *cmd)
{
	*cmd = SMFIR_CONTINUE;
	if (!send_packet(fd, what, data, len))
		return false;
	return (proto & no_reply) != 0 || await_reply(fd, buf, cmd);
}

static int
dial(const char *host, const char *port)
{
	struct addrinfo hints, *ai;
	int fd, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	/* Nagle off, as sendmail's milter client has it: the figures are
	 * the daemon's, not a client's delayed-ACK waits. */
	if ((fd = socket(ai->ai_family, ai->ai_socktype, 0)) >= 0 &&
	    (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
		connect(fd, ai->ai_addr, ai->ai_addrlen) != 0)) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* Appends s and its NUL to p; returns the end. */
static char *
put(char *p, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(p, s, n);
	return p + n;
}

/* The steps before the message: negotiation, connect, HELO.  *proto is
 * the protocol the daemon asked for. */
static const char *
open_session(int fd, char *buf, const struct job *j, uint32_t *proto)
{
	uint32_t neg[3] = {htonl(6), htonl(0x1ff), htonl(0x1fffff)};
	uint16_t port = htons(25);
	char cmd, pkt[512], *p = pkt;
	size_t len;

	if (!send_packet(fd, SMFIC_OPTNEG, neg, sizeof(neg)) ||
	    !read_packet(fd, &cmd, buf, &len) || cmd != SMFIC_OPTNEG ||
	    len < 12)
		return "no option negotiation";
	memcpy(proto, buf + 8, 4);
	*proto = ntohl(*proto);
	if ((*proto & SMFIP_NOCONNECT) == 0) {
		p = put(p, "client.bench.test");
		*p++ = strchr(j->ip, ':') != NULL ? SMFIA_INET6 : SMFIA_INET;
		memcpy(p, &port, 2);
		p = put(p + 2, j->ip);
		if (!step(fd, buf, *proto, SMFIP_NR_CONN, SMFIC_CONNECT, pkt,
			(size_t)(p - pkt), &cmd) || cmd != SMFIR_CONTINUE)
			return "connect not continued";
	}
	if ((*proto & SMFIP_NOHELO) == 0 &&
	    (!step(fd, buf, *proto, SMFIP_NR_HELO, SMFIC_HELO,
		 "mail.example.test", 18, &cmd) || cmd != SMFIR_CONTINUE))
		return "HELO not continued";
	return NULL;
}

/* One transaction; its verdict in *verdict. */
static const char *
send_message(int fd, char *buf, const struct job *j, uint32_t proto,
    char *verdict, double *latency)
{
	const struct message *m = j->msg;
	char cmd;
	size_t i, off, n;
	double t;

	if ((proto & SMFIP_NOMAIL) == 0 &&
	    (!step(fd, buf, proto, SMFIP_NR_MAIL, SMFIC_MAIL,
		 "<news@example.test>", 20, &cmd) || cmd != SMFIR_CONTINUE))
		return "MAIL not continued";
	if ((proto & SMFIP_NORCPT) == 0 &&
	    (!step(fd, buf, proto, SMFIP_NR_RCPT, SMFIC_RCPT,
		 "<reader@dest.test>", 19, &cmd) || cmd != SMFIR_CONTINUE))
		return "RCPT not continued";
	if ((proto & SMFIP_NODATA) == 0 &&
	    (!step(fd, buf, proto, SMFIP_NR_DATA, SMFIC_DATA, NULL, 0, &cmd) ||
		cmd != SMFIR_CONTINUE))
		return "DATA not continued";
	for (i = 0; (proto & SMFIP_NOHDRS) == 0 && i < m->nfields; i++)
		if (!step(fd, buf, proto, SMFIP_NR_HDR, SMFIC_HEADER,
			am_buf_str(&m->fields[i]), m->fields[i].len, &cmd) ||
		    cmd != SMFIR_CONTINUE)
			return "header not continued";
	if ((proto & SMFIP_NOEOH) == 0 &&
	    (!step(fd, buf, proto, SMFIP_NR_EOH, SMFIC_EOH, NULL, 0, &cmd) ||
		(cmd != SMFIR_CONTINUE && cmd != SMFIR_SKIP)))
		return "end of header not continued";
	for (off = 0; (proto & SMFIP_NOBODY) == 0 && cmd != SMFIR_SKIP &&
	     off < m->body.len; off += n) {
		n = m->body.len - off < 65535 ? m->body.len - off : 65535;
		if (!step(fd, buf, proto, SMFIP_NR_BODY, SMFIC_BODY,
			am_buf_str(&m->body) + off, n, &cmd) ||
		    (cmd != SMFIR_CONTINUE && cmd != SMFIR_SKIP))
			return "body not continued";
	}
	t = now();
	if (!send_packet(fd, SMFIC_BODYEOB, NULL, 0) ||
	    !await_reply(fd, buf, verdict))
		return "no verdict";
	*latency = now() - t;
	return NULL;
}

static void *
run(void *arg)
{
	struct job *j = arg;
	char *buf = malloc(MAX_PACKET), verdict;
	uint32_t proto;
	unsigned i;
	int fd;

	if (buf == NULL) {
		j->error = "out of memory";
		return NULL;
	}
	if ((fd = dial(j->host, j->port)) < 0)
		j->error = "cannot connect to the daemon";
	else if ((j->error = open_session(fd, buf, j, &proto)) == NULL)
		for (i = 0; i < j->messages && j->error == NULL; i++) {
			j->error = send_message(fd, buf, j, proto, &verdict,
			    &j->latency[i]);
			if (j->error == NULL && verdict == SMFIR_ACCEPT)
				j->accepted++;
		}
	if (fd >= 0) {
		send_packet(fd, SMFIC_QUIT, NULL, 0);
		close(fd);
	}
	free(buf);
	return NULL;
}

/*
 * The fields go as the daemon negotiated SMFIP_HDR_LEADSPC (Postfix
 * does): the value as received, its leading space kept.
 */
static void
on_field(void *arg, const char *name, size_t name_len, const char *value,
    size_t value_len)
{
	struct message *m = arg;
	struct am_buf *f;

	if (m->nfields == MAX_FIELDS)
		return;
	f = &m->fields[m->nfields++];
	am_buf_init(f, 0);
	am_buf_add(f, name, name_len);
	am_buf_addc(f, '\0');
	am_buf_add(f, value, value_len);
	am_buf_addc(f, '\0');
}

static void
on_body(void *arg, const unsigned char *chunk, size_t len)
{
	am_buf_add(&((struct message *)arg)->body, (const char *)chunk, len);
}

/* Reads and splits path; NULL with the reason on standard error. */
static struct message *
message_read(const char *path)
{
	struct message *m = calloc(1, sizeof(*m));
	struct dkimsign_sink sink = {on_field, on_body, m};
	struct am_buf text;
	char chunk[4096];
	size_t n;
	FILE *fp;

	if (m == NULL || (fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "milterbench: %s: %s\n", path, strerror(errno));
		free(m);
		return NULL;
	}
	am_buf_init(&text, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		am_buf_add(&text, chunk, n);
	fclose(fp);
	am_buf_init(&m->body, 0);
	if (!dkimsign_split(am_buf_str(&text), text.len, 0, &sink)) {
		fprintf(stderr, "milterbench: %s: out of memory\n", path);
		return NULL;
	}
	am_buf_release(&text);
	return m;
}

static void
message_free(struct message *m)
{
	size_t i;

	for (i = 0; i < m->nfields; i++)
		am_buf_release(&m->fields[i]);
	am_buf_release(&m->body);
	free(m);
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct message *msg;
	struct job *jobs;
	pthread_t *threads;
	double *all, t0, elapsed;
	unsigned c, nconn, nmsg, accepted = 0;
	size_t total;

	if (argc != 7 || (nconn = (unsigned)atoi(argv[5])) == 0 ||
	    (nmsg = (unsigned)atoi(argv[6])) == 0) {
		fprintf(stderr, "usage: milterbench HOST PORT MESSAGE.eml "
				"CLIENT_IP CONNECTIONS MESSAGES\n");
		return 1;
	}
	if ((msg = message_read(argv[3])) == NULL)
		return 1;
	total = (size_t)nconn * nmsg;
	jobs = calloc(nconn, sizeof(*jobs));
	threads = calloc(nconn, sizeof(*threads));
	all = calloc(total, sizeof(*all));
	if (jobs == NULL || threads == NULL || all == NULL)
		return 1;
	t0 = now();
	for (c = 0; c < nconn; c++) {
		jobs[c] = (struct job){argv[1], argv[2], argv[4], msg, nmsg,
		    all + (size_t)c * nmsg, 0, NULL};
		pthread_create(&threads[c], NULL, run, &jobs[c]);
	}
	for (c = 0; c < nconn; c++) {
		pthread_join(threads[c], NULL);
		if (jobs[c].error != NULL) {
			fprintf(stderr, "milterbench: connection %u: %s\n", c,
			    jobs[c].error);
			return 1;
		}
		accepted += jobs[c].accepted;
	}
	elapsed = now() - t0;
	qsort(all, total, sizeof(*all), by_value);
	printf("  %u connections x %u messages: %7.0f messages/s\n", nconn,
	    nmsg, (double)total / elapsed);
	printf("  end of message -> verdict, median       %8.1f us\n",
	    all[total / 2] * 1e6);
	printf("  end of message -> verdict, 99th pct     %8.1f us\n",
	    all[total * 99 / 100] * 1e6);
	printf("  verdicts: %u accept, %zu other\n", accepted,
	    total - accepted);
	message_free(msg);
	free(jobs);
	free(threads);
	free(all);
	return accepted == total ? 0 : 1;
}
