/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/world.h - the fixed definitions the query fuzzer answers from. */
#ifndef DNSD_FUZZ_WORLD_H
#define DNSD_FUZZ_WORLD_H

/* Every kind of answer: plain, rotating, AAAA, wildcard (execute-api,
 * S3), CNAME chain (endpoint service), NXDOMAIN/NODATA, EC2 names (IP
 * names made up per query, an instance's resource, reverse and public
 * names as records); and DNS Firewall: NXDOMAIN, NODATA and OVERRIDE
 * blocks, a Qtype rule, an ALERT on the endpoint service chain's target,
 * an ALLOW that trusts; Route 53 routing policies; and a key for zone
 * transfers (queries signed with fuzz-key., secret bytes 0..31). */
#define MV(n) "      - {Name: '*.m.corp.example.', Type: A, SetIdentifier: m" #n ", " \
	"MultiValueAnswer: true, TTL: 60, ResourceRecords: [{Value: 10.8.0." #n "}]}\n"
#define MV_SETS MV(2) MV(3) MV(4) MV(5) MV(6) MV(7) MV(8) MV(9) MV(10)

static const char fuzz_world[] =
	"Vpcs:\n"
	"  - VpcId: vpc-0a1b2c3d\n"
	"    CidrBlock: 10.0.0.0/16\n"
	"    Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: '2600:1f16:1234:5600::/56'}]\n"
	"    EnableDnsHostnames: true\n"
	"    Subnets:\n"
	"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24,\n"
	"         Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: '2600:1f16:1234:5601::/64'}]}\n"
	"      - {SubnetId: subnet-b, AvailabilityZone: us-east-2b, CidrBlock: 10.0.2.0/24,\n"
	"         Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: '2600:1f16:1234:5602::/64'}]}\n"
	"    VpcEndpoints:\n"
	"      - VpcEndpointId: vpce-099deb00b40f00e22\n"
	"        ServiceName: com.amazonaws.us-east-2.monitoring\n"
	"        IpAddressType: dualstack\n"
	"        SubnetIds: [subnet-a, subnet-b]\n"
	"      - VpcEndpointId: vpce-01234567abcdef012\n"
	"        ServiceName: com.amazonaws.us-east-2.execute-api\n"
	"        SubnetIds: [subnet-a, subnet-b]\n"
	"      - VpcEndpointId: vpce-0e25b8cdd720f900e\n"
	"        ServiceName: com.amazonaws.us-east-2.s3\n"
	"        SubnetIds: [subnet-a]\n"
	"      - VpcEndpointId: vpce-0d804b1c2d3e4f5a6\n"
	"        ServiceName: com.amazonaws.vpce.us-east-2.vpce-svc-0e7555fb6441987e1\n"
	"        SubnetIds: [subnet-a, subnet-b]\n"
	"ServiceDetails:\n"
	"  - ServiceName: com.amazonaws.vpce.us-east-2.vpce-svc-0e7555fb6441987e1\n"
	"    BaseEndpointDnsNames: [vpce-svc-0e7555fb6441987e1.us-east-2.vpce.amazonaws.com]\n"
	"    PrivateDnsName: api.partner.example.com\n"
	"---\n"
	"Reservations:\n"
	"  - Instances:\n"
	"      - {InstanceId: i-0123456789abcdef0, VpcId: vpc-0a1b2c3d, SubnetId: subnet-a,\n"
	"         PrivateIpAddress: 10.0.1.5, PublicIpAddress: 203.0.113.5,\n"
	"         Ipv6Address: '2600:1f16:1234:5601::5', State: {Code: 16, Name: running},\n"
	"         PrivateDnsNameOptions: {HostnameType: resource-name,\n"
	"           EnableResourceNameDnsARecord: true, EnableResourceNameDnsAAAARecord: true}}\n"
	"FirewallDomainLists:\n"
	"  - {Id: rslvr-fdl-1, Domains: ['*.execute-api.us-east-2.amazonaws.com', example.com]}\n"
	"  - {Id: rslvr-fdl-2, Domains: ['*.vpce-svc-0e7555fb6441987e1.us-east-2.vpce.amazonaws.com']}\n"
	"  - {Id: rslvr-fdl-3, Domains: ['*.example.org', localhost]}\n"
	"  - {Id: rslvr-fdl-4, Domains: [ok.example.org]}\n"
	"  - {Id: rslvr-fdl-5, Domains: ['*']}\n"
	"FirewallRuleGroups:\n"
	"  - Id: rslvr-frg-1\n"
	"    FirewallRules:\n"
	"      - {Name: trust, Priority: 1, FirewallDomainListId: rslvr-fdl-4, Action: ALLOW,\n"
	"         FirewallDomainRedirectionAction: TRUST_REDIRECTION_DOMAIN}\n"
	"      - {Name: nx, Priority: 2, FirewallDomainListId: rslvr-fdl-1, Action: BLOCK,\n"
	"         BlockResponse: NXDOMAIN}\n"
	"      - {Name: alert, Priority: 3, FirewallDomainListId: rslvr-fdl-2, Action: ALERT}\n"
	"      - {Name: garden, Priority: 4, FirewallDomainListId: rslvr-fdl-3, Action: BLOCK,\n"
	"         BlockResponse: OVERRIDE, BlockOverrideDomain: api.partner.example.com.,\n"
	"         BlockOverrideTtl: 5}\n"
	"      - {Name: v6, Priority: 5, FirewallDomainListId: rslvr-fdl-5, Action: BLOCK,\n"
	"         BlockResponse: NODATA, Qtype: TYPE99}\n"
	"FirewallRuleGroupAssociations:\n"
	"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-0a1b2c3d, Priority: 101}\n"
	/* routing policies: picked per query (weighted, multivalue, IP-based,
	 * weighted CNAMEs) or per view (failover) */
	"---\n"
	"HostedZones:\n"
	"  - Name: corp.example.\n"
	"    VPCIds: [vpc-0a1b2c3d]\n"
	"    ResourceRecordSets:\n"
	"      - {Name: w.corp.example., Type: A, SetIdentifier: a, Weight: 1, TTL: 60, ResourceRecords: [{Value: 10.9.0.1}]}\n"
	"      - {Name: w.corp.example., Type: A, SetIdentifier: b, Weight: 3, TTL: 60, ResourceRecords: [{Value: 10.9.0.2}, {Value: 10.9.0.3}]}\n"
	"      - {Name: c.corp.example., Type: CNAME, SetIdentifier: a, Weight: 1, TTL: 60, ResourceRecords: [{Value: w.corp.example}]}\n"
	"      - {Name: c.corp.example., Type: CNAME, SetIdentifier: b, Weight: 1, TTL: 60, ResourceRecords: [{Value: api.partner.example.com}]}\n"
	"      - {Name: '*.m.corp.example.', Type: A, SetIdentifier: m1, MultiValueAnswer: true, TTL: 60, ResourceRecords: [{Value: 10.8.0.1}]}\n"
	MV_SETS
	"      - {Name: i.corp.example., Type: A, SetIdentifier: a, CidrRoutingConfig: {CollectionId: c8c02a84-aaaa-4d5c-bbbb-0123456789ab, LocationName: a}, TTL: 60, ResourceRecords: [{Value: 10.7.0.1}]}\n"
	"      - {Name: f.corp.example., Type: A, SetIdentifier: p, Failover: PRIMARY, HealthCheckId: abcdef11-2222-3333-4444-555555fedcba, TTL: 60, ResourceRecords: [{Value: 10.6.0.1}]}\n"
	"      - {Name: f.corp.example., Type: A, SetIdentifier: s, Failover: SECONDARY, TTL: 60, ResourceRecords: [{Value: 10.6.0.2}]}\n"
	"CidrCollections: [{Id: c8c02a84-aaaa-4d5c-bbbb-0123456789ab}]\n"
	"CollectionId: c8c02a84-aaaa-4d5c-bbbb-0123456789ab\n"
	"CidrBlocks: [{CidrBlock: 10.0.1.0/24, LocationName: a}, {CidrBlock: '2600:1f16:1234::/48', LocationName: a}]\n"
	"---\n"
	"Dnsd: {Health: [{HealthCheckId: abcdef11-2222-3333-4444-555555fedcba, Healthy: false}]}\n"
	"---\n"
	"Dnsd:\n"
	"  Secondaries:\n"
	"    - {Key: fuzz-key., Secret: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',\n"
	"       View: vpc-0a1b2c3d}\n";

#endif /* DNSD_FUZZ_WORLD_H */
