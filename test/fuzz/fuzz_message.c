/*
 * fuzz_message.c - the whole message path: arbitrary bytes as an .eml
 * through the splitter into am_msg (headers, DKIM, body), then SPF, DKIM,
 * iprev, DMARC, policy and the Authentication-Results header, with DNS
 * from a static zone.  The verdict must always be complete and the
 * rendered header well formed.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "dkim.h"
#include "eml.h"
#include "message.h"
#include "verdict.h"
#include "zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char zone_text[] =
    "example.com TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
    "_dmarc.example.com TXT \"v=DMARC1; p=reject; sp=quarantine; np=reject; "
    "rua=mailto:d@example.com\"\n"
    "sel._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0B"
    "AQEFAAOCAQ8AMIIBCgKCAQEAwoU\"\n"
    "ed._domainkey.example.com TXT \"v=DKIM1; k=ed25519; "
    "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n"
    "_dmarc.example.org TXT \"v=DMARC1; p=quarantine; adkim=s; aspf=s; t=y\"\n"
    "example.org TIMEOUT\n"
    "9.2.0.192.in-addr.arpa PTR mail.example.com\n"
    "mail.example.com A 192.0.2.9\n"
    /* a two-label public suffix, an attacker's failing tree below it */
    "_dmarc.co.example TXT \"v=DMARC1; p=none; psd=y\"\n"
    "_dmarc.bank.co.example TXT \"v=DMARC1; p=reject; np=reject\"\n"
    "_dmarc.evil.co.example SERVFAIL\n"
    "evil.co.example TXT \"v=spf1 +all\"\n"
    /* look-alike targets (IDNA2008 with UTS #46 mapping) */
    "_dmarc.bank.example TXT \"v=DMARC1; p=reject\"\n"
    "_dmarc.xn--bnk-qla.example TXT \"v=DMARC1; p=quarantine\"\n";

static struct am_dns *dns;
static struct am_dkim_lib *dkim;

static void
setup(void)
{
	struct am_dkim_options opt;
	struct am_zone *zone;
	char err[128];

	zone = am_zone_new();
	if (zone == NULL || !am_zone_parse(zone, zone_text, strlen(zone_text),
				err, sizeof(err)))
		__builtin_trap();
	dns = am_dns_new_zone(zone);
	memset(&opt, 0, sizeof(opt));
	dkim = am_dkim_lib_new(&opt, err, sizeof(err));
	if (dns == NULL || dkim == NULL)
		__builtin_trap();
}

/* Every Author Domain found is evaluated with a reason; one that is no
 * DNS name is shown as printable ASCII; a message with one is never
 * "without an Author Domain". */
static void
check_authors(const struct am_verdict *v)
{
	const char *p;
	size_t i;

	if (v->nauthors > 0 && v->from == AM_FROM_MISSING)
		__builtin_trap();
	for (i = 0; i < v->nauthors; i++) {
		const struct am_dmarc_outcome *d = &v->authors[i].dmarc;

		if (d->reason == NULL || d->author_domain == NULL ||
		    d->author_domain[0] == '\0')
			__builtin_trap();
		for (p = d->author_domain; d->invalid_domain && *p != '\0'; p++)
			if (*p <= 0x20 || *p >= 0x7f)
				__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct am_verdict *v;
	struct am_ip client;
	struct am_ctx ctx;
	struct am_conn *conn;
	struct am_msg *msg;
	struct am_eml *eml;
	const char *p;

	if (dns == NULL)
		setup();
	am_ctx_init(&ctx, dns);
	ctx.dkim = dkim;
	ctx.authserv_id = "mx.example.net";
	am_ip_parse("192.0.2.9", 9, &client);
	if ((conn = am_conn_new(&ctx, &client, NULL)) == NULL)
		return 0;
	am_conn_helo(conn, "mail.example.com");
	if ((msg = am_msg_new(conn, size % 2 == 0)) == NULL) {
		am_conn_free(conn);
		return 0;
	}
	am_msg_mail_from(msg, "<bounce@example.com>");
	if ((eml = am_eml_new(msg)) != NULL) {
		am_eml_feed(eml, (const char *)data, size);
		am_eml_end(eml);
		am_eml_free(eml);
	}
	v = am_msg_finish(msg);
	if (v->authres == NULL || v->decision.rule == NULL)
		__builtin_trap();
	check_authors(v);
	/* the header we add: no line break but our own folds */
	for (p = v->authres; *p != '\0'; p++)
		if ((*p == '\n' && p[1] != '\t') || *p == '\r')
			__builtin_trap();
	am_msg_free(msg);
	am_conn_free(conn);
	return 0;
}
