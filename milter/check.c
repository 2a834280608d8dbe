/*
 * check.c - authmilter-check: what would authmilter do with this message?
 *
 * Drives the very same lib/ calls as the daemon from an .eml file and
 * envelope options, then prints the Authentication-Results header it
 * would add and an explanation of every step (or the same as JSON).  DNS
 * comes from the system's resolver, a given resolver, or a zone file
 * ("what if my DNS said this?").
 *
 * With --config it evaluates under the daemon's configuration (local
 * policy, authserv-id, DKIM and DNS settings).
 *
 * Exit codes (authmilter-check(1)): 0 pass-like, 1 fail-like,
 * 2 temporary error, 64 usage, 65 bad zone or configuration file,
 * 66 unreadable input, 70 internal error.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctx.h"
#include "eml.h"
#include "ip.h"
#include "json.h"
#include "message.h"
#include "verdict.h"
#include "zone.h"

enum {
	EXIT_PASS = 0,
	EXIT_FAILLIKE = 1,
	EXIT_TEMP = 2,
	EXIT_USAGE = 64,
	EXIT_DATAERR = 65,
	EXIT_NOINPUT = 66,
	EXIT_SOFTWARE = 70,
};

#define MAX_RESOLVERS 8
#define READ_CHUNK    65536

struct options {
	const char *client_ip, *helo, *mail_from, *zone, *authserv_id;
	const char *trust_anchor, *config, *auth_user;
	const char *resolvers[MAX_RESOLVERS];
	size_t nresolvers;
	unsigned timeout;
	bool json, special_names;
	const char *file; /* NULL: no message, "-": stdin */
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: authmilter-check [--client-ip IP] [--helo NAME] "
	    "[--mail-from ADDR]\n"
	    "                        [--zone FILE | --resolver ADDR ...] "
	    "[--json] [FILE|-]\n"
	    "Options: --authserv-id NAME, --timeout SECONDS, "
	    "--resolve-special-names,\n"
	    "         --trust-anchor FILE, --config FILE, --auth USER, "
	    "--help,\n         --version.  See authmilter-check(1).\n");
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"client-ip", required_argument, NULL, 'i'},
		{"helo", required_argument, NULL, 'H'},
		{"mail-from", required_argument, NULL, 'f'},
		{"zone", required_argument, NULL, 'z'},
		{"resolver", required_argument, NULL, 'r'},
		{"authserv-id", required_argument, NULL, 'a'},
		{"timeout", required_argument, NULL, 't'},
		{"resolve-special-names", no_argument, NULL, 'S'},
		{"trust-anchor", required_argument, NULL, 'T'},
		{"config", required_argument, NULL, 'c'},
		{"auth", required_argument, NULL, 'u'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char *end;
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->client_ip = optarg;
			break;
		case 'H':
			o->helo = optarg;
			break;
		case 'f':
			o->mail_from = optarg;
			break;
		case 'z':
			o->zone = optarg;
			break;
		case 'r':
			if (o->nresolvers == MAX_RESOLVERS) {
				fprintf(stderr, "authmilter-check: at most %d "
				    "--resolver options\n", MAX_RESOLVERS);
				return EXIT_USAGE;
			}
			o->resolvers[o->nresolvers++] = optarg;
			break;
		case 'a':
			o->authserv_id = optarg;
			break;
		case 't':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v < 1 || v > 300) {
				fprintf(stderr, "authmilter-check: --timeout "
				    "takes 1 to 300 seconds, not \"%s\"\n",
				    optarg);
				return EXIT_USAGE;
			}
			o->timeout = (unsigned)v;
			break;
		case 'S':
			o->special_names = true;
			break;
		case 'T':
			o->trust_anchor = optarg;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'u':
			o->auth_user = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_PASS);
		case 'V':
			printf("authmilter-check %s\n", PACKAGE_VERSION);
			exit(EXIT_PASS);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "authmilter-check: one message at a time\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (optind < argc)
		o->file = argv[optind];
	if (o->zone != NULL && (o->nresolvers > 0 || o->trust_anchor != NULL)) {
		fprintf(stderr, "authmilter-check: --zone excludes --resolver "
				"and --trust-anchor\n");
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * The resolver the command line asks for: a zone file, or the
 * configuration's resolver with options overridden.  NULL with *code 0
 * when nothing is overridden (am_ctx_new() builds the configuration's
 * own), NULL with *code set on an error.
 */
static struct am_dns *
make_resolver(const struct options *o, const struct am_config *cfg,
    int *code)
{
	struct am_dns_options dopt;
	struct am_zone *zone;
	struct am_dns *dns;
	char err[512];

	*code = 0;
	if (o->zone != NULL) {
		if ((zone = am_zone_new()) == NULL) {
			*code = EXIT_SOFTWARE;
			return NULL;
		}
		if (!am_zone_load_file(zone, o->zone, err, sizeof(err))) {
			fprintf(stderr, "authmilter-check: %s\n", err);
			am_zone_free(zone);
			*code = access(o->zone, R_OK) == 0 ? EXIT_DATAERR :
							     EXIT_NOINPUT;
			return NULL;
		}
		if ((dns = am_dns_new_zone(zone)) == NULL)
			*code = EXIT_SOFTWARE;
		return dns;
	}
	if (o->nresolvers == 0 && o->trust_anchor == NULL &&
	    o->timeout == 0 && !o->special_names)
		return NULL;
	/* The command line wins over the configuration's [dns]. */
	am_config_dns_options(cfg, &dopt);
	if (o->nresolvers > 0 || o->trust_anchor != NULL) {
		dopt.forwarders = o->resolvers;
		dopt.nforwarders = o->nresolvers;
		dopt.dnssec = o->trust_anchor != NULL;
		dopt.trust_anchor = o->trust_anchor;
	}
	if (o->timeout != 0)
		dopt.timeout_ms = o->timeout * 1000;
	if (o->special_names)
		dopt.resolve_special_names = true;
	if ((dns = am_dns_new_unbound(&dopt, err, sizeof(err))) == NULL) {
		fprintf(stderr, "authmilter-check: %s\n", err);
		*code = EXIT_USAGE;
	}
	return dns;
}

/* Feeds the message file into msg; returns 0 or an exit code. */
static int
read_message(struct am_msg *msg, const char *file)
{
	FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
	struct am_eml *eml;
	char *chunk;
	size_t n;
	int code = 0;

	if (fp == NULL) {
		fprintf(stderr, "authmilter-check: %s: %s\n", file,
		    strerror(errno));
		return EXIT_NOINPUT;
	}
	if ((eml = am_eml_new(msg)) == NULL ||
	    (chunk = malloc(READ_CHUNK)) == NULL) {
		am_eml_free(eml);
		if (fp != stdin)
			fclose(fp);
		return EXIT_SOFTWARE;
	}
	while ((n = fread(chunk, 1, READ_CHUNK, fp)) > 0)
		am_eml_feed(eml, chunk, n);
	if (ferror(fp)) {
		fprintf(stderr, "authmilter-check: %s: %s\n", file,
		    strerror(errno));
		code = EXIT_NOINPUT;
	} else
		am_eml_end(eml);
	free(chunk);
	am_eml_free(eml);
	if (fp != stdin)
		fclose(fp);
	return code;
}

/* Without --mail-from, the message's Return-Path stands in for it. */
static const char *
envelope_from(const struct options *o, const struct am_msg *msg)
{
	const struct am_header *rp;

	if (o->mail_from != NULL)
		return o->mail_from;
	if ((rp = am_msg_find_header(msg, "Return-Path")) != NULL)
		return rp->value;
	return "";
}

/*
 * 2 when anything is temporarily undecided (a temperror, or the action is
 * tempfail); else 1 when the message would be rejected or quarantined or
 * a result is fail, softfail or permerror; else 0.
 */
static int
exit_code(const struct am_verdict *v)
{
	bool temp = v->decision.action == AM_ACTION_TEMPFAIL;
	bool bad = v->decision.action == AM_ACTION_REJECT ||
	    v->decision.action == AM_ACTION_QUARANTINE;
	size_t i;

#define CLASSIFY(r)                                                       \
	do {                                                              \
		temp |= (r) == AM_RESULT_TEMPERROR;                       \
		bad |= (r) == AM_RESULT_FAIL || (r) == AM_RESULT_SOFTFAIL || \
		    (r) == AM_RESULT_PERMERROR;                           \
	} while (0)
	if (v->spf_done)
		CLASSIFY(v->spf.result);
	for (i = 0; v->dkim_done && i < v->dkim.count; i++)
		CLASSIFY(v->dkim.sigs[i].result);
	for (i = 0; i < v->nauthors; i++)
		CLASSIFY(v->authors[i].dmarc.result);
	CLASSIFY(v->arc.result);
#undef CLASSIFY
	return temp ? EXIT_TEMP : bad ? EXIT_FAILLIKE : EXIT_PASS;
}

static void
print_dmarc(const struct am_verdict *v)
{
	size_t i;

	if (v->from_why != NULL)
		printf("from: %s\n", v->from_why);
	for (i = 0; i < v->nauthors; i++) {
		const struct am_author *a = &v->authors[i];
		const struct am_dmarc_outcome *d = &a->dmarc;

		printf("dmarc=%s for header.from %s", am_result_name(d->result),
		    d->author_domain);
		if (d->have_record)
			printf(" (record of %s: %s; requested %s, applied %s)",
			    d->policy_domain, d->comment,
			    am_dmarc_policy_name(d->requested),
			    am_dmarc_policy_name(a->applied));
		printf("\n  dmarc=%s: %s\n", am_result_name(d->result),
		    d->reason);
		if (a->note != NULL)
			printf("  local policy: %s\n", a->note);
	}
}

/* RFC 8617: the chain, and our seal when one is configured. */
static void
print_arc(const struct am_verdict *v)
{
	const struct am_arc_result *a = &v->arc;

	printf("arc=%s", am_result_name(a->result));
	if (a->result == AM_RESULT_NONE)
		printf(": no ARC sets\n");
	else
		printf(" (%u set%s): %s\n", a->sets, a->sets == 1 ? "" : "s",
		    a->reason);
	if (a->result == AM_RESULT_PASS)
		printf("  oldest-pass %u; newest seal by %s\n", a->oldest_pass,
		    a->sealer);
	if (v->seal.aar != NULL)
		printf("  sealed: i=%u (the ARC set above)\n", v->seal.instance);
	else if (v->seal.why_not != NULL)
		printf("  not sealed: %s\n", v->seal.why_not);
}

static void
print_methods(const struct am_verdict *v)
{
	const struct am_spf_outcome *spf = &v->spf;
	size_t i;

	if (!v->spf_done)
		printf("spf: not evaluated: no client address (--client-ip)\n");
	else {
		printf("spf=%s for %s (%s identity, sender %s)\n",
		    am_result_name(spf->result), spf->domain,
		    spf->identity == AM_SPF_HELO ? "HELO" : "MAIL FROM",
		    spf->sender);
		printf("  %s\n", spf->reason != NULL ? spf->reason : "");
		printf("  DNS-querying terms: %u of 10; void lookups: %u of "
		       "2\n", spf->lookups, spf->void_lookups);
		if (spf->result == AM_RESULT_FAIL)
			printf("  explanation: %s\n", spf->explanation != NULL ?
			    spf->explanation : "(none published)");
	}
	for (i = 0; v->dkim_done && i < v->dkim.count; i++) {
		const struct am_dkim_sig *s = &v->dkim.sigs[i];

		printf("dkim=%s d=%s s=%s a=%s b=%s\n  %s\n",
		    am_result_name(s->result), s->domain != NULL ? s->domain :
		    "-", s->selector != NULL ? s->selector : "-",
		    s->algorithm != NULL ? s->algorithm : "-",
		    s->b != NULL ? s->b : "-", s->reason);
	}
	if (v->dkim_done && v->dkim.unchecked > 0)
		printf("dkim: %zu more signatures not checked\n",
		    v->dkim.unchecked);
	if (v->iprev_done)
		printf("iprev=%s: %s\n", am_result_name(v->iprev.result),
		    v->iprev.reason);
	print_arc(v);
}

static void
print_text(const struct options *o, const struct am_verdict *v)
{
	const struct am_trace_line *l;

	/* in the order the daemon leaves them at the top of the header */
	if (v->seal.aar != NULL)
		printf("ARC-Seal: %s\nARC-Message-Signature: %s\n"
		       "ARC-Authentication-Results: %s\n",
		    v->seal.as, v->seal.ams, v->seal.aar);
	printf("Authentication-Results: %s\n", v->authres);
	printf("\naction: %s (%s): %s\n", am_action_name(v->decision.action),
	    v->decision.rule, v->decision.reason);
	printf("verdict: %s\n", v->label);
	if (v->header_problem != NULL)
		printf("headers: %s\n", v->header_problem);
	if (v->nforged > 0)
		printf("removed: %zu incoming Authentication-Results claiming "
		       "our authserv-id\n", v->nforged);
	printf("\n");
	print_dmarc(v);
	print_methods(v);
	if (o->file != NULL)
		printf("message: %zu header bytes%s, %zu body bytes\n",
		    v->header_bytes, v->headers_truncated ?
		    " (truncated: over 1 MB kept)" : "", v->body_bytes);
	if (v->trace == NULL || v->trace->head == NULL)
		return;
	printf("\nsteps:\n");
	for (l = v->trace->head; l != NULL; l = l->next)
		printf("  %-6s %*s%s\n", l->method, (int)l->depth * 2, "",
		    l->text);
}

static void
json_spf(struct json *j, const struct am_spf_outcome *spf)
{
	json_object(j, "spf");
	json_string(j, "result", am_result_name(spf->result));
	json_string(j, "identity", spf->identity == AM_SPF_HELO ? "helo" :
								  "mailfrom");
	json_string(j, "domain", spf->domain);
	json_string(j, "sender", spf->sender);
	json_string(j, "mechanism", spf->mechanism);
	json_string(j, "record_domain", spf->record_domain);
	json_string(j, "explanation", spf->explanation);
	json_string(j, "reason", spf->reason);
	json_uint(j, "dns_terms", spf->lookups);
	json_uint(j, "void_lookups", spf->void_lookups);
	json_end_object(j);
}

static void
json_dkim(struct json *j, const struct am_verdict *v)
{
	size_t i;

	json_array(j, "dkim");
	for (i = 0; v->dkim_done && i < v->dkim.count; i++) {
		const struct am_dkim_sig *s = &v->dkim.sigs[i];

		json_object(j, NULL);
		json_string(j, "result", am_result_name(s->result));
		json_string(j, "domain", s->domain);
		json_string(j, "selector", s->selector);
		json_string(j, "algorithm", s->algorithm);
		json_string(j, "b", s->b);
		json_uint(j, "key_bits", s->key_bits);
		json_string(j, "reason", s->reason);
		json_end_object(j);
	}
	json_end_array(j);
}

static void
json_dmarc(struct json *j, const struct am_verdict *v)
{
	size_t i;

	json_string(j, "from_problem", v->from_why);
	json_array(j, "dmarc");
	for (i = 0; i < v->nauthors; i++) {
		const struct am_author *a = &v->authors[i];
		const struct am_dmarc_outcome *d = &a->dmarc;

		json_object(j, NULL);
		json_string(j, "result", am_result_name(d->result));
		json_string(j, "header_from", d->author_domain);
		json_string(j, "policy_domain", d->policy_domain);
		json_string(j, "org_domain", d->org_domain);
		json_string(j, "policy_tag", d->policy_tag);
		json_string(j, "published", d->have_record ?
		    am_dmarc_policy_name(d->published) : NULL);
		json_bool(j, "testing", d->record.testing);
		json_string(j, "requested", d->have_record ?
		    am_dmarc_policy_name(d->requested) : NULL);
		json_string(j, "applied", am_dmarc_policy_name(a->applied));
		json_bool(j, "spf_aligned", d->spf_aligned);
		json_bool(j, "dkim_aligned", d->dkim_aligned);
		json_string(j, "aligned_by", d->aligned_by);
		json_string(j, "reason", d->reason);
		json_string(j, "local_policy", a->note);
		json_end_object(j);
	}
	json_end_array(j);
}

static void
json_arc(struct json *j, const struct am_verdict *v)
{
	json_object(j, "arc");
	json_string(j, "result", am_result_name(v->arc.result));
	json_uint(j, "sets", v->arc.sets);
	json_string(j, "reason", v->arc.reason);
	if (v->arc.result == AM_RESULT_PASS) {
		json_uint(j, "oldest_pass", v->arc.oldest_pass);
		json_string(j, "sealer", v->arc.sealer);
	}
	if (v->seal.aar != NULL || v->seal.why_not != NULL) {
		json_object(j, "seal");
		json_uint(j, "instance", v->seal.instance);
		json_string(j, "arc_seal", v->seal.as);
		json_string(j, "arc_message_signature", v->seal.ams);
		json_string(j, "arc_authentication_results", v->seal.aar);
		json_string(j, "not_sealed", v->seal.why_not);
		json_end_object(j);
	}
	json_end_object(j);
}

static void
print_json(const struct options *o, const struct am_verdict *v)
{
	const struct am_trace_line *l;
	char ip[AM_IP_STRLEN];
	struct json j;

	json_init(&j, stdout);
	json_object(&j, NULL);
	json_string(&j, "authentication_results", v->authres);
	json_object(&j, "action");
	json_string(&j, "action", am_action_name(v->decision.action));
	json_string(&j, "rule", v->decision.rule);
	json_string(&j, "reason", v->decision.reason);
	json_string(&j, "verdict", v->label);
	json_string(&j, "header_problem", v->header_problem);
	json_end_object(&j);
	json_uint(&j, "removed_authentication_results", v->nforged);
	json_dmarc(&j, v);
	if (v->spf_done)
		json_spf(&j, &v->spf);
	else
		json_string(&j, "spf", NULL);
	json_dkim(&j, v);
	json_arc(&j, v);
	if (v->iprev_done) {
		json_object(&j, "iprev");
		json_string(&j, "result", am_result_name(v->iprev.result));
		am_ip_format(&v->iprev.client, ip);
		json_string(&j, "address", ip);
		json_string(&j, "name", v->iprev.name);
		json_string(&j, "reason", v->iprev.reason);
		json_end_object(&j);
	}
	if (o->file != NULL) {
		json_object(&j, "message");
		json_uint(&j, "header_bytes", v->header_bytes);
		json_uint(&j, "body_bytes", v->body_bytes);
		json_bool(&j, "headers_truncated", v->headers_truncated);
		json_end_object(&j);
	}
	json_array(&j, "steps");
	for (l = v->trace != NULL ? v->trace->head : NULL; l != NULL;
	     l = l->next) {
		json_object(&j, NULL);
		json_string(&j, "method", l->method);
		json_uint(&j, "depth", l->depth);
		json_string(&j, "text", l->text);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_uint(&j, "exit_code", (unsigned long long)exit_code(v));
	json_end_object(&j);
}

static time_t
wall_clock(void *arg)
{
	(void)arg;
	return time(NULL);
}

/* Everything one run needs; torn down by teardown(). */
struct run {
	struct am_ctx *ctx;
	struct am_conn *conn;
	struct am_msg *msg;
};

static void
teardown(struct run *r)
{
	am_msg_free(r->msg);
	am_conn_free(r->conn);
	am_ctx_free(r->ctx);
}

/*
 * Builds the context as the daemon does (am_ctx_new(), from --config or
 * the defaults) and an empty message; 0 or an exit code.
 */
static int
setup(const struct options *o, const struct am_ip *client, struct run *r)
{
	struct am_ctx_env env = {.clock = wall_clock};
	struct am_config *cfg;
	char err[512], host[256];
	int code = 0;

	cfg = o->config != NULL ? am_config_load(o->config, err, sizeof(err)) :
				  am_config_defaults();
	if (cfg == NULL) {
		if (o->config == NULL)
			return EXIT_SOFTWARE;
		fprintf(stderr, "authmilter-check: %s\n", err);
		return access(o->config, R_OK) == 0 ? EXIT_DATAERR :
						      EXIT_NOINPUT;
	}
	if ((env.dns = make_resolver(o, cfg, &code)) == NULL && code != 0) {
		am_config_free(cfg);
		return code;
	}
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	env.host = host;
	if ((r->ctx = am_ctx_new(cfg, &env, err, sizeof(err))) == NULL) {
		fprintf(stderr, "authmilter-check: %s\n", err);
		return o->config != NULL ? EXIT_DATAERR : EXIT_SOFTWARE;
	}
	if (o->authserv_id != NULL)
		r->ctx->authserv_id = o->authserv_id;
	if ((r->conn = am_conn_new(r->ctx, client, NULL)) == NULL ||
	    (r->msg = am_msg_new(r->conn, true)) == NULL)
		return EXIT_SOFTWARE;
	if (o->helo != NULL)
		am_conn_helo(r->conn, o->helo);
	if (o->auth_user != NULL)
		am_msg_auth(r->msg, o->auth_user);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct am_verdict *v;
	struct am_ip client;
	struct options o;
	struct run r;
	int code;

	if ((code = parse_args(argc, argv, &o)) != 0)
		return code;
	if (o.client_ip != NULL &&
	    !am_ip_parse(o.client_ip, strlen(o.client_ip), &client)) {
		fprintf(stderr, "authmilter-check: --client-ip \"%s\" is not "
		    "an IPv4 or IPv6 address\n", o.client_ip);
		return EXIT_USAGE;
	}
	memset(&r, 0, sizeof(r));
	if ((code = setup(&o, o.client_ip != NULL ? &client : NULL, &r)) != 0)
		goto out;
	if (o.file != NULL && (code = read_message(r.msg, o.file)) != 0)
		goto out;
	am_msg_mail_from(r.msg, envelope_from(&o, r.msg));
	v = am_msg_finish(r.msg);
	if (v->authres == NULL) {
		code = EXIT_SOFTWARE;
		goto out;
	}
	if (o.json)
		print_json(&o, v);
	else
		print_text(&o, v);
	code = exit_code(v);
out:
	teardown(&r);
	if (fflush(stdout) != 0 && code == 0)
		code = EXIT_SOFTWARE;
	return code;
}
