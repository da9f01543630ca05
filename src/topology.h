/* SPDX-License-Identifier: BSD-3-Clause */
/* src/topology.h - the model the definitions describe: VPCs, subnets, ENIs, endpoints, services, hosted zones, Resolver rules; plain data and lookups. */
#ifndef DNSD_TOPOLOGY_H
#define DNSD_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "netaddr.h"
#include "strmap.h"

struct arena;
struct diag;
struct health_override;
struct health_set;

/** Where a definition was written. */
struct src {
	const char *file;
	unsigned line;
};

/** A yes/no setting that may be left out. */
enum tristate { TRI_UNSET = -1, TRI_NO = 0, TRI_YES = 1 };

enum ep_type {
	EP_INTERFACE,
	EP_GATEWAY,
	EP_GATEWAY_LOAD_BALANCER,
	EP_RESOURCE,
	EP_SERVICE_NETWORK
};

/** IpAddressType of an endpoint, and the families of DnsRecordIpType. */
enum ip_family_bits {
	IPF_V4 = 1,
	IPF_V6 = 2
};

enum dns_record_ip_type {
	DRT_UNSET,
	DRT_IPV4,
	DRT_IPV6,
	DRT_DUALSTACK,
	DRT_SERVICE_DEFINED
};

struct topo_vpc {
	struct topo_vpc *next;
	const char *id;
	struct src src;
	const char *region;		/**< given (Region) or derived */
	struct src region_src;
	struct netprefix *cidrs;	/**< IPv4 and IPv6 blocks */
	unsigned n_cidrs;
	int dns_support;		/**< enum tristate; AWS default yes */
	int dns_hostnames;		/**< enum tristate; AWS default no */
	bool is_default;		/**< IsDefault: the account's default VPC */
	const char *owner_id;		/**< OwnerId: the account (query logs), or NULL */
	int view;			/**< assigned when the snapshot is built */
	int inbound_view;		/**< for queries through its inbound endpoints, or -1 */
	const char *dhcp_options_id;	/**< DhcpOptionsId; "default": none */
	const char *domain_name;	/**< its DHCP options' domain-name, or NULL */
	struct src dhcp_src;		/**< where that domain-name was written */
};

struct topo_subnet {
	struct topo_subnet *next;
	const char *id;
	const char *vpc_id;
	const char *az;
	const char *az_id;
	bool has_v4;
	struct netprefix v4;
	struct netprefix *v6;
	unsigned n_v6;
	struct src src;
	struct topo_vpc *vpc;
	int dns64;			/**< EnableDns64: enum tristate, AWS default no */
	int hostname_type;		/**< PrivateDnsNameOptionsOnLaunch: enum hostname_type */
	int rn_a, rn_aaaa;		/**< EnableResourceNameDnsA/AAAARecord: enum tristate */
};

/** HostnameType of an instance or a subnet's launch default. */
enum hostname_type { HOSTNAME_UNSET, HOSTNAME_IP_NAME, HOSTNAME_RESOURCE_NAME };

/** A public IPv4 address and the private one it maps to (an Association). */
struct topo_public {
	struct netaddr public_ip;
	struct netaddr private_ip;
};

struct topo_endpoint;

struct topo_eni {
	struct topo_eni *next;
	const char *id;
	const char *subnet_id;
	const char *vpc_id;
	const char *az;
	const char *status;		/**< "in-use" when attached */
	const char *endpoint_id;	/**< from Description, if it names one */
	struct netaddr *v4;
	unsigned n_v4;
	struct netaddr *v6;
	unsigned n_v6;
	int healthy;			/**< enum tristate: dnsd's own Healthy field */
	bool generated;			/**< made up by dnsd from the subnet */
	bool address_failed;		/**< no free address to derive: reported */
	struct src src;
	struct topo_subnet *subnet;
	struct topo_endpoint *endpoint;
	const char *interface_type;	/**< InterfaceType: interface, nat_gateway, lambda, … */
	struct topo_public *publics;	/**< Association.PublicIp of its addresses */
	unsigned n_publics;
};

