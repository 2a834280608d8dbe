/*
 * bench.c - `make bench`: what one message costs authmilter's core, in
 * figures, measured side by side in one run (the machines are shared and
 * noisy: compare the ratios, not the absolute numbers).
 *
 *   verify    libopendkim alone verifying the message's signature: the
 *             cryptographic floor any DKIM milter pays
 *   full      the whole path of the daemon minus the milter protocol:
 *             .eml split, SPF, DKIM, iprev, DMARC, policy, the header
 *   memory    arena bytes per message, and the process's peak RSS
 *   floods    hostile header blocks, CPU time per message: 26,000 From
 *             fields of distinct domains (RFC 9989 11.5 says a receiver
 *             may evaluate every Author Domain; the work must stay
 *             bounded), 26,000 spellings of one IDN domain (each a
 *             libidn2 conversion unless bounded), 26,000 DKIM-Signature
 *             fields, a signature whose h= names From 20,000 times over
 *             26,000 From fields, and the largest one still verified
 *             (256 names over 1,990 fields: libopendkim matches each
 *             name against each field)
 *   reports   what recording for DMARC reports adds to a message: its
 *             report row built from the verdict (on the milter thread),
 *             then written to SQLite in batches (on the writer thread),
 *             beside the whole core
 *
 * DNS comes from a static zone (the resolver's cache would answer a
 * running daemon the same way).  The message is 5 KB, signed at start
 * with a fresh RSA-2048 key.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "dkimsign.h"
#include "eml.h"
#include "message.h"
#include "report.h"
#include "store.h"
#include "verdict.h"
#include "zone.h"

#define ROUNDS	     3000
#define WRITES	     30000 /* report rows written to SQLite */
#define BATCH	     250
#define FLOOD_FIELDS 26000
#define FLOOD_ROUNDS 3
/* 64 soft hyphens (U+00AD), which IDNA mapping removes */
#define SHY8  "\xc2\xad\xc2\xad\xc2\xad\xc2\xad\xc2\xad\xc2\xad\xc2\xad\xc2\xad"
#define SHY64 SHY8 SHY8 SHY8 SHY8 SHY8 SHY8 SHY8 SHY8

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static time_t
wall_clock(void *arg)
{
	(void)arg;
	return time(NULL);
}

static char *
make_message(const struct dkimsign_key *key)
{
	struct dkimsign_opts opt;
	struct am_buf m, out;
	char *sig, *s;
	int i;

	am_buf_init(&m, 0);
	am_buf_adds(&m, "From: Example News <news@example.com>\r\n"
			"To: reader@example.net\r\nSubject: November news\r\n"
			"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
			"Message-ID: <1@example.com>\r\n\r\n");
	for (i = 0; m.len < 5000; i++)
		am_buf_printf(&m, "Line %d of the newsletter body, with enough "
				  "words to look like prose.\r\n", i);
	memset(&opt, 0, sizeof(opt));
	opt.domain = "example.com";
	opt.selector = "sel";
	opt.alg = DKIM_SIGN_RSASHA256;
	opt.hcanon = opt.bcanon = DKIM_CANON_RELAXED;
	if ((sig = dkimsign_sign(key, &opt, am_buf_str(&m))) == NULL)
		exit(1);
	am_buf_init(&out, 0);
	am_buf_printf(&out, "%s\r\n%s", sig, am_buf_str(&m));
	s = strdup(am_buf_str(&out));
	free(sig);
	am_buf_release(&m);
	am_buf_release(&out);
	return s;
}

static struct am_dns *
make_dns(const struct dkimsign_key *key)
{
	struct am_zone *zone = am_zone_new();
	struct am_buf z;
	char err[128];

	am_buf_init(&z, 0);
	am_buf_adds(&z, "example.com TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
			"_dmarc.example.com TXT \"v=DMARC1; p=reject; "
			"rua=mailto:d@example.com\"\n"
			"7.2.0.192.in-addr.arpa PTR mail.example.com\n"
			"mail.example.com A 192.0.2.7\n");
	dkimsign_zone_txt(&z, "sel._domainkey.example.com", key->record);
	if (!am_zone_parse(zone, am_buf_str(&z), z.len, err, sizeof(err)))
		exit(1);
	am_buf_release(&z);
	return am_dns_new_zone(zone);
}

/* The report row of v, built as the daemon's recorder does; kept in
 * *keep the first time, else freed. */
static void
report_row(const struct am_verdict *v, struct am_report_row **keep)
{
	struct am_report_input in = {(int64_t)time(NULL), "mx.example.net",
	    "mx.example.net", "4Xk2p1", true};
	struct am_report_row *rows[4];

	if (am_report_rows(v, &in, rows, 4) != 1) {
		fprintf(stderr, "bench: no report row\n");
		exit(1);
	}
	if (keep != NULL && *keep == NULL)
		*keep = rows[0];
	else
		free(rows[0]);
}

/* Report rows built from one verdict, timed: the first row is kept. */
struct rows {
	struct am_report_row *row;
	double t;
	unsigned n;
};

