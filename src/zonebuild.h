/* SPDX-License-Identifier: BSD-3-Clause */
/* src/zonebuild.h - assemble views, zones and records, then compile them into a zonedb. */
#ifndef DNSD_ZONEBUILD_H
#define DNSD_ZONEBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zonedb.h"

struct arena;
struct diag;
struct policy_group;
struct zb;
struct zb_zone;

/** Build-only zone kind: a resolver SYSTEM rule (stops FORWARD rules above it). */
#define ZB_SYSTEM 100

/** Create an empty builder with view 0, "public": what every client sees. */
struct zb *zb_create(void);

/** Free a builder and its build-time data (not a finished zonedb). */
void zb_free(struct zb *b);

/**
 * Where the builder reports what it cannot compile (an answer larger than
 * a message) and CNAME chains it cuts (loops, more than 8 links), naming
 * the zone's origin and the name. Without one it reports nothing.
 */
void zb_set_diag(struct zb *b, struct diag *d);

/** Add a view (a VPC) and return its index (1, 2, ...), or -1 when full. */
int zb_view_add(struct zb *b, const char *name);

/** Number of views, public included. */
unsigned zb_view_count(const struct zb *b);

/** Name of a view. */
const char *zb_view_name(const struct zb *b, unsigned view);

/**
 * Add a zone (or rule) with its apex to a view. Zones of view 0 are
 * public: every view sees them unless its own zones or rules say otherwise.
 * @param kind: enum zone_kind, or ZB_SYSTEM.
 * @param origin: what made it, for --check and logs (copied).
 * @return the zone, or NULL when the view already has a zone of that kind
 *	at that apex.
 */
struct zb_zone *zb_zone_add(struct zb *b, unsigned view, const uint8_t *apex,
	size_t apex_len, int kind, const char *origin);

/** The zone of a view with exactly this apex and kind (-1: any), or NULL. */
struct zb_zone *zb_zone_find(const struct zb *b, unsigned view,
	const uint8_t *apex, size_t apex_len, int kind);

/** A zone's apex in wire form. */
void zb_zone_apex(const struct zb_zone *z, const uint8_t **apex, size_t *len);

/** What made a zone (as given to zb_zone_add). */
const char *zb_zone_origin(const struct zb_zone *z);

/**
 * Set the SOA of a LOCAL or PUBLIC zone. It goes into negative answers
 * with the TTL min(ttl, MINIMUM) (RFC 2308 §3).
 * @param as_record: also a record at the apex (LOCAL zones whose apex
 *	holds no CNAME).
 */
int zb_zone_set_soa(struct zb *b, struct zb_zone *z, uint32_t ttl,
	const uint8_t *rdata, uint16_t rdlen, bool as_record);

/**
 * Write serial into a zone's SOA: the one negative answers carry and the
 * SOA record at its apex (zone transfers give zones dnsd's serials).
 * @return 0, or -1 when the zone has no SOA.
 */
int zb_zone_set_serial(struct zb *b, struct zb_zone *z, uint32_t serial);

/** The SOA set on a zone, if any. */
bool zb_zone_soa(const struct zb_zone *z, uint32_t *ttl, const uint8_t **rdata,
	uint16_t *rdlen);

/**
 * The builder's own arena, for what a build needs until zb_finish (it
 * goes with zb_free): builders keep the model as it was read, since a
 * kept model is built from again (dnsd-control health).
 */
struct arena *zb_arena(struct zb *b);

/** Set where a FORWARD zone sends queries (kept by reference: it must
 * live as long as the zonedb, e.g. in its arena). */
void zb_zone_set_targets(struct zb_zone *z, const struct fwd_targets *t);

/**
 * Give an EC2 or EC2_REVERSE zone the VPC's IPv4 blocks and the domain
 * of its hostnames (copied when the zonedb is made; kept until then).
 */
void zb_zone_set_ec2(struct zb_zone *z, const struct netprefix *cidrs, unsigned n,
	const uint8_t *domain, size_t domain_len);

