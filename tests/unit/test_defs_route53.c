/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_defs_route53.c - the route53 family: hosted zones, record sets, zone files and their checks. */
#include "config.h"
#include "defs_route53.h"
#include "defs_fixture.h"

/* ---- hosted zones ---- */

static const char list_zones_doc[] =
	"{\n"									/* 1 */
	"    \"HostedZones\": [\n"						/* 2 */
	"        {\n"								/* 3 */
	"            \"Id\": \"/hostedzone/Z0123456789ABCDEFGHIJ\",\n"		/* 4 */
	"            \"Name\": \"corp.example.com.\",\n"
	"            \"CallerReference\": \"RISWorkflow-RD:144d3779-1574-42bf\",\n"
	"            \"Config\": {\"Comment\": \"corp\", \"PrivateZone\": true},\n"
	"            \"ResourceRecordSetCount\": 5,\n"
	"            \"LinkedService\": {\"ServicePrincipal\": \"x\", \"Description\": \"y\"}\n"
	"        },\n"								/* 10 */
	"        {\n"								/* 11 */
	"            \"Id\": \"/hostedzone/Z2PUBLIC0000000000000\",\n"
	"            \"Name\": \"example.com.\",\n"
	"            \"CallerReference\": \"2\",\n"
	"            \"Config\": {\"PrivateZone\": false},\n"
	"            \"ResourceRecordSetCount\": 2\n"
	"        }\n"
	"    ],\n"
	"    \"IsTruncated\": false,\n"
	"    \"MaxItems\": \"100\"\n"
	"}\n";

static const char get_zone_doc[] =
	"{\n"
	"    \"HostedZone\": {\n"
	"        \"Id\": \"/hostedzone/Z0123456789ABCDEFGHIJ\",\n"
	"        \"Name\": \"corp.example.com.\",\n"
	"        \"CallerReference\": \"RISWorkflow-RD:144d3779-1574-42bf\",\n"
	"        \"Config\": {\"Comment\": \"corp\", \"PrivateZone\": true},\n"
	"        \"ResourceRecordSetCount\": 5\n"
	"    },\n"
	"    \"DelegationSet\": {\"NameServers\": [\"ns-1.awsdns-01.org\"]},\n"
	"    \"VPCs\": [\n"
	"        {\"VPCRegion\": \"us-east-2\", \"VPCId\": \"vpc-1\"},\n"
	"        {\"VPCRegion\": \"us-east-2\", \"VPCId\": \"vpc-2\"}\n"
	"    ]\n"
	"}\n";

static void
test_list_then_get_hosted_zone(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "list-hosted-zones.json", list_zones_doc), 0);
	assert_int_equal(load(f, "get-hosted-zone.json", get_zone_doc), 0);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->t->n_zones, 2);
	struct topo_hosted_zone *z = f->t->zones;
	assert_ptr_equal(z, zone(f, "Z0123456789ABCDEFGHIJ"));
	assert_string_equal(z->id, "Z0123456789ABCDEFGHIJ");
	assert_string_equal(z->name, "corp.example.com.");
	assert_true(z->private_zone);
	assert_int_equal(z->n_vpcs, 2);
	assert_string_equal(z->vpc_ids[0], "vpc-1");
	assert_string_equal(z->vpc_ids[1], "vpc-2");
	assert_string_equal(z->src.file, "list-hosted-zones.json");
	assert_int_equal(z->src.line, 3);
	struct topo_hosted_zone *pub = z->next;
	assert_string_equal(pub->id, "Z2PUBLIC0000000000000");
	assert_false(pub->private_zone);
	assert_int_equal(pub->n_vpcs, 0);
	/* the only warning: the public zone is not served */
	assert_int_equal(f->d.warnings, 1);
	assert_msg(f, "list-hosted-zones.json:11: warning: hosted zone example.com. "
		"(Z2PUBLIC0000000000000) is public: dnsd serves private hosted zones only");
}

static void
test_get_then_list_and_dedup(void **state)
{
	struct fx *f = *state;
	static const char by_hand[] =
		"HostedZones:\n"
		"  - Id: Z0123456789ABCDEFGHIJ\n"
		"    Name: Corp.Example.COM\n"
		"    VPCs: [{VPCId: vpc-2, VPCRegion: us-east-2}]\n"
		"    VPCIds: [vpc-1, vpc-2]\n";
	assert_int_equal(load(f, "get.json", get_zone_doc), 0);
	assert_int_equal(load(f, "zones.yaml", by_hand), 0);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->t->n_zones, 1);
	struct topo_hosted_zone *z = zone(f, "Z0123456789ABCDEFGHIJ");
	assert_string_equal(z->name, "corp.example.com.");
	assert_int_equal(z->n_vpcs, 2);
	assert_string_equal(z->vpc_ids[0], "vpc-1");
	assert_string_equal(z->vpc_ids[1], "vpc-2");
	assert_int_equal(f->d.warnings, 0);
}

static void
test_zone_defined_twice(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "a.json", list_zones_doc), 0);
	assert_int_equal(load(f, "b.json", list_zones_doc), -1);
	assert_msg(f, "b.json:3: error: hosted zone Z0123456789ABCDEFGHIJ is defined twice "
		"(first at a.json:3)");
	assert_int_equal(load(f, "g1.json", get_zone_doc), 0);
	assert_int_equal(load(f, "g2.json", get_zone_doc), -1);
	assert_msg(f, "g2.json:2: error: hosted zone Z0123456789ABCDEFGHIJ is defined twice "
		"(first at a.json:3)");
	assert_int_equal(f->t->n_zones, 2);
}

