/*
 * arena.c - per-message memory regions (see arena.h).
 *
 * A chain of chunks; small requests are bump-allocated from the newest
 * chunk, large ones get a chunk of their own so that a 10 MB header does
 * not waste a chunk's tail.  Single-threaded by design: an arena belongs to
 * the message that owns it.
 */
#include "autoconfig.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define CHUNK_SIZE 8192
#define ALIGN	   alignof(max_align_t)

struct chunk {
	struct chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct am_arena {
	struct chunk *head; /* newest chunk, where small requests go */
	size_t used;
};

struct am_arena *
am_arena_new(void)
{
	return calloc(1, sizeof(struct am_arena));
}

void
am_arena_free(struct am_arena *arena)
{
	struct chunk *c, *next;

	if (arena == NULL)
		return;
	for (c = arena->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(arena);
}

static struct chunk *
chunk_new(size_t size)
{
	struct chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	c = malloc(sizeof(*c) + size);
	if (c == NULL)
		return NULL;
	c->size = size;
	c->used = 0;
	c->next = NULL;
	return c;
}

void *
am_arena_alloc(struct am_arena *arena, size_t size)
{
	struct chunk *c;
	size_t need;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - ALIGN)
		return NULL;
	need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);

	c = arena->head;
	if (c != NULL && c->size - c->used >= need) {
		void *p = c->data + c->used;
		c->used += need;
		arena->used += need;
		return p;
	}
	if (need > CHUNK_SIZE / 4) {
		/* A large block gets its own chunk, kept behind the head so
		 * the head's free tail stays usable. */
		if ((c = chunk_new(need)) == NULL)
			return NULL;
		c->used = need;
		if (arena->head != NULL) {
			c->next = arena->head->next;
			arena->head->next = c;
		} else
			arena->head = c;
		arena->used += need;
		return c->data;
	}
	if ((c = chunk_new(CHUNK_SIZE)) == NULL)
		return NULL;
	c->next = arena->head;
	arena->head = c;
	c->used = need;
	arena->used += need;
	return c->data;
}

void *
am_arena_zalloc(struct am_arena *arena, size_t size)
{
	void *p = am_arena_alloc(arena, size);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

char *
am_arena_strndup(struct am_arena *arena, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX || (p = am_arena_alloc(arena, len + 1)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
am_arena_strdup(struct am_arena *arena, const char *s)
{
	if (s == NULL)
		return NULL;
	return am_arena_strndup(arena, s, strlen(s));
}

char *
am_arena_vprintf(struct am_arena *arena, const char *fmt, va_list ap)
{
	va_list ap2;
	char *p;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || (p = am_arena_alloc(arena, (size_t)n + 1)) == NULL)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
am_arena_printf(struct am_arena *arena, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = am_arena_vprintf(arena, fmt, ap);
	va_end(ap);
	return p;
}

size_t
am_arena_used(const struct am_arena *arena)
{
	return arena->used;
}
