/*
 * spf_suite.c - runs an OpenSPF test suite (YAML) against am_spf_check().
 *
 * Usage: spf_suite SUITE.yml ...
 *
 * Each scenario's zonedata becomes a static zone; each test is one TAP
 * line.  The driver reproduces pyspf's conventions for the data (see
 * ../shared/conformance/spf/SOURCE.md in the steering repository):
 *   - "SPF" records are served as TXT unless the name has a TXT entry
 *     (even "TXT: NONE"); we never query type SPF (RFC 7208 3.1);
 *   - NONE produces no record; a list is one record of several strings;
 *   - a bare TIMEOUT times out every type without records at that name;
 *   - MX is [preference, host];
 *   - "result" may be a list of acceptable results;
 *   - explanation "DEFAULT" means no explanation from the record.
 * One TAP stream for all suites given; a comment line per suite gives its
 * count.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "ctx.h"
#include "dns.h"
#include "spf.h"
#include "yaml_util.h"
#include "zone.h"

static unsigned ntests, npassed;

/* Appends one TXT record built from a scalar or a list of strings. */
static void
add_txt(struct am_zone *zone, const char *name, yaml_document_t *doc,
    yaml_node_t *v)
{
	struct am_buf b;
	yaml_node_item_t *it;

	if (v->type == YAML_SCALAR_NODE) {
		if (strcmp(yaml_scalar(v), "NONE") != 0)
			am_zone_add_txt(
			    zone, name, yaml_scalar(v), yaml_scalar_len(v));
		return;
	}
	am_buf_init(&b, 0);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *s = yaml_document_get_node(doc, *it);

		am_buf_add(&b, yaml_scalar(s), yaml_scalar_len(s));
	}
	am_zone_add_txt(zone, name, am_buf_str(&b), b.len);
	am_buf_release(&b);
}

static bool
has_type(yaml_document_t *doc, yaml_node_t *items, const char *type)
{
	yaml_node_item_t *it;

	for (it = items->data.sequence.items.start;
	     it < items->data.sequence.items.top; it++)
		if (yaml_map_get(doc, yaml_document_get_node(doc, *it), type) !=
		    NULL)
			return true;
	return false;
}

static void
add_item(struct am_zone *zone, const char *name, yaml_document_t *doc,
    yaml_node_t *item, bool spf_as_txt)
{
	yaml_node_pair_t *p = item->data.mapping.pairs.start;
	yaml_node_t *k = yaml_document_get_node(doc, p->key);
	yaml_node_t *v = yaml_document_get_node(doc, p->value);
	const char *type = yaml_scalar(k);
	struct am_ip ip;

	if (strcmp(type, "TXT") == 0 || (strcmp(type, "SPF") == 0 &&
					    spf_as_txt)) {
		add_txt(zone, name, doc, v);
	} else if (strcmp(type, "A") == 0 || strcmp(type, "AAAA") == 0) {
		if (am_ip_parse(yaml_scalar(v), yaml_scalar_len(v), &ip))
			am_zone_add_address(zone, name, &ip);
		else if (strcmp(yaml_scalar(v), "NONE") != 0)
			fprintf(stderr, "# bad address %s\n", yaml_scalar(v));
	} else if (strcmp(type, "MX") == 0) {
		yaml_node_t *pref = yaml_document_get_node(doc,
		    v->data.sequence.items.start[0]);
		yaml_node_t *host = yaml_document_get_node(doc,
		    v->data.sequence.items.start[1]);

		am_zone_add_target(zone, name, AM_DNS_MX,
		    (unsigned)atoi(yaml_scalar(pref)), yaml_scalar(host));
	} else if (strcmp(type, "PTR") == 0) {
		am_zone_add_target(zone, name, AM_DNS_PTR, 0, yaml_scalar(v));
	} else if (strcmp(type, "CNAME") == 0) {
		am_zone_add_target(zone, name, AM_DNS_CNAME, 0, yaml_scalar(v));
	}
}

static struct am_zone *
build_zone(yaml_document_t *doc, yaml_node_t *zonedata)
{
	struct am_zone *zone = am_zone_new();
	yaml_node_pair_t *p;
	yaml_node_item_t *it;

	for (p = zonedata->data.mapping.pairs.start;
	     p < zonedata->data.mapping.pairs.top; p++) {
		const char *name =
		    yaml_scalar(yaml_document_get_node(doc, p->key));
		yaml_node_t *items = yaml_document_get_node(doc, p->value);
		bool spf_as_txt = !has_type(doc, items, "TXT");

		for (it = items->data.sequence.items.start;
		     it < items->data.sequence.items.top; it++) {
			yaml_node_t *item = yaml_document_get_node(doc, *it);

			if (item->type == YAML_SCALAR_NODE &&
			    strcmp(yaml_scalar(item), "TIMEOUT") == 0)
				am_zone_add_fault(zone, name, 0,
				    AM_ZONE_TIMEOUT);
			else if (item->type == YAML_MAPPING_NODE)
				add_item(zone, name, doc, item, spf_as_txt);
		}
	}
	return zone;
}

