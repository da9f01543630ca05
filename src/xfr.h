/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr.h - zone transfers: which zones a key's view holds, their serials, their records and the IXFR journal. */
#ifndef DNSD_XFR_H
#define DNSD_XFR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"

struct arena;
struct diag;
struct node;
struct topology;
struct xfr_journal;
struct xfr_secondary;
struct zb;
struct zone;
struct zonedb;

/** Kind of a catalog zone in struct xfr_zone (next to enum zone_kind). */
#define XFR_KIND_CATALOG 200

/** One zone dnsd transfers, as of one snapshot (pointers first: 100,000 of these are common). */
struct xfr_zone {
	const uint8_t *apex;
	const char *view_name;
	const uint8_t *soa;		/**< RDATA, with serial (shared by zones alike) */
	const struct zone *zone;	/**< compiled; NULL: hidden in its own view */
	const struct node **nodes;	/**< its names in the zonedb, in table order */
	struct xfr_journal *journal;	/**< differences of the last loads, or NULL */
	const uint32_t *members;	/**< a catalog: its member zones (indexes) */
	uint64_t hash;			/**< its records (serial left out) and what shadows it */
	uint64_t sig;			/**< what shadows it: zones and rules at or below its apex */
	uint32_t serial;
	uint32_t soa_ttl;
	uint32_t n_nodes;
	uint32_t n_members;
	uint32_t wire_size;		/**< about what an AXFR of it sends */
	uint16_t view;			/**< the view whose zone it is (0: public) */
	uint16_t soa_len;
	uint8_t apex_len;
	uint8_t kind;			/**< ZONE_LOCAL, ZONE_PUBLIC or XFR_KIND_CATALOG */
	bool changed;			/**< serial new since the previous load: NOTIFY */
};

/** A view some key opens: the zones a transfer with that key may ask for. */
struct xfr_view {
	uint16_t view;
	const char *name;
	uint32_t *zones;		/**< indexes into xfr.zones */
	uint32_t n_zones;
	uint32_t *slots;		/**< by apex: zone index + 1, 0 empty */
	uint32_t mask;
};

/** A key of a Secondaries entry and what it opens. */
struct xfr_key {
	const struct xfr_secondary *cfg;
	uint32_t view;			/**< index into xfr.views */
	uint32_t catalog;		/**< index into xfr.zones */
};

/** The transfer state of a snapshot (only when Secondaries are defined). */
struct xfr {
	struct xfr_zone *zones;
	uint32_t n_zones, cap_zones;
	struct xfr_view *views;
	uint32_t n_views;
	struct xfr_key *keys;
	uint32_t n_keys;
	uint32_t *by_name;		/**< (view name, apex, kind): zone index + 1 */
	uint32_t by_name_mask;
	uint64_t now;			/**< seconds at load: new serials */
	unsigned n_changed;		/**< zones with a new serial */
	unsigned n_journaled;		/**< of those, with an IXFR difference kept */
	struct arena *arena;		/**< the snapshot's */
	void *pre;			/**< build-time state until xfr_finish */
};

/**
 * Before the zones are compiled: find the zones every view may transfer,
 * give each a serial (kept while its records and what shadows it stay
 * the same, else the time of the load, or the previous serial + 1 when
 * that is not greater: RFC 1982) and write it into the zone's SOA, so
 * answers and transfers carry the same one. Nothing is done, and NULL
 * returned, when the definitions have no Secondaries.
 * @param prev: the transfer state of the snapshot in service, or NULL.
 * @param now: seconds since the epoch.
 * @param err: set when the definitions are wrong (reported through d).
 */
struct xfr *xfr_prepare(const struct topology *t, struct zb *b, const struct xfr *prev,
	struct arena *a, uint64_t now, struct diag *d, bool *err);

/**
 * After the zones are compiled into db: each zone's names, each key's view
 * and catalog zone, and the IXFR journal from the previous snapshot's.
 * @param prev, prev_db: the snapshot in service, or NULL.
 * @return 0, or -1 when out of memory or a catalog name clashes (reported).
 */
int xfr_finish(struct xfr *x, const struct zonedb *db, const struct xfr *prev,
	const struct zonedb *prev_db, struct diag *d);

/** Free what a transfer state holds outside the arena (journals). NULL is allowed. */
void xfr_free(struct xfr *x);

/** The key a TSIG record names (lowercase wire), or NULL. */
const struct xfr_key *xfr_key_find(const struct xfr *x, const uint8_t *name, size_t len);

/** The zone with this apex (lowercase wire) in a key's view, its catalog included; or NULL. */
const struct xfr_zone *xfr_zone_find(const struct xfr *x, const struct xfr_key *k,
	const uint8_t *apex, size_t len);

/**
 * Whether a record owned by name belongs to zone z as view v sees it:
 * always, except in a public zone that a VPC view's zone or rule shadows.
 */
bool xfr_owner_visible(const struct zonedb *db, uint16_t view, const struct xfr_zone *z,
	const uint8_t *name, size_t len);

/** Serial arithmetic (RFC 1982): a is newer than b. */
static inline bool
xfr_serial_gt(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t)(a - b) < 0x80000000u;
}

#endif /* DNSD_XFR_H */
