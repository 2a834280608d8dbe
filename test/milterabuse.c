/*
 * milterabuse.c - a hostile MTA against the running daemon
 * (test/abuse.sh): malformed and misordered milter traffic, stalled and
 * abandoned connections, and floods of connections, each followed (or
 * accompanied) by a well-formed message that must get its verdict.
 *
 *   milterabuse [-p PID] [-n CONNECTIONS] [-l LIMIT] [-t TIMEOUT]
 *               HOST PORT CORPUS SCENARIO
 *
 * The well-formed message is the first of CORPUS (test/milterbench.c's
 * format), sent over a fresh connection.  PID is the daemon's, for its
 * thread count (/proc/PID/status); LIMIT its milter.max_connections;
 * TIMEOUT its milter.timeout in seconds.  SCENARIO is one of:
 *
 *   truncated    packets cut short (in the length, in the data), the
 *                connection closed right after
 *   stalled      a packet cut short on a connection kept open: served
 *                around, and closed by the daemon within TIMEOUT
 *   oversized    lengths past libmilter's limit (64 KB, 2 GB) and a
 *                real 70 KB body packet: the connection is closed,
 *                nothing is allocated for it; 4 GB - 1 (-1 to libmilter)
 *                is ignored, the connection costs nothing
 *   garbage      a zero length, unknown commands, a connect packet
 *                with nonsense in it
 *   misordered   commands out of order on open connections: MAIL,
 *                headers or end of message before connect, a second
 *                negotiation, body after the end, HELO inside a
 *                transaction, aborts anywhere; a
 *                transaction after an abort still gets its verdict
 *   mid-body     connections that stop in the middle of the body and
 *                stay open, then go away without a word
 *   flood        CONNECTIONS connections opened in one burst: LIMIT are
 *                served and the rest answered 451 at connect; a message
 *                gets 451 while all are open and its verdict once the
 *                served ones close, the refused ones still open; the
 *                daemon's threads stay few; afterwards exactly LIMIT
 *                connections are served again (no slot leaked)
 *
 * Prints "# " lines with what it saw; exit status 0 when the daemon
 * behaved, 1 with the reason on standard error, 2 on a usage error.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#include "milterclient.h"

struct abuse {
	const char *host, *port;
	struct mc_message *msg; /* the well-formed message */
	long pid;
	unsigned conns, limit, timeout;
	char why[256];
};

/* Sets the reason (why, then detail) and returns false. */
static bool
fail(struct abuse *a, const char *why, const char *detail)
{
	snprintf(a->why, sizeof(a->why), "%s%s", why, detail);
	return false;
}

/* The daemon's threads now; 0 when unknown. */
static unsigned
threads(const struct abuse *a)
{
	char path[64], line[256];
	unsigned n = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/status", a->pid);
	if (a->pid <= 0 || (fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "Threads: %u", &n) == 1)
			break;
	fclose(fp);
	return n;
}

/* The well-formed message over a fresh connection: its verdict in *v
 * (MC_TEMPFAIL when refused at connect); NULL or what failed. */
static const char *
message(struct abuse *a, enum mc_verdict *v)
{
	struct mc_session s = {.fd = -1};
	struct mc_outcome o;
	const char *err;

	if ((err = mc_open(&s, a->host, a->port, a->msg, v)) == NULL &&
	    *v == MC_ACCEPT && (err = mc_transaction(&s, a->msg, &o)) == NULL)
		*v = o.verdict;
	mc_close(&s);
	return err;
}

/* The well-formed message gets its verdict, in the middle of what. */
static bool
served(struct abuse *a, const char *what)
{
	enum mc_verdict v;
	const char *err = message(a, &v);

	if (err != NULL) {
		snprintf(a->why, sizeof(a->why), "%s: a well-formed message "
		    "failed: %s", what, err);
		return false;
	}
	if (v != a->msg->expect) {
		snprintf(a->why, sizeof(a->why), "%s: a well-formed message "
		    "got %s, not %s", what, mc_verdict_name(v),
		    mc_verdict_name(a->msg->expect));
		return false;
	}
	return true;
}

/* Seconds until the daemon closes fd (reading and dropping whatever it
 * sends), or -1 when it has not within limit seconds. */
