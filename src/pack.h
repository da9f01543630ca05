/* SPDX-License-Identifier: BSD-3-Clause */
/* src/pack.h - compile resource records into prepared wire answers with name compression. */
#ifndef DNSD_PACK_H
#define DNSD_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"
#include "zonedb.h"

struct arena;

#define PACK_MAX 65000		/**< largest block; a TCP message holds 65535 */
#define PACK_MAX_NAMES 256	/**< names remembered for compression */
#define PACK_MAX_RELOCS 64

/** How much of the query name is known when the answer is built. */
enum pack_mode {
	PACK_EXACT,	/**< the query name is exactly `known` (fixed length) */
	PACK_WILDCARD,	/**< the query name is something below `known` */
	PACK_BELOW	/**< the query name is `known` or below it (negative answers) */
};

enum pack_section { PACK_ANSWER, PACK_AUTHORITY, PACK_ADDITIONAL };

/** A block under construction. Large: keep one per builder, not on the stack. */
struct pack {
	uint8_t buf[PACK_MAX];
	size_t len;
	uint16_t count[3];
	enum pack_mode mode;
	size_t known_len;
	bool overflow;
	struct {
		const uint8_t *name;	/* lowercase wire, points into namebuf */
		uint8_t len;
		bool in_block;		/* else a suffix of the query name */
		uint16_t where;		/* block offset, or suffix length of the query name */
	} names[PACK_MAX_NAMES];
	unsigned n_names;
	struct reloc relocs[PACK_MAX_RELOCS];
	unsigned n_relocs;
	uint8_t namebuf[16384];	/* copies of remembered names */
	size_t namebuf_len;
};

/**
 * Start a block.
 * @param known: lowercase wire name known to be (a suffix of) the query name.
 */
void pack_init(struct pack *p, enum pack_mode mode, const uint8_t *known, size_t known_len);

/**
 * Append a record. owner NULL means the query name itself.
 * Names in the RDATA of NS, CNAME and PTR are compressed; other RDATA is
 * copied as is (RFC 3597 §4).
 * @return false when the block is full (p->overflow is set).
 */
bool pack_rr(struct pack *p, enum pack_section section, const uint8_t *owner,
	size_t owner_len, uint16_t type, uint32_t ttl, const uint8_t *rdata,
	uint16_t rdlen);

/**
 * Copy the block into an answer. Identical blocks are not shared here;
 * the caller interns them (see zonebuild).
 */
void pack_answer(const struct pack *p, uint8_t rcode, uint16_t qtype, struct answer *out);

/** True when the RDATA of a type is one compressible domain name. */
bool pack_rdata_is_name(uint16_t type);

#endif /* DNSD_PACK_H */
