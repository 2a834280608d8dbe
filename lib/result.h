/*
 * result.h - the results of the methods.
 *
 * Results are the RFC 8601 result keywords a method produces.  What went
 * wrong while producing one is never a result of its own: it is a result
 * (temperror, permerror) with a reason (libopendmarc's OPENDMARC_STATUS_T
 * mixed the two in one integer range, and callers confused them).  One
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

/* The RFC 8601 keyword: "none", "pass", ... */
const char *am_result_name(enum am_result result);

#endif
