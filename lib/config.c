/*
 * config.c - reading /etc/authmilter.conf (see config.h).
 *
 * The table below is the single source of truth for every key: its
 * section, type, default (in configuration syntax, stored by the same
 * code as a value from the file), bounds, and where it is stored.
 * libconfuse does the lexing and reports unknown keys with their line;
 * each value goes through a validating callback, so a bad one is refused
 * at its line too.  Defaults are applied afterwards, from the table.
 * Checking and storing values is config_values.c.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <confuse.h>

#include "config_internal.h"
#include "config_text.h"
#include "domain.h"

static const char *const log_levels[] = {"err", "warning", "notice",
    "info", "debug", NULL};
static const int log_levels_values[] = {AM_LOG_ERR, AM_LOG_WARNING,
    AM_LOG_NOTICE, AM_LOG_INFO, AM_LOG_DEBUG};
static const char *const facilities[] = {"mail", "daemon", "user", "local0",
    "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    NULL};
static const char *const quarantine_modes[] = {"hold", "header", "none",
    NULL};
static const int quarantine_modes_values[] = {AM_QUARANTINE_HOLD,
    AM_QUARANTINE_HEADER, AM_QUARANTINE_NONE};
static const char *const temperror_actions[] = {"accept", "tempfail", NULL};
static const int temperror_actions_values[] = {AM_ACTION_ACCEPT, AM_ACTION_TEMPFAIL};
static const char *const from_actions[] = {"accept", "quarantine", "reject",
    NULL};
static const int from_actions_values[] = {AM_ACTION_ACCEPT, AM_ACTION_QUARANTINE,
    AM_ACTION_REJECT};
static const char *const modes[] = {"reject", "quarantine", "none", NULL};
static const int modes_values[] = {AM_MODE_REJECT, AM_MODE_QUARANTINE,
    AM_MODE_NONE};
static const char *const pin_actions[] = {"quarantine", "reject", NULL};
static const int pin_actions_values[] = {AM_ACTION_QUARANTINE,
    AM_ACTION_REJECT};
static const char *const redactions[] = {"local-parts", "none", NULL};
static const int redactions_values[] = {AM_REDACT_LOCAL_PARTS,
    AM_REDACT_NONE};
static const char *const multi_from[] = {"evaluate", "quarantine", "reject",
    NULL};
static const int multi_from_values[] = {AM_MULTI_FROM_EVALUATE,
    AM_MULTI_FROM_QUARANTINE, AM_MULTI_FROM_REJECT};

#define OFF(f) offsetof(struct am_config, f)
#define CHOICES(c) .choices = c, .values = c##_values

static const struct am_config_key keys[] = {
	{.section = "milter", .name = "socket", .type = K_SOCKET,
	    .def = "inet:8893@127.0.0.1", .off = OFF(socket)},
	{.section = "milter", .name = "socket_mode", .type = K_MODE,
	    .def = "0660", .off = OFF(socket_mode)},
	{.section = "milter", .name = "socket_owner", .type = K_STR, .def = "",
	    .off = OFF(socket_owner)},
	{.section = "milter", .name = "socket_group", .type = K_STR, .def = "",
	    .off = OFF(socket_group)},
	{.section = "milter", .name = "user", .type = K_STR, .def = "nobody",
	    .off = OFF(user)},
	{.section = "milter", .name = "group", .type = K_STR, .def = "nogroup",
	    .off = OFF(group)},
	{.section = "milter", .name = "pidfile", .type = K_STR, .def = "",
	    .off = OFF(pidfile)},
	{.section = "milter", .name = "authserv_id", .type = K_STR, .def = "",
	    .off = OFF(authserv_id)},
	{.section = "milter", .name = "log_level", .type = K_ENUM,
	    .def = "info", .off = OFF(log_level), CHOICES(log_levels)},
	{.section = "milter", .name = "syslog_facility", .type = K_WORD,
	    .def = "mail", .off = OFF(syslog_facility), .choices = facilities},
	{.section = "milter", .name = "max_connections", .type = K_UINT,
	    .def = "1000", .off = OFF(max_connections), .min = 1,
	    .max = 100000},
	{.section = "milter", .name = "timeout", .type = K_UINT,
	    .def = "7210", .off = OFF(milter_timeout), .min = 1,
	    .max = 86400},
	{.section = "status", .name = "listen", .type = K_LISTEN, .def = "",
	    .off = OFF(status_listen)},
	{.section = "dns", .name = "resolvers", .type = K_STR_LIST, .def = "",
	    .off = OFF(resolvers)},
	{.section = "dns", .name = "resolv_conf", .type = K_STR,
	    .def = "/etc/resolv.conf", .off = OFF(resolv_conf)},
	{.section = "dns", .name = "timeout", .type = K_UINT, .def = "10",
	    .off = OFF(dns_timeout), .min = 1, .max = 120},
	{.section = "dns", .name = "dnssec", .type = K_BOOL, .def = "false",
	    .off = OFF(dnssec)},
	{.section = "dns", .name = "trust_anchor", .type = K_STR,
	    .def = "/usr/share/dns/root.key", .off = OFF(trust_anchor)},
	{.section = "dns", .name = "resolve_special_names", .type = K_BOOL,
	    .def = "false", .off = OFF(resolve_special_names)},
	{.section = "spf", .name = "time_limit", .type = K_UINT, .def = "20",
	    .off = OFF(spf_time_limit), .min = 1, .max = 300},
	{.section = "spf", .name = "void_lookups", .type = K_UINT, .def = "2",
	    .off = OFF(spf_void_limit), .min = 0, .max = 10},
	{.section = "dkim", .name = "max_signatures", .type = K_UINT,
	    .def = "5", .off = OFF(dkim_max_signatures), .min = 1, .max = 50},
	{.section = "dkim", .name = "min_key_bits", .type = K_UINT,
	    .def = "1024", .off = OFF(dkim_min_key_bits), .min = 1024,
	    .max = 16384},
	{.section = "dmarc", .name = "mode", .type = K_ENUM, .def = "reject",
	    .off = OFF(policy.mode), CHOICES(modes)},
	{.section = "dmarc", .name = "reject_reply", .type = K_REPLY,
	    .def = "550 5.7.1 Unauthenticated email from %s is not accepted "
		   "due to its DMARC policy",
	    .off = OFF(reject_reply), .min = 5},
	{.section = "dmarc", .name = "quarantine", .type = K_ENUM,
	    .def = "hold", .off = OFF(quarantine), CHOICES(quarantine_modes)},
	{.section = "dmarc", .name = "quarantine_header", .type = K_FIELDNAME,
	    .def = "X-Authmilter-Quarantine", .off = OFF(quarantine_header)},
	{.section = "dmarc", .name = "temperror", .type = K_ENUM,
	    .def = "accept", .off = OFF(policy.on_temperror),
	    CHOICES(temperror_actions)},
	{.section = "dmarc", .name = "temperror_reply", .type = K_REPLY,
	    .def = "451 4.7.5 DMARC evaluation for %s failed temporarily, "
		   "please try again later",
	    .off = OFF(temperror_reply), .min = 4},
	{.section = "dmarc", .name = "multiple_from", .type = K_ENUM,
	    .def = "evaluate", .off = OFF(policy.multiple_from),
	    CHOICES(multi_from)},
	{.section = "dmarc", .name = "max_author_domains", .type = K_UINT,
	    .def = "5", .off = OFF(policy.max_authors), .min = 1, .max = 32},
	{.section = "dmarc", .name = "too_many_from", .type = K_ENUM,
	    .def = "quarantine", .off = OFF(policy.on_too_many),
	    CHOICES(from_actions)},
	{.section = "dmarc", .name = "no_from", .type = K_ENUM, .def = "accept",
	    .off = OFF(policy.on_no_author), CHOICES(from_actions)},
	{.section = "policy", .name = "forwarders", .type = K_FORWARDER_LIST,
	    .def = "", .off = OFF(forwarders)},
	{.section = "policy", .name = "verdict_header", .type = K_FIELDNAME,
	    .def = "", .off = OFF(verdict_header), .empty_ok = true},
	{.section = "policy", .name = "required_headers", .type = K_FIELD_LIST,
	    .def = "", .off = OFF(required_headers)},
	{.section = "policy", .name = "single_headers", .type = K_FIELD_LIST,
	    .def = "Date, From, Sender, Reply-To, To, Cc, Bcc, Message-ID, "
		   "In-Reply-To, References, Subject",
	    .off = OFF(single_headers)},
	{.section = "policy", .name = "header_action", .type = K_ENUM,
	    .def = "quarantine", .off = OFF(policy.on_header_problem),
	    CHOICES(from_actions)},
	{.section = "policy", .name = "trusted_networks", .type = K_CIDR_LIST,
	    .def = "127.0.0.0/8, ::1/128", .off = OFF(trusted_networks)},
	{.section = "policy", .name = "trust_authenticated", .type = K_BOOL,
	    .def = "true", .off = OFF(trust_authenticated)},
	{.section = "policy", .name = "allow_from_domains",
	    .type = K_DOMAIN_LIST, .def = "", .off = OFF(allow_from_domains)},
	{.section = "policy", .name = "allow_networks", .type = K_CIDR_LIST,
	    .def = "", .off = OFF(allow_networks)},
	{.section = "policy", .name = "dry_run", .type = K_BOOL, .def = "false",
	    .off = OFF(dry_run)},
	{.section = "policy", .name = "authres_remove_ids",
	    .type = K_DOMAIN_LIST, .def = "", .off = OFF(authres_remove_ids)},
	{.section = "policy", .name = "authres_remove_all", .type = K_BOOL,
	    .def = "false", .off = OFF(authres_remove_all)},
	{.section = "arc", .name = "trusted_sealers", .type = K_DOMAIN_LIST,
	    .def = "", .off = OFF(arc_trusted_sealers)},
	{.section = "arc", .name = "seal_domain", .type = K_DOMAIN, .def = "",
	    .off = OFF(arc_seal_domain)},
	{.section = "arc", .name = "seal_selector", .type = K_DOMAIN,
	    .def = "", .off = OFF(arc_seal_selector)},
	{.section = "arc", .name = "seal_key", .type = K_STR, .def = "",
	    .off = OFF(arc_seal_key)},
	{.section = "reports", .name = "record", .type = K_BOOL,
	    .def = "false", .off = OFF(reports.record)},
	{.section = "reports", .name = "store", .type = K_STORE,
	    .def = "sqlite:/var/lib/authmilter/reports.db",
	    .off = OFF(reports.store)},
	{.section = "reports", .name = "queue_size", .type = K_UINT,
	    .def = "10000", .off = OFF(reports.queue_size), .min = 1,
	    .max = 1000000},
	{.section = "reports", .name = "org_name", .type = K_STR, .def = "",
	    .off = OFF(reports.org_name)},
	{.section = "reports", .name = "org_domain", .type = K_DOMAIN,
	    .def = "", .off = OFF(reports.org_domain)},
	{.section = "reports", .name = "contact", .type = K_STR, .def = "",
	    .off = OFF(reports.contact)},
	{.section = "reports", .name = "extra_contact_info", .type = K_STR,
	    .def = "", .off = OFF(reports.extra_contact_info)},
	{.section = "reports", .name = "from", .type = K_STR, .def = "",
	    .off = OFF(reports.from)},
	{.section = "reports", .name = "report_id_format", .type = K_RIDFMT,
	    .def = "%b.%d@%s", .off = OFF(reports.report_id_format)},
	{.section = "reports", .name = "interval", .type = K_UINT,
	    .def = "86400", .off = OFF(reports.interval), .min = 3600,
	    .max = 86400},
	{.section = "reports", .name = "max_size", .type = K_UINT,
	    .def = "10240", .off = OFF(reports.max_size), .min = 16,
	    .max = 1048576},
	{.section = "reports", .name = "sendmail", .type = K_STR,
	    .def = "/usr/sbin/sendmail", .off = OFF(reports.sendmail)},
	{.section = "reports", .name = "retention_days", .type = K_UINT,
	    .def = "14", .off = OFF(reports.retention_days), .min = 1,
	    .max = 3650},
	{.section = "reports", .name = "failure_reports", .type = K_BOOL,
	    .def = "false", .off = OFF(reports.failure_reports)},
	{.section = "reports", .name = "failure_redaction", .type = K_ENUM,
	    .def = "local-parts", .off = OFF(reports.failure_redaction),
	    CHOICES(redactions)},
	{.section = "reports", .name = "failure_rate", .type = K_UINT,
	    .def = "10", .off = OFF(reports.failure_rate), .min = 1,
	    .max = 10000},
	/* titled sections: stored by fill_titled(), off is unused */
	{.section = "domain", .name = "mode", .type = K_ENUM, .def = NULL,
	    CHOICES(modes), .titled = true},
	{.section = "pin", .name = "networks", .type = K_CIDR_LIST,
	    .def = NULL, .titled = true},
	{.section = "pin", .name = "action", .type = K_ENUM, .def = "reject",
	    CHOICES(pin_actions), .titled = true},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

