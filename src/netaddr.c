/* SPDX-License-Identifier: BSD-3-Clause */
/* src/netaddr.c - parse and match IPv4/IPv6 addresses, prefixes and ADDR[:PORT] strings. */
#include "config.h"
#include "netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
netaddr_parse(const char *s, struct netaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (strchr(s, ':')) {
		out->family = AF_INET6;
		return inet_pton(AF_INET6, s, out->bytes) == 1;
	}
	out->family = AF_INET;
	return inet_pton(AF_INET, s, out->bytes) == 1;
}

static bool
prefix_has_host_bits(const struct netaddr *a, unsigned len)
{
	size_t n = netaddr_len(a);
	for (size_t i = 0; i < n; i++) {
		unsigned first_bit = (unsigned)i * 8;
		uint8_t mask;
		if (first_bit >= len)
			mask = 0xff;
		else if (first_bit + 8 <= len)
			mask = 0;
		else
			mask = (uint8_t)(0xff >> (len - first_bit));
		if (a->bytes[i] & mask)
			return true;
	}
	return false;
}

static void
prefix_clear_host_bits(struct netaddr *a, unsigned len)
{
	size_t n = netaddr_len(a);
	for (size_t i = 0; i < n; i++) {
		unsigned first_bit = (unsigned)i * 8;
		if (first_bit >= len)
			a->bytes[i] = 0;
		else if (first_bit + 8 > len)
			a->bytes[i] &= (uint8_t)(0xff << (8 - (len - first_bit)));
	}
}

bool
netprefix_parse(const char *s, bool allow_host_bits, struct netprefix *out)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return false;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = 0;
	if (!netaddr_parse(buf, &out->addr))
		return false;
	const char *p = slash + 1;
	if (*p < '0' || *p > '9' || strlen(p) > 3)
		return false;
	char *end;
	unsigned long len = strtoul(p, &end, 10);
	if (*end || len > netaddr_len(&out->addr) * 8)
		return false;
	out->len = (uint8_t)len;
	if (prefix_has_host_bits(&out->addr, out->len)) {
		if (!allow_host_bits)
			return false;
		prefix_clear_host_bits(&out->addr, out->len);
	}
	return true;
}

bool
netprefix_contains(const struct netprefix *p, const struct netaddr *a)
{
	if (p->addr.family != a->family)
		return false;
	if (a->family == AF_INET) {
		/* one masked compare: every query is matched against the
		 * --allow list and the VPCs' CIDRs */
		uint32_t pa, aa;
		memcpy(&pa, p->addr.bytes, 4);
		memcpy(&aa, a->bytes, 4);
		uint32_t mask = p->len == 0 ? 0 : htonl(~(uint32_t)0 << (32 - (p->len > 32 ? 32 : p->len)));
		return ((pa ^ aa) & mask) == 0;
	}
	unsigned full = p->len / 8, rest = p->len % 8;
	if (memcmp(p->addr.bytes, a->bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (p->addr.bytes[full] & mask) == (a->bytes[full] & mask);
}

const char *
netaddr_str(const struct netaddr *a, char *buf, size_t size)
{
	if (!inet_ntop(a->family, a->bytes, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

const char *
netprefix_str(const struct netprefix *p, char *buf, size_t size)
{
	char a[64];
	snprintf(buf, size, "%s/%u", netaddr_str(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

int
netaddr_cmp(const struct netaddr *a, const struct netaddr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, netaddr_len(a));
}

static bool
parse_port(const char *s, uint16_t *port)
{
	if (*s < '0' || *s > '9' || strlen(s) > 5)
		return false;
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

static void
sockaddr_fill(const struct netaddr *a, uint16_t port,
	struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->bytes, 4);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a->bytes, 16);
		*len = sizeof(*sin6);
	}
}

bool
netaddr_parse_sockaddr(const char *s, uint16_t default_port,
	struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	uint16_t port = default_port;
	const char *colon;
	struct netaddr a;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || (size_t)(close - s - 1) >= sizeof(host))
			return false;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = 0;
		if (close[1] == ':') {
			if (!parse_port(close + 2, &port))
				return false;
		} else if (close[1] != 0) {
			return false;
		}
		if (!strchr(host, ':'))
			return false;
	} else if ((colon = strchr(s, ':')) && !strchr(colon + 1, ':')) {
		if ((size_t)(colon - s) >= sizeof(host))
			return false;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = 0;
		if (!parse_port(colon + 1, &port))
			return false;
	} else {
		if (strlen(s) >= sizeof(host))
			return false;
		strcpy(host, s);
	}
	if (!netaddr_parse(host, &a))
		return false;
	sockaddr_fill(&a, port, ss, len);
	return true;
}

bool
netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET) {
		out->family = AF_INET;
		memcpy(out->bytes, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			out->family = AF_INET;
			memcpy(out->bytes, a6->s6_addr + 12, 4);
		} else {
			out->family = AF_INET6;
			memcpy(out->bytes, a6->s6_addr, 16);
		}
		return true;
	}
	return false;
}

uint16_t
netaddr_sockaddr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

const char *
netaddr_sockaddr_str(const struct sockaddr *sa, char *buf, size_t size)
{
	struct netaddr a;
	char host[64];
	if (!netaddr_from_sockaddr(sa, &a)) {
		snprintf(buf, size, "?");
		return buf;
	}
	netaddr_str(&a, host, sizeof(host));
	if (a.family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", host, netaddr_sockaddr_port(sa));
	else
		snprintf(buf, size, "%s:%u", host, netaddr_sockaddr_port(sa));
	return buf;
}

bool
netaddr_sockaddr_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	struct netaddr x, y;
	if (!netaddr_from_sockaddr(a, &x) || !netaddr_from_sockaddr(b, &y))
		return false;
	return netaddr_cmp(&x, &y) == 0 &&
		netaddr_sockaddr_port(a) == netaddr_sockaddr_port(b);
}