static void
test_zone_merge_mismatch(void **state)
{
	struct fx *f = *state;
	static const char other[] =
		"{\"HostedZone\": {\"Id\": \"Z0123456789ABCDEFGHIJ\", \"Name\": \"other.example.com.\",\n"
		" \"Config\": {\"PrivateZone\": true}}}\n";
	assert_int_equal(load(f, "a.json", list_zones_doc), 0);
	assert_int_equal(load(f, "b.json", other), -1);
	assert_msg(f, "b.json:1: error: hosted zone Z0123456789ABCDEFGHIJ is private "
		"other.example.com. here, but private corp.example.com. at a.json:3");
}

static void
test_zone_generated_id(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"HostedZones:\n"
		"  - Name: corp.example.com\n"
		"    VPCIds: [vpc-1]\n"
		"  - Name: corp.example.com\n"
		"    VPCIds: [vpc-2]\n";
	assert_int_equal(load(f, "zones.yaml", doc), 0);
	assert_int_equal(resolve(f), 0);
	struct topo_hosted_zone *a = f->t->zones, *b = a->next;
	assert_int_equal(strlen(a->id), 22);
	assert_int_equal(a->id[0], 'Z');
	assert_int_equal(strspn(a->id + 1, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 21);
	assert_string_not_equal(a->id, b->id);
	assert_ptr_equal(zone(f, a->id), a);
	/* stable: the same definitions give the same ids */
	struct topology *t2 = topology_create();
	struct diag d2;
	diag_init(&d2, NULL);
	assert_int_equal(defs_load_buffer(t2, "zones.yaml", doc, strlen(doc), &d2), 0);
	assert_string_equal(t2->zones->id, a->id);
	assert_string_equal(t2->zones->next->id, b->id);
	topology_free(t2);
}

static void
test_zone_rejections(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"HostedZones:\n"
		"  - Id: ZPUBLICWITHVPC00001\n"				/* 2 */
		"    Name: pub.example.com\n"
		"    Config: {PrivateZone: false}\n"
		"    VPCIds: [vpc-1]\n"						/* 5 */
		"  - Id: ZBADNAME000000001\n"
		"    Name: 'bad name.example.com'\n"				/* 7 */
		"  - Id: ZNOVPC00000000001\n"					/* 8 */
		"    Name: novpc.example.com\n"
		"    VPCs: [{VPCId: vpc-9}]\n"					/* 10 */
		"    Colour: blue\n"						/* 11 */
		"  - Id: ZLONELY0000000001\n"					/* 12 */
		"    Name: lonely.example.com\n";
	assert_int_equal(load(f, "z.yaml", doc), -1);
	assert_msg(f, "z.yaml:5: error: hosted zone pub.example.com. is public: a public "
		"hosted zone cannot be associated with a VPC");
	assert_msg(f, "z.yaml:7: error: hosted zone: 'bad name.example.com' is not a domain "
		"name (character not allowed in a name)");
	assert_msg(f, "z.yaml:11:5: warning: unknown field 'Colour' in a hosted zone, ignored");
	assert_int_equal(resolve(f), -1);
	assert_msg(f, "z.yaml:10: error: hosted zone novpc.example.com. (ZNOVPC00000000001) is "
		"associated with vpc-9, which no definition describes");
	assert_msg(f, "z.yaml:12: warning: private hosted zone lonely.example.com. "
		"(ZLONELY0000000001) is associated with no VPC");
}

static void
test_conflicting_domain(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"HostedZones:\n"
		"  - Id: ZAAAAAAAAAAAAAAA1\n"					/* 2 */
		"    Name: corp.example.com\n"
		"    VPCIds: [vpc-1]\n"
		"  - Id: ZBBBBBBBBBBBBBBB2\n"
		"    Name: corp.example.com\n"
		"    VPCIds: [vpc-2]\n"
		"  - Id: ZCCCCCCCCCCCCCCC3\n"
		"    Name: corp.example.com.\n"
		"    VPCIds: [vpc-2]\n"						/* 10 */
		"  - Id: ZDDDDDDDDDDDDDDD4\n"
		"    Name: sub.corp.example.com\n"
		"    VPCIds: [vpc-1]\n";
	assert_int_equal(load(f, "z.yaml", doc), 0);
	assert_int_equal(resolve(f), -1);
	assert_int_equal(f->d.errors, 1);
	assert_msg(f, "z.yaml:10: error: hosted zone ZCCCCCCCCCCCCCCC3 (corp.example.com.) with "
		"vpc-2: A conflicting domain is already associated with the given VPC or "
		"Delegation Set. (ZBBBBBBBBBBBBBBB2, at z.yaml:5)");
}

/* ---- record sets ---- */

static const char records_doc[] =
	"{\n"									/* 1 */
	"    \"ResourceRecordSets\": [\n"					/* 2 */
	"        {\"Name\": \"corp.example.com.\", \"Type\": \"SOA\", \"TTL\": 900, \"ResourceRecords\": [\n"
	"            {\"Value\": \"NS-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400\"}]},\n"
	"        {\"Name\": \"corp.example.com.\", \"Type\": \"NS\", \"TTL\": 172800, \"ResourceRecords\": [\n"
	"            {\"Value\": \"ns-1536.awsdns-00.co.uk.\"}, {\"Value\": \"ns-0.awsdns-00.com.\"}]},\n"
	"        {\"Name\": \"www.corp.example.com.\", \"Type\": \"A\", \"TTL\": 300, \"ResourceRecords\": [\n"
	"            {\"Value\": \"10.20.0.5\"},\n"				/* 8 */
	"            {\"Value\": \"10.20.0.6\"}]},\n"
	"        {\"Name\": \"www.corp.example.com.\", \"Type\": \"AAAA\", \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"fd00:ec2::5\"}]},\n"
	"        {\"Name\": \"alias.corp.example.com.\", \"Type\": \"CNAME\", \"TTL\": 30, \"ResourceRecords\": [{\"Value\": \"WWW.Corp.Example.com\"}]},\n"
	"        {\"Name\": \"corp.example.com.\", \"Type\": \"MX\", \"TTL\": 300, \"ResourceRecords\": [{\"Value\": \"10 Mail.Corp.example.com.\"}]},\n"
	"        {\"Name\": \"corp.example.com.\", \"Type\": \"TXT\", \"TTL\": 300, \"ResourceRecords\": [{\"Value\": \"\\\"v=spf1 -all\\\"\"}, {\"Value\": \"\\\"semi\\\\073colon\\\"\"}]},\n"
	"        {\"Name\": \"corp.example.com.\", \"Type\": \"SPF\", \"TTL\": 300, \"ResourceRecords\": [{\"Value\": \"\\\"v=spf1 -all\\\"\"}]},\n"
	"        {\"Name\": \"_sip._tcp.corp.example.com.\", \"Type\": \"SRV\", \"TTL\": 300, \"ResourceRecords\": [{\"Value\": \"1 2 5060 SIP.corp.example.com.\"}]},\n"
	"        {\"Name\": \"5.0.20.10.in-addr.arpa.corp.example.com.\", \"Type\": \"PTR\", \"TTL\": 300, \"ResourceRecords\": [{\"Value\": \"WWW.corp.example.com.\"}]},\n"
	"        {\"Name\": \"corp.example.com.\", \"Type\": \"CAA\", \"TTL\": 300, \"ResourceRecords\": [{\"Value\": \"0 issue \\\"amazon.com\\\"\"}]},\n"
	"        {\"Name\": \"sip.corp.example.com.\", \"Type\": \"NAPTR\", \"TTL\": 300, \"ResourceRecords\": [{\"Value\": \"100 10 \\\"u\\\" \\\"E2U+sip\\\" \\\"!^.*$!sip:info@example.com!\\\" .\"}]},\n"
	"        {\"Name\": \"sub.corp.example.com.\", \"Type\": \"DS\", \"TTL\": 300, \"ResourceRecords\": [{\"Value\": \"12345 13 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE9E4A7C2C8E1A1B1C1D1E1F10\"}]},\n"
	"        {\"Name\": \"\\\\052.corp.example.com.\", \"Type\": \"A\", \"TTL\": 300, \"ResourceRecords\": [{\"Value\": \"10.20.0.7\"}]},\n"
	"        {\"Name\": \"api.corp.example.com.\", \"Type\": \"A\", \"AliasTarget\": {\n"	/* 21 */
	"            \"HostedZoneId\": \"ZC8PG0KIFKBRI\",\n"
	"            \"DNSName\": \"vpce-0123456789abcdef0-abcd1234.monitoring.us-east-2.vpce.amazonaws.com.\",\n"
	"            \"EvaluateTargetHealth\": false}}\n"
	"    ],\n"
	"    \"IsTruncated\": false,\n"
	"    \"MaxItems\": \"300\"\n"
	"}\n";

static void
test_records_all_types(void **state)
{
	struct fx *f = *state;
	static const uint8_t www[] = "\3www\4corp\7example\3com";
	assert_int_equal(load(f, "list-hosted-zones.json", list_zones_doc), 0);
	assert_int_equal(load(f, "get.json", get_zone_doc), 0);
	/* the zone id in the file name says which zone */
	assert_int_equal(load(f, "rrsets-Z0123456789ABCDEFGHIJ.json", records_doc), 0);
	assert_int_equal(resolve(f), 0);
	struct topo_hosted_zone *z = zone(f, "Z0123456789ABCDEFGHIJ");
	assert_int_equal(z->n_rrs, 18);

	const struct topo_rr *soa = find_rr(z, "corp.example.com.", T_SOA, 0);
	assert_int_equal(soa->ttl, 900);
	assert_memory_equal(soa->rdata, "\7ns-1536\11awsdns-00\2co\2uk", 25);
	assert_int_equal(count_rr(z, "corp.example.com.", T_NS), 2);

	const struct topo_rr *a = find_rr(z, "www.corp.example.com.", T_A, 0);
	assert_rdata(a, "\12\24\0\5", 4);
	assert_int_equal(a->ttl, 300);
	assert_null(a->alias_target);
	assert_string_equal(a->src.file, "rrsets-Z0123456789ABCDEFGHIJ.json");
	assert_int_equal(a->src.line, 8);
	assert_rdata(find_rr(z, "www.corp.example.com.", T_A, 1), "\12\24\0\6", 4);
	assert_rdata(find_rr(z, "www.corp.example.com.", T_AAAA, 0),
		"\xfd\0\x0e\xc2\0\0\0\0\0\0\0\0\0\0\0\5", 16);
	/* names inside CNAME, MX, SRV, PTR data are lowercase */
	assert_rdata(find_rr(z, "alias.corp.example.com.", T_CNAME, 0), www, sizeof(www));
	assert_rdata(find_rr(z, "corp.example.com.", T_MX, 0),
		"\0\12\4mail\4corp\7example\3com", 25);
	assert_rdata(find_rr(z, "_sip._tcp.corp.example.com.", T_SRV, 0),
		"\0\1\0\2\x13\xc4\3sip\4corp\7example\3com", 28);
	assert_rdata(find_rr(z, "5.0.20.10.in-addr.arpa.corp.example.com.", T_PTR, 0), www,
		sizeof(www));
	assert_rdata(find_rr(z, "corp.example.com.", T_TXT, 0), "\13v=spf1 -all", 12);
	/* Route 53 writes octal escapes: \073 is ';' */
	assert_rdata(find_rr(z, "corp.example.com.", T_TXT, 1), "\12semi;colon", 11);
	assert_rdata(find_rr(z, "corp.example.com.", T_SPF, 0), "\13v=spf1 -all", 12);
	assert_rdata(find_rr(z, "corp.example.com.", T_CAA, 0), "\0\5issueamazon.com", 17);
	assert_int_equal(find_rr(z, "sip.corp.example.com.", T_NAPTR, 0)->rdlen, 43);
	const struct topo_rr *ds = find_rr(z, "sub.corp.example.com.", T_DS, 0);
	assert_int_equal(ds->rdlen, 36);
	assert_memory_equal(ds->rdata, "\x30\x39\x0d\x02\x49\xfd", 6);
	/* \052 is Route 53's '*' */
	assert_rdata(find_rr(z, "*.corp.example.com.", T_A, 0), "\12\24\0\7", 4);

	const struct topo_rr *alias = find_rr(z, "api.corp.example.com.", T_A, 0);
	assert_null(alias->rdata);
	assert_int_equal(alias->ttl, 0);
	assert_string_equal(alias->alias_target,
		"vpce-0123456789abcdef0-abcd1234.monitoring.us-east-2.vpce.amazonaws.com.");
	assert_string_equal(alias->alias_zone_id, "ZC8PG0KIFKBRI");
	assert_int_equal(alias->src.line, 21);
	/* records keep file order */
	assert_int_equal(z->rrs->type, T_SOA);
	assert_string_equal(z->rrs->next->name, "corp.example.com.");
	assert_int_equal(f->d.warnings, 1);	/* the public zone */
}

static void
test_records_zone_from_key(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"HostedZoneId: /hostedzone/Z0123456789ABCDEFGHIJ\n"
		"ResourceRecordSets:\n"
		"  - {Name: www.corp.example.com, Type: A, TTL: 60, ResourceRecords: [{Value: 10.0.0.9}]}\n";
	/* the records come before their zone */
	assert_int_equal(load(f, "records.yaml", doc), 0);
	assert_int_equal(load(f, "zones.json", get_zone_doc), 0);
	assert_int_equal(resolve(f), 0);
	struct topo_hosted_zone *z = zone(f, "Z0123456789ABCDEFGHIJ");
	assert_int_equal(z->n_rrs, 1);
	assert_rdata(find_rr(z, "www.corp.example.com.", T_A, 0), "\12\0\0\11", 4);
	assert_int_equal(f->d.warnings, 0);
}

static void
test_records_zone_from_soa(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"{\"ResourceRecordSets\": [\n"
		" {\"Name\": \"corp.example.com.\", \"Type\": \"SOA\", \"TTL\": 900, \"ResourceRecords\": [{\"Value\": \"ns. host. 1 7200 900 1209600 86400\"}]},\n"
		" {\"Name\": \"x.corp.example.com.\", \"Type\": \"TXT\", \"TTL\": 5, \"ResourceRecords\": [\"\\\"hi\\\"\"]}\n"
		"]}\n";
	assert_int_equal(load(f, "records.json", doc), 0);
	assert_int_equal(load(f, "zones.json", list_zones_doc), 0);
	assert_int_equal(resolve(f), 0);
	struct topo_hosted_zone *z = zone(f, "Z0123456789ABCDEFGHIJ");
	assert_int_equal(z->n_rrs, 2);
	assert_rdata(find_rr(z, "x.corp.example.com.", T_TXT, 0), "\2hi", 3);
}

static void
test_records_zone_unknown(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"{\n"
		"  \"ResourceRecordSets\": [\n"
		"    {\"Name\": \"www.corp.example.com.\", \"Type\": \"A\", \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"10.0.0.1\"}]}\n"
		"  ]\n"
		"}\n";
	static const char by_key[] =
		"HostedZoneId: ZNOTDECLARED00001\n"
		"ResourceRecordSets: []\n";
	assert_int_equal(load(f, "zones.json", list_zones_doc), 0);
	assert_int_equal(load(f, "records.json", doc), 0);
	assert_int_equal(load(f, "records-ZNOSUCHZONE0001.json", doc), 0);
	assert_int_equal(load(f, "keyed.yaml", by_key), 0);
	assert_int_equal(resolve(f), -1);
	assert_int_equal(f->d.errors, 3);
	assert_msg(f, "records.json:2: error: cannot tell which hosted zone these records "
		"belong to: add HostedZoneId: … to the document or put the zone id in the file "
		"name\n");
	assert_msg(f, "records-ZNOSUCHZONE0001.json:2: error: cannot tell which hosted zone "
		"these records belong to: add HostedZoneId: … to the document or put the zone id "
		"in the file name (it names ZNOSUCHZONE0001, which is not declared)");
	assert_msg(f, "keyed.yaml:1: error: HostedZoneId ZNOTDECLARED00001: no HostedZones "
		"entry or get-hosted-zone output declares that zone");
}

static void
test_record_rejections(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"HostedZoneId: Z0123456789ABCDEFGHIJ\n"
		"ResourceRecordSets:\n"
		"  - Name: www.corp.example.com.\n"					/* 3 */
		"    Type: A\n"
		"    TTL: 300\n"
		"    ResourceRecords:\n"
		"      - Value: 300.1.1.1\n"						/* 7 */
		"  - {Name: mx.corp.example.com., Type: MX, TTL: 300, ResourceRecords: [{Value: '10'}]}\n"
		"  - {Name: a.corp.example.com., Type: BOGUS, TTL: 1, ResourceRecords: [{Value: x}]}\n"
		"  - {Name: b.corp.example.com., Type: A, ResourceRecords: [{Value: 10.0.0.1}]}\n"	/* 10 */
		"  - {Name: c.corp.example.com., Type: A, TTL: -1, ResourceRecords: [{Value: 10.0.0.1}]}\n"
		"  - {Name: d.corp.example.com., Type: A, TTL: 1}\n"
		"  - {Name: e.corp.example.com., Type: CNAME, TTL: 1, ResourceRecords: [{Value: a.}, {Value: b.}]}\n"
		"  - {Name: f.corp.example.com., Type: A, TTL: 1, ResourceRecords: [{Value: 10.0.0.1}], AliasTarget: {HostedZoneId: Z1, DNSName: x.}}\n"
		"  - {Name: 'g h.corp.example.com.', Type: A, TTL: 1, ResourceRecords: [{Value: 10.0.0.1}]}\n"	/* 15 */
		"  - {Name: i.corp.example.com., Type: A, AliasTarget: {HostedZoneId: Z1}}\n"
		"  - {Name: j.corp.example.com., Type: ANY, TTL: 1, ResourceRecords: [{Value: x}]}\n"
		"  - {Name: k.corp.example.com., Type: A, TTL: 1, ResourceRecords: [{Value: 10.0.0.1}], Weigth: 5}\n"
		"  - {Name: l.corp.example.com., Type: A, TTL: 1, ResourceRecords: [10.0.0.1 10.0.0.2]}\n";
	assert_int_equal(load(f, "zones.json", get_zone_doc), 0);
	assert_int_equal(load(f, "bad.yaml", doc), -1);
	assert_msg(f, "bad.yaml:7: error: record www.corp.example.com. A: '300.1.1.1' is not "
		"valid A data (ldns: Syntax error, could not parse the RR's rdata)");
	assert_msg(f, "bad.yaml:8: error: record mx.corp.example.com. MX: '10' is not valid MX "
		"data (ldns: Syntax error, value expected)");
	assert_msg(f, "bad.yaml:9: error: record set a.corp.example.com.: 'BOGUS' is not a "
		"record type dnsd knows");
	assert_msg(f, "bad.yaml:10: error: record set b.corp.example.com. A has no TTL");
	assert_msg(f, "bad.yaml:11: error: record set c.corp.example.com. A: TTL must be a "
		"number from 0 to 2147483647");
	assert_msg(f, "bad.yaml:12: error: record set d.corp.example.com. A has no "
		"ResourceRecords or AliasTarget");
	assert_msg(f, "bad.yaml:13: error: record set e.corp.example.com. CNAME holds 2 "
		"values; a CNAME record set holds one");
	assert_msg(f, "bad.yaml:14: error: record set f.corp.example.com. A has both "
		"AliasTarget and ResourceRecords");
	assert_msg(f, "bad.yaml:15: error: record set: 'g h.corp.example.com.' is not a domain "
		"name (character not allowed in a name)");
	assert_msg(f, "bad.yaml:16: error: an AliasTarget has no DNSName");
	assert_msg(f, "bad.yaml:17: error: record set j.corp.example.com.: 'ANY' is not a "
		"record type dnsd knows");
	/* a misspelt field dnsd uses: an error, not a record served without it */
	assert_msg(f, "bad.yaml:18:88: error: unknown field 'Weigth' in a record set: did you "
		"mean Weight? (otherwise dnsd reads a record set as having no Weight)");
	assert_msg(f, "bad.yaml:19: error: record l.corp.example.com. A: '10.0.0.1 10.0.0.2' "
		"is not valid A data (ldns: Syntax error, superfluous text present)");
	assert_int_equal(f->d.errors, 13);
	/* the good one of line 18 is kept */
	assert_int_equal(resolve(f), 0);
	assert_int_equal(zone(f, "Z0123456789ABCDEFGHIJ")->n_rrs, 1);
}

/* Routing record sets are alternatives (Developer Guide, "Choosing a
 * routing policy"): the same value in two weighted sets is two records,
 * and latency CNAMEs each keep theirs (test_defs_routing.c has the rest). */
static void
test_routing_policy(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"HostedZoneId: Z0123456789ABCDEFGHIJ\n"
		"ResourceRecordSets:\n"
		"  - {Name: w.corp.example.com., Type: A, SetIdentifier: one, Weight: 10, TTL: 60, ResourceRecords: [{Value: 10.0.0.1}]}\n"
		"  - {Name: w.corp.example.com., Type: A, SetIdentifier: two, Weight: 20, TTL: 60, ResourceRecords: [{Value: 10.0.0.2}, {Value: 10.0.0.1}]}\n"
		"  - {Name: c.corp.example.com., Type: CNAME, SetIdentifier: east, Region: us-east-2, TTL: 60, ResourceRecords: [{Value: east.example.com}]}\n"
		"  - {Name: c.corp.example.com., Type: CNAME, SetIdentifier: west, Region: us-west-2, TTL: 60, ResourceRecords: [{Value: west.example.com}]}\n";
	assert_int_equal(load(f, "zones.json", get_zone_doc), 0);
	assert_int_equal(load(f, "weighted.yaml", doc), 0);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->d.warnings, 0);
	struct topo_hosted_zone *z = zone(f, "Z0123456789ABCDEFGHIJ");
	assert_int_equal(count_rr(z, "w.corp.example.com.", T_A), 3);
	assert_int_equal(count_rr(z, "c.corp.example.com.", T_CNAME), 2);
	const struct topo_rr *w = find_rr(z, "w.corp.example.com.", T_A, 1);
	assert_non_null(w->set->policy);
	assert_int_equal(w->set->policy->policy, RRP_WEIGHTED);
	assert_int_equal(w->set->policy->weight, 20);
	assert_string_equal(w->set->policy->set_id, "two");
	const struct topo_rr *c = find_rr(z, "c.corp.example.com.", T_CNAME, 1);
	assert_int_equal(c->set->policy->policy, RRP_LATENCY);
	assert_string_equal(c->set->policy->region, "us-west-2");
	assert_rdata(c, "\4west\7example\3com", 18);
}

