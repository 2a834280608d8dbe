/*
 * bench.c - `make bench`: what one message costs authmilter's core, in
 * figures, measured side by side in one run (the machines are shared and
 * noisy: compare the ratios, not the absolute numbers).
 *
 *   verify    libopendkim alone verifying the message's signature: the
 *             cryptographic floor any DKIM milter pays
 *   arc       lib/arc.c alone verifying the message's ARC chain (one
 *             set, then three), and sealing it (RSA-2048, Ed25519)
 *   full      the whole path of the daemon minus the milter protocol:
 *             .eml split, SPF, DKIM, iprev, DMARC, policy, the header;
 *             then the same with a one-set chain verified and our set
 *             added
 *   memory    arena bytes per message, and the process's peak RSS
 *   floods    hostile header blocks, CPU time per message: 26,000 From
 *             fields of distinct domains (RFC 9989 11.5 says a receiver
 *             may evaluate every Author Domain; the work must stay
 *             bounded), 26,000 spellings of one IDN domain (each a
 *             libidn2 conversion unless bounded), 26,000 DKIM-Signature
 *             fields, a signature whose h= names From 20,000 times over
 *             26,000 From fields, and the largest one still verified
 *             (256 names over 1,990 fields: libopendkim matches each
 *             name against each field); and an ARC set over 26,000
 *             From fields whose AMS names From 64 times (lib/arc_canon.c
 *             picks fields from an index, not by scanning)
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

#include "arcsign.h"
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
#define SEAL_ROUNDS  500 /* sealing signs twice: RSA-2048 is slow */
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
	/* the ARC sealers use the same key */
	dkimsign_zone_txt(&z, "arc._domainkey.lists.example", key->record);
	if (!am_zone_parse(zone, am_buf_str(&z), z.len, err, sizeof(err)))
		exit(1);
	am_buf_release(&z);
	return am_dns_new_zone(zone);
}

/* What one case of the bench needs. */
struct bench {
	const struct am_ctx *ctx;
	const char *message;
	size_t len;
	unsigned sets;			    /* ARC sets the message carries */
	const struct am_arc_sealer *sealer; /* ARC cases: seal it too */
	size_t bytes;			    /* arena bytes, whole core */
};

/* libopendkim alone verifying the message's signature. */
static void
dkim_alone(struct bench *b)
{
	struct am_arena *arena = am_arena_new();
	struct am_dns_session *s = am_dns_session_new(b->ctx->dns, arena);
	struct dkimsign_check chk;

	if (!dkimsign_verify(b->ctx->dkim, b->ctx, s, arena, NULL, b->message,
		b->len, 0, &chk) || chk.res.sigs[0].result != AM_RESULT_PASS) {
		fprintf(stderr, "bench: the signature does not verify: %s\n",
		    chk.res.count > 0 ? chk.res.sigs[0].reason :
		    "no signature");
		exit(1);
	}
	am_dns_session_end(s);
	am_arena_free(arena);
}

