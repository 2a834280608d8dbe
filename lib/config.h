/*
 * config.h - /etc/authmilter.conf, read with libconfuse.
 *
 * One table row per key (config.c) drives parsing, validation, defaults,
 * `authmilter -n` (the settings that differ from the defaults) and the
 * test that every key is documented in authmilter.conf(5) and the sample
 * configuration.  A bad value or an unknown key is an error with
 * "file:line"; a configuration is either wholly valid or refused.
 *
 *     milter { socket = "inet:8893@127.0.0.1" }
 *     dns    { resolvers = {"127.0.0.1@5353"}  timeout = 5 }
 *     dmarc  { temperror = tempfail }
 *     reports { record = true  store = "sqlite:/var/lib/authmilter/reports.db" }
 *     domain "lists.example" { mode = quarantine }
 *     pin "partner.example" { networks = {"198.51.100.0/24"} }
 *     arc    { trusted_sealers = {"lists.example"} }
 *     include("/etc/authmilter.d/pins.conf")
 *
 * The titled sections (domain, pin) may repeat, once per title.
 */
#ifndef AM_CONFIG_H
#define AM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ctx.h"
#include "dkim.h"
#include "dns.h"
#include "ip.h"
#include "policy.h"

/* milter.log_level: syslog's levels, in order. */
enum am_log_level {
	AM_LOG_ERR,
	AM_LOG_WARNING,
	AM_LOG_NOTICE,
	AM_LOG_INFO,
	AM_LOG_DEBUG,
};

enum am_quarantine_mode {
	AM_QUARANTINE_HOLD,   /* the MTA's hold queue */
	AM_QUARANTINE_HEADER, /* add quarantine_header, deliver */
	AM_QUARANTINE_NONE,   /* deliver untouched (A-R still says it) */
};

/* reports.failure_redaction */
enum am_redaction {
	AM_REDACT_LOCAL_PARTS, /* local parts of addresses hidden */
	AM_REDACT_NONE,
};

/* The reports section: recording for DMARC reports, and sending them
 * (authmilter-report). */
struct am_report_config {
	bool record;		/* the daemon records evaluations */
	char *store;		/* "sqlite:/PATH" or "postgresql://..." */
	unsigned queue_size;	/* rows waiting for the writer thread */
	char *org_name;		/* "" : org_domain */
	char *org_domain;	/* "" : the host name */
	char *contact;		/* "" : postmaster@org_domain */
	char *extra_contact_info;
	char *from;		/* "" : contact */
	char *report_id_format;
	unsigned interval;	/* seconds per aggregate report */
	unsigned max_size;	/* KB of one compressed report */
	char *sendmail;		/* the command, split at spaces */
	unsigned retention_days;
	bool failure_reports;
	enum am_redaction failure_redaction;
	unsigned failure_rate;	/* per policy domain and hour */
};

struct am_cidr_list {
	struct am_cidr *v;
	size_t n;
};

struct am_str_list {
	char **v;
	size_t n;
};

struct am_forwarder_list {
	struct am_forwarder *v;
	size_t n;
};

struct am_config {
	char *file; /* where it was read from, or NULL for the defaults */

	/* milter */
	char *socket;
	unsigned socket_mode;
	char *socket_owner, *socket_group;
	char *user, *group;
	char *pidfile;
	char *authserv_id; /* "" means the host name */
	enum am_log_level log_level;
	char *syslog_facility;
	unsigned max_connections; /* MTA connections served at once */
	unsigned milter_timeout;  /* seconds libmilter waits for the MTA */

	/* status: the HTTP health and metrics endpoint */
	char *status_listen; /* "" for none */

	/* dns */
	struct am_str_list resolvers;
	char *resolv_conf;
	unsigned dns_timeout;
	bool dnssec;
	char *trust_anchor;
	bool resolve_special_names;

	/* spf */
	unsigned spf_time_limit;
	unsigned spf_void_limit;

	/* dkim */
	unsigned dkim_max_signatures;
	unsigned dkim_min_key_bits;

	/* dmarc */
	struct am_policy_options policy; /* mode, temperror, From rules */
	char *reject_reply;
	enum am_quarantine_mode quarantine;
	char *quarantine_header;
	char *temperror_reply;

	/* policy */
	struct am_forwarder_list forwarders;
	char *verdict_header; /* "" for none */
	struct am_str_list required_headers, single_headers;
	struct am_cidr_list trusted_networks;
	bool trust_authenticated;
	struct am_str_list allow_from_domains;
	struct am_cidr_list allow_networks;
	bool dry_run;
	struct am_str_list authres_remove_ids;
	bool authres_remove_all;

	/* arc: trusted sealers (policy), and our seal */
	struct am_str_list arc_trusted_sealers;
	char *arc_seal_domain, *arc_seal_selector, *arc_seal_key; /* "": none */

	struct am_report_config reports;

	/* domain "example.com" { mode = quarantine } */
	struct am_domain_mode *domain_modes;
	size_t ndomain_modes;
	/* pin "partner.example" { networks = {...} action = reject } */
	struct am_pin *pins;
	size_t npins;
	struct am_cidr_list *pin_networks; /* storage behind pins[] */
};

/* A configuration holding every default.  Caller owns; free with
 * am_config_free().  NULL on ENOMEM. */
struct am_config *am_config_defaults(void);

/*
 * Reads path (NULL: none, every default).  On an error returns NULL with
 * "path:line: what" in err (or "path: what" when there is no line to
 * name).  Caller owns.
 */
struct am_config *am_config_load(const char *path, char *err, size_t errlen);

void am_config_free(struct am_config *cfg);

/* Writes "section.key = value" for every setting that differs from its
 * default, one per line. */
void am_config_print_changes(const struct am_config *cfg, FILE *fp);

/* The documented keys: for each i < am_config_nkeys(), its section and
 * name (for the documentation test). */
size_t am_config_nkeys(void);
void am_config_key(size_t i, const char **section, const char **name);

/* Sets the settings of ctx that come from cfg (authserv-id with host as
 * its default, SPF limits, policy, header removal); am_ctx_new() calls
 * it.  ctx keeps pointers into cfg. */
void am_config_apply(const struct am_config *cfg, const char *host,
    struct am_ctx *ctx);

/* The resolver options of cfg; they point into cfg. */
void am_config_dns_options(const struct am_config *cfg,
    struct am_dns_options *opt);

/* The DKIM options of cfg. */
void am_config_dkim_options(const struct am_config *cfg,
    struct am_dkim_options *opt);

/* True when socket has the form of milter.socket; *why says what is
 * wrong otherwise (for -p). */
bool am_config_socket_valid(const char *socket, const char **why);

/* The authserv-id to use: the configured one, or host when empty. */
const char *am_config_authserv_id(const struct am_config *cfg,
    const char *host);

#endif