static void
test_record_checks(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"HostedZoneId: Z0123456789ABCDEFGHIJ\n"
		"ResourceRecordSets:\n"
		"  - {Name: www.other.com., Type: A, TTL: 60, ResourceRecords: [{Value: 10.0.0.1}]}\n"	/* 3 */
		"  - {Name: x.corp.example.com., Type: CNAME, TTL: 60, ResourceRecords: [{Value: y.}]}\n"
		"  - {Name: x.corp.example.com., Type: A, TTL: 60, ResourceRecords: [{Value: 10.0.0.1}]}\n"	/* 5 */
		"  - {Name: corp.example.com., Type: CNAME, TTL: 60, ResourceRecords: [{Value: y.}]}\n"
		"  - {Name: d.corp.example.com., Type: A, TTL: 60, ResourceRecords: [{Value: 10.0.0.1}]}\n"	/* 7 */
		"  - {Name: d.corp.example.com., Type: A, TTL: 60, ResourceRecords: [{Value: 10.0.0.2}]}\n"
		"  - {Name: e.corp.example.com., Type: A, TTL: 60, ResourceRecords: [{Value: 10.0.0.1}, {Value: 10.0.0.1}]}\n"
		"  - {Name: s.corp.example.com., Type: SOA, TTL: 60, ResourceRecords: [{Value: 'a. b. 1 2 3 4 5'}]}\n"	/* 10 */
		"  - {Name: corp.example.com., Type: SOA, TTL: 60, ResourceRecords: [{Value: 'a. b. 1 2 3 4 5'}]}\n"
		"  - {Name: corp.example.com., Type: SOA, TTL: 60, ResourceRecords: [{Value: 'a. b. 2 2 3 4 5'}]}\n";
	assert_int_equal(load(f, "zones.json", get_zone_doc), 0);
	assert_int_equal(load(f, "checks.yaml", doc), 0);
	assert_int_equal(resolve(f), -1);
	assert_msg(f, "checks.yaml:3: error: RRSet with DNS name www.other.com. is not "
		"permitted in zone corp.example.com.");
	assert_msg(f, "checks.yaml:5: error: RRSet of type A with DNS name x.corp.example.com. "
		"is not permitted because a conflicting RRSet of type CNAME with the same DNS "
		"name already exists in zone corp.example.com. (checks.yaml:4)");
	assert_msg(f, "checks.yaml:6: error: RRSet of type CNAME with DNS name "
		"corp.example.com. is not permitted at apex in zone corp.example.com.");
	assert_msg(f, "checks.yaml:8: error: record set d.corp.example.com. A is defined twice "
		"(first at checks.yaml:7)");
	assert_msg(f, "checks.yaml:9: error: record set e.corp.example.com. A holds the same "
		"value twice (Duplicate Resource Record)");
	assert_msg(f, "checks.yaml:10: error: an SOA record belongs at the apex of zone "
		"corp.example.com., not at s.corp.example.com.");
	assert_msg(f, "checks.yaml:12: error: record set corp.example.com. SOA is defined twice "
		"(first at checks.yaml:11)");
	assert_msg(f, "checks.yaml:12: error: zone corp.example.com. has a second SOA record "
		"(first at checks.yaml:11)");
	assert_int_equal(f->d.errors, 8);
}

