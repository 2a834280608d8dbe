/*
 * arena.h - per-message memory regions.
 *
 * Everything a message needs (DNS answers, parsed records, reasons, the
 * rendered header) is carved from one arena owned by the message and
 * released at once when the message ends, so no result has to be freed
 * piecemeal and nothing outlives the message by accident.
 *
 * An arena belongs to one thread.  Allocation failures return NULL; the
 * caller maps that to AM_ENOMEM.
 */
#ifndef AM_ARENA_H
#define AM_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct am_arena;

/* A new empty arena.  Caller owns; free with am_arena_free().  NULL on ENOMEM. */
struct am_arena *am_arena_new(void);

/* Releases every allocation made from the arena.  NULL is a no-op. */
void am_arena_free(struct am_arena *arena);

/* size bytes, aligned for any type; NULL on ENOMEM.  Valid until am_arena_free(). */
void *am_arena_alloc(struct am_arena *arena, size_t size);

/* As am_arena_alloc(), zero-filled. */
void *am_arena_zalloc(struct am_arena *arena, size_t size);

/* A NUL-terminated copy of len bytes at s (which need not be terminated). */
char *am_arena_strndup(struct am_arena *arena, const char *s, size_t len);

/* A copy of the NUL-terminated string s; NULL stays NULL. */
char *am_arena_strdup(struct am_arena *arena, const char *s);

/* A formatted string; NULL on ENOMEM. */
char *am_arena_printf(struct am_arena *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *am_arena_vprintf(struct am_arena *arena, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Bytes handed out so far (for limits and the benchmark). */
size_t am_arena_used(const struct am_arena *arena);

#endif
