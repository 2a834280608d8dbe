/* unit_config.c - /etc/authmilter.conf: values, defaults, errors with
 * file:line, the -n printout, and every key documented. */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "config.h"

static char *
write_temp(const char *text)
{
	static char path[64];
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "/tmp/unit_config.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	return path;
}

static struct am_config *
load(const char *text, char *err, size_t errlen)
{
	char *path = write_temp(text);
	struct am_config *cfg = am_config_load(path, err, errlen);

	unlink(path);
	return cfg;
}

static void
config_defaults_are_documented_values(void **state)
{
	struct am_config *cfg = am_config_defaults();
	struct am_policy_options lib_defaults;
	size_t i;

	(void)state;
	assert_non_null(cfg);
	assert_string_equal(cfg->socket, "inet:8893@127.0.0.1");
	assert_int_equal(cfg->socket_mode, 0660);
	assert_int_equal(cfg->dns_timeout, 10);
	assert_int_equal(cfg->resolvers.n, 0);
	assert_int_equal(cfg->dkim_max_signatures, 5);
	assert_int_equal(cfg->dkim_min_key_bits, 1024);
	assert_int_equal(cfg->policy.mode, AM_MODE_REJECT);
	assert_int_equal(cfg->single_headers.n, 11);
	assert_int_equal(cfg->policy.nsingle_headers, 11);
	/* RFC 6376 8.15: a From added to a signed message */
	assert_int_equal(cfg->policy.on_header_problem, AM_ACTION_QUARANTINE);
	/* lib/'s own defaults (am_ctx_init) agree with the configuration's */
	am_policy_defaults(&lib_defaults);
	assert_int_equal(lib_defaults.nsingle_headers, cfg->single_headers.n);
	for (i = 0; i < lib_defaults.nsingle_headers; i++)
		assert_string_equal(lib_defaults.single_headers[i],
		    cfg->policy.single_headers[i]);
	assert_int_equal(lib_defaults.on_header_problem,
	    cfg->policy.on_header_problem);
	assert_string_equal(cfg->verdict_header, "");
	assert_int_equal(cfg->policy.on_temperror, AM_ACTION_ACCEPT);
	assert_int_equal(cfg->quarantine, AM_QUARANTINE_HOLD);
	assert_int_equal(cfg->trusted_networks.n, 2);
	assert_true(cfg->trust_authenticated);
	assert_int_equal(cfg->log_level, AM_LOG_INFO);
	assert_string_equal(cfg->syslog_facility, "mail");
	assert_string_equal(am_config_authserv_id(cfg, "mx.example"),
	    "mx.example");
	am_config_free(cfg);
}

static void
config_file_values_are_read(void **state)
{
	char err[256] = "";
	struct am_config *cfg = load(
	    "# comment\n"
	    "milter {\n  socket = \"unix:/run/authmilter/milter.sock\"\n"
	    "  socket_mode = \"0600\"\n  authserv_id = \"mx.example.net\"\n"
	    "  log_level = debug\n  syslog_facility = local3\n}\n"
	    "dns { resolvers = {\"127.0.0.1@5353\", \"::1\"} timeout = 3 "
	    "dnssec = true }\n"
	    "dmarc { temperror = tempfail quarantine = header "
	    "reject_reply = \"550 5.7.26 DMARC says no for %s\" }\n"
	    "policy { trusted_networks = {\"10.0.0.0/8\", \"2001:db8::/32\"}\n"
	    "  allow_from_domains = {\"Partner.Example\"} dry_run = yes }\n",
	    err, sizeof(err));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->socket, "unix:/run/authmilter/milter.sock");
	assert_int_equal(cfg->socket_mode, 0600);
	assert_string_equal(am_config_authserv_id(cfg, "h"), "mx.example.net");
	assert_int_equal(cfg->log_level, AM_LOG_DEBUG);
	assert_string_equal(cfg->syslog_facility, "local3");
	assert_int_equal(cfg->resolvers.n, 2);
	assert_string_equal(cfg->resolvers.v[1], "::1");
	assert_int_equal(cfg->dns_timeout, 3);
	assert_true(cfg->dnssec);
	assert_int_equal(cfg->policy.on_temperror, AM_ACTION_TEMPFAIL);
	assert_int_equal(cfg->quarantine, AM_QUARANTINE_HEADER);
	assert_string_equal(cfg->reject_reply, "550 5.7.26 DMARC says no for %s");
	assert_int_equal(cfg->trusted_networks.n, 2);
	assert_int_equal(cfg->trusted_networks.v[1].bits, 32);
	assert_string_equal(cfg->allow_from_domains.v[0], "partner.example");
	assert_true(cfg->dry_run);
	am_config_free(cfg);
}

