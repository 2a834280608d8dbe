/*
 * result.c - names of results and errors (see result.h).
 */
#include "autoconfig.h"

#include <strings.h>

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

int
am_result_parse(const char *s, enum am_result *out)
{
	unsigned i;

	for (i = 0; i < sizeof(result_names) / sizeof(*result_names); i++)
		if (strcasecmp(s, result_names[i]) == 0) {
			*out = (enum am_result)i;
			return 1;
		}
	return 0;
}

const char *
am_err_name(enum am_err err)
{
	switch (err) {
	case AM_OK:
		return "ok";
	case AM_ENOMEM:
		return "out of memory";
	case AM_ETEMP:
		return "temporary failure";
	case AM_EINVAL:
		return "invalid input";
	case AM_ELIMIT:
		return "limit exceeded";
	}
	return "?";
}
