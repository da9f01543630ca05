/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_journal.h - IXFR: what the last loads changed in a zone, kept within bounds, condensed per request. */
#ifndef DNSD_XFR_JOURNAL_H
#define DNSD_XFR_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xfr_rr;
struct xfr_zone;
struct zonedb;

/** Loads whose differences a zone keeps (older serials get an AXFR). */
#define XFR_JOURNAL_VERSIONS 16
/** A journal may hold as many bytes as its zone transfers, and at least this. */
#define XFR_JOURNAL_MIN_BYTES (64 * 1024)

struct xfr_journal;

/**
 * The journal of zone z after a load: old's versions (the differences of
 * earlier loads, oldest dropped beyond XFR_JOURNAL_VERSIONS or the size
 * bound) and the difference from p (the zone in the previous snapshot,
 * its names in prev_db) to z (names in db), read from both snapshots'
 * prepared answers name by name: unchanged names cost a comparison.
 * @param old: p's journal, or NULL (then p's serial is the first version).
 * @return a new journal (one reference), or NULL when the difference is
 *	larger than the bound or memory ran out: such a zone is sent whole.
 */
struct xfr_journal *xfr_journal_next(const struct xfr_journal *old, const struct xfr_zone *p,
	const struct zonedb *prev_db, const struct xfr_zone *z, const struct zonedb *db);

/** Take a reference. NULL is allowed (and returned). */
struct xfr_journal *xfr_journal_ref(struct xfr_journal *j);

/** Drop a reference; the last frees it. NULL is allowed. */
void xfr_journal_unref(struct xfr_journal *j);

/** The version with this serial, other than the newest; -1 when not kept. */
int xfr_journal_version(const struct xfr_journal *j, uint32_t serial);

/** The SOA (TTL and RDATA) of a version. */
void xfr_journal_soa(const struct xfr_journal *j, int version, uint32_t *ttl,
	const uint8_t **rdata, uint16_t *rdlen);

/**
 * The records deleted (adds false) or added (adds true) between version
 * v and now, condensed (a record deleted and added again is neither),
 * one per call from *pos (start at 0).
 * @return false when there are no more.
 */
bool xfr_journal_each(const struct xfr_journal *j, int v, bool adds, uint32_t *pos,
	struct xfr_rr *rr);

/** Bytes a journal holds (for logs and tests). */
size_t xfr_journal_bytes(const struct xfr_journal *j);

/** Versions a journal holds, the newest included. */
unsigned xfr_journal_versions(const struct xfr_journal *j);

#endif /* DNSD_XFR_JOURNAL_H */