/* A configuration text that must be refused, and what its error says. */
struct refusal {
	const char *text, *error;
};

/* Fails unless each of the n texts is refused with its error. */
static void
assert_refused(const struct refusal *cases, size_t n)
{
	char err[256];
	size_t i;

	for (i = 0; i < n; i++) {
		err[0] = '\0';
		if (load(cases[i].text, err, sizeof(err)) != NULL)
			fail_msg("accepted: %s", cases[i].text);
		if (strstr(err, cases[i].error) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].text, err,
			    cases[i].error);
	}
}

static void
config_errors_name_file_and_line(void **state)
{
	static const struct refusal cases[] = {
		{"milter {\n  sokcet = \"x\"\n}\n", ":2: no such option 'sokcet'"},
		{"dns {\n\n timeout = 0\n}\n", ":3: dns.timeout: must be 1 to 120"},
		{"dns { timeout = 121 }\n", ":1: dns.timeout: must be 1 to 120"},
		{"dns { timeout = soon }\n", ":1:"},
		{"policy {\n trusted_networks = {\"10.0.0.0/33\"}\n}\n",
		    ":2: policy.trusted_networks: \"10.0.0.0/33\": not a network"},
		{"dmarc { reject_reply = \"451 4.7.1 no\" }\n",
		    ":1: dmarc.reject_reply: \"451 4.7.1 no\": expected a 5xx"},
		{"dmarc { reject_reply = \"550 4.7.1 no\" }\n",
		    "enhanced status code of the same class"},
		{"dmarc { reject_reply = \"550 5.7.1 %s %s\" }\n",
		    "(the domain) may appear once"},
		{"dmarc { reject_reply = \"550 5.7.1 %d\" }\n",
		    "the only % directives allowed"},
		{"dmarc { temperror = maybe }\n",
		    ":1: dmarc.temperror: \"maybe\": not one of the allowed values"},
		{"milter { socket = \"inet:0@127.0.0.1\" }\n",
		    "milter.socket: \"inet:0@127.0.0.1\": the port must be"},
		{"milter { socket = \"unix:relative.sock\" }\n",
		    "a unix socket needs an absolute path"},
		{"milter { socket_mode = \"0999\" }\n", "an octal file mode"},
		{"milter { max_connections = 0 }\n",
		    ":1: milter.max_connections: must be 1 to 100000"},
		{"milter { timeout = 0 }\n",
		    ":1: milter.timeout: must be 1 to 86400"},
		{"dkim { min_key_bits = 512 }\n", "must be 1024 to 16384"},
		{"status { listen = \"unix:/run/status.sock\" }\n",
		    ":1: status.listen: \"unix:/run/status.sock\": expected "
		    "inet:PORT@HOST or inet6:PORT@HOST"},
		{"status { listen = \"inet:99999@127.0.0.1\" }\n",
		    "the port must be 1 to 65535"},
		{"policy { allow_from_domains = {\"a..b\"} }\n",
		    "not a domain name"},
		{"dmarc { quarantine_header = \"X Bad\" }\n",
		    "a header field name"},
		{"nosuchsection { x = 1 }\n", ":1: no such option 'nosuchsection'"},
		/* libconfuse 3.3 counted each comment as two or three lines */
		{"# one\n# two\ndns {\n timeout = 0\n}\n",
		    ":4: dns.timeout: must be 1 to 120"},
		{"dns { # a comment\n timeout = 0 // another\n}\n",
		    ":2: dns.timeout: must be 1 to 120"},
		{"/* a C comment\n   of two lines */\ndns {\n timeout = 0\n}\n",
		    ":4: dns.timeout: must be 1 to 120"},
		{"dmarc { reject_reply = \"550 5.7.1 # not a comment %s\" }\n"
		 "# c\ndns { timeout = 0 }\n", ":3: dns.timeout: must be 1 to 120"},
		/* ... and took a file that ends inside a section as whole */
		{"dns {\n timeout = 5\n",
		    ":1: this section's '{' is never closed: the file ends"},
		{"milter { authserv_id = \"a}b\" }\n# }\ndns {\n timeout = 5\n",
		    ":3: this section's '{' is never closed"},
	};
	char err[256];

	(void)state;
	assert_refused(cases, sizeof(cases) / sizeof(cases[0]));
	assert_null(am_config_load("/nonexistent/authmilter.conf", err,
	    sizeof(err)));
	assert_string_equal(err, "/nonexistent/authmilter.conf: No such file "
				 "or directory");
}