static double
closed_within(int fd, double limit)
{
	double t0 = mc_now(), left;
	struct pollfd pfd = {fd, POLLIN, 0};
	char sink[4096];
	ssize_t r;

	while ((left = limit - (mc_now() - t0)) > 0) {
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		if ((r = read(fd, sink, sizeof(sink))) == 0 ||
		    (r < 0 && errno != EINTR && errno != EAGAIN))
			return mc_now() - t0;
	}
	return -1;
}

/* A connection with the negotiation done; -1 when it failed. */
static int
negotiated(struct abuse *a)
{
	uint32_t neg[3] = {htonl(6), htonl(0x1ff), htonl(0x1fffff)};
	char cmd, *buf = malloc(MC_MAX_PACKET);
	size_t len;
	int fd = mc_dial(a->host, a->port);

	if (buf == NULL || fd < 0 ||
	    !mc_send(fd, SMFIC_OPTNEG, neg, sizeof(neg)) ||
	    !mc_read(fd, &cmd, buf, &len) || cmd != SMFIC_OPTNEG) {
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(buf);
	return fd;
}

/* Raw bytes on a new connection (negotiated first when asked). */
static int
raw(struct abuse *a, bool negotiate, const void *bytes, size_t n)
{
	int fd = negotiate ? negotiated(a) : mc_dial(a->host, a->port);

	if (fd >= 0 && write(fd, bytes, n) != (ssize_t)n) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* A packet header: length (command included) and command. */
static void
header(unsigned char h[5], uint32_t len, char cmd)
{
	uint32_t n = htonl(len);

	memcpy(h, &n, 4);
	h[4] = (unsigned char)cmd;
}

static bool
truncated(struct abuse *a)
{
	unsigned char pkt[64];
	static const size_t cut[] = {1, 3, 4, 5, 12};
	size_t i;
	int fd;

	/* an option negotiation of 13 bytes announced, cut after k */
	header(pkt, 13, SMFIC_OPTNEG);
	memset(pkt + 5, 0, sizeof(pkt) - 5);
	for (i = 0; i < sizeof(cut) / sizeof(*cut); i++) {
		if ((fd = raw(a, false, pkt, cut[i])) < 0)
			return fail(a, "cannot connect", "");
		close(fd);
	}
	/* a header field announced at 1000 bytes, 10 sent */
	header(pkt, 1001, SMFIC_HEADER);
	memcpy(pkt + 5, "Subject\0Hi", 10);
	if ((fd = raw(a, true, pkt, 15)) < 0)
		return fail(a, "cannot connect", "");
	close(fd);
	return served(a, "after truncated packets");
}

static bool
stalled(struct abuse *a)
{
	unsigned char pkt[32];
	double t;
	int fd;

	header(pkt, 1001, SMFIC_HEADER);
	memcpy(pkt + 5, "Subject\0Hi", 10);
	if ((fd = raw(a, true, pkt, 15)) < 0)
		return fail(a, "cannot connect", "");
	if (!served(a, "while a packet waits for the rest of its bytes")) {
		close(fd);
		return false;
	}
	t = closed_within(fd, a->timeout + 10.0);
	close(fd);
	printf("# the stalled connection was closed after %.1f s "
	       "(milter.timeout %u)\n", t, a->timeout);
	if (t < 0)
		return fail(a, "a connection stalled in a packet was not "
			       "closed within milter.timeout + 10 s", "");
	return true;
}

/*
 * libmilter refuses data past 65535 bytes and closes the connection;
 * it reads the length as a signed number, so 4 GB - 1 is -1 to it: a
 * packet without data, which it ignores (the connection stays, idle,
 * and costs nothing: checked by serving a message meanwhile).
 */
static bool
oversized(struct abuse *a)
{
	static const uint32_t lens[] = {65536 + 2, 0x7fffffff};
	unsigned char pkt[8];
	char *body;
	size_t i;
	double t;
	int fd;

	for (i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
		header(pkt, lens[i], SMFIC_BODY);
		if ((fd = raw(a, true, pkt, 5)) < 0)
			return fail(a, "cannot connect", "");
		t = closed_within(fd, 10);
		close(fd);
		if (t < 0) {
			snprintf(a->why, sizeof(a->why), "a packet announced "
			    "at %lu bytes did not close the connection",
			    (unsigned long)lens[i]);
			return false;
		}
		printf("# a packet announced at %lu bytes: closed after "
		       "%.1f s\n", (unsigned long)lens[i], t);
	}
	header(pkt, 0xffffffff, SMFIC_BODY);
	if ((fd = raw(a, true, pkt, 5)) < 0)
		return fail(a, "cannot connect", "");
	if (!served(a, "with a packet of length -1 on another connection")) {
		close(fd);
		return false;
	}
	close(fd);
	/* a real body packet of 70 KB, after a transaction's header */
	if ((body = calloc(1, 70000)) == NULL ||
	    (fd = negotiated(a)) < 0) {
		free(body);
		return fail(a, "cannot connect", "");
	}
	memset(body, 'x', 70000);
	mc_send(fd, SMFIC_MAIL, "<a@example.test>", 17);
	mc_send(fd, SMFIC_BODY, body, 70000);
	t = closed_within(fd, 10);
	close(fd);
	free(body);
	if (t < 0)
		return fail(a, "a 70 KB packet did not close the "
			       "connection", "");
	return served(a, "after oversized packets");
}

static bool
garbage(struct abuse *a)
{
	unsigned char pkt[64];
	static const char cmds[] = {'~', 0, 1, 7, 'Z', (char)0xff};
	size_t i;
	int fd;

	/* a zero length: not even room for the command */
	header(pkt, 0, SMFIC_OPTNEG);
	if ((fd = raw(a, false, pkt, 5)) >= 0) {
		closed_within(fd, 5);
		close(fd);
	}
	for (i = 0; i < sizeof(cmds); i++) {
		header(pkt, 1, cmds[i]);
		if ((fd = raw(a, true, pkt, 5)) >= 0) {
			closed_within(fd, 5);
			close(fd);
		}
	}
	/* connect packets without a family, port or NUL */
	if ((fd = negotiated(a)) >= 0) {
		mc_send(fd, SMFIC_CONNECT, "host", 4);
		closed_within(fd, 5);
		close(fd);
	}
	if ((fd = negotiated(a)) >= 0) {
		mc_send(fd, SMFIC_CONNECT, "host\0" "4\0\0" "999.1.2.3", 18);
		closed_within(fd, 5);
		close(fd);
	}
	/* an address that is not an address, a header without a value */
	if ((fd = negotiated(a)) >= 0) {
		mc_send(fd, SMFIC_MAIL, "\0\0\0", 3);
		mc_send(fd, SMFIC_HEADER, "From", 4);
		closed_within(fd, 5);
		close(fd);
	}
	return served(a, "after garbage");
}

/* One packet of a hand-made sequence. */
struct pkt {
	char cmd;
	const char *data;
	size_t len;
};

#define PKT(c, lit) {c, lit, sizeof(lit)} /* the literal's NUL included */
#define NODATA(c)   {c, NULL, 0}
#define CONNECT	    PKT(SMFIC_CONNECT, "client.test\0" "4\0\031" "192.0.2.7")

/* Sends packets (up to one whose command is 0) on a negotiated
 * connection, then QUIT, and waits for it to close. */
static bool
sequence(struct abuse *a, const struct pkt *p)
{
	int fd = negotiated(a);

	if (fd < 0)
		return fail(a, "cannot connect", "");
	for (; p->cmd != 0; p++)
		mc_send(fd, p->cmd, p->data, p->len);
	mc_send(fd, SMFIC_QUIT, NULL, 0);
	closed_within(fd, 5);
	close(fd);
	return true;
}

/* A transaction after an abort, on the same connection. */
static bool
after_abort(struct abuse *a)
{
	struct mc_session s = {.fd = -1};
	enum mc_verdict refused;
	struct mc_outcome o;
	const char *err;

	if ((err = mc_open(&s, a->host, a->port, a->msg, &refused)) == NULL) {
		mc_send(s.fd, SMFIC_MAIL, "<x@example.test>", 17);
		mc_send(s.fd, SMFIC_HEADER, "From\0 x@example.test", 21);
		mc_send(s.fd, SMFIC_ABORT, NULL, 0);
		err = mc_transaction(&s, a->msg, &o);
	}
	mc_close(&s);
	if (err != NULL)
		return fail(a, "a transaction after an abort failed: ", err);
	if (o.verdict != a->msg->expect)
		return fail(a, "a transaction after an abort got ",
		    mc_verdict_name(o.verdict));
	return true;
}

static bool
misordered(struct abuse *a)
{
	static const struct pkt mail_first[] = {
	    PKT(SMFIC_MAIL, "<a@example.test>"), CONNECT,
	    PKT(SMFIC_HEADER, "From\0 a@example.test"), NODATA(SMFIC_BODYEOB),
	    {0}};
	static const struct pkt header_first[] = {
	    PKT(SMFIC_HEADER, "From\0 a@example.test"), NODATA(SMFIC_EOH),
	    NODATA(SMFIC_BODYEOB), {0}};
	static const struct pkt eom_first[] = {NODATA(SMFIC_BODYEOB),
	    NODATA(SMFIC_ABORT), PKT(SMFIC_BODY, "chunk"),
	    NODATA(SMFIC_BODYEOB), {0}};
	static const struct pkt twice[] = {PKT(SMFIC_OPTNEG,
	    "\0\0\0\6\0\0\1\377\0\37\377\377"), CONNECT, CONNECT,
	    PKT(SMFIC_HELO, "a.test"), PKT(SMFIC_MAIL, "<a@example.test>"),
	    PKT(SMFIC_MAIL, "<b@example.test>"), NODATA(SMFIC_DATA),
	    NODATA(SMFIC_DATA), {0}};
	static const struct pkt after_end[] = {CONNECT,
	    PKT(SMFIC_MAIL, "<a@example.test>"),
	    PKT(SMFIC_HEADER, "From\0 a@example.test"), NODATA(SMFIC_EOH),
	    NODATA(SMFIC_BODYEOB), PKT(SMFIC_BODY, "late"),
	    NODATA(SMFIC_BODYEOB), NODATA(SMFIC_EOH),
	    PKT(SMFIC_HEADER, "Subject\0 late"), {0}};
	static const struct pkt body_no_header[] = {CONNECT,
	    PKT(SMFIC_MAIL, "<a@example.test>"), PKT(SMFIC_BODY, "chunk"),
	    NODATA(SMFIC_BODYEOB), NODATA(SMFIC_ABORT), NODATA(SMFIC_ABORT),
	    {0}};
	static const struct pkt helo_inside[] = {CONNECT,
	    PKT(SMFIC_HELO, "a.test"), PKT(SMFIC_MAIL, "<a@example.test>"),
	    PKT(SMFIC_HELO, "b.test"), PKT(SMFIC_HEADER, "From\0 a@example.test"),
	    NODATA(SMFIC_EOH), PKT(SMFIC_HELO, "c.test"),
	    NODATA(SMFIC_BODYEOB), {0}};
	static const struct pkt *const seqs[] = {mail_first, header_first,
	    eom_first, twice, after_end, body_no_header, helo_inside};
	size_t i;

	for (i = 0; i < sizeof(seqs) / sizeof(*seqs); i++)
		if (!sequence(a, seqs[i]))
			return false;
	return after_abort(a) && served(a, "after misordered commands");
}

/* A transaction up to the first body chunk; the connection, or -1. */
static int
half_body(struct abuse *a)
{
	struct mc_session s = {.fd = -1};
	enum mc_verdict refused;
	size_t i;
	int fd;

	if (mc_open(&s, a->host, a->port, a->msg, &refused) != NULL ||
	    refused != MC_ACCEPT) {
		mc_close(&s);
		return -1;
	}
	mc_send(s.fd, SMFIC_MAIL, a->msg->mail_from,
	    strlen(a->msg->mail_from) + 1);
	mc_send(s.fd, SMFIC_DATA, NULL, 0);
	for (i = 0; i < a->msg->nfields; i++)
		mc_send(s.fd, SMFIC_HEADER, am_buf_str(&a->msg->fields[i]),
		    a->msg->fields[i].len);
	mc_send(s.fd, SMFIC_EOH, NULL, 0);
	mc_send(s.fd, SMFIC_BODY, am_buf_str(&a->msg->body),
	    a->msg->body.len / 2);
	fd = s.fd;
	s.fd = -1; /* kept open: mc_close() only frees */
	mc_close(&s);
	return fd;
}

static bool
mid_body(struct abuse *a)
{
	int fds[8];
	size_t i, n = 0;
	bool ok;

	for (i = 0; i < 8; i++)
		if ((fds[n] = half_body(a)) >= 0)
			n++;
	if (n < 8) {
		for (i = 0; i < n; i++)
			close(fds[i]);
		return fail(a, "cannot open the connections", "");
	}
	ok = served(a, "while 8 connections are stalled mid-body");
	for (i = 0; i < n; i++)
		close(fds[i]);
	return ok && served(a, "after stalled connections went away");
}

/* Opens n connections in one burst (dial all, negotiate all, then a
 * connect on each): fds[], and in got[] MC_ACCEPT for those served,
 * MC_TEMPFAIL for those answered 451 at connect, MC_OTHER for the rest.
 * A refused connection is told at negotiation: it is the one that did
 * not get the connect switched to no reply (SMFIP_NR_CONN). */
static void
burst(struct abuse *a, int *fds, enum mc_verdict *got, size_t n,
    unsigned *peak)
{
	uint32_t neg[3] = {htonl(6), htonl(0x1ff), htonl(0x1fffff)}, proto;
	static const char conn[] = "client.test\0" "4\0\031" "192.0.2.7";
	char cmd, *buf = malloc(MC_MAX_PACKET);
	size_t i, len;

	for (i = 0; i < n; i++) {
		got[i] = MC_OTHER;
		if ((fds[i] = mc_dial(a->host, a->port)) >= 0)
			mc_send(fds[i], SMFIC_OPTNEG, neg, sizeof(neg));
	}
	for (i = 0; i < n; i++) {
		if (i % 50 == 0 && threads(a) > *peak)
			*peak = threads(a);
		if (fds[i] < 0 || buf == NULL ||
		    !mc_read(fds[i], &cmd, buf, &len) || cmd != SMFIC_OPTNEG ||
		    len < 12)
			continue;
		memcpy(&proto, buf + 8, 4);
		got[i] = (ntohl(proto) & SMFIP_NR_CONN) != 0 ? MC_ACCEPT :
							       MC_REJECT;
		mc_send(fds[i], SMFIC_CONNECT, conn, sizeof(conn));
	}
	for (i = 0; i < n; i++)
		if (got[i] == MC_REJECT)
			got[i] = buf != NULL && mc_read(fds[i], &cmd, buf,
						    &len) &&
				cmd == SMFIR_REPLYCODE && len > 0 &&
				buf[0] == '4' ?
			    MC_TEMPFAIL :
			    MC_OTHER;
	if (threads(a) > *peak)
		*peak = threads(a);
	free(buf);
}

static void
count(const enum mc_verdict *got, size_t n, size_t *served_n,
    size_t *refused_n)
{
	size_t i;

	*served_n = *refused_n = 0;
	for (i = 0; i < n; i++) {
		*served_n += got[i] == MC_ACCEPT;
		*refused_n += got[i] == MC_TEMPFAIL;
	}
}

static void
close_where(int *fds, const enum mc_verdict *got, size_t n,
    enum mc_verdict which)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0 && got[i] == which) {
			mc_send(fds[i], SMFIC_QUIT, NULL, 0);
			close(fds[i]);
			fds[i] = -1;
		}
}

