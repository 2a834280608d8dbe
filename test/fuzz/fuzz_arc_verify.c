/*
 * fuzz_arc_verify.c - a whole message through am_msg with ARC verifying
 * and sealing, on hostile input: the message text, a NUL, and the key
 * record published at dummy._domainkey.example.org (the selector and
 * domain of the seed chains).  Any result is fine; a crash, a leak, a
 * result without a reason or half a seal is not.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "arc.h"
#include "eml.h"
#include "message.h"
#include "verdict.h"
#include "zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static time_t
fixed_clock(void *arg)
{
	(void)arg;
	return 1700000000;
}

/* A sealer with a key made once per process. */
static struct am_arc_sealer *
sealer(void)
{
	static struct am_arc_sealer *s;
	char path[] = "/tmp/fuzz_arc.XXXXXX", err[256];
	EVP_PKEY *k;
	FILE *fp;
	int fd;

	if (s != NULL)
		return s;
	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024)) == NULL)
		return NULL;
	if ((fd = mkstemp(path)) >= 0 && (fp = fdopen(fd, "w")) != NULL) {
		PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL);
		fclose(fp);
		s = am_arc_sealer_new(path, "example.net", "arc", err,
		    sizeof(err));
		unlink(path);
	}
	EVP_PKEY_free(k);
	return s;
}

static void
run(struct am_ctx *ctx, const char *text, size_t len)
{
	struct am_ip ip;
	struct am_conn *conn;
	struct am_msg *msg;
	struct am_eml *eml;
	const struct am_verdict *v;

	am_ip_parse("192.0.2.1", 9, &ip);
	if ((conn = am_conn_new(ctx, &ip, NULL)) == NULL)
		return;
	if ((msg = am_msg_new(conn, true)) != NULL &&
	    (eml = am_eml_new(msg)) != NULL) {
		am_eml_feed(eml, text, len);
		am_eml_end(eml);
		v = am_msg_finish(msg);
		if ((v->arc.result != AM_RESULT_NONE &&
			v->arc.reason == NULL) ||
		    (v->seal.aar != NULL &&
			(v->seal.ams == NULL || v->seal.as == NULL)) ||
		    (v->arc.result == AM_RESULT_PASS && v->arc.sealer == NULL))
			__builtin_trap();
		am_eml_free(eml);
	}
	am_msg_free(msg);
	am_conn_free(conn);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul = memchr(text, '\0', size);
	size_t len = nul != NULL ? (size_t)(nul - text) : size;
	struct am_zone *zone;
	struct am_dns *dns;
	struct am_ctx ctx;

	if ((zone = am_zone_new()) == NULL)
		return 0;
	if (nul != NULL && !am_zone_add_txt(zone,
			       "dummy._domainkey.example.org", nul + 1,
			       size - len - 1)) {
		am_zone_free(zone);
		return 0;
	}
	if ((dns = am_dns_new_zone(zone)) == NULL)
		return 0;
	am_ctx_init(&ctx, dns);
	ctx.clock = fixed_clock;
	ctx.arc_sealer = sealer();
	run(&ctx, text, len);
	am_dns_free(dns);
	return 0;
}
