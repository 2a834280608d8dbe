/*
 * config.c - reading /etc/authmilter.conf (see config.h).
 *
 * The table below is the single source of truth for every key: its
 * section, type, default (in configuration syntax, parsed by the same
 * code as the file), bounds, and where it is stored.  libconfuse does the
 * lexing and reports unknown keys with their line; each value goes
 * through a validating callback, so a bad one is refused at its line too.
 * Defaults are applied afterwards, from the table.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <confuse.h>

#include "config.h"
#include "config_text.h"
#include "domain.h"

enum ktype {
	K_STR,	       /* any string */
	K_UINT,	       /* min..max */
	K_BOOL,
	K_ENUM,	       /* one of choices[], stored as values[i] */
	K_WORD,	       /* one of choices[], stored as the string */
	K_MODE,	       /* octal file mode */
	K_SOCKET,      /* inet:PORT@HOST, inet6:PORT@HOST, unix:PATH */
	K_REPLY,       /* an SMTP reply of class min ("550 5.7.1 ...") */
	K_FIELDNAME,   /* a header field name */
	K_STR_LIST,
	K_DOMAIN_LIST, /* domain names, lower-cased */
	K_CIDR_LIST,
};

struct key {
	const char *section, *name;
	enum ktype type;
	const char *def; /* lists: items separated by ", " */
	size_t off;
	unsigned min, max;
	const char *const *choices;
	const int *values;
};

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
static const char *const multi_from[] = {"evaluate", "quarantine", "reject",
    NULL};
static const int multi_from_values[] = {AM_MULTI_FROM_EVALUATE,
    AM_MULTI_FROM_QUARANTINE, AM_MULTI_FROM_REJECT};

#define OFF(f) offsetof(struct am_config, f)
#define CHOICES(c) .choices = c, .values = c##_values

