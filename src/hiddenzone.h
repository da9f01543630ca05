/* SPDX-License-Identifier: BSD-3-Clause */
/* src/hiddenzone.h - generate endpoint names and the hidden private hosted zones AWS creates. */
#ifndef DNSD_HIDDENZONE_H
#define DNSD_HIDDENZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct topology;
struct topo_endpoint;
struct zb;
struct zb_zone;
struct diag;

/** TTL of endpoint records: observed 60 in every capture (facts §1, OBS-dig). */
#define HIDDENZONE_TTL 60

/**
 * Add one view per VPC (vpc->view), and a second one for VPCs with an
 * inbound resolver endpoint (vpc->inbound_view): queries through it see
 * what S3's inbound-only private DNS adds.
 * @return 0, or -1 when there are too many.
 */
int hiddenzone_views(struct topology *t, struct zb *b, struct diag *d);

/**
 * Add the views (hiddenzone_views), the public endpoint names of
 * every available interface endpoint (view 0), and the hidden zones of
 * endpoints with private DNS (their VPC's view).
 * @return 0, or -1 when errors were reported.
 */
int hiddenzone_build(struct topology *t, struct zb *b, struct diag *d);

/** One name AWS gives an interface endpoint. */
struct endpoint_name {
	const char *text;	/**< the owner, as text (may start "*.") */
	int view;		/**< 0: public (regional, zonal); else a VPC's view */
	const char *az;		/**< a zonal name's AZ; NULL for the others */
	bool private_name;	/**< a name of the hidden zone (private DNS) */
};

/** Called for each name of an endpoint; a negative return stops public names. */
typedef int (*endpoint_name_fn)(void *ctx, const struct topo_endpoint *ep,
	const struct endpoint_name *n);

/** What an endpoint's State gives it in DNS. */
enum hiddenzone_state {
	HZ_STATE_NONE,		/**< no names: rejected, failed, expired, deleting, deleted */
	HZ_STATE_PUBLIC,	/**< regional and zonal names only: pendingAcceptance */
	HZ_STATE_ALL,		/**< every name: available, pending, partial */
	HZ_STATE_UNKNOWN	/**< a state dnsd does not know: as NONE */
};

/** What a State (any letter case: the API prints camelCase, botocore's
 * enum is PascalCase) gives in DNS. */
enum hiddenzone_state hiddenzone_state_of(const char *state);

/** Whether an endpoint gets DNS names at all (an interface endpoint whose
 * state gives names). */
bool hiddenzone_endpoint_serves(const struct topo_endpoint *ep);

/**
 * Visit every name an endpoint gets: regional, zonal, then private names
 * in each view that sees them. The builder and the check after a load
 * both walk the names this way, so that they cannot disagree.
 * @param d: where a name too long to be one is reported (NULL: not reported).
 * @return 0, or -1 when fn failed or a name could not be made.
 */
int hiddenzone_each_name(const struct topo_endpoint *ep, struct diag *d, endpoint_name_fn fn,
	void *ctx);

/** How many A and AAAA records a name of an endpoint answers (health applied). */
void hiddenzone_name_addrs(const struct topology *t, const struct topo_endpoint *ep,
	const struct endpoint_name *n, unsigned *v4, unsigned *v6);

/**
 * Fill rdata with the SOA dnsd gives a zone of the given kind (Route 53's
 * private hosted zone defaults).
 * @return the RDATA length.
 */
unsigned hiddenzone_soa(uint8_t *rdata, unsigned size, uint32_t *ttl, bool public_zone);

/**
 * Add a zone with Route 53's private-zone SOA (and, with_records, the SOA
 * and the four name servers as records at its apex), as autodefined zones
 * and hosted zones get. @return the zone, or NULL (already there, or out
 * of memory).
 */
struct zb_zone *hiddenzone_default_zone(struct zb *b, unsigned view, const uint8_t *apex,
	size_t len, int kind, const char *origin, bool with_records);

/** Add Route 53's four private-zone name servers at a zone's apex. */
int hiddenzone_add_ns(struct zb *b, struct zb_zone *z);

#endif /* DNSD_HIDDENZONE_H */
