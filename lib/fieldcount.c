/*
 * fieldcount.c - counting the header fields local policy names (see
 * fieldcount.h).  A field costs one comparison per configured name, most
 * of them settled by the length.
 */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "fieldcount.h"

static const char *const list_names[] = {
    "List-Id", "List-Post", "List-Unsubscribe"};
#define NLIST (sizeof(list_names) / sizeof(list_names[0]))

struct am_fieldcount {
	char *const *required, *const *single;
	size_t nrequired, nsingle;
	unsigned *required_seen, *single_seen;
	unsigned list_seen[NLIST];
};

struct am_fieldcount *
am_fieldcount_new(struct am_arena *arena, const struct am_policy_options *opt)
{
	struct am_fieldcount *c = am_arena_zalloc(arena, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->required = opt->required_headers;
	c->nrequired = opt->nrequired_headers;
	c->single = opt->single_headers;
	c->nsingle = opt->nsingle_headers;
	if ((c->nrequired > 0 &&
		(c->required_seen = am_arena_zalloc(
		     arena, c->nrequired * sizeof(unsigned))) == NULL) ||
	    (c->nsingle > 0 &&
		(c->single_seen = am_arena_zalloc(
		     arena, c->nsingle * sizeof(unsigned))) == NULL))
		return NULL;
	return c;
}

static bool
is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

static void
count(
    char *const *names, size_t n, unsigned *seen, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (is(name, len, names[i]) && seen[i] < ~0u)
			seen[i]++;
}

void
am_fieldcount_add(struct am_fieldcount *c, const char *name, size_t len)
{
	size_t i;

	count(c->required, c->nrequired, c->required_seen, name, len);
	count(c->single, c->nsingle, c->single_seen, name, len);
	for (i = 0; i < NLIST; i++)
		if (is(name, len, list_names[i]) && c->list_seen[i] < ~0u)
			c->list_seen[i]++;
}

const char *
am_fieldcount_problem(const struct am_fieldcount *c, struct am_arena *arena)
{
	size_t i;

	for (i = 0; i < c->nrequired; i++)
		if (c->required_seen[i] == 0)
			return am_arena_printf(
			    arena, "no %s header field", c->required[i]);
	for (i = 0; i < c->nsingle; i++)
		if (c->single_seen[i] > 1)
			return am_arena_printf(arena,
			    "%u %s header fields "
			    "(RFC 5322 allows one)",
			    c->single_seen[i], c->single[i]);
	return NULL;
}

const char *
am_fieldcount_list(const struct am_fieldcount *c)
{
	size_t i;

	for (i = 0; i < NLIST; i++)
		if (c->list_seen[i] > 0)
			return list_names[i];
	return NULL;
}