static bool
result_ok(yaml_document_t *doc, yaml_node_t *expect, enum am_result got)
{
	yaml_node_item_t *it;

	if (expect->type == YAML_SCALAR_NODE)
		return strcasecmp(yaml_scalar(expect), am_result_name(got)) ==
		    0;
	for (it = expect->data.sequence.items.start;
	     it < expect->data.sequence.items.top; it++)
		if (strcasecmp(yaml_scalar(yaml_document_get_node(doc, *it)),
			am_result_name(got)) == 0)
			return true;
	return false;
}

static time_t
fixed_clock(void *arg)
{
	(void)arg;
	return 1700000000;
}

static void
run_test(yaml_document_t *doc, struct am_dns *dns, const char *suite,
    const char *scenario, const char *name, yaml_node_t *t)
{
	const char *host = yaml_scalar(yaml_map_get(doc, t, "host"));
	const char *helo = yaml_scalar(yaml_map_get(doc, t, "helo"));
	const char *mailfrom = yaml_scalar(yaml_map_get(doc, t, "mailfrom"));
	const char *exp = yaml_scalar(yaml_map_get(doc, t, "explanation"));
	yaml_node_t *expect = yaml_map_get(doc, t, "result");
	struct am_arena *arena = am_arena_new();
	struct am_dns_session *s = am_dns_session_new(dns, arena);
	struct am_spf_request req;
	struct am_spf_outcome out;
	struct am_ctx ctx;
	bool ok;

	am_ctx_init(&ctx, dns);
	ctx.clock = fixed_clock;
	memset(&req, 0, sizeof(req));
	if (host == NULL || !am_ip_parse(host, strlen(host), &req.client)) {
		printf("not ok %u - %s: %s/%s (bad host in suite)\n",
		    ++ntests, suite, scenario, name);
		goto done;
	}
	req.helo = helo;
	req.mail_from = mailfrom != NULL ? mailfrom : "";
	am_spf_check(&ctx, s, arena, &req, AM_SPF_MAILFROM, NULL, &out);
	ok = result_ok(doc, expect, out.result);
	if (ok && exp != NULL && out.result == AM_RESULT_FAIL) {
		if (strcmp(exp, "DEFAULT") == 0)
			ok = out.explanation == NULL;
		else
			ok = out.explanation != NULL &&
			    strcmp(out.explanation, exp) == 0;
	}
	ntests++;
	if (ok)
		npassed++;
	printf("%sok %u - %s: %s/%s\n", ok ? "" : "not ", ntests, suite,
	    scenario, name);
	if (!ok)
		printf("#   got %s (%s), explanation \"%s\"; expected %s%s%s\n",
		    am_result_name(out.result), out.reason != NULL ?
		    out.reason : "", out.explanation != NULL ? out.explanation :
		    "DEFAULT", expect->type == YAML_SCALAR_NODE ?
		    yaml_scalar(expect) : "(list)", exp != NULL ? ", exp " : "",
		    exp != NULL ? exp : "");
done:
	am_dns_session_end(s);
	am_arena_free(arena);
}

static void
run_scenario(yaml_document_t *doc, yaml_node_t *root, const char *suite)
{
	const char *scenario =
	    yaml_scalar(yaml_map_get(doc, root, "description"));
	yaml_node_t *tests = yaml_map_get(doc, root, "tests");
	yaml_node_t *zonedata = yaml_map_get(doc, root, "zonedata");
	struct am_zone *zone;
	struct am_dns *dns;
	yaml_node_pair_t *p;

	if (tests == NULL || zonedata == NULL)
		return;
	zone = build_zone(doc, zonedata);
	dns = am_dns_new_zone(zone);
	for (p = tests->data.mapping.pairs.start;
	     p < tests->data.mapping.pairs.top; p++)
		run_test(doc, dns, suite, scenario != NULL ? scenario : "?",
		    yaml_scalar(yaml_document_get_node(doc, p->key)),
		    yaml_document_get_node(doc, p->value));
	am_dns_free(dns);
}

static void
scenario(yaml_document_t *doc, yaml_node_t *root, void *suite)
{
	run_scenario(doc, root, suite);
}

/* Runs every scenario of one suite file; false on a read error. */
static bool
run_suite(const char *path)
{
	const char *suite =
	    strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	unsigned before = ntests, passed_before = npassed;

	if (!yaml_each_document(path, scenario, (void *)suite))
		return false;
	printf("# %s: %u of %u cases pass\n", suite, npassed - passed_before,
	    ntests - before);
	return true;
}

int
main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: spf_suite SUITE.yml ...\n");
		return 99;
	}
	for (i = 1; i < argc; i++)
		if (!run_suite(argv[i]))
			return 99;
	printf("1..%u\n", ntests);
	return 0;
}
