/*
 * report_internal.h - helpers shared by the report builders (report_row.c,
 * report_failure.c, report_pack.c).  Not for use elsewhere.
 */
#ifndef AM_REPORT_INTERNAL_H
#define AM_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"

/*
 * At most max bytes of s with every byte outside printable ASCII (TAB
 * and LF included) replaced by '?', lower-cased when lower; from arena.
 * NULL stays NULL; on ENOMEM "".
 */
const char *am_report_clean(struct am_arena *arena, const char *s, size_t max,
    bool lower);

/* The same, appended to b. */
void am_report_clean_into(struct am_buf *b, const char *s, size_t max);

/* As am_report_redact() without the redaction: only the bytes a report
 * cannot carry are replaced. */
void am_report_redact_none(const char *s, size_t len, struct am_buf *out);

#endif
