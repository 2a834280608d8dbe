/*
 * config_internal.h - the key table's types, shared by config.c (the
 * table, libconfuse, loading) and config_values.c (checking, storing,
 * formatting and freeing values).  Not for use elsewhere.
 */
#ifndef AM_CONFIG_INTERNAL_H
#define AM_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

enum am_config_type {
	K_STR,		  /* any string */
	K_UINT,		  /* min..max */
	K_BOOL,
	K_ENUM,		  /* one of choices[], stored as values[i] */
	K_WORD,		  /* one of choices[], stored as the string */
	K_MODE,		  /* octal file mode */
	K_SOCKET,	  /* inet:PORT@HOST, inet6:PORT@HOST, unix:PATH */
	K_LISTEN,	  /* "" (none), inet:PORT@HOST or inet6:PORT@HOST */
	K_REPLY,	  /* an SMTP reply of class min ("550 5.7.1 ...") */
	K_FIELDNAME,	  /* a header field name */
	K_DOMAIN,	  /* "" (none) or a DNS name */
	K_STR_LIST,
	K_DOMAIN_LIST,	  /* domain names, lower-cased */
	K_CIDR_LIST,
	K_FIELD_LIST,	  /* header field names */
	K_FORWARDER_LIST, /* networks or host names */
	K_STORE,	  /* a report store: sqlite:/PATH, postgresql://... */
	K_RIDFMT,	  /* a Report-ID format (report_id.h) */
};

struct am_config_key {
	const char *section, *name;
	enum am_config_type type;
	const char *def; /* lists: items separated by ", "; NULL: required */
	size_t off;
	unsigned min, max;
	const char *const *choices;
	const int *values;
	bool titled;   /* a key of a titled section (domain, pin) */
	bool empty_ok; /* K_FIELDNAME: "" means none */
};

bool am_config_is_list(enum am_config_type type);

/* Checks one value of k (a list item for list keys); false with *why. */
bool am_config_check(const struct am_config_key *k, const char *v, const char **why);

/* Stores a scalar value (already checked) of k at slot. */
bool am_config_store_scalar(const struct am_config_key *k, const char *v, void *slot,
    const char **why);

/* Stores the n items (already checked) of list key k at slot. */
bool am_config_store_list(const struct am_config_key *k, char *const *items, size_t n,
    void *slot, const char **why);

/* Stores k's default at slot. */
bool am_config_store_default(const struct am_config_key *k, void *slot, const char **why);

/* The value of k at slot as configuration text. */
void am_config_format(const struct am_config_key *k, const void *slot, char *out,
    size_t size);

/* Frees what config_store_* allocated at slot. */
void am_config_free_value(const struct am_config_key *k, void *slot);

#endif
