/* SPDX-License-Identifier: BSD-3-Clause */
/* src/netaddr.h - parse and match IPv4/IPv6 addresses, prefixes and ADDR[:PORT] strings. */
#ifndef DNSD_NETADDR_H
#define DNSD_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/** An IPv4 or IPv6 address; IPv4 is held in the first 4 bytes. */
struct netaddr {
	uint8_t family;		/**< AF_INET or AF_INET6 */
	uint8_t bytes[16];
};

/** An address prefix such as 10.0.0.0/16 or 2600:1f16::/56. */
struct netprefix {
	struct netaddr addr;	/**< host bits are zero */
	uint8_t len;		/**< prefix length in bits */
};

/** Parse a dotted-quad IPv4 or an RFC 4291 IPv6 text address. */
bool netaddr_parse(const char *s, struct netaddr *out);

/**
 * Parse "ADDR/LEN". Host bits set below the prefix are an error unless
 * allow_host_bits (then they are cleared).
 */
bool netprefix_parse(const char *s, bool allow_host_bits, struct netprefix *out);

/** True when a lies inside p (same family). */
bool netprefix_contains(const struct netprefix *p, const struct netaddr *a);

/** Format an address as text into buf (at least 46 bytes). */
const char *netaddr_str(const struct netaddr *a, char *buf, size_t size);

/** Format a prefix as "addr/len" into buf (at least 50 bytes). */
const char *netprefix_str(const struct netprefix *p, char *buf, size_t size);

/** Compare two addresses: family first, then bytes. */
int netaddr_cmp(const struct netaddr *a, const struct netaddr *b);

/** Address size in bytes: 4 or 16. */
static inline size_t
netaddr_len(const struct netaddr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

/**
 * Parse "ADDR", "ADDR:PORT", "[V6]" or "[V6]:PORT" into a socket address.
 * A bare IPv6 address without brackets is accepted (no port then).
 * @param default_port: port used when none is given.
 * @return true when the text is valid (port 0..65535).
 */
bool netaddr_parse_sockaddr(const char *s, uint16_t default_port,
	struct sockaddr_storage *ss, socklen_t *len);

/** Extract the address of a sockaddr (IPv4-mapped IPv6 becomes IPv4). */
bool netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out);

/** Format a socket address as "addr:port" or "[addr]:port". */
const char *netaddr_sockaddr_str(const struct sockaddr *sa, char *buf, size_t size);

/** Port of a socket address. */
uint16_t netaddr_sockaddr_port(const struct sockaddr *sa);

/** Equal address and port. */
bool netaddr_sockaddr_equal(const struct sockaddr *a, const struct sockaddr *b);

#endif /* DNSD_NETADDR_H */
