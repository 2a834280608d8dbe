/*
 * nullmilter.c - a libmilter milter that does nothing: the floor
 * `make bench` measures the daemon against (test/bench_daemon.sh).
 *
 *   nullmilter SOCKET          (inet:PORT@127.0.0.1, unix:PATH)
 *
 * It registers the callbacks authmilter registers and negotiates what
 * authmilter negotiates (no reply for connect, HELO, MAIL, header, end
 * of header and body; no RCPT, no unknown commands; SKIP; header values
 * as received), so that the MTA sends it the very same packets; every
 * callback only answers, and the end of message accepts.  Nagle is off
 * on its connections as on authmilter's (milter/nodelay.c).  What
 * separates the two in CPU per message is therefore authmilter's own
 * work, not the protocol.
 *
 * Runs in the foreground until SIGTERM or SIGINT.
 */
#include "autoconfig.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <libmilter/mfapi.h>

#include "nodelay.h"

static const unsigned long no_reply = SMFIP_NR_CONN | SMFIP_NR_HELO |
    SMFIP_NR_MAIL | SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY;

static sfsistat
nm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx;
	(void)f2;
	(void)f3;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE);
	*pf1 = f1 & (no_reply | SMFIP_NORCPT | SMFIP_NOUNKNOWN | SMFIP_SKIP |
			SMFIP_HDR_LEADSPC);
	*pf2 = *pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat
nm_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	(void)ctx;
	(void)host;
	(void)sa;
	return SMFIS_NOREPLY;
}

static sfsistat
nm_helo(SMFICTX *ctx, char *helo)
{
	(void)ctx;
	(void)helo;
	return SMFIS_NOREPLY;
}

static sfsistat
nm_envfrom(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return SMFIS_NOREPLY;
}

static sfsistat
nm_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	(void)name;
	(void)value;
	return SMFIS_NOREPLY;
}

static sfsistat
nm_step(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

static sfsistat
nm_eoh(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_NOREPLY;
}

static sfsistat
nm_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	(void)ctx;
	(void)chunk;
	(void)len;
	return SMFIS_NOREPLY;
}

static sfsistat
nm_eom(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_ACCEPT;
}

static struct smfiDesc desc = {
	.xxfi_name = "nullmilter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE,
	.xxfi_connect = nm_connect,
	.xxfi_helo = nm_helo,
	.xxfi_envfrom = nm_envfrom,
	.xxfi_header = nm_header,
	.xxfi_data = nm_step,
	.xxfi_eoh = nm_eoh,
	.xxfi_body = nm_body,
	.xxfi_eom = nm_eom,
	.xxfi_abort = nm_step,
	.xxfi_close = nm_step,
	.xxfi_negotiate = nm_negotiate,
};

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: nullmilter SOCKET\n");
		return 2;
	}
	if (smfi_register(desc) != MI_SUCCESS ||
	    smfi_setconn(argv[1]) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot listen on %s\n", argv[1]);
		return 1;
	}
	if (strncmp(argv[1], "inet", 4) == 0)
		nodelay_listeners();
	printf("nullmilter listening on %s\n", argv[1]);
	fflush(stdout);
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
