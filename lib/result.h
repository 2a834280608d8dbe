/*
 * result.h - results and errors, kept apart.
 *
 * Results are the RFC 8601 result keywords a method produces; errors are
 * what went wrong while producing one.  They never share an integer range
 * (libopendmarc's OPENDMARC_STATUS_T did, and callers confused them).  One
 * result enum serves every method: each uses the subset its RFC defines,
 * and the Authentication-Results renderer needs only one table.
 */
#ifndef AM_RESULT_H
#define AM_RESULT_H

enum am_result {
	AM_RESULT_NONE,
	AM_RESULT_PASS,
	AM_RESULT_FAIL,
	AM_RESULT_SOFTFAIL,
	AM_RESULT_NEUTRAL,
	AM_RESULT_POLICY,
	AM_RESULT_TEMPERROR,
	AM_RESULT_PERMERROR,
};

enum am_err {
	AM_OK = 0,
	AM_ENOMEM,
	AM_ETEMP,
	AM_EINVAL,
	AM_ELIMIT,
};

/* The RFC 8601 keyword: "none", "pass", ... */
const char *am_result_name(enum am_result result);

/* Parses a keyword (case-insensitive); false if unknown. */
int am_result_parse(const char *s, enum am_result *out);

const char *am_err_name(enum am_err err);

#endif