/* Waits (up to 20 s) until a message gets its verdict again. */
static bool
served_again(struct abuse *a, const char *what)
{
	double t0 = mc_now();
	enum mc_verdict v;

	while (mc_now() - t0 < 20) {
		if (message(a, &v) == NULL && v == a->msg->expect)
			return true;
		usleep(100000);
	}
	return served(a, what);
}

/* Exactly limit connections are served: nothing leaked a slot. */
static bool
exactly_limit(struct abuse *a, int *fds, enum mc_verdict *got)
{
	size_t n = a->limit + 1, s, r;
	unsigned peak = 0;
	double t0 = mc_now();

	do {
		burst(a, fds, got, n, &peak);
		count(got, n, &s, &r);
		close_where(fds, got, n, MC_ACCEPT);
		close_where(fds, got, n, MC_TEMPFAIL);
		close_where(fds, got, n, MC_OTHER);
		close_where(fds, got, n, MC_REJECT);
		if (s == a->limit && r == 1)
			return true;
		usleep(200000); /* closes still on their way */
	} while (mc_now() - t0 < 20);
	snprintf(a->why, sizeof(a->why), "after the flood, %zu of %zu "
	    "connections were served and %zu refused, not %u and 1", s, n, r,
	    a->limit);
	return false;
}

