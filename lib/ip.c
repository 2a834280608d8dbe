/*
 * ip.c - IPv4 and IPv6 addresses and networks (see ip.h).
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ip.h"

static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0xff};

bool
am_ip_parse(const char *s, size_t len, struct am_ip *out)
{
	char tmp[64];

	if (len == 0 || len >= sizeof(tmp) || memchr(s, '\0', len) != NULL)
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	memset(out, 0, sizeof(*out));
	/* glibc's inet_pton(AF_INET) takes only the strict dotted quad and
	 * refuses leading zeros, as RFC 7208's qnum does. */
	if (inet_pton(AF_INET, tmp, out->addr) == 1) {
		out->family = AM_IP_V4;
		return true;
	}
	if (inet_pton(AF_INET6, tmp, out->addr) != 1)
		return false;
	if (memcmp(out->addr, v4mapped, sizeof(v4mapped)) == 0) {
		memmove(out->addr, out->addr + 12, 4);
		memset(out->addr + 4, 0, 12);
		out->family = AM_IP_V4;
	} else
		out->family = AM_IP_V6;
	return true;
}

bool
am_cidr_parse(const char *s, size_t len, struct am_cidr *out)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash != NULL ? (size_t)(slash - s) : len;
	unsigned bits = 0, max;
	const char *p;

	if (!am_ip_parse(s, alen, &out->net))
		return false;
	max = out->net.family == AM_IP_V4 ? 32 : 128;
	if (slash == NULL) {
		out->bits = max;
		return true;
	}
	p = slash + 1;
	if (p == s + len || p + 3 < s + len)
		return false;
	for (; p < s + len; p++) {
		if (*p < '0' || *p > '9')
			return false;
		bits = bits * 10 + (unsigned)(*p - '0');
	}
	if (bits > max)
		return false;
	out->bits = bits;
	return true;
}

bool
am_ip_in_net(const struct am_ip *ip, const struct am_ip *net, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	unsigned char mask;

	if (ip->family != net->family || bits > am_ip_size(ip) * 8)
		return false;
	if (memcmp(ip->addr, net->addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xff << (8 - rest));
	return (ip->addr[full] & mask) == (net->addr[full] & mask);
}

bool
am_cidr_contains(const struct am_cidr *cidr, const struct am_ip *ip)
{
	return am_ip_in_net(ip, &cidr->net, cidr->bits);
}

bool
am_ip_equal(const struct am_ip *a, const struct am_ip *b)
{
	return a->family == b->family &&
	    memcmp(a->addr, b->addr, am_ip_size(a)) == 0;
}

void
am_ip_format(const struct am_ip *ip, char out[AM_IP_STRLEN])
{
	if (inet_ntop(ip->family == AM_IP_V4 ? AF_INET : AF_INET6, ip->addr,
		out, AM_IP_STRLEN) == NULL)
		out[0] = '\0';
}

void
am_ip_reverse_name(const struct am_ip *ip, char out[AM_IP_STRLEN])
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	int i;

	if (ip->family == AM_IP_V4) {
		snprintf(out, AM_IP_STRLEN, "%u.%u.%u.%u.in-addr.arpa",
		    ip->addr[3], ip->addr[2], ip->addr[1], ip->addr[0]);
		return;
	}
	/* 32 nibbles, each "x.", then "ip6.arpa": 64 + 8 + NUL fits. */
	for (i = 15; i >= 0; i--) {
		*p++ = hex[ip->addr[i] & 0x0f];
		*p++ = '.';
		*p++ = hex[ip->addr[i] >> 4];
		*p++ = '.';
	}
	memcpy(p, "ip6.arpa", sizeof("ip6.arpa"));
}
