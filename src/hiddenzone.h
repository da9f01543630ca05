/* SPDX-License-Identifier: BSD-3-Clause */
/* src/hiddenzone.h - generate endpoint names and the hidden private hosted zones AWS creates. */
#ifndef DNSD_HIDDENZONE_H
#define DNSD_HIDDENZONE_H

#include <stdbool.h>
#include <stdint.h>

struct topology;
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

/**
 * Fill rdata with the SOA dnsd gives a zone of the given kind (Route 53's
 * private hosted zone defaults).
 * @return the RDATA length.
 */
unsigned hiddenzone_soa(uint8_t *rdata, unsigned size, uint32_t *ttl, bool public_zone);

/** Add Route 53's four private-zone name servers at a zone's apex. */
int hiddenzone_add_ns(struct zb *b, struct zb_zone *z);

#endif /* DNSD_HIDDENZONE_H */
