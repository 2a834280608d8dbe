/*
 * dns_cache.c - the process's cache of final DNS answers (see
 * dns_cache.h).
 *
 * An answer is kept as one block: a header, its records, then a byte
 * area holding every text (NUL-terminated), the canonical name and the
 * question's name, located by offsets, so that a hit is one copy under
 * the lock and one copy into the message's arena.
 *
 * The entries are spread over SHARDS shards, each behind its own mutex,
 * so that the threads of concurrent messages rarely wait for each other.
 * Within a shard an answer may sit in one of two slots (two-way set
 * associative); a new one takes an empty slot, else one that expired,
 * else the one holding the same question, else the one expiring first.
 */
#include "autoconfig.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_cache.h"
#include "dns_source.h"

#define SHARDS	  16
#define MAX_BLOCK 8192	/* bytes of one cached answer, all included */
#define MAX_TTL	  86400 /* libunbound's own cache-max-ttl default */
#define NONE	  SIZE_MAX

struct packed_rr {
	size_t text; /* offset in the byte area, or NONE */
	size_t len;
	unsigned pref;
	struct am_ip addr;
};

struct am_dns_cached {
	uint64_t hash;
	enum am_dns_type type;
	enum am_dns_status status;
	enum am_dnssec dnssec;
	unsigned long expiry; /* in the caller's seconds */
	size_t count;
	size_t canonical; /* offset, or NONE */
	size_t name;	  /* offset of the question's name */
	size_t bytes;	  /* size of the byte area */
	size_t size;	  /* of the whole block */
	struct packed_rr rr[];
	/* then the byte area */
};

struct shard {
	pthread_mutex_t lock;
	struct am_dns_cached **slot;
};

struct am_dns_cache {
	size_t nslots; /* per shard, even */
	struct shard shard[SHARDS];
};

static char *
area(struct am_dns_cached *b)
{
	return (char *)&b->rr[b->count];
}

/* FNV-1a over the name and the type. */
static uint64_t
hash_of(const char *name, enum am_dns_type type)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return (h ^ (uint64_t)type) * 1099511628211ULL;
}

struct am_dns_cache *
am_dns_cache_new(size_t entries)
{
	struct am_dns_cache *c = calloc(1, sizeof(*c));
	size_t i;

	if (c == NULL)
		return NULL;
	c->nslots = (entries / SHARDS + 1) & ~(size_t)1;
	if (c->nslots < 2)
		c->nslots = 2;
	for (i = 0; i < SHARDS; i++) {
		pthread_mutex_init(&c->shard[i].lock, NULL);
		if ((c->shard[i].slot = calloc(c->nslots,
			 sizeof(*c->shard[i].slot))) == NULL) {
			am_dns_cache_free(c);
			return NULL;
		}
	}
	return c;
}

void
am_dns_cache_free(struct am_dns_cache *c)
{
	size_t i, k;

	if (c == NULL)
		return;
	for (i = 0; i < SHARDS; i++) {
		for (k = 0; c->shard[i].slot != NULL && k < c->nslots; k++)
			free(c->shard[i].slot[k]);
		free(c->shard[i].slot);
		pthread_mutex_destroy(&c->shard[i].lock);
	}
	free(c);
}

/* The shard of a question, and the first of its two slots. */
static struct shard *
place(struct am_dns_cache *c, uint64_t h, size_t *first)
{
	*first = (size_t)((h / SHARDS) % c->nslots) & ~(size_t)1;
	return &c->shard[h % SHARDS];
}

static bool
holds(const struct am_dns_cached *b, uint64_t h, const char *name,
    enum am_dns_type type)
{
	return b != NULL && b->hash == h && b->type == type &&
	    strcmp(area((struct am_dns_cached *)b) + b->name, name) == 0;
}

struct am_dns_cached *
am_dns_cache_get(struct am_dns_cache *c, const char *name,
    enum am_dns_type type, unsigned long now)
{
	uint64_t h = hash_of(name, type);
	struct am_dns_cached *b, *copy = NULL;
	struct shard *s;
	size_t first, k;