/*
 * The daemon's threads once libmilter's pool has let its idle workers
 * go: a worker leaves after waiting up to 10 s with another idle, so
 * this waits (up to 30 s) for the count to stop falling.
 */
static unsigned
settled_threads(const struct abuse *a)
{
	unsigned n = threads(a), before, i;

	for (i = 0; i < 30; i++) {
		before = n;
		sleep(1);
		if ((n = threads(a)) <= 16 || (n == before && i >= 11))
			break;
	}
	return n;
}

static bool
flood(struct abuse *a)
{
	int *fds = calloc(a->conns + 1, sizeof(*fds));
	enum mc_verdict *got = calloc(a->conns + 1, sizeof(*got)), v;
	size_t opened = 0, s, r, i;
	unsigned peak = 0, idle;
	bool ok = false;

	if (fds == NULL || got == NULL || a->limit >= a->conns)
		goto out;
	burst(a, fds, got, a->conns, &peak);
	for (i = 0; i < a->conns; i++)
		opened += fds[i] >= 0;
	count(got, a->conns, &s, &r);
	idle = settled_threads(a);
	printf("# %zu connections opened at once: %zu served, %zu refused "
	       "with 451; daemon threads: %u at most during the burst, %u "
	       "with all of them open\n", opened, s, r, peak, idle);
	if (opened != a->conns || s != a->limit || r != a->conns - a->limit) {
		snprintf(a->why, sizeof(a->why), "%zu connections opened, %zu "
		    "served, %zu refused: not %u, %u, %u", opened, s, r,
		    a->conns, a->limit, a->conns - a->limit);
		goto out;
	}
	if (message(a, &v) != NULL || v != MC_TEMPFAIL) {
		snprintf(a->why, sizeof(a->why), "with %u connections open, "
		    "a message got %s, not tempfail", a->limit,
		    mc_verdict_name(v));
		goto out;
	}
	close_where(fds, got, a->conns, MC_ACCEPT);
	if (!served_again(a, "with the refused connections still open"))
		goto out;
	printf("# daemon threads with the %zu refused connections still "
	       "open: %u\n", r, threads(a));
	close_where(fds, got, a->conns, MC_TEMPFAIL);
	close_where(fds, got, a->conns, MC_OTHER);
	ok = exactly_limit(a, fds, got);
out:
	free(fds);
	free(got);
	return ok;
}

