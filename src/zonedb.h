/* SPDX-License-Identifier: BSD-3-Clause */
/* src/zonedb.h - the immutable name table of a snapshot: views, zones, nodes, prepared answers. */
#ifndef DNSD_ZONEDB_H
#define DNSD_ZONEDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"
#include "netaddr.h"

struct policy_sel;

/**
 * A pointer inside a prepared block whose value depends on the length of
 * the query name (wildcard matches, negative answers): patched per query.
 */
struct reloc {
	uint16_t at;		/**< offset of the 2-byte pointer in the block */
	uint16_t value;		/**< see RELOC_QNAME_SUFFIX */
};

/** Flag in reloc.value: the pointer targets the query name's suffix of
 * (value & ~flag) octets; without it, block offset value. */
#define RELOC_QNAME_SUFFIX 0x8000u

/**
 * A response prepared in wire form: the resource records that follow the
 * question, with their section counts and rcode. Round robin rotates one
 * run of equal-sized records (an A or AAAA RRset) per response.
 */
struct answer {
	const uint8_t *block;
	uint16_t len;
	uint16_t ancount, nscount, arcount;
	uint16_t qtype;		/**< type this answer is for; 0: any other type */
	uint8_t rcode;
	uint8_t n_reloc;
	uint16_t rot_n;		/**< records in the rotating run; <2: none */
	uint16_t rot_off;	/**< where the run starts in the block */
	uint16_t rot_size;	/**< size of each record of the run */
	uint32_t rot_counter;	/**< index into each worker's round-robin counters */
	const struct reloc *relocs;
	/** A routing policy picks this query's answer among prepared ones
	 * (policy.h: policy_pick); NULL for every other answer. The answer
	 * itself is the first of them, for those that do not pick. */
	const struct policy_sel *sel;
};

/** What the resolver does with names under a zone. */
enum zone_kind {
	ZONE_LOCAL,	/**< private/hidden zone: answer, NXDOMAIN when absent */
	ZONE_PUBLIC,	/**< public names dnsd holds: answer them, forward the rest */
	ZONE_FORWARD,	/**< resolver FORWARD rule: send to its targets */
	ZONE_RECURSE,	/**< resolve through the upstream resolvers */
	ZONE_EC2,	/**< autodefined ip-a-b-c-d.<region>.compute.internal names */
	ZONE_EC2_REVERSE /**< autodefined in-addr.arpa zone: PTR to those names */
};

/** Zones that answer from dnsd's data, NXDOMAIN for what they lack. */
static inline bool
zone_kind_local(int kind)
{
	return kind == ZONE_LOCAL || kind == ZONE_EC2 || kind == ZONE_EC2_REVERSE;
}

/** TTL of synthesized EC2 hostname answers (not documented; dnsd's choice). */
#define EC2_NAME_TTL 60

struct fwd_targets;

/** A zone (or rule) as seen from one view. */
struct zone {
	const uint8_t *apex;
	uint8_t apex_len;
	uint8_t kind;			/**< enum zone_kind */
	uint16_t view;			/**< view that owns it; 0 for public */
	bool shadowed;			/**< view 0 only: some VPC view has a zone or rule
					     at, above or inside it, so its names are not
					     every view's without a look at the view */
	const char *name;		/**< apex as text, for logs */
	const char *origin;		/**< what created it (endpoint, file:line) */
	struct answer nxdomain;		/**< LOCAL: NXDOMAIN with the SOA */
	struct answer nodata;		/**< LOCAL/PUBLIC: NOERROR, no data, the SOA */
	const struct fwd_targets *targets; /**< FORWARD: where to send */
	/* EC2 and EC2_REVERSE: the VPC's IPv4 blocks and the EC2 domain */
	const struct netprefix *cidrs;
	uint16_t n_cidrs;
	uint8_t ec2_domain_len;
	const uint8_t *ec2_domain;	/**< "us-east-2.compute.internal" in wire form */
};

/** Node flags. */
enum node_flag {
	NODE_PHANTOM = 1,	/**< only routes to its zone; not a name of it */
	NODE_CNAME = 2		/**< the answers are CNAME chains */
};

/** A name of one view, with its answers by type. */
struct node {
	const uint8_t *name;		/**< lowercase wire form */
	uint8_t name_len;
	uint8_t flags;			/**< enum node_flag bits */
	uint16_t n_answers;
	const struct answer *answers;	/**< by qtype; qtype 0 (if any) last */
	const struct zone *zone;	/**< the authority for this name */
	const struct node *wildcard;	/**< the "*" child, if any */
};

/** A view: the data one VPC (or the outside world) sees. */
struct view {
	const char *name;	/**< VPC id, or "public" */
	uint16_t index;
};

/** One slot of the open-addressing name table. */
struct zonedb_slot {
	uint32_t hash;		/**< name hash mixed with the view */
	uint32_t view;
	const struct node *node;	/**< NULL: empty slot */
};

/** The lookup part of a snapshot. */
struct zonedb {
	struct zonedb_slot *slots;
	uint32_t mask;			/**< slots - 1 (a power of two minus one) */
	uint32_t count;
	struct view *views;
	uint16_t n_views;
	uint32_t n_rot;			/**< rotating answers: workers keep a counter each */
};

/** Mix a name hash with a view index into a table hash. */
static inline uint32_t
zonedb_mix(uint32_t name_hash, uint32_t view)
{
	uint32_t h = name_hash ^ (view * 0x9e3779b1u);
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

/**
 * Find the node of a lowercase wire name in a view.
 * @param hash: dname suffix hash of the name (not yet mixed).
 */
static inline const struct node *
zonedb_find(const struct zonedb *db, uint32_t view, const uint8_t *name,
	size_t len, uint32_t hash)
{
	uint32_t h = zonedb_mix(hash, view);
	uint32_t i = h & db->mask;
	for (;;) {
		const struct zonedb_slot *s = &db->slots[i];
		if (!s->node)
			return NULL;
		if (s->hash == h && s->view == view &&
		    dname_equal(s->node->name, s->node->name_len, name, len))
			return s->node;
		i = (i + 1) & db->mask;
	}
}

/** The answer of a node for a query type: data, CNAME chain or NODATA. */
static inline const struct answer *
node_answer(const struct node *n, uint16_t qtype)
{
	for (uint16_t i = 0; i < n->n_answers; i++)
		if (n->answers[i].qtype == qtype || n->answers[i].qtype == 0)
			return &n->answers[i];
	return &n->zone->nodata;
}

#endif /* DNSD_ZONEDB_H */
