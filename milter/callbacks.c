/*
 * callbacks.c - libmilter callbacks, translated one to one into lib/.
 *
 * Each callback fetches the connection's session, hands its arguments to
 * lib/ (message.c) and maps the answer to SMFIS_*.  No decision is made
 * here.  Protocol negotiation asks the MTA not to wait for replies where
 * authmilter never acts (SMFIP_NR_*), to skip the callbacks it does not
 * use, to keep the leading space of header values (DKIM's simple
 * canonicalization needs the header as sent), and allows SMFIS_SKIP to
 * stop the body once no DKIM signature needs it.
 *
 * Past milter.max_connections a connection gets no session of its own:
 * it negotiates nothing but its connect, which is answered with a
 * temporary failure, and holds no runtime, thread or message memory
 * while the MTA keeps it open.
 *
 * Threads: libmilter calls the callbacks of one connection from one
 * thread at a time; sessions are private to their connection.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callbacks.h"
#include "eom.h"
#include "log.h"
#include "message.h"
#include "metrics.h"
#include "runtime.h"
#include "verdict.h"

struct session {
	struct runtime *rt;
	struct am_conn *conn;
	struct am_msg *msg;
	unsigned long nr;   /* steps negotiated as no-reply (SMFIP_NR_*) */
	bool skip_ok;	    /* SMFIS_SKIP negotiated */
	bool leadspc;	    /* SMFIP_HDR_LEADSPC negotiated */
	bool full;	    /* refused: max_connections were open */
	char client[AM_IP_STRLEN];
	char qid[64];
};

/* The connection's session; created at negotiation, or at connect when
 * the MTA does not negotiate. */
static struct session *
session(SMFICTX *ctx)
{
	struct session *s = smfi_getpriv(ctx);

	if (s == NULL && (s = calloc(1, sizeof(*s))) != NULL)
		smfi_setpriv(ctx, s);
	return s;
}

/*
 * The runtime the connection works under, taken when the MTA opens the
 * connection (negotiation), or at connect when the MTA does not
 * negotiate.  Not later: Postfix sends the connect, HELO and MAIL events
 * that need no reply (SMFIP_NR_*) only with the message, after DATA, and
 * a transaction that far along is a message in flight that a graceful
 * stop waits for (runtime_sessions() counts the references).  When
 * milter.max_connections hold one already, none: the session is marked
 * full, once.
 */
static bool
hold_runtime(struct session *s)
{
	if (s == NULL || s->full)
		return false;
	if (s->rt == NULL) {
		s->rt = runtime_session_start(&s->full);
		if (s->full)
			metrics_refused();
	}
	return s->rt != NULL;
}

/* A connection past the limit: its connect is answered 451, and the
 * refusals are logged at most once a minute. */
static sfsistat
refuse_full(SMFICTX *ctx)
{
	static atomic_ulong refused;
	static _Atomic time_t logged;
	unsigned long n = atomic_fetch_add(&refused, 1) + 1;
	time_t now = time(NULL), last = atomic_load(&logged);

	if (now - last >= 60 &&
	    atomic_compare_exchange_strong(&logged, &last, now))
		log_msg(AM_LOG_WARNING, "connection limit reached "
		    "(milter.max_connections): %lu connection%s refused with "
		    "451 since start", n, n == 1 ? "" : "s");
	if (smfi_setreply(ctx, "451", "4.3.2", "Too many connections to "
		"the mail filter, try again later") != MI_SUCCESS)
		log_msg(AM_LOG_WARNING, "smfi_setreply(451 4.3.2) failed");
	return SMFIS_TEMPFAIL;
}

/* The reply for a step the MTA may or may not wait for. */
static sfsistat
carry_on(const struct session *s, unsigned long nr_flag)
{
	return s != NULL && (s->nr & nr_flag) != 0 ? SMFIS_NOREPLY :
						     SMFIS_CONTINUE;
}

static void
end_message(struct session *s)
{
	am_msg_free(s->msg);
	s->msg = NULL;
	s->qid[0] = '\0';
}

static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	static const unsigned long nr = SMFIP_NR_CONN | SMFIP_NR_HELO |
	    SMFIP_NR_MAIL | SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY;
	/* DATA stays on although nothing is done there: see cb_data(). */
	static const unsigned long off = SMFIP_NORCPT | SMFIP_NOUNKNOWN;
	struct session *s = session(ctx);

	(void)f2;
	(void)f3;
	*pf2 = *pf3 = 0;
	if (!hold_runtime(s) && (s == NULL || !s->full))
		return SMFIS_TEMPFAIL; /* stopping (serve() in main.c), ENOMEM */
	if (s->full) {
		/* nothing but the connect, and an answer to it */
		*pf0 = 0;
		*pf1 = f1 & (SMFIP_NOHELO | SMFIP_NOMAIL | SMFIP_NORCPT |
				SMFIP_NODATA | SMFIP_NOHDRS | SMFIP_NOEOH |
				SMFIP_NOBODY | SMFIP_NOUNKNOWN);
		return SMFIS_CONTINUE;
	}
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE);
	*pf1 = f1 & (nr | off | SMFIP_SKIP | SMFIP_HDR_LEADSPC);
	s->nr = *pf1 & nr;
	s->skip_ok = (*pf1 & SMFIP_SKIP) != 0;
	s->leadspc = (*pf1 & SMFIP_HDR_LEADSPC) != 0;
	if (!s->leadspc)
		log_msg(AM_LOG_WARNING, "the MTA cannot send header values as "
		    "received (SMFIP_HDR_LEADSPC): DKIM simple header "
		    "canonicalization may fail");
	return SMFIS_CONTINUE;
}

