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

/** A string value AWS may print as "": NULL for that, a copy otherwise;
 * an error when it is not a scalar. */
const char *defs_ec2_str_or_empty(struct reader *r, const struct doc_node *v, const char *key,
	const char *what);

/**
 * PrivateDnsNameOptions (instances) or PrivateDnsNameOptionsOnLaunch
 * (subnets): HostnameType into *type (enum hostname_type), the
 * EnableResourceNameDns(A|AAAA)Record switches into *a, *aaaa (tristate).
 */
void defs_ec2_read_name_options(struct reader *r, const struct doc_node *v, const char *key,
	int *type, int *a, int *aaaa);

/**
 * Public addresses of a network interface: the top Association (of the
 * primary address) and each PrivateIpAddresses entry's.
 * @return false when out of memory (reported).
 */
bool defs_ec2_read_publics(struct reader *r, const struct doc_node *assoc, const char *primary4,
	const struct doc_node *list4, struct topo_public **out, unsigned *n);

/** A Reservations entry of describe-instances (defs_instance.c). */
void defs_instance_read_reservation(struct reader *r, const struct doc_node *n,
	const struct doc_node *doc);

/** An Instances entry (defs_instance.c). */
void defs_instance_read(struct reader *r, const struct doc_node *n, const struct doc_node *doc);

/** A DhcpOptions entry of describe-dhcp-options (defs_instance.c). */
void defs_instance_read_dhcp(struct reader *r, const struct doc_node *n,
	const struct doc_node *doc);

/** Link instances to subnets and VPCs, DHCP options to VPCs, and check them. */
void defs_instance_resolve(struct topology *t, struct diag *d);

/**
 * Top-level keys of AWS CLI output that a capture of a VPC holds and dnsd
 * does not read, with the command that prints them: X(key, command).
 */
#define DEFS_EC2_SKIPPED(X) \
	X("RouteTables", "aws ec2 describe-route-tables") \
	X("InternetGateways", "aws ec2 describe-internet-gateways") \
	X("EgressOnlyInternetGateways", "aws ec2 describe-egress-only-internet-gateways") \
	X("NatGateways", "aws ec2 describe-nat-gateways") \
	X("SecurityGroups", "aws ec2 describe-security-groups") \
	X("SecurityGroupRules", "aws ec2 describe-security-group-rules") \
	X("NetworkAcls", "aws ec2 describe-network-acls") \
	X("Addresses", "aws ec2 describe-addresses") \
	X("PrefixLists", "aws ec2 describe-prefix-lists") \
	X("ManagedPrefixLists", "aws ec2 describe-managed-prefix-lists") \
	X("VpcPeeringConnections", "aws ec2 describe-vpc-peering-connections") \
	X("TransitGateways", "aws ec2 describe-transit-gateways") \
	X("TransitGatewayAttachments", "aws ec2 describe-transit-gateway-attachments") \
	X("TransitGatewayVpcAttachments", "aws ec2 describe-transit-gateway-vpc-attachments") \
	X("VpnGateways", "aws ec2 describe-vpn-gateways") \
	X("VpnConnections", "aws ec2 describe-vpn-connections") \
	X("CustomerGateways", "aws ec2 describe-customer-gateways") \
	X("FlowLogs", "aws ec2 describe-flow-logs") \
	X("KeyPairs", "aws ec2 describe-key-pairs") \
	X("Images", "aws ec2 describe-images") \
	X("Volumes", "aws ec2 describe-volumes") \
	X("Snapshots", "aws ec2 describe-snapshots") \
	X("LaunchTemplates", "aws ec2 describe-launch-templates") \
	X("InstanceStatuses", "aws ec2 describe-instance-status") \
	X("AvailabilityZones", "aws ec2 describe-availability-zones") \
	X("Regions", "aws ec2 describe-regions") \
	X("Tags", "aws ec2 describe-tags") \
	X("VpcEndpointConnections", "aws ec2 describe-vpc-endpoint-connections") \
	X("ServiceConfigurations", "aws ec2 describe-vpc-endpoint-service-configurations") \
	X("LoadBalancers", "aws elbv2 describe-load-balancers") \
	X("TargetGroups", "aws elbv2 describe-target-groups") \
	X("LoadBalancerDescriptions", "aws elb describe-load-balancers") \
	X("Functions", "aws lambda list-functions") \
	X("DBInstances", "aws rds describe-db-instances") \
	X("DBClusters", "aws rds describe-db-clusters")

/** Output of an AWS CLI command dnsd does not read: a warning naming it. */
void defs_instance_skip(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *value);

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