_Static_assert(sizeof(enum am_log_level) == sizeof(int) &&
	sizeof(enum am_action) == sizeof(int) &&
	sizeof(enum am_quarantine_mode) == sizeof(int) &&
	sizeof(enum am_multi_from) == sizeof(int) &&
	sizeof(enum am_dmarc_mode) == sizeof(int) &&
	sizeof(enum am_redaction) == sizeof(int),
    "enums are stored through int *");

size_t
am_config_nkeys(void)
{
	return NKEYS;
}

void
am_config_key(size_t i, const char **section, const char **name)
{
	*section = keys[i].section;
	*name = keys[i].name;
}

static const struct am_config_key *
find_key(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/*
 * libconfuse glue.
 */

/* The first error, "file:line: what". */
struct load_state {
	char *err;
	size_t errlen;
	bool failed;
	cfg_t *root; /* sections do not always know file and line */
};

static struct load_state *current; /* set only inside am_config_load */

/* libconfuse's messages are printf formats of its own. */
static void on_error(cfg_t *cfg, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	const char *file;
	char msg[512];
	int line;

	if (current == NULL || current->failed)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* A section knows its line but not always its file. */
	file = cfg != NULL && cfg->filename != NULL ? cfg->filename :
	    current->root->filename;
	line = cfg != NULL && cfg->line > 0 ? cfg->line : current->root->line;
	if (file != NULL && line > 0)
		snprintf(current->err, current->errlen, "%s:%d: %s", file, line,
		    msg);
	else
		snprintf(current->err, current->errlen, "%s", msg);
	current->failed = true;
}

/* Called by libconfuse for every value as it is read. */
static int
validate(cfg_t *sec, cfg_opt_t *opt)
{
	const struct am_config_key *k = find_key(sec->name, opt->name);
	const char *why = NULL, *v;
	unsigned i, n = cfg_opt_size(opt);
	long num;

	for (i = 0; k != NULL && i < n; i++) {
		if (k->type == K_BOOL)
			continue;
		if (k->type == K_UINT) {
			num = cfg_opt_getnint(opt, i);
			if (num < (long)k->min || num > (long)k->max) {
				cfg_error(sec, "%s.%s: must be %u to %u",
				    k->section, k->name, k->min, k->max);
				return -1;
			}
			continue;
		}
		if ((v = cfg_opt_getnstr(opt, i)) != NULL &&
		    !am_config_check(k, v, &why)) {
			cfg_error(sec, "%s.%s: \"%s\": %s", k->section, k->name,
			    v, why);
			return -1;
		}
	}
	return 0;
}

static cfg_opt_t
make_opt(const struct am_config_key *k)
{
	cfg_opt_t o;

	if (k->type == K_UINT)
		o = (cfg_opt_t)CFG_INT(k->name, 0, CFGF_NODEFAULT);
	else if (k->type == K_BOOL)
		o = (cfg_opt_t)CFG_BOOL(k->name, cfg_false, CFGF_NODEFAULT);
	else if (am_config_is_list(k->type))
		o = (cfg_opt_t)CFG_STR_LIST(k->name, NULL, CFGF_NODEFAULT);
	else
		o = (cfg_opt_t)CFG_STR(k->name, NULL, CFGF_NODEFAULT);
	o.validcb = validate;
	return o;
}

static const char *const sections[] = {"milter", "status", "dns", "spf", "dkim",
    "dmarc", "policy", "arc", "reports", "domain", "pin"};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

/* The options of each section, then the root; all from the table. */
struct schema {
	cfg_opt_t opts[NSECTIONS][NKEYS + 1];
	cfg_opt_t root[NSECTIONS + 2];
};

static void
build_schema(struct schema *s)
{
	size_t i, j, n;
	bool titled;

	for (i = 0; i < NSECTIONS; i++) {
		titled = false;
		for (j = 0, n = 0; j < NKEYS; j++)
			if (strcmp(keys[j].section, sections[i]) == 0) {
				s->opts[i][n++] = make_opt(&keys[j]);
				titled = keys[j].titled;
			}
		s->opts[i][n] = (cfg_opt_t)CFG_END();
		s->root[i] = (cfg_opt_t)CFG_SEC(sections[i], s->opts[i],
		    titled ? CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES :
			     CFGF_NONE);
	}
	/* include("file"): rules (pins, domains) kept in files of their
	 * own are read again on every reload. */
	s->root[NSECTIONS] = (cfg_opt_t)CFG_FUNC("include", cfg_include);
	s->root[NSECTIONS + 1] = (cfg_opt_t)CFG_END();
}

/* The values of key k in section sec (a string list), or the default. */
static bool
take(cfg_t *sec, const struct am_config_key *k, void *slot, const char **why)
{
	cfg_opt_t *opt = sec != NULL ? cfg_getopt(sec, k->name) : NULL;
	unsigned n = opt != NULL ? cfg_opt_size(opt) : 0, i;
	char **items;
	bool ok;

	if (n == 0) {
		if (k->def == NULL) {
			*why = "is required";
			return false;
		}
		return am_config_store_default(k, slot, why);
	}
	if (k->type == K_UINT) {
		*(unsigned *)slot = (unsigned)cfg_opt_getnint(opt, 0);
		return true;
	}
	if (k->type == K_BOOL) {
		*(bool *)slot = cfg_opt_getnbool(opt, 0);
		return true;
	}
	if (!am_config_is_list(k->type))
		return am_config_store_scalar(k, cfg_opt_getnstr(opt, 0), slot,
		    why);
	if ((items = calloc(n, sizeof(*items))) == NULL) {
		*why = "out of memory";
		return false;
	}
	for (i = 0; i < n; i++)
		items[i] = cfg_opt_getnstr(opt, i);
	ok = am_config_store_list(k, items, n, slot, why);
	free(items);
	return ok;
}

/* The title of a domain or pin section, lower-cased; NULL if invalid. */
static char *
title_domain(cfg_t *sec)
{
	const char *t = cfg_title(sec);
	char *d, *p;

	if (t == NULL || !am_domain_valid(t, strlen(t)) ||
	    (d = strdup(t)) == NULL)
		return NULL;
	for (p = d; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static bool
fill_domains(cfg_t *root, struct am_config *cfg, const char **why,
    const char **where)
{
	unsigned n = cfg_size(root, "domain"), i;
	struct am_domain_mode *dm;

	if (n > 0 && (cfg->domain_modes = calloc(n, sizeof(*dm))) == NULL)
		return (*why = "out of memory") == NULL;
	for (i = 0; i < n; i++) {
		cfg_t *sec = cfg_getnsec(root, "domain", i);

		dm = &cfg->domain_modes[i];
		*where = cfg_title(sec);
		if ((dm->domain = title_domain(sec)) == NULL)
			return (*why = "not a domain name") == NULL;
		cfg->ndomain_modes++; /* am_config_free() frees it from here */
		if (!take(sec, find_key("domain", "mode"), &dm->mode, why))
			return false;
	}
	return true;
}

static bool
fill_pins(cfg_t *root, struct am_config *cfg, const char **why,
    const char **where)
{
	unsigned n = cfg_size(root, "pin"), i;
	struct am_pin *p;

	if (n > 0 && ((cfg->pins = calloc(n, sizeof(*p))) == NULL ||
			 (cfg->pin_networks = calloc(n,
			      sizeof(*cfg->pin_networks))) == NULL))
		return (*why = "out of memory") == NULL;
	for (i = 0; i < n; i++) {
		cfg_t *sec = cfg_getnsec(root, "pin", i);

		p = &cfg->pins[i];
		*where = cfg_title(sec);
		if ((p->domain = title_domain(sec)) == NULL)
			return (*why = "not a domain name") == NULL;
		cfg->npins++; /* am_config_free() frees it from here */
		if (!take(sec, find_key("pin", "networks"),
			&cfg->pin_networks[i], why) ||
		    !take(sec, find_key("pin", "action"), &p->action, why))
			return false;
		p->networks = cfg->pin_networks[i].v;
		p->nnetworks = cfg->pin_networks[i].n;
		if (p->nnetworks == 0)
			return (*why = "networks is required") == NULL;
	}
	return true;
}

/* The policy options point into the lists read from the file. */
static void
link_policy(struct am_config *cfg)
{
	struct am_policy_options *p = &cfg->policy;

	p->dry_run = cfg->dry_run;
	p->domain_modes = cfg->domain_modes;
	p->ndomain_modes = cfg->ndomain_modes;
	p->forwarders = cfg->forwarders.v;
	p->nforwarders = cfg->forwarders.n;
	p->pins = cfg->pins;
	p->npins = cfg->npins;
	p->required_headers = cfg->required_headers.v;
	p->nrequired_headers = cfg->required_headers.n;
	p->single_headers = cfg->single_headers.v;
	p->nsingle_headers = cfg->single_headers.n;
	p->trusted_networks = cfg->trusted_networks.v;
	p->ntrusted_networks = cfg->trusted_networks.n;
	p->trust_authenticated = cfg->trust_authenticated;
	p->allow_networks = cfg->allow_networks.v;
	p->nallow_networks = cfg->allow_networks.n;
	p->allow_from_domains = cfg->allow_from_domains.v;
	p->nallow_from_domains = cfg->allow_from_domains.n;
	p->trusted_sealers = cfg->arc_trusted_sealers.v;
	p->ntrusted_sealers = cfg->arc_trusted_sealers.n;
}

/* The seal needs its key, domain and selector together. */
static const char *
check_seal(const struct am_config *cfg)
{
	int set = (cfg->arc_seal_domain[0] != '\0') +
	    (cfg->arc_seal_selector[0] != '\0') + (cfg->arc_seal_key[0] != '\0');

	return set == 0 || set == 3 ? NULL :
	    "arc: seal_domain, seal_selector and seal_key go together (all "
	    "three to seal, none not to)";
}

static struct am_config *
fill(cfg_t *root, const char *file, char *err, size_t errlen)
{
	struct am_config *cfg = calloc(1, sizeof(*cfg));
	const char *why = NULL, *where = NULL;
	size_t i;

	if (cfg == NULL || (file != NULL && (cfg->file = strdup(file)) ==
						NULL)) {
		free(cfg);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	am_policy_defaults(&cfg->policy);
	for (i = 0; i < NKEYS; i++)
		if (!keys[i].titled &&
		    !take(cfg_getsec(root, keys[i].section), &keys[i],
			(char *)cfg + keys[i].off, &why)) {
			snprintf(err, errlen, "%s%s%s.%s: %s", file != NULL ?
			    file : "", file != NULL ? ": " : "",
			    keys[i].section, keys[i].name, why);
			am_config_free(cfg);
			return NULL;
		}
	if (!fill_domains(root, cfg, &why, &where) ||
	    !fill_pins(root, cfg, &why, &where)) {
		snprintf(err, errlen, "%s%s\"%s\": %s", file != NULL ? file : "",
		    file != NULL ? ": " : "", where != NULL ? where : "", why);
		am_config_free(cfg);
		return NULL;
	}
	if ((why = check_seal(cfg)) != NULL) {
		snprintf(err, errlen, "%s%s%s", file != NULL ? file : "",
		    file != NULL ? ": " : "", why);
		am_config_free(cfg);
		return NULL;
	}
	link_policy(cfg);
	return cfg;
}

/* Parses text (len bytes) as if it were the file path.  libconfuse reads
 * the text of config_text.c, not the file: see there why. */
static int
parse_text(cfg_t *root, const char *path, char *text, size_t len)
{
	FILE *fp;
	int rc;

	/* fmemopen() of an empty buffer fails on some C libraries: an empty
	 * file is a valid configuration of defaults. */
	if (len == 0)
		return CFG_SUCCESS;
	free(root->filename);
	if ((root->filename = strdup(path)) == NULL ||
	    (fp = fmemopen(text, len, "r")) == NULL)
		return CFG_FILE_ERROR;
	rc = cfg_parse_fp(root, fp);
	fclose(fp);
	return rc;
}

struct am_config *
am_config_load(const char *path, char *err, size_t errlen)
{
	struct load_state st = {err, errlen, false, NULL};
	struct am_config *cfg = NULL;
	struct schema *schema;
	unsigned unclosed = 0;
	size_t len = 0;
	char *text = NULL;
	cfg_t *root;
	int rc;

	if (path != NULL && (text = am_config_text_read(path, &len, &unclosed,
				 err, errlen)) == NULL)
		return NULL;
	if ((schema = calloc(1, sizeof(*schema))) == NULL) {
		free(text);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	build_schema(schema);
	if ((root = cfg_init(schema->root, CFGF_NONE)) == NULL) {
		free(text);
		free(schema);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cfg_set_error_function(root, on_error);
	st.root = root;
	current = &st;
	rc = path != NULL ? parse_text(root, path, text, len) : CFG_SUCCESS;
	current = NULL;
	if (rc == CFG_SUCCESS && unclosed > 0)
		snprintf(err, errlen, "%s:%u: this section's '{' is never "
		    "closed: the file ends inside it", path, unclosed);
	else if (rc == CFG_SUCCESS)
		cfg = fill(root, path, err, errlen);
	else if (!st.failed)
		snprintf(err, errlen, "%s: cannot be parsed", path);
	cfg_free(root);
	free(schema);
	free(text);
	return cfg;
}

struct am_config *
am_config_defaults(void)
{
	char err[256];

	return am_config_load(NULL, err, sizeof(err));
}

void
am_config_free(struct am_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < NKEYS; i++)
		if (!keys[i].titled)
			am_config_free_value(&keys[i], (char *)cfg + keys[i].off);
	for (i = 0; i < cfg->ndomain_modes; i++)
		free((char *)cfg->domain_modes[i].domain);
	for (i = 0; i < cfg->npins; i++) {
		free((char *)cfg->pins[i].domain);
		free(cfg->pin_networks[i].v);
	}
	free(cfg->domain_modes);
	free(cfg->pins);
	free(cfg->pin_networks);
	free(cfg->file);
	free(cfg);
}

static void
print_titled(const struct am_config *cfg, FILE *fp)
{
	const struct am_config_key *mode = find_key("domain", "mode");
	const struct am_config_key *nets = find_key("pin", "networks");
	const struct am_config_key *act = find_key("pin", "action");
	char a[64], b[1024];
	size_t i;

	for (i = 0; i < cfg->ndomain_modes; i++) {
		am_config_format(mode, &cfg->domain_modes[i].mode, a, sizeof(a));
		fprintf(fp, "domain \"%s\" { mode = %s }\n",
		    cfg->domain_modes[i].domain, a);
	}
	for (i = 0; i < cfg->npins; i++) {
		am_config_format(nets, &cfg->pin_networks[i], b, sizeof(b));
		am_config_format(act, &cfg->pins[i].action, a, sizeof(a));
		fprintf(fp, "pin \"%s\" { networks = {%s} action = %s }\n",
		    cfg->pins[i].domain, b, a);
	}
}

void
am_config_print_changes(const struct am_config *cfg, FILE *fp)
{
	struct am_config *def = am_config_defaults();
	char now[1024], was[1024];
	bool list;
	size_t i;

	if (def == NULL)
		return;
	for (i = 0; i < NKEYS; i++) {
		if (keys[i].titled)
			continue;
		am_config_format(&keys[i], (const char *)cfg + keys[i].off, now,
		    sizeof(now));
		am_config_format(&keys[i], (const char *)def + keys[i].off, was,
		    sizeof(was));
		if (strcmp(now, was) == 0)
			continue;
		list = am_config_is_list(keys[i].type);
		fprintf(fp, "%s.%s = %s%s%s\n", keys[i].section, keys[i].name,
		    list ? "{" : "", now, list ? "}" : "");
	}
	print_titled(cfg, fp);
	am_config_free(def);
}

void
am_config_apply(const struct am_config *cfg, const char *host,
    struct am_ctx *ctx)
{
	ctx->authserv_id = am_config_authserv_id(cfg, host);
	ctx->receiver = host;
	ctx->spf_time_limit = cfg->spf_time_limit;
	ctx->spf_void_limit = cfg->spf_void_limit;
	ctx->policy = &cfg->policy;
	ctx->verdict_header = cfg->verdict_header[0] != '\0' ?
	    cfg->verdict_header : NULL;
	ctx->authres_remove_ids = cfg->authres_remove_ids.v;
	ctx->authres_remove_nids = cfg->authres_remove_ids.n;
	ctx->authres_remove_all = cfg->authres_remove_all;
}

void
am_config_dns_options(const struct am_config *cfg, struct am_dns_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->forwarders = (const char *const *)cfg->resolvers.v;
	opt->nforwarders = cfg->resolvers.n;
	opt->resolv_conf = cfg->resolv_conf;
	opt->timeout_ms = cfg->dns_timeout * 1000;
	opt->dnssec = cfg->dnssec;
	opt->trust_anchor = cfg->trust_anchor;
	opt->resolve_special_names = cfg->resolve_special_names;
}

void
am_config_dkim_options(const struct am_config *cfg,
    struct am_dkim_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->max_signatures = cfg->dkim_max_signatures;
	opt->min_key_bits = cfg->dkim_min_key_bits;
}

bool
am_config_socket_valid(const char *socket, const char **why)
{
	return am_config_check(find_key("milter", "socket"), socket, why);
}

const char *
am_config_authserv_id(const struct am_config *cfg, const char *host)
{
	return cfg->authserv_id[0] != '\0' ? cfg->authserv_id : host;
}
