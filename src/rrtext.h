/* SPDX-License-Identifier: BSD-3-Clause */
/* src/rrtext.h - DNS messages and records in presentation format (dig-like), without ldns. */
#ifndef DNSD_RRTEXT_H
#define DNSD_RRTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wire_rr;

/** Mnemonic of a type ("A", "AAAA"...), or "TYPE123" written into buf (16 bytes). */
const char *rrtext_type(uint16_t type, char *buf);

/** Mnemonic of a class ("IN", "CH"...), or "CLASS123" written into buf (16 bytes). */
const char *rrtext_class(uint16_t rclass, char *buf);

/** Name of a response code ("NOERROR", "NXDOMAIN"...), or "RCODE23" into buf (16 bytes). */
const char *rrtext_rcode(unsigned rcode, char *buf);

struct netaddr;

/** An address as text into buf (46 bytes), as inet_ntop writes it, without printf. */
const char *rrtext_addr(const struct netaddr *a, char *buf);

/** Parse a type mnemonic or "TYPEnnn" (any case). @return false when unknown. */
bool rrtext_parse_type(const char *text, uint16_t *type);

/**
 * The RDATA of a record of msg in presentation format: A, AAAA, NS, CNAME,
 * PTR, DNAME, MX, TXT, SRV, SOA and CAA by their fields, anything else as
 * RFC 3597 "\# len hex". Names come out absolute, with \DDD escapes.
 * @return the text's length (cut to fit cap, always NUL-terminated), or 0
 *	when the RDATA is malformed ("(malformed)" is written).
 */
size_t rrtext_rdata(const uint8_t *msg, size_t len, const struct wire_rr *rr, char *out,
	size_t cap);

/**
 * A whole message as dig prints it: header, flags, counts, then each
 * section ("owner TTL class type rdata", tab-separated), OPT as an EDNS line.
 * @return the text's length (cut to fit cap, NUL-terminated).
 */
size_t rrtext_message(const uint8_t *msg, size_t len, char *out, size_t cap);

#endif /* DNSD_RRTEXT_H */
