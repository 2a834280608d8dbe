/*
 * report_limit.c - failure reports per domain and hour (see
 * report_limit.h).
 */
#include "autoconfig.h"

#include "report_limit.h"

/* FNV-1a over the lower-cased name */
static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 16777619u;
	}
	return h;
}

bool
am_report_limit_take(struct am_report_limit *l, const char *domain,
    int64_t now, unsigned per_hour)
{
	uint32_t i = hash(domain) % AM_REPORT_LIMIT_SLOTS;
	int64_t window = now / 3600;

	if (l->slot[i].window != window) {
		l->slot[i].window = window;
		l->slot[i].count = 0;
	}
	if (l->slot[i].count >= per_hour)
		return false;
	l->slot[i].count++;
	return true;
}
