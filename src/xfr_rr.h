/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_rr.h - the records of a compiled name, read back from its prepared answers; packed records. */
#ifndef DNSD_XFR_RR_H
#define DNSD_XFR_RR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"
#include "wire.h"

struct node;

/** A record, every name uncompressed. */
struct xfr_rr {
	const uint8_t *owner;
	uint8_t owner_len;
	uint16_t type;
	uint32_t ttl;
	const uint8_t *rdata;
	uint16_t rdlen;
};

/** Room to rebuild one prepared answer as a message. Large: one per transfer. */
struct xfr_scratch {
	uint8_t msg[DNS_HEADER_SIZE + DNAME_MAX + 4 + 65536];
	uint8_t owner[DNAME_MAX];
	uint8_t rdata[DNAME_MAX];
};

/** Called for each record; false stops the walk. */
typedef bool (*xfr_rr_fn)(void *ctx, const struct xfr_rr *rr);

/**
 * Every record a name of the zonedb answers with, read back from its
 * prepared answers (the answer section of each type's block; a CNAME
 * name's own CNAME only, not the chain). SOA records are left out: a
 * transfer writes the zone's SOA itself. What a transfer sends is thereby
 * what queries get.
 * @return false when fn stopped or a block cannot be read (a bug).
 */
bool xfr_node_each(const struct node *n, struct xfr_scratch *s, xfr_rr_fn fn, void *ctx);

/** Whether two names hold the same prepared answers (byte for byte). */
bool xfr_node_same(const struct node *a, const struct node *b);

/** Most bytes a packed record takes. */
#define XFR_RR_PACKED_MAX (1 + DNAME_MAX + 2 + 2 + 65535 + 4)

/**
 * Pack a record as [owner length][owner][type][rdlength][rdata][ttl]:
 * memcmp over the leading part orders records by name, type and data.
 * @return the bytes written.
 */
size_t xfr_rr_pack(const struct xfr_rr *rr, uint8_t *out);

/** Read a packed record (pointing into p). @return its packed size. */
size_t xfr_rr_unpack(const uint8_t *p, struct xfr_rr *rr);

/** Order of packed records: owner, type, data, then TTL. */
int xfr_rr_cmp(const uint8_t *a, const uint8_t *b);

/** A 64-bit hash of a record; zone hashes add them up, so order does not matter. */
uint64_t xfr_rr_hash(const uint8_t *owner, size_t owner_len, uint16_t type, uint32_t ttl,
	const uint8_t *rdata, size_t rdlen);

/** A 64-bit hash of bytes, for names and keys. */
uint64_t xfr_hash_bytes(uint64_t h, const void *p, size_t n);

#endif /* DNSD_XFR_RR_H */
