/*
 * dmarc_record.h - the DMARC Policy Record, RFC 9989 4.7 and 4.8.
 *
 * A record is a tag-value list that must begin with "v=DMARC1".  Unknown
 * tags are ignored; a tag whose value breaks its syntax is ignored and
 * its default kept (4.8).  Whether a record without a usable p= still
 * applies is decided by discovery (4.10.1), which needs p_valid,
 * sp_valid, np_valid and rua_valid from here.
 */
#ifndef AM_DMARC_RECORD_H
#define AM_DMARC_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

enum am_dmarc_policy {
	AM_DMARC_POLICY_NONE,
	AM_DMARC_POLICY_QUARANTINE,
	AM_DMARC_POLICY_REJECT,
};

enum am_dmarc_psd {
	AM_DMARC_PSD_UNKNOWN, /* "u", the default */
	AM_DMARC_PSD_YES,
	AM_DMARC_PSD_NO,
};

/* fo= bits */
#define AM_DMARC_FO_0 0x1
#define AM_DMARC_FO_1 0x2
#define AM_DMARC_FO_D 0x4
#define AM_DMARC_FO_S 0x8

struct am_dmarc_record {
	enum am_dmarc_policy p, sp, np;
	bool p_valid;		 /* p= present with a valid value */
	bool sp_present, sp_valid;
	bool np_present, np_valid;
	bool adkim_strict, aspf_strict;
	bool testing;		 /* t=y */
	enum am_dmarc_psd psd;
	const char *rua, *ruf;	 /* as published, or NULL */
	bool rua_valid;		 /* at least one syntactically valid URI */
	unsigned fo;		 /* AM_DMARC_FO_* (default AM_DMARC_FO_0) */
	const char *text;	 /* the whole record */
};

/* True when len bytes at txt open with the version tag "v=DMARC1". */
bool am_dmarc_record_is_dmarc(const char *txt, size_t len);

/*
 * Parses a record that am_dmarc_record_is_dmarc() accepted.  Strings come
 * from arena.  False only when memory ran out.
 */
bool am_dmarc_record_parse(struct am_arena *arena, const char *txt,
    size_t len, struct am_dmarc_record *out);

/* "none", "quarantine", "reject" */
const char *am_dmarc_policy_name(enum am_dmarc_policy policy);

#endif
