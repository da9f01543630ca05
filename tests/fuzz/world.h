/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/world.h - the fixed definitions the query fuzzer answers from. */
#ifndef DNSD_FUZZ_WORLD_H
#define DNSD_FUZZ_WORLD_H

/* Every kind of answer: plain, rotating, AAAA, wildcard (execute-api,
 * S3), CNAME chain (endpoint service), NXDOMAIN/NODATA, EC2 names (IP
 * names made up per query, an instance's resource, reverse and public
 * names as records). */
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
	"           EnableResourceNameDnsARecord: true, EnableResourceNameDnsAAAARecord: true}}\n";

#endif /* DNSD_FUZZ_WORLD_H */