/* lib/arc.c alone: the chain judged and, with a sealer, sealed. */
static void
arc_alone(struct bench *b)
{
	struct am_arena *arena = am_arena_new();
	struct am_dns_session *s = am_dns_session_new(b->ctx->dns, arena);
	struct am_arc_result res;
	struct am_arc_seal seal;
	struct am_arc *a;

	a = arcsign_check(b->ctx, s, arena, b->message, &res);
	if (res.sets != b->sets || (b->sets > 0 &&
				       res.result != AM_RESULT_PASS)) {
		fprintf(stderr, "bench: the chain: %s\n", res.reason);
		exit(1);
	}
	if (b->sealer != NULL) {
		am_arc_seal(a, b->sealer, &res, "mx.example.net; arc=pass",
		    NULL, &seal);
		if (seal.aar == NULL)
			exit(1);
	}
	am_arc_free(a);
	am_dns_session_end(s);
	am_arena_free(arena);
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

/* One message through the whole core, from a client that passes SPF and
 * iprev for example.com; the caller frees *conn and the message. */
static struct am_msg *
one_message(const struct am_ctx *ctx, const char *message, size_t len,
    struct am_conn **conn)
{
	struct am_ip ip;
	struct am_msg *msg;
	struct am_eml *eml;

	am_ip_parse("192.0.2.7", 9, &ip);
	*conn = am_conn_new(ctx, &ip, NULL);
	am_conn_helo(*conn, "mail.example.com");
	msg = am_msg_new(*conn, false);
	am_msg_mail_from(msg, "<news@example.com>");
	eml = am_eml_new(msg);
	am_eml_feed(eml, message, len);
	am_eml_end(eml);
	am_eml_free(eml);
	return msg;
}

/* The whole core (sealing when ctx has a sealer). */
static void
full(struct bench *b)
{
	const struct am_ctx *ctx = b->ctx;
	struct am_conn *conn;
	struct am_msg *msg = one_message(ctx, b->message, b->len, &conn);
	const struct am_verdict *v = am_msg_finish(msg);

	if (v->nauthors != 1 || v->authors[0].dmarc.result != AM_RESULT_PASS ||
	    v->dkim.sigs[0].result != AM_RESULT_PASS ||
	    (ctx->arc_sealer != NULL && v->seal.aar == NULL)) {
		fprintf(stderr, "bench: unexpected verdict: %s\n", v->summary);
		exit(1);
	}
	b->bytes += am_msg_arena_used(msg);
	am_msg_free(msg);
	am_conn_free(conn);
}

/* message with one, and three, ARC sets of lists.example (RSA-2048). */
static void
chains(const struct am_ctx *ctx, const struct am_arc_sealer *list,
    const char *message, char **one, char **three)
{
	struct am_arena *arena = am_arena_new();
	struct am_dns_session *s = am_dns_session_new(ctx->dns, arena);
	char *two;

	*one = arcsign_seal(ctx, s, arena, list, "lists.example; dmarc=pass",
	    message);
	two = arcsign_seal(ctx, s, arena, list, "lists.example; arc=pass",
	    *one);
	*three = arcsign_seal(ctx, s, arena, list, "lists.example; arc=pass",
	    two);
	if (*one == NULL || two == NULL || *three == NULL)
		exit(1);
	free(two);
	am_dns_session_end(s);
	am_arena_free(arena);
}

/*
 * The cases, run in turns (a batch of each, again and again) so that the
 * load of a shared machine weighs on all of them alike; batch sizes keep
 * each turn of each case near the same time.
 */
struct bench_case {
	const char *label;
	void (*run)(struct bench *);
	struct bench b;
	int batch;
	double seconds;
	long messages;
};

#define TURNS 20

static void
run_cases(struct bench_case *cases, size_t n)
{
	double t0;
	size_t k;
	int turn, i;

	for (turn = 0; turn < TURNS; turn++)
		for (k = 0; k < n; k++) {
			t0 = now();
			for (i = 0; i < cases[k].batch; i++)
				cases[k].run(&cases[k].b);
			cases[k].seconds += now() - t0;
			cases[k].messages += cases[k].batch;
		}
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
	struct am_conn *conn;
	struct am_msg *msg;
	const struct am_verdict *v;
	double t_build, t_write, t0;
	int i, k;

	for (i = 0; i < ROUNDS / 10; i++) {
		msg = one_message(ctx, message, len, &conn);
		v = am_msg_finish(msg);
		t0 = now();
		for (k = 0; k < 100; k++)
			report_row(v, &rows.row);
		rows.t += now() - t0;
		rows.n += 100;
		am_msg_free(msg);
		am_conn_free(conn);
	}
	t_build = rows.t / rows.n;
	t_write = write_rows(rows.row);
	free(rows.row);
	printf("  report row built from the verdict        %8.1f us/message "
	       "(milter thread)\n", t_build * 1e6);
	printf("  report row written to SQLite, %d a batch %5.1f us/row "
	       "(writer thread)\n", BATCH, t_write * 1e6);
	printf("  recording / whole core                   %8.3f\n",
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
		else if (kind[0] == 'h' || strcmp(kind, "arc") == 0)
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
	double t0 = cpu_now();
	struct am_conn *conn;
	struct am_msg *msg = one_message(ctx, message, strlen(message), &conn);
	const struct am_verdict *v = am_msg_finish(msg);
	static char last[64];

	snprintf(last, sizeof(last), "%s (%s)%s%s",
	    am_action_name(v->decision.action), v->decision.rule,
	    v->arc.result != AM_RESULT_NONE ? ", arc=" : "",
	    v->arc.result != AM_RESULT_NONE ? am_result_name(v->arc.result) :
					      "");
	*rule = last;
	am_msg_free(msg);
	am_conn_free(conn);
	return cpu_now() - t0;
}

/* The flood of kind; "arc": 26,000 From fields sealed by list, whose
 * AMS names From 64 times (our seal's bound, AM_ARC_H_MAX). */
static char *
flood_message(const struct am_ctx *ctx, const struct am_arc_sealer *list,
    const char *kind)
{
	struct am_arena *arena;
	struct am_dns_session *s;
	char *m = flood(kind), *sealed;

	if (strcmp(kind, "arc") != 0)
		return m;
	arena = am_arena_new();
	s = am_dns_session_new(ctx->dns, arena);
	sealed = arcsign_seal(ctx, s, arena, list, "lists.example; dmarc=pass",
	    m);
	am_dns_session_end(s);
	am_arena_free(arena);
	free(m);
	if (sealed == NULL)
		exit(1);
	return sealed;
}

static void
floods(const struct am_ctx *ctx, const struct am_arc_sealer *list)
{
	static const struct {
		const char *kind, *what;
	} f[] = {
		{"from", "26,000 From fields, distinct domains"},
		{"idn", "26,000 spellings of one IDN From domain"},
		{"dkim", "26,000 DKIM-Signature fields"},
		{"hlist", "h= naming From 20,000 times, 26,000 From"},
		{"h256", "h= naming From 256 times, 1,990 From"},
		{"arc", "ARC set naming From 64 times, 26,000 From"},
	};
	const char *rule;
	double best, t;
	char *m;
	size_t i;
	int r;

	printf("header floods, CPU time per message (best of %d):\n",
	    FLOOD_ROUNDS);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		m = flood_message(ctx, list, f[i].kind);
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
	struct dkimsign_key *key = dkimsign_key_rsa(2048),
			    *ed = dkimsign_key_ed25519();
	struct am_dkim_options dk = {0, 0};
	struct am_arc_sealer *list, *eds;
	struct am_ctx ctx, sealing;
	struct am_dns *dns;
	struct rusage ru;
	size_t len, k;
	char *message, *one, *three, err[128];
	double dkim_us;

	if (key == NULL || ed == NULL)
		return 1;
	message = make_message(key);
	len = strlen(message);
	dns = make_dns(key);
	am_ctx_init(&ctx, dns);
	ctx.dkim = am_dkim_lib_new(&dk, err, sizeof(err));
	ctx.authserv_id = "mx.example.net";
	ctx.clock = wall_clock;
	if ((list = arcsign_sealer(key, "lists.example", "arc")) == NULL ||
	    (eds = arcsign_sealer(ed, "mx.example.net", "ed")) == NULL)
		return 1;
	chains(&ctx, list, message, &one, &three);
	sealing = ctx;
	sealing.arc_sealer = list;
	{
		struct bench_case cases[] = {
			{"DKIM alone (lib/dkim.c + libopendkim)", dkim_alone,
			    {&ctx, message, len, 0, NULL, 0}, ROUNDS / TURNS, 0,
			    0},
			{"whole core (SPF+DKIM+iprev+DMARC+A-R)", full,
			    {&ctx, message, len, 0, NULL, 0}, ROUNDS / TURNS, 0,
			    0},
			{"ARC verify alone, 1 set (lib/arc.c)", arc_alone,
			    {&ctx, one, strlen(one), 1, NULL, 0},
			    ROUNDS / TURNS, 0, 0},
			{"ARC verify alone, 3 sets", arc_alone,
			    {&ctx, three, strlen(three), 3, NULL, 0},
			    ROUNDS / TURNS, 0, 0},
			{"ARC verify 1 set + seal, RSA-2048", arc_alone,
			    {&ctx, one, strlen(one), 1, list, 0},
			    SEAL_ROUNDS / TURNS, 0, 0},
			{"ARC verify 1 set + seal, Ed25519", arc_alone,
			    {&ctx, one, strlen(one), 1, eds, 0},
			    ROUNDS / TURNS, 0, 0},
			{"whole core + ARC 1 set + seal RSA-2048", full,
			    {&sealing, one, strlen(one), 1, NULL, 0},
			    SEAL_ROUNDS / TURNS, 0, 0},
		};

		run_cases(cases, sizeof(cases) / sizeof(cases[0]));
		getrusage(RUSAGE_SELF, &ru);
		printf("authmilter bench: messages of %zu bytes, DKIM "
		       "rsa-sha256 2048 bits, DMARC p=reject, DNS from a "
		       "static zone; %d turns of every case\n", len, TURNS);
		dkim_us = cases[0].seconds / cases[0].messages * 1e6;
		for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
			printf("  %-40s %8.1f us/message  %5.2f x DKIM\n",
			    cases[k].label, cases[k].seconds /
			    cases[k].messages * 1e6, cases[k].seconds /
			    cases[k].messages * 1e6 / dkim_us);
		printf("  arena memory per message (whole core)    %8zu bytes\n",
		    cases[1].b.bytes / (size_t)cases[1].messages);
		printf("  ... with an ARC chain, sealed            %8zu bytes\n",
		    cases[6].b.bytes / (size_t)cases[6].messages);
		printf("  peak resident set (whole run)            %8ld KB\n",
		    ru.ru_maxrss);
		reports(&ctx, message, len,
		    cases[1].seconds / (double)cases[1].messages);
	}
	floods(&ctx, list);
	am_arc_sealer_free(list);
	am_arc_sealer_free(eds);
	am_dkim_lib_free(ctx.dkim);
	am_dns_free(dns);
	dkimsign_key_free(key);
	dkimsign_key_free(ed);
	free(message);
	free(one);
	free(three);
	return 0;
}
