/* SPDX-License-Identifier: BSD-3-Clause */
/* src/wire.h - DNS message constants and bounds-checked readers that never allocate. */
#ifndef DNSD_WIRE_H
#define DNSD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_SIZE 12
#define DNS_MAX_UDP_DEFAULT 1232	/**< DNS Flag Day 2020 EDNS buffer size */
#define DNS_MAX_MESSAGE 65535

/* Header flag bits (second 16-bit word). */
#define DNS_FLAG_QR 0x8000u
#define DNS_OPCODE_MASK 0x7800u
#define DNS_FLAG_AA 0x0400u
#define DNS_FLAG_TC 0x0200u
#define DNS_FLAG_RD 0x0100u
#define DNS_FLAG_RA 0x0080u
#define DNS_FLAG_Z 0x0040u
#define DNS_FLAG_AD 0x0020u
#define DNS_FLAG_CD 0x0010u
#define DNS_RCODE_MASK 0x000fu

enum dns_opcode {
	DNS_OPCODE_QUERY = 0,
	DNS_OPCODE_IQUERY = 1,
	DNS_OPCODE_STATUS = 2,
	DNS_OPCODE_NOTIFY = 4,
	DNS_OPCODE_UPDATE = 5
};

enum dns_rcode {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
	DNS_RCODE_NOTAUTH = 9,
	DNS_RCODE_BADVERS = 16	/**< extended: OPT carries the upper bits */
};

enum dns_type {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_AAAA = 28,
	DNS_TYPE_SRV = 33,
	DNS_TYPE_DNAME = 39,
	DNS_TYPE_OPT = 41,
	DNS_TYPE_TKEY = 249,
	DNS_TYPE_TSIG = 250,
	DNS_TYPE_IXFR = 251,
	DNS_TYPE_AXFR = 252,
	DNS_TYPE_MAILB = 253,
	DNS_TYPE_MAILA = 254,
	DNS_TYPE_ANY = 255
};

enum dns_class {
	DNS_CLASS_IN = 1,
	DNS_CLASS_CH = 3,
	DNS_CLASS_HS = 4,
	DNS_CLASS_NONE = 254,
	DNS_CLASS_ANY = 255
};

#define EDNS_FLAG_DO 0x8000u

static inline uint16_t
wire_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
wire_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
		((uint32_t)p[2] << 8) | p[3];
}

static inline void
wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wire_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/** Flags word of a message (bytes 2-3). */
static inline uint16_t
wire_flags(const uint8_t *pkt)
{
	return wire_get16(pkt + 2);
}

/** Opcode of a message. */
static inline unsigned
wire_opcode(const uint8_t *pkt)
{
	return (wire_flags(pkt) & DNS_OPCODE_MASK) >> 11;
}

/** A resource record located inside a message. */
struct wire_rr {
	size_t owner;		/**< offset of the owner name */
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlen;
	size_t rdata;		/**< offset of the RDATA */
	size_t end;		/**< offset just past the RR */
};

/**
 * Skip a possibly compressed name at *pos. Pointers must point backwards,
 * the name must stay within 255 octets and labels use types 00 and 11 only
 * (RFC 1035 §4.1.4, RFC 9267).
 * @return true and *pos past the name, or false when malformed.
 */
bool wire_skip_name(const uint8_t *pkt, size_t len, size_t *pos);

/**
 * Read and decompress a name at *pos into out (DNAME_MAX bytes), with the
 * same checks as wire_skip_name. lower lowercases ASCII letters.
 * @return the name's length in out, or 0 when malformed.
 */
size_t wire_read_name(const uint8_t *pkt, size_t len, size_t *pos,
	uint8_t *out, bool lower);

/**
 * Parse the RR at *pos.
 * @return true with rr filled and *pos past the RR, or false when it
 *	overruns the message or its owner name is malformed.
 */
bool wire_parse_rr(const uint8_t *pkt, size_t len, size_t *pos, struct wire_rr *rr);

/** Compare two (possibly compressed) names in messages, case-insensitively. */
bool wire_name_equal(const uint8_t *pa, size_t alen, size_t apos,
	const uint8_t *pb, size_t blen, size_t bpos);

#endif /* DNSD_WIRE_H */
