/*
 * ip.h - IPv4 and IPv6 addresses and networks.
 *
 * One representation for both families.  An IPv4-mapped IPv6 address
 * (::ffff:192.0.2.1) is IPv4 for every purpose here: RFC 7208 5 asks SPF to
 * treat such clients as IPv4, and network rules should match them the same.
 */
#ifndef AM_IP_H
#define AM_IP_H

#include <stdbool.h>
#include <stddef.h>

enum am_ip_family { AM_IP_V4 = 4, AM_IP_V6 = 6 };

struct am_ip {
	enum am_ip_family family;
	unsigned char addr[16]; /* network order; 4 or 16 bytes used */
};

struct am_cidr {
	struct am_ip net;
	unsigned bits;
};

/* Long enough for any formatted address or reverse-DNS name. */
#define AM_IP_STRLEN 80

/*
 * Parses the text form of an address (len bytes at s).  IPv4 is the strict
 * dotted quad (no leading zeros, no shorthand); IPv6 follows RFC 4291 2.2.
 * A bracketed form "[...]" and an "IPv6:" prefix are not accepted here.
 * Returns false for anything else.
 */
bool am_ip_parse(const char *s, size_t len, struct am_ip *out);

/* "192.0.2.0/24", "2001:db8::/32", or an address alone (full length). */
bool am_cidr_parse(const char *s, size_t len, struct am_cidr *out);

/* True when ip lies in net/bits; an address of the other family never does. */
bool am_ip_in_net(const struct am_ip *ip, const struct am_ip *net,
    unsigned bits);

bool am_cidr_contains(const struct am_cidr *cidr, const struct am_ip *ip);

/* True when both addresses are equal. */
bool am_ip_equal(const struct am_ip *a, const struct am_ip *b);

/* Writes the usual text form (RFC 5952 for IPv6) into out. */
void am_ip_format(const struct am_ip *ip, char out[AM_IP_STRLEN]);

/* Writes the reverse-DNS name without the trailing dot
 * ("1.2.0.192.in-addr.arpa", nibbles ".ip6.arpa"). */
void am_ip_reverse_name(const struct am_ip *ip, char out[AM_IP_STRLEN]);

/* Number of address bytes for the family: 4 or 16. */
static inline size_t
am_ip_size(const struct am_ip *ip)
{
	return ip->family == AM_IP_V4 ? 4 : 16;
}

#endif