/* One message through the whole core (and, with rows, its report row
 * built 100 times over); returns its arena bytes. */
static size_t
full(const struct am_ctx *ctx, const char *message, size_t len,
    struct rows *rows)
{
	struct am_ip ip;
	struct am_conn *conn;
	struct am_msg *msg;
	struct am_eml *eml;
	const struct am_verdict *v;
	size_t used;

	am_ip_parse("192.0.2.7", 9, &ip);
	conn = am_conn_new(ctx, &ip, NULL);
	am_conn_helo(conn, "mail.example.com");
	msg = am_msg_new(conn, false);
	am_msg_mail_from(msg, "<news@example.com>");
	eml = am_eml_new(msg);
	am_eml_feed(eml, message, len);
	am_eml_end(eml);
	am_eml_free(eml);
	v = am_msg_finish(msg);
	if (v->nauthors != 1 || v->authors[0].dmarc.result != AM_RESULT_PASS ||
	    v->dkim.sigs[0].result != AM_RESULT_PASS) {
		fprintf(stderr, "bench: unexpected verdict: %s\n", v->summary);
		exit(1);
	}
	if (rows != NULL) {
		double t0 = now();
		int k;

		for (k = 0; k < 100; k++)
			report_row(v, &rows->row);
		rows->t += now() - t0;
		rows->n += 100;
	}
	used = am_msg_arena_used(msg);
	am_msg_free(msg);
	am_conn_free(conn);
	return used;
}

