/*
 * encword.h - RFC 2047 encoded-words decoded the way a careless mail
 * reader decodes them, to find the address it would show.
 *
 * RFC 2047 5 forbids encoded-words in an address, but readers have
 * decoded them there ("Mailsploit", 2017): a From of
 * "=?utf-8?q?ceo=40bank.example?=" alone, or in the local part of
 * "=?utf-8?b?...?=@attacker.example", shows them the bank's address.
 * Only the From finder uses this, and only where an encoded-word can
 * never be legitimate or nothing else names a domain.
 *
 * Threads: no state.
 */
#ifndef AM_ENCWORD_H
#define AM_ENCWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

/*
 * Copies len bytes at s with every encoded-word ("=?charset?Q?text?=",
 * "?B?" too, either case) replaced by its bytes; the charset is not
 * converted ('@' and '.' are the same bytes in every charset a reader
 * would show them in).  The copy is NUL-terminated, from the arena, with
 * its length in *outlen.  NULL when s holds no encoded-word, or when
 * memory runs out.
 */
const char *am_encword_decode(
    struct am_arena *arena, const char *s, size_t len, size_t *outlen);

#endif