/** An EC2 instance (describe-instances): its names come from its id and addresses. */
struct topo_instance {
	struct topo_instance *next;
	const char *id;
	const char *vpc_id;
	const char *subnet_id;
	const char *state;		/**< State.Name: running, stopped, terminated, … */
	struct netaddr v4;		/**< PrivateIpAddress (has_v4) */
	bool has_v4;
	struct netaddr v6;		/**< Ipv6Address, else the first IPv6 of its ENIs */
	bool has_v6;
	struct topo_public *publics;	/**< public IPv4 addresses and their private ones */
	unsigned n_publics;
	int hostname_type;		/**< enum hostname_type, from PrivateDnsNameOptions */
	int rn_a, rn_aaaa;		/**< enum tristate, from PrivateDnsNameOptions */
	struct src src;
	struct topo_subnet *subnet;
	struct topo_vpc *vpc;
};

/** A DHCP options set (describe-dhcp-options). */
struct topo_dhcp {
	struct topo_dhcp *next;
	const char *id;			/**< dopt-… */
	const char *domain_name;	/**< domain-name, or NULL */
	bool amazon_dns;		/**< domain-name-servers holds AmazonProvidedDNS (or is absent) */
	struct src src;
};

/** A service an endpoint connects to: from the catalog or the definitions. */
struct topo_service {
	struct topo_service *next;
	const char *name;		/**< ServiceName */
	const char *region;
	const char *label;		/**< service_id in endpoint names */
	const char *base_domain;	/**< BaseEndpointDnsNames[0]: endpoint names end so */
	const char **private_names;	/**< PrivateDnsNames, may start "*." */
	unsigned n_private;
	unsigned types;			/**< enum catalog_type bits */
	unsigned ip_types;		/**< enum catalog_ip bits */
	unsigned flags;			/**< enum catalog_flag bits */
	bool endpoint_service;		/**< a customer vpce-svc: private DNS by CNAME */
	bool verified;			/**< PrivateDnsNameVerificationState verified */
	bool from_catalog;
	struct src src;			/**< describe-vpc-endpoint-services entry */
};

struct topo_endpoint {
	struct topo_endpoint *next;
	const char *id;
	enum ep_type type;
	const char *vpc_id;
	const char *service_name;
	const char *state;		/**< "available" when left out */
	unsigned ip_address_type;	/**< IPF_* bits; 0 until derived */
	enum dns_record_ip_type dns_record_ip_type;
	bool private_dns;
	int inbound_only;		/**< PrivateDnsOnlyForInboundResolverEndpoint */
	const char **subnet_ids;
	unsigned n_subnet_ids;
	const char **eni_ids;
	unsigned n_eni_ids;
	const char **dns_names;		/**< DnsEntries[].DnsName, as given */
	unsigned n_dns_names;
	const char *suffix;		/**< the 8 characters after the id */
	const char *base_domain;	/**< regional name minus its first label:
					     "monitoring.us-east-2.vpce.amazonaws.com" */
	const char **private_names;	/**< names of the hidden zones (may start "*.") */
	unsigned n_private;
	struct topo_eni **enis;		/**< linked: inline, by id, or generated */
	unsigned n_enis;
	struct src src;
	struct topo_vpc *vpc;
	const struct topo_service *service;
	const char *region;
	const char *service_region;	/**< ServiceRegion: cross-Region when not ours */
	unsigned dns_options_line;
	bool id_generated;
};

/** A health override from the Dnsd document or an ENI's Healthy field. */
struct topo_health {
	struct topo_health *next;
	const char *az;			/**< NULL: any AZ */
	const char *eni_id;		/**< NULL: any ENI */
	const char *endpoint_id;	/**< NULL: any endpoint */
	bool healthy;
	struct src src;
	/** A Route 53 health check's status instead (then az, eni_id and
	 * endpoint_id are NULL): see healthcheck_healthy(). */
	const char *health_check_id;
};

/** Route 53 routing policies (Developer Guide, "Choosing a routing policy"). */
enum rr_policy {
	RRP_SIMPLE,
	RRP_WEIGHTED,		/**< Weight */
	RRP_FAILOVER,		/**< Failover PRIMARY or SECONDARY */
	RRP_MULTIVALUE,		/**< MultiValueAnswer: true */
	RRP_LATENCY,		/**< Region */
	RRP_GEOLOCATION,	/**< GeoLocation */
	RRP_GEOPROXIMITY,	/**< GeoProximityLocation */
	RRP_CIDR		/**< CidrRoutingConfig (IP-based) */
};

