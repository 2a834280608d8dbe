/*
 * config_values.c - checking, storing, formatting and freeing the values
 * of configuration keys (see config_internal.h).
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "domain.h"
#include "report_id.h"
#include "store_uri.h"

bool
am_config_is_list(enum am_config_type type)
{
	return type == K_STR_LIST || type == K_DOMAIN_LIST ||
	    type == K_CIDR_LIST || type == K_FIELD_LIST ||
	    type == K_FORWARDER_LIST;
}

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

static int
choice(const struct am_config_key *k, const char *v)
{
	int i;

	for (i = 0; k->choices[i] != NULL; i++)
		if (strcasecmp(v, k->choices[i]) == 0)
			return i;
	return -1;
}

static bool
check_item(const struct am_config_key *k, const char *v, const char **why)
{
	struct am_cidr c;

	if (*v == '\0') {
		*why = "an empty item";
		return false;
	}
	switch (k->type) {
	case K_CIDR_LIST:
		if (am_cidr_parse(v, strlen(v), &c))
			return true;
		*why = "not a network (192.0.2.0/24, 2001:db8::/32 or an "
		       "address)";
		return false;
	case K_DOMAIN_LIST:
		if (am_domain_valid(v, strlen(v)))
			return true;
		*why = "not a domain name";
		return false;
	case K_FIELD_LIST:
		return check_fieldname(v, why);
	case K_FORWARDER_LIST:
		if (am_cidr_parse(v, strlen(v), &c) ||
		    am_domain_valid(v, strlen(v)))
			return true;
		*why = "neither a network nor a host name";
		return false;
	default:
		return true;
	}
}

bool
am_config_check(const struct am_config_key *k, const char *v, const char **why)
{
	char *end;
	unsigned long n;

	if (am_config_is_list(k->type))
		return check_item(k, v, why);
	switch (k->type) {
	case K_ENUM:
	case K_WORD:
		if (choice(k, v) >= 0)
			return true;
		*why = "not one of the allowed values";
		return false;
	case K_MODE:
		errno = 0;
		n = strtoul(v, &end, 8);
		if (*v != '\0' && *end == '\0' && errno == 0 && n <= 0777)
			return true;
		*why = "an octal file mode such as 0660";
		return false;
	case K_SOCKET:
		return check_socket(v, why);
	case K_LISTEN:
		if (*v == '\0')
			return true;
		if (strncmp(v, "inet:", 5) != 0 && strncmp(v, "inet6:", 6) != 0) {
			*why = "expected inet:PORT@HOST or inet6:PORT@HOST, or "
			       "\"\" for none";
			return false;
		}
		return check_socket(v, why);
	case K_REPLY:
		return check_reply(v, k->min, why);
	case K_FIELDNAME:
		return (k->empty_ok && *v == '\0') || check_fieldname(v, why);
	case K_STORE:
		return am_store_uri_valid(v, why);
	case K_RIDFMT:
		return am_report_id_format_valid(v, why);
	case K_DOMAIN:
		if (*v == '\0' || am_domain_valid(v, strlen(v)))
			return true;
		*why = "not a domain name";
		return false;
	default:
		return true;
	}
}

bool
am_config_store_scalar(const struct am_config_key *k, const char *v, void *slot,
    const char **why)
{
	switch (k->type) {
	case K_UINT:
		*(unsigned *)slot = (unsigned)strtoul(v, NULL, 10);
		return true;
	case K_BOOL:
		*(bool *)slot = strcmp(v, "true") == 0;
		return true;
	case K_ENUM:
		*(int *)slot = k->values[choice(k, v)];
		return true;
	case K_MODE:
		*(unsigned *)slot = (unsigned)strtoul(v, NULL, 8);
		return true;
	case K_WORD:
		v = k->choices[choice(k, v)];
		break;
	default:
		break;
	}
	if ((*(char **)slot = strdup(v)) == NULL) {
		*why = "out of memory";
		return false;
	}
	return true;
}

static void
lower(char *p)
{
	for (; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

static bool
store_forwarders(char *const *items, size_t n, void *slot, const char **why)
{
	struct am_forwarder_list *l = slot;
	size_t i;

	if (n > 0 && (l->v = calloc(n, sizeof(*l->v))) == NULL)
		goto enomem;
	for (i = 0; i < n; i++, l->n++) {
		struct am_forwarder *f = &l->v[i];

		f->is_network = am_cidr_parse(items[i], strlen(items[i]),
		    &f->network);
		if (!f->is_network) {
			if ((f->name = strdup(items[i])) == NULL)
				goto enomem;
			lower((char *)f->name);
		}
	}
	return true;
enomem:
	*why = "out of memory";
	return false;
}

bool
am_config_store_list(const struct am_config_key *k, char *const *items, size_t n,
    void *slot, const char **why)
{
	size_t i;

	if (k->type == K_FORWARDER_LIST)
		return store_forwarders(items, n, slot, why);
	if (k->type == K_CIDR_LIST) {
		struct am_cidr_list *l = slot;

		if (n > 0 && (l->v = calloc(n, sizeof(*l->v))) == NULL)
			goto enomem;
		for (i = 0; i < n; i++)
			am_cidr_parse(items[i], strlen(items[i]), &l->v[l->n++]);
		return true;
	}
	{
		struct am_str_list *l = slot;

		if (n > 0 && (l->v = calloc(n, sizeof(*l->v))) == NULL)
			goto enomem;
		for (i = 0; i < n; i++) {
			if ((l->v[l->n++] = strdup(items[i])) == NULL)
				goto enomem;
			if (k->type == K_DOMAIN_LIST)
				lower(l->v[l->n - 1]);
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

bool
am_config_store_default(const struct am_config_key *k, void *slot, const char **why)
{
	char buf[512], *items[16];

	if (!am_config_is_list(k->type))
		return am_config_store_scalar(k, k->def, slot, why);
	snprintf(buf, sizeof(buf), "%s", k->def);
	return am_config_store_list(k, items, split_default(buf, items), slot,
	    why);
}

/* Appends one list item, quoted; false once out is full. */
static bool
format_item(char *out, size_t size, size_t *used, const char *item)
{
	*used += (size_t)snprintf(out + *used, size - *used, "%s\"%s\"",
	    *used > 0 ? ", " : "", item);
	return *used < size;
}

