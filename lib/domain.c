/*
 * domain.c - domain-name helpers (see domain.h).
 */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "domain.h"

static size_t
without_dot(const char *name, size_t len)
{
	return len > 0 && name[len - 1] == '.' ? len - 1 : len;
}

bool
am_domain_valid(const char *name, size_t len)
{
	size_t i, label = 0;

	len = without_dot(name, len);
	if (len == 0 || len > AM_DOMAIN_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (name[i] == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (name[i] == '\0' || ++label > AM_LABEL_MAX)
			return false;
	}
	return label > 0;
}

size_t
am_domain_labels(const char *name, size_t len)
{
	size_t i, n;

	len = without_dot(name, len);
	if (len == 0)
		return 0;
	for (i = 0, n = 1; i < len; i++)
		if (name[i] == '.')
			n++;
	return n;
}

bool
am_domain_equal(const char *a, const char *b)
{
	size_t la = without_dot(a, strlen(a)), lb = without_dot(b, strlen(b));

	return la == lb && strncasecmp(a, b, la) == 0;
}

bool
am_domain_is_within(const char *child, const char *parent)
{
	size_t lc = without_dot(child, strlen(child));
	size_t lp = without_dot(parent, strlen(parent));

	if (lp == 0 || lc < lp)
		return false;
	if (strncasecmp(child + lc - lp, parent, lp) != 0)
		return false;
	return lc == lp || child[lc - lp - 1] == '.';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool
am_domain_lower(const char *name, char *out, size_t size)
{
	size_t len = strlen(name), i;

	if (!am_domain_valid(name, len))
		return false;
	len = without_dot(name, len);
	if (len >= size)
		return false;
	for (i = 0; i < len; i++)
		out[i] = lower(name[i]);
	out[len] = '\0';
	return true;
}

char *
am_domain_normalize(struct am_arena *arena, const char *name, size_t len)
{
	char *p;
	size_t i;

	len = without_dot(name, len);
	if ((p = am_arena_strndup(arena, name, len)) == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		p[i] = lower(p[i]);
	return p;
}

const char *
am_domain_parent(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot != NULL && dot[1] != '\0' ? dot + 1 : NULL;
}
