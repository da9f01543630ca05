/* SPDX-License-Identifier: BSD-3-Clause */
/* src/r53zones.h - private hosted zones, Resolver rules and autodefined zones, placed in the VPC views. */
#ifndef DNSD_R53ZONES_H
#define DNSD_R53ZONES_H

struct arena;
struct diag;
struct topology;
struct zb;

/**
 * Add to each VPC's views (made by hiddenzone_views): its associated
 * private hosted zones (with alias records resolved), its Resolver
 * FORWARD and SYSTEM rules, and the zones AWS autodefines (EC2 hostnames,
 * reverse zones, localhost). Call after hiddenzone_build, so that aliases
 * to endpoint names resolve.
 * @param arena: where forward targets go (they live as long as the answers).
 * @return 0, or -1 when errors were reported.
 */
int r53zones_build(struct topology *t, struct zb *b, struct arena *arena, struct diag *d);

#endif /* DNSD_R53ZONES_H */
