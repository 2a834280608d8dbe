/*
 * result.c - the names of results (see result.h).
 */
#include "autoconfig.h"

#include "result.h"

static const char *const result_names[] = {
	[AM_RESULT_NONE] = "none",
	[AM_RESULT_PASS] = "pass",
	[AM_RESULT_FAIL] = "fail",
	[AM_RESULT_SOFTFAIL] = "softfail",
	[AM_RESULT_NEUTRAL] = "neutral",
	[AM_RESULT_POLICY] = "policy",
	[AM_RESULT_TEMPERROR] = "temperror",
	[AM_RESULT_PERMERROR] = "permerror",
};

const char *
am_result_name(enum am_result result)
{
	if ((unsigned)result < sizeof(result_names) / sizeof(*result_names))
		return result_names[result];
	return "?";
}
