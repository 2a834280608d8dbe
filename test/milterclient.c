/*
 * milterclient.c - the MTA's side of the milter protocol (see
 * milterclient.h).
 *
 * A session speaks protocol version 6 as Postfix does: it offers every
 * action and protocol flag, then sends only what the milter kept, with
 * the macros Postfix sends at connect ({daemon_name}, j, v), MAIL
 * ({mail_addr}), DATA and end of message (the queue id i).  Body chunks
 * are at most 65535 bytes, libmilter's default packet limit.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#include "dkimsign.h"
#include "milterclient.h"

#define BODY_CHUNK 65535

static atomic_ulong queue_ids;

double
mc_now(void)
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

bool
mc_send(int fd, char cmd, const void *data, size_t len)
{
	uint32_t n = htonl((uint32_t)len + 1);
	char head[5];
	struct iovec iov[2] = {{head, 5}, {(void *)(uintptr_t)data, len}};
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
	return write_all(fd, (const char *)data + (w - 5),
	    len - (size_t)(w - 5));
}

bool
mc_read(int fd, char *cmd, char *buf, size_t *len)
{
	uint32_t n;

	if (!read_all(fd, &n, 4) || (n = ntohl(n)) < 1 || n > MC_MAX_PACKET)
		return false;
	*len = n - 1;
	return read_all(fd, cmd, 1) && read_all(fd, buf, *len);
}

int
mc_dial(const char *host, const char *port)
{
	struct addrinfo hints, *ai;
	int fd, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	if ((fd = socket(ai->ai_family, ai->ai_socktype, 0)) >= 0 &&
	    (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
		connect(fd, ai->ai_addr, ai->ai_addrlen) != 0)) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* The verdict a terminal reply stands for; code is the reply's data. */
static enum mc_verdict
verdict_of(char cmd, const char *code, size_t len, bool quarantined)
{
	switch (cmd) {
	case SMFIR_ACCEPT:
	case SMFIR_CONTINUE:
	case SMFIR_SKIP: /* a continue that also ends the body */
		return quarantined ? MC_QUARANTINE : MC_ACCEPT;
	case SMFIR_REJECT:
		return MC_REJECT;
	case SMFIR_TEMPFAIL:
		return MC_TEMPFAIL;
	case SMFIR_DISCARD:
		return MC_DISCARD;
	case SMFIR_REPLYCODE:
		return len > 0 && code[0] == '5' ? MC_REJECT :
		    len > 0 && code[0] == '4'	 ? MC_TEMPFAIL :
						   MC_OTHER;
	}
	return MC_OTHER;
}

/* Reads replies up to one that ends the step (not a header change, a
 * quarantine request or a progress report): its command in *cmd, its
 * meaning in o. */
static bool
await_reply(struct mc_session *s, char *cmd, struct mc_outcome *o)
{
	bool quarantined = false;
	size_t len;

	o->changes = 0;
	for (;;) {
		if (!mc_read(s->fd, cmd, s->buf, &len))
			return false;
		if (*cmd == SMFIR_INSHEADER || *cmd == SMFIR_ADDHEADER ||
		    *cmd == SMFIR_CHGHEADER)
			o->changes++;
		else if (*cmd == SMFIR_QUARANTINE)
			quarantined = true;
		else if (*cmd != SMFIR_PROGRESS)
			break;
	}
	o->verdict = verdict_of(*cmd, s->buf, len, quarantined);
	return true;
}

/* Sends a step and, unless the milter said it needs no reply, waits for
 * one; *cmd is the reply ('c' when none was awaited), o its meaning. */
static bool
step(struct mc_session *s, uint32_t no_reply, char what, const void *data,
    size_t len, char *cmd, struct mc_outcome *o)
{
	*cmd = SMFIR_CONTINUE;
	o->verdict = MC_ACCEPT;
	if (!mc_send(s->fd, what, data, len))
		return false;
	return (s->proto & no_reply) != 0 || await_reply(s, cmd, o);
}

/* A macro packet for the step stage: name, NUL, value, NUL pairs. */
static bool
macros(struct mc_session *s, char stage, const char *const *kv, size_t n)
{
	char pkt[1024];
	size_t o = 0, i, l;

	pkt[o++] = stage;
	for (i = 0; i < n; i++) {
		l = strlen(kv[i]) + 1;
		if (o + l > sizeof(pkt))
			return false;
		memcpy(pkt + o, kv[i], l);
		o += l;
	}
	return mc_send(s->fd, SMFIC_MACRO, pkt, o);
}