/** What a record set with a routing policy says besides its records. */
struct topo_routing {
	enum rr_policy policy;
	const char *set_id;		/**< SetIdentifier */
	const char *health_check_id;	/**< HealthCheckId, or NULL */
	struct src health_check_src;
	bool evaluate_target_health;	/**< AliasTarget.EvaluateTargetHealth */
	uint8_t weight;			/**< WEIGHTED: 0 to 255 */
	bool secondary;			/**< FAILOVER: SECONDARY (else PRIMARY) */
	const char *region;		/**< LATENCY: Region */
	/* GEOLOCATION: one of continent or country ("*": the default), and a
	 * subdivision of the country */
	const char *continent, *country, *subdivision;
	/* GEOPROXIMITY: AWSRegion, LocalZoneGroup or coordinates, and the bias */
	const char *geo_region, *local_zone_group;
	bool has_coordinates;
	double latitude, longitude;
	int bias;
	/* CIDR: the collection and the location ("*": the default) */
	const char *cidr_collection, *cidr_location;
};

/** A record set of list-resource-record-sets: its records point to it. */
struct topo_rrset {
	const char *name;		/**< owner, absolute, as text */
	uint16_t type;
	bool routing;			/**< SetIdentifier & co: one of several sets */
	struct src src;
	const struct topo_routing *policy;	/**< NULL: simple routing */
	bool alias;			/**< an AliasTarget set */
};

/** A record of a private hosted zone, RDATA in uncompressed wire form
 * (names in NS, CNAME, PTR, MX, SRV, SOA RDATA lowercase), or an alias. */
struct topo_rr {
	struct topo_rr *next;
	const char *name;		/**< owner, absolute, as text */
	const uint8_t *wire;		/**< owner in wire form, lowercase */
	uint8_t wlen;
	uint16_t type;
	uint32_t ttl;
	const uint8_t *rdata;		/**< NULL for an alias */
	uint16_t rdlen;
	const char *alias_target;	/**< AliasTarget.DNSName */
	const char *alias_zone_id;	/**< AliasTarget.HostedZoneId */
	const struct topo_rrset *set;	/**< NULL: from a zone file */
	struct src src;
};

/** Records in file order, with the owner of their SOA (zone files and
 * list-resource-record-sets say their zone so). */
struct topo_rr_list {
	struct topo_rr *head, **tail;
	unsigned n;
	const char *soa_name;		/**< owner of the first SOA, or NULL */
	struct src soa_src;
	bool soa_ambiguous;		/**< SOAs with several owners */
};

/** Where a hosted zone's VPC association was written, and its region. */
struct topo_zone_vpc {
	const char *region;		/**< VPCRegion, or NULL */
	struct src src;
};

/** A Route 53 hosted zone (private ones answer their VPCs). */
struct topo_hosted_zone {
	struct topo_hosted_zone *next;
	const char *id;			/**< "Z…", without "/hostedzone/" */
	const char *name;		/**< apex, as text */
	const uint8_t *wire;		/**< apex in wire form, lowercase */
	uint8_t wlen;
	bool private_zone;
	bool listed, got;		/**< declared by list-hosted-zones, get-hosted-zone */
	const char **vpc_ids;		/**< VPC associations */
	struct topo_zone_vpc *vpc_info;	/**< parallel to vpc_ids */
	unsigned n_vpcs, cap_vpcs;
	struct topo_rr *rrs, **rrs_tail;
	unsigned n_rrs;
	struct src src;
};

/** list-resource-record-sets output: its zone is named by HostedZoneId,
 * by the file name or by its SOA, and may be declared in a later file. */
struct topo_rr_batch {
	struct topo_rr_batch *next;
	struct topo_rr_list rrs;
	const char *zone_id;		/**< HostedZoneId of the document */
	struct src zone_id_src;
	struct src src;			/**< the list; src.file may name the zone */
};

enum resolver_direction { RESOLVER_INBOUND, RESOLVER_OUTBOUND };