/* Seconds per row written to a fresh SQLite store, in batches. */
static double
write_rows(struct am_report_row *row)
{
	struct am_report_row *batch[BATCH];
	char dir[] = "/tmp/authmilter-bench.XXXXXX", uri[128], err[512];
	struct am_store *s;
	double t0, t;
	int i;

	if (mkdtemp(dir) == NULL)
		exit(1);
	snprintf(uri, sizeof(uri), "sqlite:%s/reports.db", dir);
	if ((s = am_store_open(uri, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	for (i = 0; i < BATCH; i++)
		batch[i] = row;
	t0 = now();
	for (i = 0; i < WRITES; i += BATCH)
		if (!am_store_write(s, batch, BATCH, NULL, 0, err, sizeof(err))) {
			fprintf(stderr, "bench: %s\n", err);
			exit(1);
		}
	t = (now() - t0) / WRITES;
	am_store_close(s);
	snprintf(uri, sizeof(uri), "rm -rf %s", dir);
	if (system(uri) != 0)
		fprintf(stderr, "bench: could not remove %s\n", dir);
	return t;
}

/* The report row of a message (built on the milter thread) and its
 * write (on the writer thread), beside the whole core. */
static void
reports(const struct am_ctx *ctx, const char *message, size_t len,
    double t_full)
{
	struct rows rows = {NULL, 0, 0};
	double t_build, t_write;
	int i;

	for (i = 0; i < ROUNDS / 10; i++)
		full(ctx, message, len, &rows);
	t_build = rows.t / rows.n;
	t_write = write_rows(rows.row);
	free(rows.row);
	printf("  report row built from the verdict       %8.1f us/message "
	       "(milter thread)\n", t_build * 1e6);
	printf("  report row written to SQLite, %d a batch %6.1f us/row "
	       "(writer thread)\n", BATCH, t_write * 1e6);
	printf("  recording / whole core                  %8.3f\n",
	    (t_build + t_write) / t_full);
}

/* The header blocks of the floods; the body is one line. */
static char *
flood(const char *kind)
{
	int i, fields = strcmp(kind, "h256") == 0 ? 1990 : FLOOD_FIELDS;
	int hnames = strcmp(kind, "h256") == 0 ? 256 : 20000;
	struct am_buf m;
	char *s;

	am_buf_init(&m, 0);
	if (kind[0] == 'h') {
		am_buf_adds(&m, "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; "
				"s=sel; bh=AAAA; b=AAAA; h=");
		for (i = 0; i < hnames; i++)
			am_buf_adds(&m, i == 0 ? "from" : ":from");
		am_buf_adds(&m, "\r\n");
	}
	for (i = 0; i < fields; i++) {
		if (strcmp(kind, "dkim") == 0)
			am_buf_printf(&m, "DKIM-Signature: v=1; a=rsa-sha256; "
			    "d=d%d.example; s=s; h=from; bh=AAAA; b=AAAA\r\n",
			    i);
		else if (kind[0] == 'h')
			am_buf_adds(&m, "From: <news@example.com>\r\n");
		else if (strcmp(kind, "idn") == 0) /* b, a-umlaut, soft hyphens */
			am_buf_printf(&m, "From: <a@b%.*s\xc3\xa4%.*snk.example>\r\n",
			    2 * (i % 64), SHY64, 2 * (i / 64 % 64), SHY64);
		else
			am_buf_printf(&m, "From: <a@d%d.example>\r\n", i);
	}
	if (strcmp(kind, "dkim") == 0)
		am_buf_adds(&m, "From: <news@example.com>\r\n");
	am_buf_adds(&m, "Subject: flood\r\n\r\nbody\r\n");
	s = strdup(am_buf_str(&m));
	am_buf_release(&m);
	return s;
}

/* CPU seconds one flood message costs the whole core, and its verdict. */
static double
flood_cost(const struct am_ctx *ctx, const char *message, const char **rule)
{
	struct am_ip ip;
	struct am_conn *conn;
	struct am_msg *msg;
	struct am_eml *eml;
	const struct am_verdict *v;
	double t0 = cpu_now(), t;
	static char last[64];

	am_ip_parse("192.0.2.7", 9, &ip);
	conn = am_conn_new(ctx, &ip, NULL);
	am_conn_helo(conn, "mail.example.com");
	msg = am_msg_new(conn, false);
	am_msg_mail_from(msg, "<news@example.com>");
	eml = am_eml_new(msg);
	am_eml_feed(eml, message, strlen(message));
	am_eml_end(eml);
	am_eml_free(eml);
	v = am_msg_finish(msg);
	snprintf(last, sizeof(last), "%s (%s)",
	    am_action_name(v->decision.action), v->decision.rule);
	*rule = last;
	am_msg_free(msg);
	am_conn_free(conn);
	t = cpu_now() - t0;
	return t;
}

static void
floods(const struct am_ctx *ctx)
{
	static const struct {
		const char *kind, *what;
	} f[] = {
		{"from", "26,000 From fields, distinct domains"},
		{"idn", "26,000 spellings of one IDN From domain"},
		{"dkim", "26,000 DKIM-Signature fields"},
		{"hlist", "h= naming From 20,000 times, 26,000 From"},
		{"h256", "h= naming From 256 times, 1,990 From"},
	};
	const char *rule;
	double best, t;
	char *m;
	size_t i;
	int r;

	printf("header floods, CPU time per message (best of %d):\n",
	    FLOOD_ROUNDS);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		m = flood(f[i].kind);
		best = 0;
		for (r = 0; r < FLOOD_ROUNDS; r++) {
			t = flood_cost(ctx, m, &rule);
			if (r == 0 || t < best)
				best = t;
			if (t > 5.0)
				break; /* one slow round says enough */
		}
		printf("  %-42s %8.1f ms  -> %s\n", f[i].what, best * 1e3,
		    rule);
		free(m);
	}
}

int
main(void)
{
	struct dkimsign_key *key = dkimsign_key_rsa(2048);
	struct am_dkim_options dk = {0, 0};
	struct am_dkim_lib *lib;
	struct dkimsign_check chk;
	struct am_arena *arena;
	struct am_dns_session *s;
	struct am_ctx ctx;
	struct am_dns *dns;
	struct rusage ru;
	double t0, t_verify, t_full;
	size_t len, bytes = 0;
	char *message, err[128];
	int i;

	if (key == NULL)
		return 1;
	message = make_message(key);
	len = strlen(message);
	dns = make_dns(key);
	lib = am_dkim_lib_new(&dk, err, sizeof(err));
	am_ctx_init(&ctx, dns);
	ctx.dkim = lib;
	ctx.authserv_id = "mx.example.net";
	ctx.clock = wall_clock;

	t0 = now();
	for (i = 0; i < ROUNDS; i++) {
		arena = am_arena_new();
		s = am_dns_session_new(dns, arena);
		if (!dkimsign_verify(lib, &ctx, s, arena, NULL, message, len, 0,
			&chk) || chk.res.sigs[0].result != AM_RESULT_PASS) {
			fprintf(stderr, "bench: the signature does not verify: "
			    "%s\n", chk.res.count > 0 ? chk.res.sigs[0].reason :
			    "no signature");
			return 1;
		}
		am_dns_session_end(s);
		am_arena_free(arena);
	}
	t_verify = (now() - t0) / ROUNDS;
	t0 = now();
	for (i = 0; i < ROUNDS; i++)
		bytes += full(&ctx, message, len, NULL);
	t_full = (now() - t0) / ROUNDS;
	getrusage(RUSAGE_SELF, &ru);

	printf("authmilter bench: %d messages of %zu bytes, DKIM rsa-sha256 "
	       "2048 bits, DMARC p=reject, DNS from a static zone\n",
	    ROUNDS, len);
	printf("  DKIM alone (lib/dkim.c + libopendkim)   %8.1f us/message\n",
	    t_verify * 1e6);
	printf("  whole core (SPF+DKIM+iprev+DMARC+A-R)   %8.1f us/message\n",
	    t_full * 1e6);
	printf("  ratio whole core / DKIM alone           %8.2f\n",
	    t_full / t_verify);
	printf("  arena memory per message                %8zu bytes\n",
	    bytes / ROUNDS);
	printf("  peak resident set (whole run)           %8ld KB\n",
	    ru.ru_maxrss);
	reports(&ctx, message, len, t_full);
	floods(&ctx);
	am_dkim_lib_free(lib);
	am_dns_free(dns);
	dkimsign_key_free(key);
	free(message);
	return 0;
}