/* Connect and HELO, after a negotiation. */
static const char *
greet(struct mc_session *s, const struct mc_message *m,
    enum mc_verdict *refused)
{
	static const char *const conn_macros[] = {"j", "mx.bench.test",
	    "{daemon_name}", "smtpd", "v", "Postfix 3.7"};
	uint16_t port = htons(25);
	char cmd, pkt[512], *p = pkt;
	size_t n = strlen(m->client_ip) + 1;
	struct mc_outcome o;

	if ((s->proto & SMFIP_NOCONNECT) == 0) {
		if (n > 256)
			return "client address too long";
		memcpy(p, "client.bench.test", 18);
		p += 18;
		*p++ = strchr(m->client_ip, ':') != NULL ? SMFIA_INET6 :
							   SMFIA_INET;
		memcpy(p, &port, 2);
		memcpy(p + 2, m->client_ip, n);
		p += 2 + n;
		if (!macros(s, SMFIC_CONNECT, conn_macros, 6) ||
		    !step(s, SMFIP_NR_CONN, SMFIC_CONNECT, pkt,
			(size_t)(p - pkt), &cmd, &o))
			return "no answer to connect";
		if (cmd != SMFIR_CONTINUE) {
			*refused = o.verdict == MC_ACCEPT ? MC_OTHER :
							    o.verdict;
			return NULL;
		}
	}
	if ((s->proto & SMFIP_NOHELO) == 0 &&
	    (!step(s, SMFIP_NR_HELO, SMFIC_HELO, "mail.example.test", 18,
		 &cmd, &o) ||
		cmd != SMFIR_CONTINUE))
		return "HELO not continued";
	return NULL;
}

const char *
mc_open(struct mc_session *s, const char *host, const char *port,
    const struct mc_message *m, enum mc_verdict *refused)
{
	uint32_t neg[3] = {htonl(6), htonl(0x1ff), htonl(0x1fffff)};
	char cmd;
	size_t len;

	*refused = MC_ACCEPT;
	s->fd = -1;
	if (s->buf == NULL && (s->buf = malloc(MC_MAX_PACKET)) == NULL)
		return "out of memory";
	if ((s->fd = mc_dial(host, port)) < 0)
		return "cannot connect to the milter";
	if (!mc_send(s->fd, SMFIC_OPTNEG, neg, sizeof(neg)) ||
	    !mc_read(s->fd, &cmd, s->buf, &len) || cmd != SMFIC_OPTNEG ||
	    len < 12)
		return "no option negotiation";
	memcpy(&s->proto, s->buf + 8, 4);
	s->proto = ntohl(s->proto);
	return greet(s, m, refused);
}

/* Sends a step of the transaction that must be continued. */
static bool
go_on(struct mc_session *s, uint32_t no_reply, char what, const void *data,
    size_t len, char *cmd)
{
	struct mc_outcome o;

	return step(s, no_reply, what, data, len, cmd, &o) &&
	    (*cmd == SMFIR_CONTINUE || *cmd == SMFIR_SKIP);
}

/* The envelope and the header; *cmd is the last reply. */
static const char *
send_head(struct mc_session *s, const struct mc_message *m, const char *qid,
    char *cmd)
{
	const char *mail[] = {"{mail_addr}", m->mail_from};
	const char *data[] = {"i", qid};
	size_t i;

	*cmd = SMFIR_CONTINUE;
	if ((s->proto & SMFIP_NOMAIL) == 0 &&
	    (!macros(s, SMFIC_MAIL, mail, 2) ||
		!go_on(s, SMFIP_NR_MAIL, SMFIC_MAIL, m->mail_from,
		    strlen(m->mail_from) + 1, cmd)))
		return "MAIL not continued";
	if ((s->proto & SMFIP_NORCPT) == 0 &&
	    !go_on(s, SMFIP_NR_RCPT, SMFIC_RCPT, "<reader@dest.test>", 19,
		cmd))
		return "RCPT not continued";
	if ((s->proto & SMFIP_NODATA) == 0 &&
	    (!macros(s, SMFIC_DATA, data, 2) ||
		!go_on(s, SMFIP_NR_DATA, SMFIC_DATA, NULL, 0, cmd)))
		return "DATA not continued";
	for (i = 0; (s->proto & SMFIP_NOHDRS) == 0 && i < m->nfields; i++)
		if (!go_on(s, SMFIP_NR_HDR, SMFIC_HEADER,
			am_buf_str(&m->fields[i]), m->fields[i].len, cmd))
			return "header not continued";
	if ((s->proto & SMFIP_NOEOH) == 0 &&
	    !go_on(s, SMFIP_NR_EOH, SMFIC_EOH, NULL, 0, cmd))
		return "end of header not continued";
	return NULL;
}