/** A Route 53 Resolver endpoint and its addresses. */
struct topo_resolver_endpoint {
	struct topo_resolver_endpoint *next;
	const char *id;			/**< "rslvr-in-…" / "rslvr-out-…" */
	const char *name;
	enum resolver_direction direction;
	const char *vpc_id;		/**< HostVPCId */
	struct netaddr *ips;		/**< IpAddresses[].Ip and .Ipv6 */
	unsigned n_ips;
	struct src src;
};

enum rule_type { RULE_FORWARD, RULE_SYSTEM, RULE_RECURSIVE, RULE_DELEGATE };

/** A target of a FORWARD rule. */
struct topo_target {
	struct netaddr addr;
	uint16_t port;			/**< 53 when left out */
};

/** A Route 53 Resolver rule. */
struct topo_rule {
	struct topo_rule *next;
	const char *id;			/**< "rslvr-rr-…", or "rslvr-autodefined-rr-…" */
	const char *name;
	const char *domain;		/**< DomainName, as text */
	enum rule_type type;
	struct topo_target *targets;
	unsigned n_targets;
	const char *endpoint_id;	/**< ResolverEndpointId (outbound) */
	struct src src;
};

/** A rule associated with a VPC. */
struct topo_rule_assoc {
	struct topo_rule_assoc *next;
	const char *rule_id;
	const char *vpc_id;
	const char *status;		/**< COMPLETE unless given */
	struct src src;
};

/** list-resolver-endpoint-ip-addresses output: the endpoint is named by
 * ResolverEndpointId or the file name, and may be defined in a later file. */
struct topo_ip_list {
	struct topo_ip_list *next;
	const char *endpoint_id;
	bool id_from_file_name;
	struct netaddr *ips;
	unsigned n_ips;
	struct src src;
};

/** A zone file read into a hosted zone, known by its inode: a ZoneFile
 * may name one the directory holds too, and it is read once. */
struct topo_zone_file {
	struct topo_zone_file *next;
	dev_t dev;
	ino_t ino;
};

/** A describe-vpc-attribute result, applied once every file is read. */
struct topo_attr {
	struct topo_attr *next;
	const char *vpc_id;
	int dns_support;		/**< enum tristate */
	int dns_hostnames;		/**< enum tristate */
	struct src src;
};

/* ---- Route 53 Resolver DNS Firewall (defs_firewall.c reads, firewall.c compiles) ---- */

enum fw_action { FW_ALLOW, FW_BLOCK, FW_ALERT };

/** BlockResponse of a BLOCK rule. */
enum fw_block { FW_BLOCK_NONE, FW_BLOCK_NODATA, FW_BLOCK_NXDOMAIN, FW_BLOCK_OVERRIDE };

/** One domain specification of a domain list, in wire form: `*.x` is
 * held as x with wildcard set, `*` as the root with wildcard set. */
struct topo_fw_domain {
	const uint8_t *wire;		/**< lowercase */
	uint8_t len;
	bool wildcard;			/**< matches the names below wire, not wire itself */
};

/** Domains read for a list: its own, or list-firewall-domains output
 * (linked to its list by FirewallDomainListId or the file name). */
struct topo_fw_domains {
	struct topo_fw_domains *next;
	const char *list_id;
	bool id_from_file_name;
	struct topo_fw_domain *d;
	unsigned n;
	struct src src;
};

/** A firewall domain list (list-firewall-domain-lists). */
struct topo_fw_list {
	struct topo_fw_list *next;
	const char *id;			/**< "rslvr-fdl-…" */
	const char *name;
	const char *managed_owner;	/**< ManagedOwnerName: AWS managed, contents unknown */
	struct topo_fw_domains **parts;	/**< its domains, as read (linked at resolve) */
	unsigned n_parts, cap_parts;
	unsigned n_domains;
	struct src src;
};

/** A firewall rule group (list-firewall-rule-groups). */
struct topo_fw_group {
	struct topo_fw_group *next;
	const char *id;			/**< "rslvr-frg-…" */
	const char *name;
	struct src src;
};

