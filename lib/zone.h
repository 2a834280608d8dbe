/*
 * zone.h - a static DNS zone, answered without a network.
 *
 * Used in place of libunbound by unit tests, fuzz targets and
 * `authmilter-check --zone FILE` ("what would happen if my DNS said
 * this?").  The text format is a small subset of RFC 1035 master files:
 *
 *     ; comment
 *     example.com.            TXT   "v=spf1 ip4:192.0.2.0/24 -all"
 *     example.com             MX    10 mail.example.com.
 *     mail.example.com  300 IN A     192.0.2.25
 *     sel._domainkey.example.com TXT ( "v=DKIM1; k=rsa; "
 *                                      "p=MIIBIjANBgkq..." )
 *     slow.example.com        TIMEOUT          ; every type times out
 *     flaky.example.com       SERVFAIL TXT     ; only TXT fails
 *
 * Names are absolute (the trailing dot is optional); the TTL and class IN
 * are optional.  Types: A AAAA TXT MX PTR CNAME, plus the pseudo-types
 * TIMEOUT and SERVFAIL with an optional record type.  TXT takes one or
 * more character-strings, quoted ("\"", "\\" and "\DDD" escapes) or bare.
 * Parentheses continue a record over several lines.
 *
 * Answers: CNAMEs are followed (a loop is a temporary failure); a name
 * that owns no record but has names below it exists (empty non-terminal,
 * RFC 8020); a fault for one type wins over records of that type, a fault
 * for every type applies only where no record of the asked type exists.
 *
 * Not thread-safe while being built; read-only (and thread-safe) after.
 */
#ifndef AM_ZONE_H
#define AM_ZONE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "dns.h"
#include "ip.h"

enum am_zone_fault {
	AM_ZONE_TIMEOUT,
	AM_ZONE_SERVFAIL,
};

struct am_zone;

/* An empty zone.  Caller owns; free with am_zone_free(). */
struct am_zone *am_zone_new(void);
void am_zone_free(struct am_zone *zone);

/*
 * Adds the records of a zone text (len bytes).  On a syntax error returns
 * false with "line N: what" in err; records before the bad line stay.
 */
bool am_zone_parse(struct am_zone *zone, const char *text, size_t len,
    char *err, size_t errlen);

/* am_zone_parse() on a file's contents; err names an unreadable file. */
bool am_zone_load_file(struct am_zone *zone, const char *path, char *err,
    size_t errlen);

/* Programmatic additions; false on ENOMEM or an invalid name. */
bool am_zone_add_address(struct am_zone *zone, const char *name,
    const struct am_ip *addr);
bool am_zone_add_txt(struct am_zone *zone, const char *name,
    const char *text, size_t len);
bool am_zone_add_target(struct am_zone *zone, const char *name,
    enum am_dns_type type, unsigned pref, const char *target);
/* type 0: every type without records at name. */
bool am_zone_add_fault(struct am_zone *zone, const char *name,
    unsigned type, enum am_zone_fault fault);

/* The answer to (name, type), copied into arena. */
void am_zone_answer(const struct am_zone *zone, const char *name,
    enum am_dns_type type, struct am_arena *arena, struct am_dns_answer *out);

#endif