const char *
mc_transaction(struct mc_session *s, const struct mc_message *m,
    struct mc_outcome *o)
{
	char cmd, qid[32];
	const char *eom[] = {"i", qid}, *err;
	size_t off, n;
	double t;

	snprintf(qid, sizeof(qid), "%lX",
	    atomic_fetch_add(&queue_ids, 1) + 0x100000);
	if ((err = send_head(s, m, qid, &cmd)) != NULL)
		return err;
	for (off = 0; (s->proto & SMFIP_NOBODY) == 0 && cmd != SMFIR_SKIP &&
	     off < m->body.len; off += n) {
		n = m->body.len - off < BODY_CHUNK ? m->body.len - off :
						     BODY_CHUNK;
		if (!go_on(s, SMFIP_NR_BODY, SMFIC_BODY,
			am_buf_str(&m->body) + off, n, &cmd))
			return "body not continued";
	}
	t = mc_now();
	if (!macros(s, SMFIC_BODYEOB, eom, 2) ||
	    !mc_send(s->fd, SMFIC_BODYEOB, NULL, 0) ||
	    !await_reply(s, &cmd, o))
		return "no verdict";
	o->latency = mc_now() - t;
	return NULL;
}

void
mc_close(struct mc_session *s)
{
	struct pollfd pfd;
	char sink[512];

	if (s->fd >= 0) {
		mc_send(s->fd, SMFIC_QUIT, NULL, 0);
		pfd.fd = s->fd;
		pfd.events = POLLIN;
		while (poll(&pfd, 1, 5000) > 0 &&
		    read(s->fd, sink, sizeof(sink)) > 0)
			;
		close(s->fd);
		s->fd = -1;
	}
	free(s->buf);
	s->buf = NULL;
}

/* The fields go as a milter that negotiated SMFIP_HDR_LEADSPC gets them
 * from Postfix: the value as received, its leading space kept. */
static void
on_field(void *arg, const char *name, size_t name_len, const char *value,
    size_t value_len)
{
	struct mc_message *m = arg;
	struct am_buf *f, *grown;

	if (m->nfields == m->cap) {
		grown = realloc(m->fields, 2 * m->cap * sizeof(*f));
		if (grown == NULL)
			return;
		m->fields = grown;
		m->cap *= 2;
	}
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
	am_buf_add(&((struct mc_message *)arg)->body, (const char *)chunk,
	    len);
}

struct mc_message *
mc_message_read(const char *path, const char *client_ip,
    const char *mail_from, enum mc_verdict expect)
{
	struct mc_message *m = calloc(1, sizeof(*m));
	struct dkimsign_sink sink = {on_field, on_body, m};
	struct am_buf text;
	char chunk[4096];
	size_t n;
	FILE *fp;

	if (m == NULL || (fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		free(m);
		return NULL;
	}
	am_buf_init(&text, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		am_buf_add(&text, chunk, n);
	fclose(fp);
	am_buf_init(&m->body, 0);
	m->cap = 16;
	m->fields = malloc(m->cap * sizeof(*m->fields));
	m->client_ip = strdup(client_ip);
	m->mail_from = strdup(mail_from);
	m->expect = expect;
	m->size = text.len;
	if (m->fields == NULL || m->client_ip == NULL || m->mail_from == NULL ||
	    !dkimsign_split(am_buf_str(&text), text.len, 0, &sink)) {
		fprintf(stderr, "%s: out of memory\n", path);
		am_buf_release(&text);
		mc_message_free(m);
		return NULL;
	}
	am_buf_release(&text);
	return m;
}

void
mc_message_free(struct mc_message *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfields; i++)
		am_buf_release(&m->fields[i]);
	free(m->fields);
	am_buf_release(&m->body);
	free(m->client_ip);
	free(m->mail_from);
	free(m);
}

static const char *const verdict_names[MC_NVERDICTS] = {"accept",
    "quarantine", "reject", "tempfail", "discard", "other"};

const char *
mc_verdict_name(enum mc_verdict v)
{
	return v < MC_NVERDICTS ? verdict_names[v] : "?";
}

enum mc_verdict
mc_verdict_parse(const char *name)
{
	int v;

	for (v = 0; v < MC_NVERDICTS; v++)
		if (strcmp(name, verdict_names[v]) == 0)
			return (enum mc_verdict)v;
	return MC_NVERDICTS;
}