/** A firewall rule (list-firewall-rules). */
struct topo_fw_rule {
	struct topo_fw_rule *next;
	const char *group_id;		/**< FirewallRuleGroupId */
	const char *list_id;		/**< FirewallDomainListId; NULL: an Advanced rule */
	const char *name;
	uint32_t priority;
	enum fw_action action;
	enum fw_block block;
	const char *override_domain;	/**< BlockOverrideDomain, canonical text */
	const uint8_t *override_wire;
	uint8_t override_len;
	uint32_t override_ttl;
	uint16_t qtype;			/**< Qtype; 0: every type */
	bool inspect;			/**< INSPECT_REDIRECTION_DOMAIN (the default) */
	bool advanced;			/**< DNS Firewall Advanced: dnsd cannot evaluate it */
	struct src src;
	struct topo_fw_group *group;	/**< linked at resolve */
	struct topo_fw_list *list;
};

/** A rule group associated with a VPC (list-firewall-rule-group-associations). */
struct topo_fw_assoc {
	struct topo_fw_assoc *next;
	const char *id;
	const char *group_id;
	const char *vpc_id;
	uint32_t priority;
	bool active;			/**< Status COMPLETE or UPDATING (DELETING: gone) */
	struct src src;
	struct topo_fw_group *group;	/**< linked at resolve */
};

/** A VPC's firewall configuration (list-firewall-configs). */
struct topo_fw_config {
	struct topo_fw_config *next;
	const char *vpc_id;		/**< ResourceId */
	bool fail_open;			/**< FirewallFailOpen ENABLED */
	bool impaired;			/**< dnsd's own Healthy: false, to try the fail mode */
	struct src src;
};

/** Everything DNS Firewall definitions say. */
struct topo_firewall {
	bool init;			/**< tails set (on the first firewall document) */
	struct topo_fw_list *lists, **lists_tail;
	struct topo_fw_domains *domains, **domains_tail;
	struct topo_fw_group *groups, **groups_tail;
	struct topo_fw_rule *rules, **rules_tail;
	struct topo_fw_assoc *assocs, **assocs_tail;
	struct topo_fw_config *configs, **configs_tail;
	struct strmap list_by_id, group_by_id;
	unsigned n_lists, n_groups, n_rules, n_assocs;
};

/** A Route 53 health check (list-health-checks, get-health-check) and its
 * status (get-health-check-status). */
struct topo_health_check {
	struct topo_health_check *next;
	const char *id;
	const char *type;		/**< HealthCheckConfig.Type, or NULL */
	int inverted, disabled;		/**< enum tristate */
	unsigned threshold;		/**< CALCULATED: HealthThreshold */
	const char **children;		/**< CALCULATED: ChildHealthChecks */
	unsigned n_children;
	const char *insufficient;	/**< InsufficientDataHealthStatus */
	unsigned observed, observed_ok;	/**< checkers reporting, those reporting Success */
	bool has_config, has_status;
	struct src src;			/**< where it was first named */
	struct src status_src;
};

/** A CIDR block of a Route 53 CIDR collection and its location. */
struct topo_cidr_block {
	struct netprefix prefix;
	const char *location;
	struct src src;
};

/** A Route 53 CIDR collection (list-cidr-collections, list-cidr-blocks). */
struct topo_cidr_collection {
	struct topo_cidr_collection *next;
	const char *id;
	const char *name;
	struct topo_cidr_block *blocks;
	unsigned n_blocks, cap_blocks;
	bool listed;			/**< named by list-cidr-collections */
	struct src src;
};

/** An API Gateway REST API (get-rest-apis) or custom domain name
 * (get-domain-names); PRIVATE ones are what dnsd answers for. */
struct topo_rest_api {
	struct topo_rest_api *next;
	const char *id;			/**< REST API id; NULL for a domain name */
	const char *domain_name;	/**< custom domain name; NULL for an API */
	bool private_api;		/**< endpointConfiguration.types holds PRIVATE */
	const char **vpce_ids;		/**< endpointConfiguration.vpcEndpointIds */
	unsigned n_vpce_ids;
	struct src src;
};
struct xfr_secondary;

