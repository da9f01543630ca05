/* SPDX-License-Identifier: BSD-3-Clause */
/* src/dns64.h - DNS64 (RFC 6147): AAAA records made from A records for clients in subnets with EnableDns64. */
#ifndef DNSD_DNS64_H
#define DNSD_DNS64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * The prefix Route 53 Resolver puts in front of an IPv4 address: the
 * well-known prefix of RFC 6052, 64:ff9b::/96 (VPC User Guide, "DNS64
 * and NAT64").
 */
extern const uint8_t dns64_prefix[12];

/**
 * Turn a reply to an A query into the answer a DNS64 client gets to its
 * AAAA query, in place: every A record of the answer section becomes an
 * AAAA record for 64:ff9b::a.b.c.d with a TTL of at most ttl_cap (RFC 6147
 * §5.1.7); CNAME and DNAME records stay; the authority and additional
 * sections are dropped (their counts set to 0). Compression pointers into
 * the records that grow are moved with them. Allocates nothing.
 * @param msg, len: a whole message (header, one question, records).
 * @param cap: room in msg.
 * @return the new length; 0 when the message is malformed or holds no A
 *	record in its answer section (msg unchanged); DNS64_TOO_BIG when the
 *	result would not fit in cap (msg unchanged).
 */
size_t dns64_synthesize(uint8_t *msg, size_t len, size_t cap, uint32_t ttl_cap);

/** What dns64_synthesize returns for a result larger than its room. */
#define DNS64_TOO_BIG ((size_t)-1)

/**
 * Whether a reply to an AAAA query leaves the client without an address:
 * NOERROR and no AAAA record in its answer section (the name exists but
 * has only A records, or a chain that ends so; RFC 6147 §5.1.1). Then
 * *neg_ttl is the negative TTL its SOA gives (min of the SOA's TTL and
 * MINIMUM), or UINT32_MAX without one.
 */
bool dns64_wanted(const uint8_t *msg, size_t len, uint32_t *neg_ttl);

/**
 * The TTL a negative answer gives: that of the first SOA record after the
 * answer section of a records block (no header, no question), which
 * holds ancount answer records first; UINT32_MAX when there is none.
 */
uint32_t dns64_negative_ttl(const uint8_t *block, size_t len, unsigned ancount);

#endif /* DNSD_DNS64_H */
