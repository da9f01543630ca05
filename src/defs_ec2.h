/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_ec2.h - inside the ec2 family's reader: what defs_ec2.c, defs_vpce.c and defs_vpce_service.c share. */
#ifndef DNSD_DEFS_EC2_H
#define DNSD_DEFS_EC2_H

#include <stdbool.h>

#include "defs.h"
#include "strmap.h"

struct diag;
struct doc_node;

/** Addresses in use per VPC ("vpc-id/addr"), to catch duplicates and to
 * keep derived addresses clear of given ones; lives for one resolve. */
struct addr_index {
	struct strmap map;
	struct topology *t;
};

/** Note an ENI's address; one used twice in a VPC is an error. */
void defs_ec2_addr_claim(struct addr_index *ix, struct topo_eni *e, const struct netaddr *a,
	struct diag *d);

/** Whether an address of a VPC is in use. */
bool defs_ec2_addr_taken(struct addr_index *ix, const char *vpc_id, const struct netaddr *a);

/**
 * An ENI from describe-network-interfaces, or inline under an endpoint
 * (r->nested: then its id and subnet may be left out).
 * @param vpc_id: of the enclosing VPC or endpoint, or NULL.
 * @return the ENI (in t->enis), or NULL (reported).
 */
struct topo_eni *defs_ec2_read_eni(struct reader *r, const struct doc_node *n,
	const char *vpc_id);

/** A VpcEndpoints entry (vpc_id: of the enclosing VPC, or NULL), in defs_vpce.c. */
void defs_vpce_read_endpoint(struct reader *r, const struct doc_node *n, const char *vpc_id);

/** A ServiceDetails entry of describe-vpc-endpoint-services, in defs_vpce_service.c. */
void defs_vpce_read_service(struct reader *r, const struct doc_node *n);

/** Regions, labels and base domains of the services the definitions describe. */
void defs_vpce_resolve_services(struct topology *t, struct diag *d);

/** The service of an endpoint: described, from the catalog, or derived
 * from its name (a warning), else NULL (an error). */
const struct topo_service *defs_vpce_service_for(struct topology *t, struct topo_endpoint *ep,
	struct diag *d);

/** Link every endpoint (ENIs, addresses, names, private DNS) and check
 * what AWS would refuse; ix holds the ENIs' addresses. */
void defs_vpce_resolve(struct topology *t, struct addr_index *ix, struct diag *d);

#endif /* DNSD_DEFS_EC2_H */