static void
config_policy_rules_are_read(void **state)
{
	char err[256] = "", *pins = strdup(write_temp(
	    "pin \"Partner.Example\" {\n"
	    "  networks = {\"198.51.100.0/24\", \"2001:db8:5::/48\"}\n}\n"
	    "pin \"other.example\" { networks = {\"192.0.2.1\"} "
	    "action = quarantine }\n"));
	char main_text[512];
	struct am_config *cfg;

	(void)state;
	snprintf(main_text, sizeof(main_text),
	    "dmarc { mode = quarantine }\n"
	    "policy { forwarders = {\"203.0.113.0/24\", \"Lists.Example\"}\n"
	    "  verdict_header = \"X-Verdict\" required_headers = {\"Date\", "
	    "\"Message-ID\"}\n  header_action = quarantine }\n"
	    "domain \"list.example\" { mode = reject }\n"
	    "include(\"%s\")\n", pins);
	cfg = load(main_text, err, sizeof(err));
	unlink(pins);
	free(pins);
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->policy.mode, AM_MODE_QUARANTINE);
	assert_int_equal(cfg->policy.nforwarders, 2);
	assert_true(cfg->policy.forwarders[0].is_network);
	assert_string_equal(cfg->policy.forwarders[1].name, "lists.example");
	assert_string_equal(cfg->verdict_header, "X-Verdict");
	assert_int_equal(cfg->policy.nrequired_headers, 2);
	assert_int_equal(cfg->policy.on_header_problem, AM_ACTION_QUARANTINE);
	assert_int_equal(cfg->policy.ndomain_modes, 1);
	assert_string_equal(cfg->policy.domain_modes[0].domain, "list.example");
	assert_int_equal(cfg->policy.domain_modes[0].mode, AM_MODE_REJECT);
	assert_int_equal(cfg->policy.npins, 2);
	assert_string_equal(cfg->policy.pins[0].domain, "partner.example");
	assert_int_equal(cfg->policy.pins[0].nnetworks, 2);
	assert_int_equal(cfg->policy.pins[0].action, AM_ACTION_REJECT);
	assert_int_equal(cfg->policy.pins[1].action, AM_ACTION_QUARANTINE);
	am_config_free(cfg);
}

static void
config_comment_marks_inside_values_are_kept(void **state)
{
	char err[256] = "";
	struct am_config *cfg = load(
	    "dmarc { reject_reply = \"550 5.7.1 #1 for %s\" } # a comment\n"
	    "dmarc { temperror_reply = '451 4.7.1 it\\'s //2 for %s' }\n"
	    "milter { socket = unix://run/milter.sock }\n",
	    err, sizeof(err));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->reject_reply, "550 5.7.1 #1 for %s");
	assert_string_equal(cfg->temperror_reply, "451 4.7.1 it's //2 for %s");
	/* "//" inside an unquoted word starts no comment (libconfuse) */
	assert_string_equal(cfg->socket, "unix://run/milter.sock");
	am_config_free(cfg);
}

