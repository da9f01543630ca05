/* SPDX-License-Identifier: BSD-3-Clause */
/* src/r53policy.h - private hosted zones' routing policies and alias records, built per VPC view: decided there by the VPC's Region and health, or prepared for a choice per query. */
#ifndef DNSD_R53POLICY_H
#define DNSD_R53POLICY_H

struct arena;
struct diag;
struct topology;
struct zb;

/**
 * Add to each VPC's views the names of its private hosted zones that
 * alias records and routing policy record sets make (plain records are
 * in already), resolving alias targets in that view (in dependency
 * order) and choosing among record sets as Route 53 does for a query
 * from that VPC:
 * - failover, latency (the nearest Region to the VPC's), geolocation (the
 *   VPC's Region's subdivision, country, continent, then the default),
 *   geoproximity (the nearest location, biased): one answer per view;
 * - weighted, multivalue answer, IP-based: alternatives the answer path
 *   picks among per query (policy.h).
 * Health checks (healthcheck.h) and EvaluateTargetHealth decide which
 * record sets take part. The model does not grow: a rebuild from the
 * same model (runtime health overrides) costs the same.
 * @param arena: where the groups go (they live as long as the answers).
 * @return 0, or -1 when errors were reported.
 */
int r53policy_build(struct topology *t, struct zb *b, struct arena *arena, struct diag *d);

#endif /* DNSD_R53POLICY_H */