	s = place(c, h, &first);
	pthread_mutex_lock(&s->lock);
	for (k = first; k < first + 2; k++) {
		b = s->slot[k];
		if (holds(b, h, name, type) && b->expiry > now) {
			if ((copy = malloc(b->size)) != NULL)
				memcpy(copy, b, b->size);
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return copy;
}

void
am_dns_cached_answer(struct am_dns_cached *b, unsigned long now,
    struct am_arena *arena, struct am_dns_answer *out)
{
	char *bytes = am_arena_alloc(arena, b->bytes);
	size_t i;

	am_dns_answer_empty(out, b->status, NULL);
	if (b->count > 0)
		out->rr = am_arena_zalloc(arena, b->count * sizeof(*out->rr));
	if (bytes == NULL || (b->count > 0 && out->rr == NULL)) {
		am_dns_answer_empty(out, AM_DNS_TEMPFAIL, "out of memory");
		free(b);
		return;
	}
	memcpy(bytes, area(b), b->bytes);
	out->dnssec = b->dnssec;
	out->ttl = (unsigned)(b->expiry - now);
	out->canonical = b->canonical != NONE ? bytes + b->canonical : NULL;
	out->count = b->count;
	for (i = 0; i < b->count; i++) {
		out->rr[i].text = b->rr[i].text != NONE ? bytes + b->rr[i].text :
							  NULL;
		out->rr[i].len = b->rr[i].len;
		out->rr[i].pref = b->rr[i].pref;
		out->rr[i].addr = b->rr[i].addr;
	}
	free(b);
}

/* Appends len bytes and a NUL to the byte area; returns their offset. */
static size_t
append(struct am_dns_cached *b, const char *p, size_t len)
{
	size_t at = b->bytes;

	if (len > 0)
		memcpy(area(b) + at, p, len);
	area(b)[at + len] = '\0';
	b->bytes += len + 1;
	return at;
}

/* The block for an answer; NULL when it may not be kept or is too big. */
static struct am_dns_cached *
pack(const char *name, enum am_dns_type type, unsigned long now,
    const struct am_dns_answer *a)
{
	size_t size = sizeof(struct am_dns_cached) + strlen(name) + 1, i;
	struct am_dns_cached *b;

	if (a->status == AM_DNS_TEMPFAIL || a->ttl == 0 ||
	    a->dnssec == AM_DNSSEC_BOGUS)
		return NULL;
	if (a->canonical != NULL)
		size += strlen(a->canonical) + 1;
	for (i = 0; i < a->count && size <= MAX_BLOCK; i++)
		size += sizeof(struct packed_rr) +
		    (a->rr[i].text != NULL ? a->rr[i].len + 1 : 0);
	if (size > MAX_BLOCK || (b = calloc(1, size)) == NULL)
		return NULL;
	b->hash = hash_of(name, type);
	b->type = type;
	b->status = a->status;
	b->dnssec = a->dnssec;
	b->expiry = now + (a->ttl < MAX_TTL ? a->ttl : MAX_TTL);
	b->count = a->count;
	b->size = size;
	for (i = 0; i < a->count; i++) {
		b->rr[i].text = a->rr[i].text != NULL ?
		    append(b, a->rr[i].text, a->rr[i].len) : NONE;
		b->rr[i].len = a->rr[i].len;
		b->rr[i].pref = a->rr[i].pref;
		b->rr[i].addr = a->rr[i].addr;
	}
	b->canonical = a->canonical != NULL ?
	    append(b, a->canonical, strlen(a->canonical)) : NONE;
	b->name = append(b, name, strlen(name));
	return b;
}

/* Which of the two slots a new answer takes. */
static size_t
victim(struct am_dns_cached **slot, size_t first, const struct am_dns_cached *b,
    const char *name, unsigned long now)
{
	size_t k;

	for (k = first; k < first + 2; k++)
		if (slot[k] == NULL || slot[k]->expiry <= now ||
		    holds(slot[k], b->hash, name, b->type))
			return k;
	return slot[first]->expiry <= slot[first + 1]->expiry ? first :
								first + 1;
}

void
am_dns_cache_put(struct am_dns_cache *c, const char *name,
    enum am_dns_type type, unsigned long now, const struct am_dns_answer *a)
{
	struct am_dns_cached *b = pack(name, type, now, a), *old;
	struct shard *s;
	size_t first, k;

	if (b == NULL)
		return;
	s = place(c, b->hash, &first);
	pthread_mutex_lock(&s->lock);
	k = victim(s->slot, first, b, name, now);
	old = s->slot[k];
	s->slot[k] = b;
	pthread_mutex_unlock(&s->lock);
	free(old);
}
