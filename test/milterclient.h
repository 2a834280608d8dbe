/*
 * milterclient.h - the MTA's side of the milter protocol, for the
 * programs that drive a milter over a socket (test/milterbench,
 * test/milterabuse): packets, sessions that honour what the milter
 * negotiated (steps switched off are not sent, no-reply steps are not
 * waited for, a SKIP ends the body), the macros Postfix sends, and
 * messages as an MTA hands them over.
 *
 * Test code: a failure is a string saying what went wrong, never an
 * exit.  Not thread-safe per session; sessions are independent.
 */
#ifndef AM_MILTERCLIENT_H
#define AM_MILTERCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define MC_MAX_PACKET (1024 * 1024)

/* The verdict a transaction ended with. */
enum mc_verdict {
	MC_ACCEPT,
	MC_QUARANTINE, /* accepted, with a quarantine request before it */
	MC_REJECT,     /* 'r', or a 5xx reply code */
	MC_TEMPFAIL,   /* 't', or a 4xx reply code */
	MC_DISCARD,
	MC_OTHER,      /* anything else: a protocol error */
	MC_NVERDICTS
};

/* A message as an MTA hands it over, with the envelope it comes in. */
struct mc_message {
	char *client_ip;       /* the SMTP client: 192.0.2.7 or 2001:db8::1 */
	char *mail_from;       /* "<user@example.test>" or "<>" */
	enum mc_verdict expect;
	struct am_buf *fields; /* "name\0value\0", value as received */
	size_t nfields, cap;
	struct am_buf body;    /* CRLF line ends */
	size_t size;	       /* bytes of the message file */
};

/* One milter connection. */
struct mc_session {
	int fd;
	uint32_t proto; /* the protocol flags the milter asked for */
	char *buf;	/* MC_MAX_PACKET bytes for replies */
};

/* What one transaction got. */
struct mc_outcome {
	enum mc_verdict verdict;
	unsigned changes; /* header changes before the verdict */
	double latency;	  /* end of message to verdict, seconds */
};

/* Seconds on CLOCK_MONOTONIC. */
double mc_now(void);

/* A TCP connection with Nagle off (as sendmail's and Postfix's milter
 * clients have it), or -1. */
int mc_dial(const char *host, const char *port);

/* One packet (length, command, data) in one write. */
bool mc_send(int fd, char cmd, const void *data, size_t len);

/* Reads one packet into buf (MC_MAX_PACKET bytes); *len its data. */
bool mc_read(int fd, char *cmd, char *buf, size_t *len);

/* Connects, negotiates (protocol 6, every action, every step offered),
 * sends connect and HELO for m's client; NULL, or what failed.  When
 * the milter refuses at connect, *refused is its verdict (MC_TEMPFAIL,
 * MC_REJECT) and the session stays open; otherwise MC_ACCEPT. */
const char *mc_open(struct mc_session *s, const char *host, const char *port,
    const struct mc_message *m, enum mc_verdict *refused);

/* One transaction of m, MAIL to end of message; NULL, or what failed. */
const char *mc_transaction(struct mc_session *s, const struct mc_message *m,
    struct mc_outcome *o);

/* QUIT, then waits for the milter to close (so that the closing
 * connection's TIME_WAIT stays on its side, not in our port range). */
void mc_close(struct mc_session *s);

/* Reads path (an RFC 5322 message, LF or CRLF); NULL with the reason
 * on standard error.  The envelope fields are copies. */
struct mc_message *mc_message_read(const char *path, const char *client_ip,
    const char *mail_from, enum mc_verdict expect);

void mc_message_free(struct mc_message *m);

/* "accept", "quarantine", ...; MC_NVERDICTS when name is none of them. */
const char *mc_verdict_name(enum mc_verdict v);
enum mc_verdict mc_verdict_parse(const char *name);

#endif