/* ---- zone files ---- */

static const char corp_zone[] =
	"; corp.example.com, by hand\n"					/* 1 */
	"$ORIGIN corp.example.com.\n"
	"$TTL 300\n"
	"\n"
	"@   IN SOA ns1 hostmaster (\n"					/* 5 */
	"        2024010101 7200 900\n"
	"        1209600 86400 )\n"
	"    IN NS  NS1.Corp.Example.Com.\n"				/* 8 */
	"ns1 IN A   10.0.0.53 ; the name server\n"			/* 9 */
	"\n"
	"; mail\n"
	"mail 60 IN MX 10 ns1\n"					/* 12 */
	"*.apps IN CNAME www\n"						/* 13 */
	"www IN AAAA fd00::1\n";					/* 14 */

static void
test_zone_file(void **state)
{
	struct fx *f = *state;
	const char *path = write_file(f, "corp.zone", corp_zone);
	assert_int_equal(load(f, "zones.json", list_zones_doc), 0);
	assert_int_equal(load(f, "get.json", get_zone_doc), 0);
	assert_int_equal(defs_zonefile_load(f->t, path, &f->d, NULL, NULL), 0);
	/* read once, even when named again */
	assert_int_equal(defs_zonefile_load(f->t, path, &f->d, NULL, NULL), 0);
	assert_int_equal(resolve(f), 0);
	struct topo_hosted_zone *z = zone(f, "Z0123456789ABCDEFGHIJ");
	assert_int_equal(z->n_rrs, 6);
	const struct topo_rr *rr = z->rrs;
	assert_int_equal(rr->type, T_SOA);
	assert_string_equal(rr->src.file, path);
	assert_int_equal(rr->src.line, 5);
	assert_int_equal(rr->ttl, 300);
	assert_memory_equal(rr->rdata, "\3ns1\4corp\7example\3com", 19);
	rr = rr->next;
	assert_int_equal(rr->type, T_NS);
	assert_int_equal(rr->src.line, 8);
	assert_rdata(rr, "\3ns1\4corp\7example\3com", 22);
	rr = rr->next;
	assert_string_equal(rr->name, "ns1.corp.example.com.");
	assert_int_equal(rr->src.line, 9);
	assert_rdata(rr, "\12\0\0\65", 4);
	rr = rr->next;
	assert_int_equal(rr->type, T_MX);
	assert_int_equal(rr->ttl, 60);
	assert_int_equal(rr->src.line, 12);
	rr = rr->next;
	assert_string_equal(rr->name, "*.apps.corp.example.com.");
	assert_int_equal(rr->src.line, 13);
	assert_int_equal(rr->next->src.line, 14);
	assert_int_equal(f->d.warnings, 1);	/* the public zone */
}

