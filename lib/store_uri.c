/*
 * store_uri.c - the form of a report store's URI (see store_uri.h).
 * Part of the core library: the configuration checks reports.store when
 * it is read.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "store_uri.h"

bool
am_store_uri_valid(const char *uri, const char **why)
{
	if (strncmp(uri, "sqlite:", 7) == 0) {
		if (uri[7] != '/') {
			*why = "sqlite: needs an absolute path "
			       "(sqlite:/var/lib/authmilter/reports.db)";
			return false;
		}
		return true;
	}
	if (strncmp(uri, "postgresql://", 13) == 0 ||
	    strncmp(uri, "postgres://", 11) == 0)
		return true;
	*why = "expected sqlite:/PATH or postgresql://...";
	return false;
}

void
am_store_uri_display(const char *uri, char *out, size_t size)
{
	const char *scheme = strstr(uri, "://"), *at, *colon, *q, *amp;
	char tmp[1024];

	snprintf(tmp, sizeof(tmp), "%s", uri);
	if (scheme != NULL && (at = strchr(scheme + 3, '@')) != NULL &&
	    (colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3))) !=
		NULL)
		snprintf(tmp, sizeof(tmp), "%.*s:***%s", (int)(colon - uri),
		    uri, at);
	snprintf(out, size, "%s", tmp);
	if ((q = strstr(tmp, "password=")) != NULL) {
		amp = strchr(q, '&');
		snprintf(out, size, "%.*spassword=***%s", (int)(q - tmp), tmp,
		    amp != NULL ? amp : "");
	}
}