/** Everything the definitions describe, before answers are built. */
struct topology {
	struct arena *arena;
	struct topo_vpc *vpcs, **vpcs_tail;
	struct topo_subnet *subnets, **subnets_tail;
	struct topo_eni *enis, **enis_tail;
	struct topo_endpoint *endpoints, **endpoints_tail;
	struct topo_service *services, **services_tail;
	struct topo_health *health, **health_tail;
	struct topo_attr *attrs, **attrs_tail;
	struct topo_hosted_zone *zones, **zones_tail;
	struct topo_resolver_endpoint *resolver_endpoints, **resolver_endpoints_tail;
	struct topo_rule *rules, **rules_tail;
	struct topo_rule_assoc *rule_assocs, **rule_assocs_tail;
	unsigned n_zones, n_resolver_endpoints, n_rules;
	struct strmap zone_by_id, resolver_endpoint_by_id, rule_by_id;
	struct topo_rr_batch *rr_batches, **rr_batches_tail;	/**< until linked */
	struct topo_ip_list *ip_lists, **ip_lists_tail;		/**< until linked */
	struct topo_zone_file *zone_files;
	unsigned n_vpcs, n_subnets, n_enis, n_endpoints, n_services;
	struct strmap vpc_by_id, subnet_by_id, eni_by_id, endpoint_by_id, service_by_name;
	const char *default_vpc;
	struct src default_vpc_src;
	unsigned n_files;
	struct topo_instance *instances, **instances_tail;
	struct topo_dhcp *dhcp, **dhcp_tail;
	unsigned n_instances, n_dhcp;
	struct strmap instance_by_id, dhcp_by_id;
	/* Route 53 health checks and CIDR collections, API Gateway */
	struct topo_health_check *health_checks, **health_checks_tail;
	struct strmap health_check_by_id;
	struct topo_cidr_collection *cidr_collections, **cidr_collections_tail;
	struct strmap cidr_collection_by_id;
	struct topo_rest_api *rest_apis, **rest_apis_tail;
	struct topo_firewall fw;	/**< DNS Firewall */
	const struct health_set *runtime_health;	/**< dnsd-control overrides over the
							     definitions' Health; NULL: none */
	struct xfr_secondary *secondaries, **secondaries_tail;	/**< Dnsd: Secondaries */
};

/** Create an empty model. */
struct topology *topology_create(void);

/** Free the model and everything in it. */
void topology_free(struct topology *t);

/** A stable 64-bit hash of two strings and a number (FNV-1a, mixed). */
uint64_t topology_stable_hash(const char *a, const char *b, unsigned n);

/**
 * An id for what the definitions leave out: prefix and 17 hex digits, as
 * AWS ids are, derived from a, b and n so that restarts give the same
 * one; the first not in taken (n counts up).
 */
const char *topology_stable_id(struct topology *t, const struct strmap *taken,
	const char *prefix, const char *a, const char *b, unsigned n);

/** The VPC that clients outside every VPC CIDR land in, or NULL. */
struct topo_vpc *topology_default_vpc(const struct topology *t);

/** Whether a VPC's resolver serves EC2 names, private hosted zones and
 * private DNS: both DNS attributes on (VPC User Guide, "DNS attributes
 * for your VPC"). */
bool topology_vpc_private_dns(const struct topo_vpc *v);

/** Why an ENI is in or out of round robin. */
enum topo_health_reason {
	TOPO_HEALTH_STATUS,	/**< its Status is not in-use: out, whatever else says */
	TOPO_HEALTH_RUNTIME,	/**< a runtime override (t->runtime_health) */
	TOPO_HEALTH_FIELD,	/**< its own Healthy: false */
	TOPO_HEALTH_ENTRY,	/**< the last Health entry of the Dnsd document that matches */
	TOPO_HEALTH_DEFAULT	/**< nothing says otherwise: healthy */
};

/** The health of an ENI and what decided it. */
struct topo_health_verdict {
	bool healthy;
	enum topo_health_reason reason;
	const struct topo_health *entry;		/**< TOPO_HEALTH_ENTRY */
	const struct health_override *override;	/**< TOPO_HEALTH_RUNTIME */
};

/**
 * Decide an ENI's health, in this order: its Status; a runtime override
 * (the ENI's own, else its AZ's); its Healthy field; the Health entries,
 * later ones winning; else healthy.
 */
void topology_eni_health(const struct topology *t, const struct topo_eni *eni,
	struct topo_health_verdict *v);

/** Whether an ENI takes part in round robin (topology_eni_health). */
bool topology_eni_healthy(const struct topology *t, const struct topo_eni *eni);

#endif /* DNSD_TOPOLOGY_H */
