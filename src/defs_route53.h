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