static void
config_titled_section_errors(void **state)
{
	static const struct refusal cases[] = {
		{"pin \"a..b\" { networks = {\"192.0.2.1\"} }\n",
		    "\"a..b\": not a domain name"},
		{"pin \"p.example\" { action = reject }\n",
		    "\"p.example\": is required"},
		{"pin \"p.example\" { networks = {\"x\"} }\n",
		    ":1: pin.networks: \"x\": not a network"},
		{"pin \"p.example\" { networks = {\"192.0.2.1\"} action = "
		    "accept }\n", "pin.action: \"accept\": not one of"},
		{"domain \"d.example\" { }\n", "\"d.example\": is required"},
		{"domain \"d.example\" { mode = reject }\n"
		    "domain \"d.example\" { mode = none }\n", "d.example"},
		{"policy { forwarders = {\"bad..name\"} }\n",
		    "neither a network nor a host name"},
		{"policy { verdict_header = \"X: Y\" }\n", "a header field name"},
		{"include(\"/nonexistent/pins.conf\")\n", "pins.conf"},
	};
	(void)state;
	assert_refused(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
config_prints_only_changed_settings(void **state)
{
	char err[256], out[2048] = "";
	struct am_config *cfg = load("dns { timeout = 3 resolvers = "
				     "{\"192.0.2.53\"} }\n"
				     "milter { socket = \"inet:8893@127.0.0.1\" }\n",
	    err, sizeof(err));
	FILE *fp = fmemopen(out, sizeof(out), "w");

	(void)state;
	assert_non_null(cfg);
	am_config_print_changes(cfg, fp);
	fclose(fp);
	assert_string_equal(out, "dns.resolvers = {\"192.0.2.53\"}\n"
				 "dns.timeout = 3\n");
	am_config_free(cfg);
	cfg = load("pin \"p.example\" { networks = {\"192.0.2.0/24\"} }\n"
		   "domain \"d.example\" { mode = none }\n", err, sizeof(err));
	assert_non_null(cfg);
	fp = fmemopen(out, sizeof(out), "w");
	am_config_print_changes(cfg, fp);
	fclose(fp);
	assert_string_equal(out, "domain \"d.example\" { mode = none }\n"
				 "pin \"p.example\" { networks = "
				 "{\"192.0.2.0/24\"} action = reject }\n");
	am_config_free(cfg);
}

/* Every key appears in authmilter.conf(5) under its section and in the
 * sample configuration inside its section block. */
static char *
slurp(const char *rel)
{
	char path[1024];
	const char *top = getenv("top_srcdir");
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", top != NULL ? top : ".", rel);
	if ((fp = fopen(path, "r")) == NULL)
		fail_msg("cannot read %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		fail_msg("short read of %s", path);
	fclose(fp);
	return buf;
}

static void
config_every_key_is_documented(void **state)
{
	char *man = slurp("doc/authmilter.conf.5");
	char *sample = slurp("conf/authmilter.conf");
	const char *section, *name;
	char want[128];
	size_t i;

	(void)state;
	for (i = 0; i < am_config_nkeys(); i++) {
		const char *sec, *end;

		am_config_key(i, &section, &name);
		snprintf(want, sizeof(want), ".SS %s", section);
		if ((sec = strstr(man, want)) == NULL ||
		    (sec[strlen(want)] != '\n' && sec[strlen(want)] != ' '))
			fail_msg("authmilter.conf(5) has no section %s", section);
		end = strstr(sec + 1, ".SS ");
		snprintf(want, sizeof(want), "\n.B %s\n", name);
		if (strstr(sec, want) == NULL ||
		    (end != NULL && strstr(sec, want) > end))
			fail_msg("authmilter.conf(5) lacks %s.%s", section, name);
		/* flat sections are blocks; titled ones commented examples */
		snprintf(want, sizeof(want), "\n%s {\n", section);
		if ((sec = strstr(sample, want)) != NULL)
			end = strstr(sec, "\n}\n");
		else {
			snprintf(want, sizeof(want), "\n#%s \"", section);
			if ((sec = strstr(sample, want)) == NULL)
				fail_msg("conf/authmilter.conf has no %s block",
				    section);
			end = strstr(sec, "\n#}\n");
		}
		/* "#key = " in a block, "#<tab>key = " in an example */
		snprintf(want, sizeof(want), "#%s%s = ",
		    sec[1] == '#' ? "\t" : "", name);
		if (strstr(sec, want) == NULL || strstr(sec, want) > end)
			fail_msg("conf/authmilter.conf lacks %s.%s", section,
			    name);
	}
	free(man);
	free(sample);
}

static void
config_sample_is_valid_and_all_defaults(void **state)
{
	char path[1024], err[256], out[256] = "";
	const char *top = getenv("top_srcdir");
	struct am_config *cfg;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/conf/authmilter.conf",
	    top != NULL ? top : ".");
	if ((cfg = am_config_load(path, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	fp = fmemopen(out, sizeof(out), "w");
	am_config_print_changes(cfg, fp);
	fclose(fp);
	assert_string_equal(out, "");
	am_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_defaults_are_documented_values),
		cmocka_unit_test(config_file_values_are_read),
		cmocka_unit_test(config_errors_name_file_and_line),
		cmocka_unit_test(config_policy_rules_are_read),
		cmocka_unit_test(config_titled_section_errors),
		cmocka_unit_test(config_comment_marks_inside_values_are_kept),
		cmocka_unit_test(config_prints_only_changed_settings),
		cmocka_unit_test(config_every_key_is_documented),
		cmocka_unit_test(config_sample_is_valid_and_all_defaults),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