static const struct {
	const char *name;
	bool (*run)(struct abuse *a);
} scenarios[] = {
	{"truncated", truncated},
	{"stalled", stalled},
	{"oversized", oversized},
	{"garbage", garbage},
	{"misordered", misordered},
	{"mid-body", mid_body},
	{"flood", flood},
};

static int
usage(void)
{
	fprintf(stderr, "usage: milterabuse [-p PID] [-n CONNECTIONS] "
			"[-l LIMIT] [-t TIMEOUT] HOST PORT CORPUS SCENARIO\n");
	return 2;
}

/* The first message of the corpus file, with its envelope. */
static struct mc_message *
first_message(const char *path)
{
	char line[4096], ip[64], from[512], verdict[32], file[2048];
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return NULL;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (line[0] != '#' &&
		    sscanf(line, "%63s %511s %31s %2047s", ip, from, verdict,
			file) == 4) {
			fclose(fp);
			return mc_message_read(file, ip, from,
			    mc_verdict_parse(verdict));
		}
	fclose(fp);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct abuse a = {.conns = 2000, .limit = 100, .timeout = 5};
	size_t i;
	int opt;

	while ((opt = getopt(argc, argv, "p:n:l:t:")) != -1) {
		switch (opt) {
		case 'p':
			a.pid = atol(optarg);
			break;
		case 'n':
			a.conns = (unsigned)atoi(optarg);
			break;
		case 'l':
			a.limit = (unsigned)atoi(optarg);
			break;
		case 't':
			a.timeout = (unsigned)atoi(optarg);
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != 4)
		return usage();
	a.host = argv[optind];
	a.port = argv[optind + 1];
	if ((a.msg = first_message(argv[optind + 2])) == NULL ||
	    a.msg->expect == MC_NVERDICTS) {
		fprintf(stderr, "milterabuse: no message in %s\n",
		    argv[optind + 2]);
		return 2;
	}
	for (i = 0; i < sizeof(scenarios) / sizeof(*scenarios); i++)
		if (strcmp(argv[optind + 3], scenarios[i].name) == 0) {
			bool ok = scenarios[i].run(&a);

			if (!ok)
				fprintf(stderr, "milterabuse: %s\n", a.why);
			mc_message_free(a.msg);
			return ok ? 0 : 1;
		}
	return usage();
}
