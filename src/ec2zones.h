/* SPDX-License-Identifier: BSD-3-Clause */
/* src/ec2zones.h - the zones AWS autodefines for EC2 names in each VPC. */
#ifndef DNSD_EC2ZONES_H
#define DNSD_EC2ZONES_H

#include <stddef.h>
#include <stdint.h>

struct diag;
struct topology;
struct zb;

/**
 * Add, to the views of every VPC with both DNS attributes on, the zones
 * AWS autodefines for EC2 (Route 53 Developer Guide, "Domain names that
 * Resolver creates autodefined system rules for"; VPC User Guide, "DNS
 * attributes for your VPC"):
 * - <region>.compute.internal (ec2.internal in us-east-1): IP names are
 *   made up per query (query.c); resource names of the VPC's instances
 *   are records (EC2 User Guide, "Amazon EC2 instance hostname types");
 * - the reverse zones of the private ranges and of the VPC's blocks: PTR
 *   made up per query, records for resource-name instances;
 * - <region>.compute.amazonaws.com (compute-1.amazonaws.com in
 *   us-east-1): the public DNS names of the VPC's instances and network
 *   interfaces answer their private addresses; other names are resolved
 *   as anywhere else.
 * @return 0, or -1 when errors were reported.
 */
int ec2zones_build(struct topology *t, struct zb *b, struct diag *d);

/**
 * The domain of a region's EC2 private hostnames in wire form
 * ("us-east-2.compute.internal", "ec2.internal").
 * @return its length, or -1 when the region makes no valid name.
 */
int ec2zones_domain(const char *region, uint8_t *wire);

#endif /* DNSD_EC2ZONES_H */