static void
format_list(const struct am_config_key *k, const void *slot, char *out, size_t size)
{
	char ip[AM_IP_STRLEN], item[AM_IP_STRLEN + 8];
	size_t i, used = 0;

	if (k->type == K_FORWARDER_LIST) {
		const struct am_forwarder *v =
		    ((const struct am_forwarder_list *)slot)->v;
		size_t n = ((const struct am_forwarder_list *)slot)->n;

		for (i = 0; i < n; i++) {
			if (v[i].is_network) {
				am_ip_format(&v[i].network.net, ip);
				snprintf(item, sizeof(item), "%s/%u", ip,
				    v[i].network.bits);
			}
			if (!format_item(out, size, &used, v[i].is_network ?
				item : v[i].name))
				return;
		}
	} else if (k->type == K_CIDR_LIST) {
		const struct am_cidr_list *l = slot;

		for (i = 0; i < l->n; i++) {
			am_ip_format(&l->v[i].net, ip);
			snprintf(item, sizeof(item), "%s/%u", ip, l->v[i].bits);
			if (!format_item(out, size, &used, item))
				return;
		}
	} else {
		const struct am_str_list *l = slot;

		for (i = 0; i < l->n; i++)
			if (!format_item(out, size, &used, l->v[i]))
				return;
	}
}

void
am_config_format(const struct am_config_key *k, const void *slot, char *out, size_t size)
{
	size_t i;

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
	default:
		if (am_config_is_list(k->type))
			format_list(k, slot, out, size);
		else
			snprintf(out, size, "\"%s\"", *(char *const *)slot);
		return;
	}
}

void
am_config_free_value(const struct am_config_key *k, void *slot)
{
	size_t i;

	switch (k->type) {
	case K_UINT:
	case K_BOOL:
	case K_ENUM:
	case K_MODE:
		return;
	case K_FORWARDER_LIST:
		for (i = 0; i < ((struct am_forwarder_list *)slot)->n; i++)
			free((char *)((struct am_forwarder_list *)slot)->v[i].name);
		free(((struct am_forwarder_list *)slot)->v);
		return;
	case K_CIDR_LIST:
		free(((struct am_cidr_list *)slot)->v);
		return;
	case K_STR_LIST:
	case K_DOMAIN_LIST:
	case K_FIELD_LIST:
		for (i = 0; i < ((struct am_str_list *)slot)->n; i++)
			free(((struct am_str_list *)slot)->v[i]);
		free(((struct am_str_list *)slot)->v);
		return;
	default:
		free(*(char **)slot);
		return;
	}
}