static const struct key keys[] = {
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
	{.section = "dmarc", .name = "enforce", .type = K_BOOL, .def = "true",
	    .off = OFF(policy.enforce)},
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
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

_Static_assert(sizeof(enum am_log_level) == sizeof(int) &&
	sizeof(enum am_action) == sizeof(int) &&
	sizeof(enum am_quarantine_mode) == sizeof(int) &&
	sizeof(enum am_multi_from) == sizeof(int),
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

static const struct key *
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
 * Values: each check writes a reason into why (and returns false) or
 * stores the value (when cfg is not NULL).
 */

static bool
check_socket(const char *v, const char **why)
{
	const char *at;
	char *end;
	long port;

	if (strncmp(v, "unix:", 5) == 0 || strncmp(v, "local:", 6) == 0) {
		if (strchr(v, ':')[1] != '/') {
			*why = "a unix socket needs an absolute path";
			return false;
		}
		return true;
	}
	if (strncmp(v, "inet:", 5) != 0 && strncmp(v, "inet6:", 6) != 0) {
		*why = "expected inet:PORT@HOST, inet6:PORT@HOST or unix:PATH";
		return false;
	}
	errno = 0;
	port = strtol(strchr(v, ':') + 1, &end, 10);
	at = end;
	if (errno != 0 || port < 1 || port > 65535 ||
	    (*at != '\0' && *at != '@') || (*at == '@' && at[1] == '\0')) {
		*why = "the port must be 1 to 65535, optionally @HOST";
		return false;
	}
	return true;
}

/* "550 5.7.1 text": the class digit, an enhanced status code with the
 * same class (RFC 3463), text with at most one %s and no other %. */
static bool
check_reply(const char *v, unsigned class, const char **why)
{
	const char *p;
	int strings = 0;

	if (strlen(v) < 5 || v[0] != (char)('0' + class) || v[1] < '0' ||
	    v[1] > '5' || v[2] < '0' || v[2] > '9' || v[3] != ' ') {
		*why = class == 5 ? "expected a 5xx reply: \"550 5.7.1 text\"" :
				    "expected a 4xx reply: \"451 4.7.5 text\"";
		return false;
	}
	if (v[4] != (char)('0' + class) || v[5] != '.' ||
	    strspn(v + 6, "0123456789.") < 3 || strchr(v + 4, ' ') == NULL) {
		*why = "the reply code must be followed by an enhanced status "
		       "code of the same class (RFC 3463) and text";
		return false;
	}
	for (p = v; (p = strchr(p, '%')) != NULL; p += 2)
		if (p[1] == 's')
			strings++;
		else if (p[1] != '%') {
			*why = "the only % directives allowed are %s (the "
			       "domain, once) and %%";
			return false;
		}
	if (strings > 1) {
		*why = "%s (the domain) may appear once";
		return false;
	}
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
			*why = "the reply must be printable ASCII";
			return false;
		}
	return true;
}

static bool
check_fieldname(const char *v, const char **why)
{
	const char *p;

	for (p = v; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == ':')
			break;
	if (*v == '\0' || *p != '\0') {
		*why = "a header field name: printable ASCII, no ':' or space";
		return false;
	}
	return true;
}

/* Checks one scalar value of key k; stores it when cfg != NULL. */
static bool
scalar(const struct key *k, const char *v, struct am_config *cfg,
    const char **why)
{
	void *slot = cfg != NULL ? (char *)cfg + k->off : NULL;
	char *end;
	unsigned long n;
	size_t i;

	switch (k->type) {
	case K_ENUM:
	case K_WORD:
		for (i = 0; k->choices[i] != NULL; i++)
			if (strcasecmp(v, k->choices[i]) == 0)
				break;
		if (k->choices[i] == NULL) {
			*why = "not one of the allowed values";
			return false;
		}
		if (k->type == K_WORD)
			v = k->choices[i];
		else {
			if (slot != NULL)
				*(int *)slot = k->values[i];
			return true;
		}
		break;
	case K_MODE:
		errno = 0;
		n = strtoul(v, &end, 8);
		if (*v == '\0' || *end != '\0' || errno != 0 || n > 0777) {
			*why = "an octal file mode such as 0660";
			return false;
		}
		if (slot != NULL)
			*(unsigned *)slot = (unsigned)n;
		return true;
	case K_SOCKET:
		if (!check_socket(v, why))
			return false;
		break;
	case K_REPLY:
		if (!check_reply(v, k->min, why))
			return false;
		break;
	case K_FIELDNAME:
		if (!check_fieldname(v, why))
			return false;
		break;
	default:
		break;
	}
	if (slot != NULL && (*(char **)slot = strdup(v)) == NULL) {
		*why = "out of memory";
		return false;
	}
	return true;
}

/* Checks one list item of key k. */
static bool
item(const struct key *k, const char *v, struct am_cidr *cidr,
    const char **why)
{
	struct am_cidr tmp;

	if (k->type == K_CIDR_LIST &&
	    !am_cidr_parse(v, strlen(v), cidr != NULL ? cidr : &tmp)) {
		*why = "not a network (192.0.2.0/24, 2001:db8::/32 or an "
		       "address)";
		return false;
	}
	if (k->type == K_DOMAIN_LIST && !am_domain_valid(v, strlen(v))) {
		*why = "not a domain name";
		return false;
	}
	if (*v == '\0') {
		*why = "an empty item";
		return false;
	}
	return true;
}

static bool
store_list(const struct key *k, char **items, size_t n, struct am_config *cfg,
    const char **why)
{
	void *slot = (char *)cfg + k->off;
	size_t i;

	if (k->type == K_CIDR_LIST) {
		struct am_cidr_list *l = slot;

		if (n > 0 && (l->v = calloc(n, sizeof(*l->v))) == NULL)
			goto enomem;
		for (i = 0; i < n; i++)
			if (!item(k, items[i], &l->v[l->n++], why))
				return false;
		return true;
	}
	{
		struct am_str_list *l = slot;

		if (n > 0 && (l->v = calloc(n, sizeof(*l->v))) == NULL)
			goto enomem;
		for (i = 0; i < n; i++) {
			if (!item(k, items[i], NULL, why))
				return false;
			if ((l->v[l->n++] = strdup(items[i])) == NULL)
				goto enomem;
			if (k->type == K_DOMAIN_LIST) {
				char *p;

				for (p = l->v[l->n - 1]; *p != '\0'; p++)
					if (*p >= 'A' && *p <= 'Z')
						*p = (char)(*p - 'A' + 'a');
			}
		}
	}
	return true;
enomem:
	*why = "out of memory";
	return false;
}

/* Splits a default list ("a, b") into items; at most 16. */
static size_t
split_default(char *text, char **items)
{
	size_t n = 0;
	char *p = text, *comma;

	while (*p != '\0' && n < 16) {
		while (*p == ' ')
			p++;
		items[n++] = p;
		if ((comma = strchr(p, ',')) == NULL)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return n;
}

static bool
apply_default(const struct key *k, struct am_config *cfg, const char **why)
{
	char buf[256], *items[16];

	switch (k->type) {
	case K_UINT:
		*(unsigned *)((char *)cfg + k->off) =
		    (unsigned)strtoul(k->def, NULL, 10);
		return true;
	case K_BOOL:
		*(bool *)((char *)cfg + k->off) = strcmp(k->def, "true") == 0;
		return true;
	case K_STR_LIST:
	case K_DOMAIN_LIST:
	case K_CIDR_LIST:
		snprintf(buf, sizeof(buf), "%s", k->def);
		return store_list(k, items, split_default(buf, items), cfg,
		    why);
	default:
		return scalar(k, k->def, cfg, why);
	}
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
	const struct key *k = find_key(sec->name, opt->name);
	const char *why = NULL, *v;
	unsigned i, n = cfg_opt_size(opt);
	long num;

	if (k == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		switch (k->type) {
		case K_BOOL:
			continue;
		case K_UINT:
			num = cfg_opt_getnint(opt, i);
			if (num < (long)k->min || num > (long)k->max) {
				cfg_error(sec, "%s.%s: must be %u to %u",
				    k->section, k->name, k->min, k->max);
				return -1;
			}
			continue;
		default:
			break;
		}
		v = cfg_opt_getnstr(opt, i);
		if (v == NULL)
			continue;
		if ((k->type == K_STR_LIST || k->type == K_DOMAIN_LIST ||
			k->type == K_CIDR_LIST) ? !item(k, v, NULL, &why) :
						  !scalar(k, v, NULL, &why)) {
			cfg_error(sec, "%s.%s: \"%s\": %s", k->section, k->name,
			    v, why);
			return -1;
		}
	}
	return 0;
}

static cfg_opt_t
make_opt(const struct key *k)
{
	cfg_opt_t o;

	switch (k->type) {
	case K_UINT:
		o = (cfg_opt_t)CFG_INT(k->name, 0, CFGF_NODEFAULT);
		break;
	case K_BOOL:
		o = (cfg_opt_t)CFG_BOOL(k->name, cfg_false, CFGF_NODEFAULT);
		break;
	case K_STR_LIST:
	case K_DOMAIN_LIST:
	case K_CIDR_LIST:
		o = (cfg_opt_t)CFG_STR_LIST(k->name, NULL, CFGF_NODEFAULT);
		break;
	default:
		o = (cfg_opt_t)CFG_STR(k->name, NULL, CFGF_NODEFAULT);
		break;
	}
	o.validcb = validate;
	return o;
}

static const char *const sections[] = {"milter", "dns", "spf", "dkim",
    "dmarc", "policy"};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

/* The options of each section, then the root; all from the table. */
struct schema {
	cfg_opt_t opts[NSECTIONS][NKEYS + 1];
	cfg_opt_t root[NSECTIONS + 1];
};

static void
build_schema(struct schema *s)
{
	size_t i, j, n;

	for (i = 0; i < NSECTIONS; i++) {
		for (j = 0, n = 0; j < NKEYS; j++)
			if (strcmp(keys[j].section, sections[i]) == 0)
				s->opts[i][n++] = make_opt(&keys[j]);
		s->opts[i][n] = (cfg_opt_t)CFG_END();
		s->root[i] = (cfg_opt_t)CFG_SEC(sections[i], s->opts[i],
		    CFGF_NONE);
	}
	s->root[NSECTIONS] = (cfg_opt_t)CFG_END();
}

/* Takes the value of key k from the parsed file, or its default. */
static bool
take(cfg_t *root, const struct key *k, struct am_config *cfg,
    const char **why)
{
	cfg_t *sec = cfg_getsec(root, k->section);
	cfg_opt_t *opt = sec != NULL ? cfg_getopt(sec, k->name) : NULL;
	unsigned n = opt != NULL ? cfg_opt_size(opt) : 0, i;
	char **items;
	bool ok;

	if (n == 0)
		return apply_default(k, cfg, why);
	switch (k->type) {
	case K_UINT:
		*(unsigned *)((char *)cfg + k->off) =
		    (unsigned)cfg_opt_getnint(opt, 0);
		return true;
	case K_BOOL:
		*(bool *)((char *)cfg + k->off) = cfg_opt_getnbool(opt, 0);
		return true;
	case K_STR_LIST:
	case K_DOMAIN_LIST:
	case K_CIDR_LIST:
		if ((items = calloc(n, sizeof(*items))) == NULL) {
			*why = "out of memory";
			return false;
		}
		for (i = 0; i < n; i++)
			items[i] = cfg_opt_getnstr(opt, i);
		ok = store_list(k, items, n, cfg, why);
		free(items);
		return ok;
	default:
		return scalar(k, cfg_opt_getnstr(opt, 0), cfg, why);
	}
}

/* The policy options point into the lists read from the file. */
static void
link_policy(struct am_config *cfg)
{
	cfg->policy.dry_run = cfg->dry_run;
	cfg->policy.trusted_networks = cfg->trusted_networks.v;
	cfg->policy.ntrusted_networks = cfg->trusted_networks.n;
	cfg->policy.trust_authenticated = cfg->trust_authenticated;
	cfg->policy.allow_networks = cfg->allow_networks.v;
	cfg->policy.nallow_networks = cfg->allow_networks.n;
	cfg->policy.allow_from_domains = cfg->allow_from_domains.v;
	cfg->policy.nallow_from_domains = cfg->allow_from_domains.n;
}

static struct am_config *
fill(cfg_t *root, const char *file, char *err, size_t errlen)
{
	struct am_config *cfg = calloc(1, sizeof(*cfg));
	const char *why = NULL;
	size_t i;

	if (cfg == NULL || (file != NULL && (cfg->file = strdup(file)) ==
						NULL)) {
		free(cfg);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	am_policy_defaults(&cfg->policy);
	for (i = 0; i < NKEYS; i++)
		if (!take(root, &keys[i], cfg, &why)) {
			snprintf(err, errlen, "%s%s%s.%s: %s", file != NULL ?
			    file : "", file != NULL ? ": " : "",
			    keys[i].section, keys[i].name, why);
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
	unsigned unclosed;
	size_t len;
	char *text;
	cfg_t *root;
	int rc;

	if ((text = am_config_text_read(path, &len, &unclosed, err,
		 errlen)) == NULL)
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
	/* fmemopen() of an empty buffer fails on some C libraries: an empty
	 * file is a valid configuration of defaults. */
	rc = len > 0 ? parse_text(root, path, text, len) : CFG_SUCCESS;
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
	struct schema *schema = calloc(1, sizeof(*schema));
	struct am_config *cfg = NULL;
	char err[256];
	cfg_t *root;

	if (schema == NULL)
		return NULL;
	build_schema(schema);
	if ((root = cfg_init(schema->root, CFGF_NONE)) != NULL) {
		cfg = fill(root, NULL, err, sizeof(err));
		cfg_free(root);
	}
	free(schema);
	return cfg;
}

static void
free_value(const struct key *k, struct am_config *cfg)
{
	void *slot = (char *)cfg + k->off;
	size_t i;

	switch (k->type) {
	case K_UINT:
	case K_BOOL:
	case K_ENUM:
	case K_MODE:
		return;
	case K_CIDR_LIST:
		free(((struct am_cidr_list *)slot)->v);
		return;
	case K_STR_LIST:
	case K_DOMAIN_LIST:
		for (i = 0; i < ((struct am_str_list *)slot)->n; i++)
			free(((struct am_str_list *)slot)->v[i]);
		free(((struct am_str_list *)slot)->v);
		return;
	default:
		free(*(char **)slot);
		return;
	}
}

void
am_config_free(struct am_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < NKEYS; i++)
		free_value(&keys[i], cfg);
	free(cfg->file);
	free(cfg);
}

/* The value of key k in cfg, as configuration text, into out. */
static void
format(const struct key *k, const struct am_config *cfg, char *out,
    size_t size)
{
	const void *slot = (const char *)cfg + k->off;
	char ip[AM_IP_STRLEN];
	size_t i, used = 0;

	out[0] = '\0';
	switch (k->type) {
	case K_UINT:
		snprintf(out, size, "%u", *(const unsigned *)slot);
		return;
	case K_BOOL:
		snprintf(out, size, "%s", *(const bool *)slot ? "true" : "false");
		return;
	case K_MODE:
		snprintf(out, size, "0%03o", *(const unsigned *)slot);
		return;
	case K_ENUM:
		for (i = 0; k->choices[i] != NULL; i++)
			if (k->values[i] == *(const int *)slot)
				snprintf(out, size, "%s", k->choices[i]);
		return;
	case K_CIDR_LIST:
		for (i = 0; i < ((const struct am_cidr_list *)slot)->n; i++) {
			const struct am_cidr *c =
			    &((const struct am_cidr_list *)slot)->v[i];

			am_ip_format(&c->net, ip);
			used += (size_t)snprintf(out + used, size - used,
			    "%s\"%s/%u\"", i > 0 ? ", " : "", ip, c->bits);
			if (used >= size)
				return;
		}
		return;
	case K_STR_LIST:
	case K_DOMAIN_LIST:
		for (i = 0; i < ((const struct am_str_list *)slot)->n; i++) {
			used += (size_t)snprintf(out + used, size - used,
			    "%s\"%s\"", i > 0 ? ", " : "",
			    ((const struct am_str_list *)slot)->v[i]);
			if (used >= size)
				return;
		}
		return;
	default:
		snprintf(out, size, "\"%s\"", *(char *const *)slot);
		return;
	}
}

void
am_config_print_changes(const struct am_config *cfg, FILE *fp)
{
	struct am_config *def = am_config_defaults();
	char now[1024], was[1024];
	bool lists;
	size_t i;

	if (def == NULL)
		return;
	for (i = 0; i < NKEYS; i++) {
		format(&keys[i], cfg, now, sizeof(now));
		format(&keys[i], def, was, sizeof(was));
		if (strcmp(now, was) == 0)
			continue;
		lists = keys[i].type == K_STR_LIST ||
		    keys[i].type == K_DOMAIN_LIST || keys[i].type == K_CIDR_LIST;
		fprintf(fp, "%s.%s = %s%s%s\n", keys[i].section, keys[i].name,
		    lists ? "{" : "", now, lists ? "}" : "");
	}
	am_config_free(def);
}

bool
am_config_socket_valid(const char *socket, const char **why)
{
	return check_socket(socket, why);
}

const char *
am_config_authserv_id(const struct am_config *cfg, const char *host)
{
	return cfg->authserv_id[0] != '\0' ? cfg->authserv_id : host;
}