/**
 * Add a record to a zone. The owner must be at or below the apex; types
 * NS, CNAME and PTR hold one uncompressed wire name as RDATA.
 * @param why: out, the reason on failure.
 * @return 0, or -1 (owner outside the zone, CNAME beside other data, a
 *	different TTL in one RRset is not an error: the first TTL is kept).
 */
int zb_rr_add(struct zb *b, struct zb_zone *z, const uint8_t *owner,
	size_t owner_len, uint16_t type, uint32_t ttl, const uint8_t *rdata,
	uint16_t rdlen, const char **why);

/**
 * A CNAME to target owned by whatever name is asked, as seen from a view
 * (a DNS Firewall OVERRIDE block response): zb_finish compiles it as it
 * compiles a wildcard CNAME of that view, the chain followed inside
 * dnsd's data, and stores the node in *out (which must live until then).
 * The name is in no view's table: no query finds it by lookup.
 * @return 0, or -1 when out of memory.
 */
int zb_synth_cname(struct zb *b, unsigned view, const uint8_t *target, size_t tlen, uint32_t ttl,
	const char *origin, const struct node **out);

/** Make a name exist in a zone without records (NODATA for every type).
 * @return 0, or -1 when the owner is outside the zone or out of memory. */
int zb_name_add(struct zb *b, struct zb_zone *z, const uint8_t *owner, size_t owner_len);

/**
 * Make the RRset of (owner, type) a routing policy group: its records are
 * alternatives 0 … g->n_alts - 1, added with zb_rr_add_alt, and each
 * query gets the prepared answer g's rule picks (policy.h). g must live
 * until zb_finish. Every alternative must get a record.
 * @return 0, or -1 (why set) when the name already has records of the
 *	type, or CNAME and other data would meet.
 */
int zb_rrset_set_policy(struct zb *b, struct zb_zone *z, const uint8_t *owner,
	size_t owner_len, uint16_t type, const struct policy_group *g, const char **why);

/** Add a record to alternative alt of a routing policy group (the first
 * TTL of an alternative is kept). @return 0, or -1 with why set. */
int zb_rr_add_alt(struct zb *b, struct zb_zone *z, const uint8_t *owner, size_t owner_len,
	uint16_t type, unsigned alt, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen,
	const char **why);

/** Called for each record of an RRset by zb_rrset_each; alt is the
 * alternative of a routing policy group, or -1. */
typedef void (*zb_rdata_fn)(void *ctx, int alt, uint16_t type, uint32_t ttl,
	const uint8_t *rdata, uint16_t rdlen);

/**
 * The records of one type at a name as a view resolves it (most specific
 * zone, then wildcards), for alias records. CNAMEs are not followed.
 * @param group: when not NULL, receives the routing policy group the
 *	records belong to, or NULL.
 * @return the number of records visited; -1 when dnsd holds no such name.
 */
int zb_rrset_each(const struct zb *b, unsigned view, const uint8_t *name, size_t len,
	uint16_t type, zb_rdata_fn fn, void *ctx, const struct policy_group **group);

/** Called for every record of every zone by zb_walk; group and alt say
 * which alternative of a routing policy group a record is (else NULL, -1). */
typedef void (*zb_walk_fn)(void *ctx, const struct zb_zone *z, unsigned view,
	const uint8_t *apex, int kind, const uint8_t *owner, uint16_t type,
	uint32_t ttl, const uint8_t *rdata, uint16_t rdlen,
	const struct policy_group *group, int alt);

/**
 * Visit zones view by view: each zone once with owner NULL, then its
 * records in the order added (SOA first, then NS, then names).
 */
void zb_walk(const struct zb *b, zb_walk_fn fn, void *ctx);

/** What a builder holds: zones (rules included), names with records, records. */
struct zb_counts {
	unsigned views, zones, names, records;
};

/** Count what the builder holds (for --check and status). */
void zb_count(const struct zb *b, struct zb_counts *out);

/**
 * Compile everything into db; all of it lives in arena.
 * @return 0, or -1 when out of memory or an answer does not fit a message.
 */
int zb_finish(struct zb *b, struct arena *arena, struct zonedb *db);

#endif /* DNSD_ZONEBUILD_H */
