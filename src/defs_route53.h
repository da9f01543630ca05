/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_route53.h - inside the route53 family's reader: what defs_route53.c, defs_rrset.c, defs_zonefile.c and defs_zonecheck.c share. */
#ifndef DNSD_DEFS_ROUTE53_H
#define DNSD_DEFS_ROUTE53_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "defs.h"

struct arena;
struct diag;
struct doc_node;
struct ldns_struct_rr;

/* ---- records (defs_rrset.c) ---- */

/** Start an empty list of records. */
void defs_rr_list_init(struct topo_rr_list *l);

/**
 * Append a record (owner in wire form and as text, both copied) and note
 * the owner of the first SOA.
 * @return the record, or NULL when out of memory.
 */
struct topo_rr *defs_rr_add(struct topology *t, struct topo_rr_list *l, const uint8_t *wire,
	size_t wlen, const char *text, uint16_t type, uint32_t ttl, struct src src);

/** Move a list's records to the end of a zone's, keeping their order. */
void defs_rr_splice(struct topo_hosted_zone *z, struct topo_rr_list *l);

/** ResourceRecordSets (a list, or one set) into l. */
void defs_rrset_read_list(struct reader *r, const struct doc_node *v, struct topo_rr_list *l);

/** The RDATA of an ldns record in uncompressed wire form (names lowercase
 * where dnsd compares them), in the arena; NULL when longer than 65535. */
uint8_t *defs_rr_rdata(struct arena *a, const struct ldns_struct_rr *rr, uint16_t *rdlen);

/** Whether a type is data (not OPT, TSIG, AXFR, ANY, …). */
bool defs_rr_type_is_data(uint16_t type);

/** A type's name for messages ("A", "TYPE65280"), in buf when made up. */
const char *defs_rr_type_name(uint16_t type, char *buf, size_t size);

/* ---- routing policies (defs_routing.c) ---- */

/** The routing fields of a record set as written. */
struct defs_routing_in {
	const char *set_id;			/**< SetIdentifier */
	const struct doc_node *weight, *failover, *multivalue, *region, *geo, *geoprox,
		*cidr, *health_check, *traffic_policy;
	int evaluate_target_health;		/**< AliasTarget's, enum tristate */
};

/**
 * Check a record set's routing fields as Route 53 does (one policy, a
 * SetIdentifier, values in range) and keep them in set->policy; a set
 * without any stays simple.
 * @return false (reported) when the set cannot be served.
 */
bool defs_routing_read(struct reader *r, const struct doc_node *n, struct defs_routing_in *in,
	const char *given_name, const char *type_name, struct topo_rrset *set);

/* ---- health checks and CIDR collections (defs_healthcheck.c) ---- */

/** Document keys of list-health-checks, get-health-check, get-health-check-status,
 * list-cidr-collections, list-cidr-blocks and list-cidr-locations. */
void defs_healthcheck_read_item(struct reader *r, const struct doc_node *n,
	const struct doc_node *doc);
void defs_healthcheck_read_status(struct reader *r, const struct doc_node *doc,
	const char *key, const struct doc_node *v);
void defs_cidr_read_collection(struct reader *r, const struct doc_node *n,
	const struct doc_node *doc);
void defs_cidr_read_blocks(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v);
void defs_cidr_read_locations(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v);

/** Check what record sets and health checks name of each other, once all
 * is read: unknown health checks and CIDR collections, calculated health
 * checks' children. */
void defs_healthcheck_resolve(struct topology *t, struct diag *d);

/* ---- groups of routing record sets (defs_policycheck.c) ---- */

/**
 * Check the record sets of one name and type as Route 53 would: one
 * routing policy for all of them (no simple set beside them), one CIDR
 * collection, unique SetIdentifiers, one set per Region, location or
 * failover role, AWS's quotas (a warning: dnsd serves more).
 * @param firsts: the first record of each set (or each zone-file record).
 */
void defs_policycheck(const struct topo_rr *const *firsts, size_t n, struct diag *d);

/** A routing policy's name for messages: "weighted", "IP-based", … */
const char *defs_policy_name(enum rr_policy p);

/* ---- hosted zones (defs_route53.c) ---- */

/** The first hosted zone named name (canonical text), and how many are. */
struct topo_hosted_zone *defs_route53_zone_by_name(struct topology *t, const char *name,
	unsigned *count);

/**
 * The declared zone whose id a path names ("Z…" of 9 to 33 characters),
 * among those named name (NULL: any).
 * @param seen: receives the first id the path names (NULL: not wanted).
 */
struct topo_hosted_zone *defs_route53_zone_from_path(struct topology *t, const char *path,
	const char *name, char *seen, size_t seen_size);

/* ---- zone files (defs_zonefile.c) ---- */

/**
 * Read a zone file (RFC 1035) into `into`, or the hosted zone its SOA
 * names; a file read before (the same inode) is not read again.
 * @param from: the ZoneFile field that names it, for messages, or NULL.
 * @return 0, or -1 when errors were reported.
 */
int defs_zonefile_load(struct topology *t, const char *path, struct diag *d,
	struct topo_hosted_zone *into, const struct src *from);

/* ---- checks (defs_zonecheck.c) ---- */

/** The records of every zone (owners in the zone, one SOA, CNAMEs alone,
 * duplicates) and the VPC associations, with Route 53's messages. */
void defs_zonecheck(struct topology *t, struct diag *d);

#endif /* DNSD_DEFS_ROUTE53_H */