static void
test_zone_file_errors(void **state)
{
	struct fx *f = *state;
	static const char two_zones[] =
		"HostedZones:\n"
		"  - {Id: ZSPLIT00000000001, Name: split.example.com, VPCIds: [vpc-1]}\n"
		"  - {Id: ZSPLIT00000000002, Name: split.example.com, VPCIds: [vpc-2]}\n";
	static const char split_zone[] =
		"split.example.com. 60 IN SOA ns. host. 1 2 3 4 5\n"
		"www.split.example.com. 60 IN A 10.1.0.1\n";
	const char *bad = write_file(f, "bad.zone",
		"$ORIGIN corp.example.com.\n@ 60 IN SOA ns. host. 1 2 3 4 5\nwww 60 IN A 10.0.0.300\n"
		"$INCLUDE other.zone\nchaos 60 CH TXT \"x\"\n");
	const char *nozone = write_file(f, "nozone.zone", "nozone.example. 60 IN SOA a. b. 1 2 3 4 5\n");
	const char *nosoa = write_file(f, "nosoa.zone", "www.corp.example.com. 60 IN A 10.0.0.1\n");
	const char *split = write_file(f, "split.zone", split_zone);
	const char *split2 = write_file(f, "split-ZSPLIT00000000002.zone", split_zone);
	char *missing = NULL;
	assert_true(asprintf(&missing, "%s/missing.zone", f->dir) > 0);
	assert_int_equal(load(f, "zones.json", list_zones_doc), 0);
	assert_int_equal(load(f, "split.yaml", two_zones), 0);
	assert_int_equal(defs_zonefile_load(f->t, bad, &f->d, NULL, NULL), -1);
	char *want = NULL;
	assert_true(asprintf(&want, "%s:3: error: Syntax error, could not parse the RR's rdata",
		bad) > 0);
	assert_msg(f, want);
	free(want);
	assert_true(asprintf(&want, "%s:4: error: $INCLUDE is not supported", bad) > 0);
	assert_msg(f, want);
	free(want);
	assert_true(asprintf(&want, "%s:5: error: only class IN records can be served", bad) > 0);
	assert_msg(f, want);
	free(want);
	assert_int_equal(defs_zonefile_load(f->t, nozone, &f->d, NULL, NULL), -1);
	assert_true(asprintf(&want, "%s:1: error: zone file for nozone.example. but no "
		"HostedZones entry declares that zone (and its VPCs)", nozone) > 0);
	assert_msg(f, want);
	free(want);
	assert_int_equal(defs_zonefile_load(f->t, nosoa, &f->d, NULL, NULL), -1);
	assert_true(asprintf(&want, "%s: error: the zone file has no SOA record, so its zone "
		"is unknown", nosoa) > 0);
	assert_msg(f, want);
	free(want);
	assert_int_equal(defs_zonefile_load(f->t, split, &f->d, NULL, NULL), -1);
	assert_true(asprintf(&want, "%s:1: error: 2 hosted zones are named split.example.com.: "
		"put the zone id in the zone file's name", split) > 0);
	assert_msg(f, want);
	free(want);
	assert_int_equal(defs_zonefile_load(f->t, split2, &f->d, NULL, NULL), 0);
	assert_int_equal(zone(f, "ZSPLIT00000000002")->n_rrs, 2);
	assert_int_equal(zone(f, "ZSPLIT00000000001")->n_rrs, 0);
	assert_int_equal(defs_zonefile_load(f->t, missing, &f->d, NULL, NULL), -1);
	assert_true(asprintf(&want, "%s: error: cannot read: No such file or directory",
		missing) > 0);
	assert_msg(f, want);
	free(want);
	free(missing);
	assert_int_equal(f->d.errors, 7);
	/* nothing of the bad files got in */
	assert_int_equal(zone(f, "Z0123456789ABCDEFGHIJ")->n_rrs, 0);
}