static bool
client_address(const struct sockaddr *sa, struct am_ip *ip)
{
	if (sa == NULL)
		return false;
	memset(ip, 0, sizeof(*ip));
	if (sa->sa_family == AF_INET) {
		ip->family = AM_IP_V4;
		memcpy(ip->addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		char text[AM_IP_STRLEN];

		/* through am_ip_parse: an IPv4-mapped client is IPv4 */
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    text, sizeof(text));
		return am_ip_parse(text, strlen(text), ip);
	}
	return false;
}

static sfsistat
cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *sa)
{
	struct session *s = session(ctx);
	struct am_ip ip;
	bool have_ip = client_address(sa, &ip);

	if (!hold_runtime(s))
		return s != NULL && s->full ? refuse_full(ctx) : SMFIS_TEMPFAIL;
	if (have_ip)
		am_ip_format(&ip, s->client);
	else
		snprintf(s->client, sizeof(s->client), "unknown");
	if ((s->conn = am_conn_new(s->rt->ctx, have_ip ? &ip : NULL,
		 hostname)) == NULL) {
		log_msg(AM_LOG_ERR, "out of memory for a connection from %s",
		    s->client);
		return SMFIS_TEMPFAIL;
	}
	return carry_on(s, SMFIP_NR_CONN);
}

static sfsistat
cb_helo(SMFICTX *ctx, char *helo)
{
	struct session *s = session(ctx);

	if (s == NULL || s->conn == NULL)
		return SMFIS_TEMPFAIL;
	am_conn_helo(s->conn, helo);
	return carry_on(s, SMFIP_NR_HELO);
}

static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct session *s = session(ctx);

	if (s == NULL || s->conn == NULL)
		return SMFIS_TEMPFAIL;
	end_message(s); /* a transaction without DATA: nothing to finish */
	/* At debug level every step of the evaluation is logged. */
	if ((s->msg = am_msg_new(s->conn,
		 s->rt->cfg->log_level >= AM_LOG_DEBUG)) == NULL) {
		log_msg(AM_LOG_ERR, "out of memory for a message from %s",
		    s->client);
		return SMFIS_TEMPFAIL;
	}
	am_msg_auth(s->msg, smfi_getsymval(ctx, "{auth_authen}"));
	am_msg_mail_from(s->msg, argv[0]);
	return carry_on(s, SMFIP_NR_MAIL);
}

static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct session *s = session(ctx);
	const char *qid;

	if (s == NULL || s->msg == NULL)
		return SMFIS_TEMPFAIL;
	if (s->qid[0] == '\0' && (qid = smfi_getsymval(ctx, "i")) != NULL)
		snprintf(s->qid, sizeof(s->qid), "%s", qid);
	am_msg_header(s->msg, name, strlen(name), value, strlen(value));
	return carry_on(s, SMFIP_NR_HDR);
}

/*
 * DATA is answered, though the daemon acts on nothing there.  Postfix
 * sends the DATA-stage macros whether or not DATA itself is switched off;
 * with it off, that lone packet waits unacknowledged (delayed ACK) and
 * Nagle's algorithm on Postfix's side holds the first header behind it.
 * Measured through Postfix over TCP: about 45 ms per message with DATA
 * off, none with DATA answered (doc/measurements.md).
 */
static sfsistat
cb_data(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

static sfsistat
cb_eoh(SMFICTX *ctx)
{
	struct session *s = session(ctx);

	if (s == NULL || s->msg == NULL)
		return SMFIS_TEMPFAIL;
	am_msg_end_headers(s->msg);
	return carry_on(s, SMFIP_NR_EOH);
}

static sfsistat
cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct session *s = session(ctx);

	if (s == NULL || s->msg == NULL)
		return SMFIS_TEMPFAIL;
	am_msg_body(s->msg, chunk, len);
	if (s->skip_ok && !am_msg_wants_body(s->msg))
		return SMFIS_SKIP;
	return carry_on(s, SMFIP_NR_BODY);
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct session *s = session(ctx);
	const struct am_verdict *v;
	struct eom e;
	const char *qid;
	sfsistat r;

	if (s == NULL || s->msg == NULL)
		return SMFIS_TEMPFAIL;
	if (s->qid[0] == '\0' && (qid = smfi_getsymval(ctx, "i")) != NULL)
		snprintf(s->qid, sizeof(s->qid), "%s", qid);
	v = am_msg_finish(s->msg);
	if (v->authres == NULL) {
		log_msg(AM_LOG_ERR, "%s: out of memory evaluating a message "
		    "from %s: deferred", s->qid[0] != '\0' ? s->qid :
		    "NOQUEUE", s->client);
		metrics_failed();
		end_message(s);
		return SMFIS_TEMPFAIL;
	}
	e = (struct eom){.ctx = ctx, .rt = s->rt, .v = v, .qid = s->qid[0] !=
	    '\0' ? s->qid : "NOQUEUE", .client = s->client,
	    .leadspc = s->leadspc};
	r = eom_run(&e);
	end_message(s);
	return r;
}

static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct session *s = session(ctx);

	if (s != NULL)
		end_message(s);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_close(SMFICTX *ctx)
{
	struct session *s = session(ctx);

	if (s == NULL)
		return SMFIS_CONTINUE;
	end_message(s);
	am_conn_free(s->conn);
	if (s->rt != NULL)
		runtime_session_end(s->rt);
	free(s);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

struct smfiDesc callbacks_desc = {
	.xxfi_name = "authmilter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE,
	.xxfi_connect = cb_connect,
	.xxfi_helo = cb_helo,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_header = cb_header,
	.xxfi_data = cb_data,
	.xxfi_eoh = cb_eoh,
	.xxfi_body = cb_body,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_negotiate = cb_negotiate,
};