static void
test_zone_file_key(void **state)
{
	struct fx *f = *state;
	char *yaml_name = NULL;
	static const char doc[] =
		"HostedZones:\n"
		"  - Id: Z0123456789ABCDEFGHIJ\n"
		"    Name: corp.example.com\n"
		"    VPCs: [{VPCId: vpc-1, VPCRegion: us-east-2}]\n"
		"    ZoneFile: corp.zone\n"
		"    ResourceRecordSets:\n"
		"      - {Name: extra.corp.example.com, Type: A, TTL: 1, ResourceRecords: [{Value: 10.0.0.8}]}\n"
		"  - Id: ZWRONGAPEX0000001\n"						/* 8 */
		"    Name: wrong.example.com\n"
		"    VPCIds: [vpc-1]\n"
		"    ZoneFile: corp.zone\n"						/* 11 */
		"  - Id: ZMISSING000000001\n"
		"    Name: missing.example.com\n"
		"    VPCIds: [vpc-1]\n"
		"    ZoneFile: nothere.zone\n";						/* 15 */
	static const char wrong_doc[] =
		"HostedZones:\n"
		"  - Id: ZWRONGAPEX0000001\n"
		"    Name: wrong.example.com\n"
		"    VPCIds: [vpc-1]\n"
		"    ZoneFile: wrong.zone\n";
	write_file(f, "corp.zone", corp_zone);
	const char *wrong = write_file(f, "wrong.zone", "other.example.com. 60 IN SOA a. b. 1 2 3 4 5\n");
	assert_true(asprintf(&yaml_name, "%s/defs.yaml", f->dir) > 0);
	assert_int_equal(load(f, yaml_name, doc), -1);
	struct topo_hosted_zone *z = zone(f, "Z0123456789ABCDEFGHIJ");
	/* inline records first, then the zone file's */
	assert_int_equal(z->n_rrs, 7);
	assert_string_equal(z->rrs->name, "extra.corp.example.com.");
	assert_int_equal(z->rrs->next->type, T_SOA);
	/* corp.zone was read for the first zone: the second use is skipped */
	assert_int_equal(zone(f, "ZWRONGAPEX0000001")->n_rrs, 0);
	char *want = NULL;
	assert_true(asprintf(&want, "%s:15: error: cannot read zone file %s/nothere.zone: No "
		"such file or directory", yaml_name, f->dir) > 0);
	assert_msg(f, want);
	free(want);
	struct topology *t2 = topology_create();
	char *msg = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&msg, &len);
	struct diag d2;
	diag_init(&d2, out);
	assert_int_equal(defs_load_buffer(t2, yaml_name, wrong_doc, strlen(wrong_doc), &d2),
		-1);
	fclose(out);
	assert_true(asprintf(&want, "%s:1: error: the zone file is for other.example.com., but "
		"its HostedZones entry (%s:2) is wrong.example.com.", wrong, yaml_name) > 0);
	if (!strstr(msg, want))
		fail_msg("expected %s in %s", want, msg);
	free(want);
	free(msg);
	topology_free(t2);
	free(yaml_name);
}

static void
test_zone_file_origin_from_name(void **state)
{
	struct fx *f = *state;
	/* no $ORIGIN: the file name gives it */
	const char *path = write_file(f, "corp.example.com.zone",
		"@ 60 IN SOA ns1 hostmaster 1 2 3 4 5\n"
		"www 60 IN A 10.0.0.1\n"
		"www.other.com. 60 IN A 10.0.0.2\n");
	assert_int_equal(load(f, "get.json", get_zone_doc), 0);
	assert_int_equal(defs_zonefile_load(f->t, path, &f->d, NULL, NULL), 0);
	assert_int_equal(resolve(f), -1);
	char *want = NULL;
	assert_true(asprintf(&want, "%s:3: error: RRSet with DNS name www.other.com. is not "
		"permitted in zone corp.example.com.", path) > 0);
	assert_msg(f, want);
	free(want);
	assert_int_equal(f->d.errors, 1);
	struct topo_hosted_zone *z = zone(f, "Z0123456789ABCDEFGHIJ");
	assert_int_equal(z->n_rrs, 2);
	assert_string_equal(z->rrs->next->name, "www.corp.example.com.");
}

static void
test_zone_file_in_dir_and_named(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"HostedZones:\n"
		"  - {Id: Z0123456789ABCDEFGHIJ, Name: corp.example.com, VPCIds: [vpc-1], ZoneFile: corp.zone}\n";
	write_file(f, "corp.zone", corp_zone);
	write_file(f, "defs.yaml", doc);
	/* the directory reader finds corp.zone too: it is read once */
	assert_int_equal(defs_load_dir(f->t, f->dir, &f->d), 0);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(zone(f, "Z0123456789ABCDEFGHIJ")->n_rrs, 6);
	assert_int_equal(f->d.warnings, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_then_get_hosted_zone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_then_list_and_dedup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zone_defined_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zone_merge_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zone_generated_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zone_rejections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicting_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records_all_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records_zone_from_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records_zone_from_soa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records_zone_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_rejections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routing_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zone_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zone_file_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zone_file_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zone_file_origin_from_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zone_file_in_dir_and_named, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
