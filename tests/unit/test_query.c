/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_query.c - unit tests of the answer path: sanity ladder, lookup, replies, no malloc. */
#include "config.h"
#include "query.h"
#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "forward.h"
#include "netaddr.h"
#include "snapshot.h"
#include "wire.h"
#include "zonebuild.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

/* ---- allocation counting (the binary links with --wrap=malloc,calloc,realloc) ---- */

static unsigned long n_allocs;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

void *
__wrap_malloc(size_t size)
{
	n_allocs++;
	return __real_malloc(size);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	n_allocs++;
	return __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t size)
{
	n_allocs++;
	return __real_realloc(p, size);
}

/* ---- the world ---- */

#define VPC1 "vpc-0a1b2c3d4e5f60718"
#define VPC2 "vpc-0b2c3d4e5f6a70819"
#define CLIENT_VPC1 "10.0.1.50"
#define CLIENT_VPC2 "10.1.0.5"
#define CLIENT_SILENT "10.2.0.5"	/* a VPC with enableDnsSupport off */
#define CLIENT_OUTSIDE "192.0.2.1"
#define PARTNER_TARGET "vpce-0d804b1c2d3e4f5a6-ijkl9012.vpce-svc-0e7555fb6441987e1.us-east-2.vpce.amazonaws.com"

#define MV(n) "      - {Name: m.corp.example.com., Type: A, SetIdentifier: m" #n ", " \
	"MultiValueAnswer: true, TTL: 60, ResourceRecords: [{Value: 10.7.0." #n "}]}\n"
#define MULTIVALUE_SETS MV(1) MV(2) MV(3) MV(4) MV(5) MV(6) MV(7) MV(8) MV(9) MV(10) MV(11) MV(12)

/* Two VPCs: the first with a CloudWatch endpoint (two ENIs), an API
 * Gateway endpoint (a wildcard private name), an endpoint to a partner's
 * service (a CNAME) and a Logs endpoint with 30 addresses; the second bare. */
static const char world_yaml[] =
	"Vpcs:\n"
	"  - VpcId: " VPC1 "\n"
	"    CidrBlock: 10.0.0.0/16\n"
	"    EnableDnsSupport: true\n"
	"    EnableDnsHostnames: true\n"
	"    Subnets:\n"
	"      - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
	"      - {SubnetId: subnet-0bbbbbbbbbbbbbbb2, AvailabilityZone: us-east-2b, CidrBlock: 10.0.2.0/24}\n"
	"    VpcEndpoints:\n"
	"      - VpcEndpointId: vpce-0123456789abcdef0\n"
	"        ServiceName: com.amazonaws.us-east-2.monitoring\n"
	"        DnsEntries: [{DnsName: vpce-0123456789abcdef0-abcd1234.monitoring.us-east-2.vpce.amazonaws.com}]\n"
	"        NetworkInterfaces:\n"
	"          - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.0.1.10}\n"
	"          - {SubnetId: subnet-0bbbbbbbbbbbbbbb2, PrivateIpAddress: 10.0.2.10}\n"
	"      - VpcEndpointId: vpce-01234567abcdef012\n"
	"        ServiceName: com.amazonaws.us-east-2.execute-api\n"
	"        NetworkInterfaces:\n"
	"          - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.0.1.20}\n"
	"      - VpcEndpointId: vpce-0d804b1c2d3e4f5a6\n"
	"        ServiceName: com.amazonaws.vpce.us-east-2.vpce-svc-0e7555fb6441987e1\n"
	"        DnsEntries: [{DnsName: " PARTNER_TARGET "}]\n"
	"        NetworkInterfaces:\n"
	"          - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.0.1.30}\n"
	"          - {SubnetId: subnet-0bbbbbbbbbbbbbbb2, PrivateIpAddress: 10.0.2.30}\n"
	"      - VpcEndpointId: vpce-0a3b4c5d6e7f8a9b0\n"
	"        ServiceName: com.amazonaws.us-east-2.logs\n"
	"        NetworkInterfaces:\n"
	"          - SubnetId: subnet-0aaaaaaaaaaaaaaa1\n"
	"            PrivateIpAddresses: [10.0.1.100, 10.0.1.101, 10.0.1.102, 10.0.1.103, 10.0.1.104,\n"
	"              10.0.1.105, 10.0.1.106, 10.0.1.107, 10.0.1.108, 10.0.1.109, 10.0.1.110,\n"
	"              10.0.1.111, 10.0.1.112, 10.0.1.113, 10.0.1.114, 10.0.1.115, 10.0.1.116,\n"
	"              10.0.1.117, 10.0.1.118, 10.0.1.119, 10.0.1.120, 10.0.1.121, 10.0.1.122,\n"
	"              10.0.1.123, 10.0.1.124, 10.0.1.125, 10.0.1.126, 10.0.1.127, 10.0.1.128,\n"
	"              10.0.1.129]\n"
	"  - VpcId: " VPC2 "\n"
	"    CidrBlock: 10.1.0.0/16\n"
	"  - VpcId: vpc-0c3d4e5f6a7b8c9d0\n"
	"    CidrBlock: 10.2.0.0/16\n"
	"    EnableDnsSupport: false\n"
	"Reservations:\n"
	"  - Instances:\n"
	"      - {InstanceId: i-0123456789abcdef0, VpcId: " VPC1 ", SubnetId: subnet-0aaaaaaaaaaaaaaa1,\n"
	"         PrivateIpAddress: 10.0.1.77, PublicIpAddress: 203.0.113.77,\n"
	"         State: {Code: 16, Name: running}, PrivateDnsNameOptions: {HostnameType: resource-name,\n"
	"           EnableResourceNameDnsARecord: true, EnableResourceNameDnsAAAARecord: false}}\n"
	"ServiceDetails:\n"
	"  - ServiceName: com.amazonaws.vpce.us-east-2.vpce-svc-0e7555fb6441987e1\n"
	"    ServiceType: [{ServiceType: Interface}]\n"
	"    BaseEndpointDnsNames: [vpce-svc-0e7555fb6441987e1.us-east-2.vpce.amazonaws.com]\n"
	"    PrivateDnsName: api.partner.example.com\n"
	"    PrivateDnsNameVerificationState: verified\n"
	/* routing policies in a private hosted zone of the first VPC: a
	 * weighted pair (1:3) with a weight-0 set, a weighted CNAME, twelve
	 * multivalue sets, and IP-based records by the client's address */
	"HostedZones:\n"
	"  - Id: /hostedzone/Z0123456789ABCDEFGHIJ\n"
	"    Name: corp.example.com.\n"
	"    VPCIds: [" VPC1 "]\n"
	"    ResourceRecordSets:\n"
	"      - {Name: w.corp.example.com., Type: A, SetIdentifier: one, Weight: 1, TTL: 60, ResourceRecords: [{Value: 10.9.0.1}]}\n"
	"      - {Name: w.corp.example.com., Type: A, SetIdentifier: three, Weight: 3, TTL: 60, ResourceRecords: [{Value: 10.9.0.3}]}\n"
	"      - {Name: w.corp.example.com., Type: A, SetIdentifier: off, Weight: 0, TTL: 60, ResourceRecords: [{Value: 10.9.0.99}]}\n"
	"      - {Name: c.corp.example.com., Type: CNAME, SetIdentifier: a, Weight: 1, TTL: 60, ResourceRecords: [{Value: w.corp.example.com}]}\n"
	"      - {Name: c.corp.example.com., Type: CNAME, SetIdentifier: b, Weight: 1, TTL: 60, ResourceRecords: [{Value: monitoring.us-east-2.amazonaws.com}]}\n"
	MULTIVALUE_SETS
	"      - {Name: i.corp.example.com., Type: A, SetIdentifier: here, CidrRoutingConfig: {CollectionId: c8c02a84-aaaa-4d5c-bbbb-0123456789ab, LocationName: sub1}, TTL: 60, ResourceRecords: [{Value: 10.8.0.1}]}\n"
	"      - {Name: i.corp.example.com., Type: A, SetIdentifier: rest, CidrRoutingConfig: {CollectionId: c8c02a84-aaaa-4d5c-bbbb-0123456789ab, LocationName: '*'}, TTL: 60, ResourceRecords: [{Value: 10.8.0.2}]}\n"
	"CidrCollections: [{Id: c8c02a84-aaaa-4d5c-bbbb-0123456789ab, Name: subnets}]\n"
	"CollectionId: c8c02a84-aaaa-4d5c-bbbb-0123456789ab\n"
	"CidrBlocks: [{CidrBlock: 10.0.1.0/24, LocationName: sub1}]\n"
	/* DNS Firewall for the second VPC (firewall.h; test_firewall.c tests it) */
	"FirewallDomainLists: [{Id: rslvr-fdl-q, Domains: [blocked.example.net, '*.evil.example']}]\n"
	"FirewallRuleGroups: [{Id: rslvr-frg-q, FirewallRules: [{Name: q, Priority: 1,\n"
	"  FirewallDomainListId: rslvr-fdl-q, Action: BLOCK, BlockResponse: NXDOMAIN}]}]\n"
	"FirewallRuleGroupAssociations: [{FirewallRuleGroupId: rslvr-frg-q, VpcId: " VPC2 ",\n"
	"  Priority: 101}]\n";

static char world_dir[64];
static char world_file[128];

/* Everything one test works with. */
static struct {
	struct snapshot *snap;
	struct query_env env;
	struct query_info qi;
	uint8_t out[65535];
	size_t len;
} fx;

static int
group_setup(void **state)
{
	(void)state;
	snprintf(world_dir, sizeof(world_dir), "/tmp/dnsd-test-query-XXXXXX");
	if (!mkdtemp(world_dir))
		return -1;
	snprintf(world_file, sizeof(world_file), "%s/world.yaml", world_dir);
	FILE *f = fopen(world_file, "w");
	if (!f)
		return -1;
	fputs(world_yaml, f);
	return fclose(f) == 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	unlink(world_file);
	return rmdir(world_dir);
}

static struct snapshot *
load(const struct snapshot_listener *listeners, unsigned n_listeners, char **msgs)
{
	struct snapshot_config cfg = { .zones_dir = world_dir, .listeners = listeners,
		.n_listeners = n_listeners };
	struct diag d;
	size_t size = 0;
	FILE *f = open_memstream(msgs, &size);

	assert_non_null(f);
	diag_init(&d, f);
	struct snapshot *s = snapshot_load(&cfg, &d, NULL);
	fclose(f);
	return s;
}

/* A fresh snapshot per test: round robin counters start at 0. */
static int
setup(void **state)
{
	static const struct snapshot_listener listeners[] = { { NULL, false }, { VPC1, false } };
	char *msgs = NULL;

	(void)state;
	memset(&fx.env, 0, sizeof(fx.env));
	fx.snap = load(listeners, 2, &msgs);
	/* the one warning: IP-based records in a private hosted zone */
	const char *warned = strstr(msgs, "warning: i.corp.example.com.: IP-based records in a "
		"private hosted zone");
	if (!fx.snap || (strcmp(msgs, "") != 0 && (!warned || strchr(msgs, '\n') !=
	    msgs + strlen(msgs) - 1))) {
		fprintf(stderr, "world did not load cleanly:\n%s", msgs);
		free(msgs);
		snapshot_free(fx.snap);
		return -1;
	}
	free(msgs);
	assert_int_equal(query_env_set_snapshot(&fx.env, fx.snap), 0);
	fx.env.max_udp = 1232;
	fx.env.errors.per_second = 0;
	fx.env.now_seconds = 1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	query_env_fini(&fx.env);
	snapshot_unref(fx.snap);
	fx.snap = NULL;
	return 0;
}

/* ---- queries ---- */

struct qbuf {
	uint8_t b[1200];
	size_t len;
};

/* Wire form of a text name, letter case kept ("." is the root). */
static size_t
name_wire(const char *text, uint8_t *out)
{
	size_t o = 0;

	while (strcmp(text, ".") != 0 && *text) {
		const char *dot = strchr(text, '.');
		size_t n = dot ? (size_t)(dot - text) : strlen(text);
		out[o++] = (uint8_t)n;
		memcpy(out + o, text, n);
		o += n;
		text += n;
		if (*text == '.')
			text++;
	}
	out[o++] = 0;
	return o;
}

static void
q_make(struct qbuf *q, uint16_t id, uint16_t flags, const char *name, uint16_t qtype,
	uint16_t qclass)
{
	memset(q, 0, sizeof(*q));
	wire_put16(q->b, id);
	wire_put16(q->b + 2, flags);
	wire_put16(q->b + 4, 1);
	q->len = DNS_HEADER_SIZE + name_wire(name, q->b + DNS_HEADER_SIZE);
	wire_put16(q->b + q->len, qtype);
	wire_put16(q->b + q->len + 2, qclass);
	q->len += 4;
}

/* Append an OPT record (and count it in ARCOUNT). */
static void
q_opt(struct qbuf *q, uint16_t size, uint8_t ext_rcode, uint8_t version, uint16_t flags,
	const void *rdata, uint16_t rdlen)
{
	uint8_t *p = q->b + q->len;

	p[0] = 0;
	wire_put16(p + 1, DNS_TYPE_OPT);
	wire_put16(p + 3, size);
	p[5] = ext_rcode;
	p[6] = version;
	wire_put16(p + 7, flags);
	wire_put16(p + 9, rdlen);
	if (rdlen)
		memcpy(p + 11, rdata, rdlen);
	q->len += 11u + rdlen;
	wire_put16(q->b + 10, (uint16_t)(wire_get16(q->b + 10) + 1));
}

static enum query_action
ask_raw(const char *addr, int listener, bool tcp, const uint8_t *pkt, size_t len)
{
	struct netaddr a;
	struct query_client c;

	assert_true(netaddr_parse(addr, &a));
	c.addr = &a;
	c.listener = listener;
	c.tcp = tcp;
	memset(fx.out, 0xaa, 2048);
	fx.len = 0;
	memset(&fx.qi, 0x55, sizeof(fx.qi));
	return query_answer(&fx.env, &c, pkt, len, fx.out, sizeof(fx.out), &fx.len, &fx.qi);
}

/* A query from a client of the first VPC, over UDP. */
static enum query_action
ask(const struct qbuf *q)
{
	return ask_raw(CLIENT_VPC1, -1, false, q->b, q->len);
}

/* The reply's header, field by field. */
static void
check_header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar)
{
	assert_true(fx.len >= DNS_HEADER_SIZE);
	assert_int_equal(wire_get16(fx.out), id);
	assert_int_equal(wire_get16(fx.out + 2), flags);
	assert_int_equal(wire_get16(fx.out + 4), qd);
	assert_int_equal(wire_get16(fx.out + 6), an);
	assert_int_equal(wire_get16(fx.out + 8), ns);
	assert_int_equal(wire_get16(fx.out + 10), ar);
}

static void
append_section(char *out, size_t size, const char *tag, const ldns_rr_list *l)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		char *s = ldns_rr2str(ldns_rr_list_rr(l, i));
		assert_non_null(s);
		for (char *p = s; *p; p++)
			if (*p == '\t')
				*p = ' ';
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s %s", tag, s);
		free(s);
	}
}

/*
 * The reply's records, one a line with "an ", "ns " or "ar " in front
 * (OPT left out), after checking that the question and the records fill
 * the reply exactly.
 */
static void
reply_text(char *out, size_t size)
{
	ldns_pkt *pkt = NULL;
	size_t pos = DNS_HEADER_SIZE;

	assert_int_equal(wire_get16(fx.out + 4), 1);
	assert_true(wire_skip_name(fx.out, fx.len, &pos));
	pos += 4;
	unsigned total = (unsigned)wire_get16(fx.out + 6) + wire_get16(fx.out + 8) +
		wire_get16(fx.out + 10);
	for (unsigned i = 0; i < total; i++) {
		struct wire_rr rr;
		assert_true(wire_parse_rr(fx.out, fx.len, &pos, &rr));
	}
	assert_int_equal(pos, fx.len);
	assert_int_equal(ldns_wire2pkt(&pkt, fx.out, fx.len), LDNS_STATUS_OK);
	out[0] = 0;
	append_section(out, size, "an", ldns_pkt_answer(pkt));
	append_section(out, size, "ns", ldns_pkt_authority(pkt));
	append_section(out, size, "ar", ldns_pkt_additional(pkt));
	ldns_pkt_free(pkt);
}

static void
check_records(const char *want)
{
	char text[8192];

	reply_text(text, sizeof(text));
	assert_string_equal(text, want);
}

/* The question of the reply is the query's, byte for byte. */
static void
check_question_echoed(const struct qbuf *q)
{
	size_t pos = DNS_HEADER_SIZE;

	assert_true(wire_skip_name(q->b, q->len, &pos));
	size_t qlen = pos + 4 - DNS_HEADER_SIZE;
	assert_memory_equal(fx.out + DNS_HEADER_SIZE, q->b + DNS_HEADER_SIZE, qlen);
}

#define MON "monitoring.us-east-2.amazonaws.com"
#define MON_SOA MON ". 900 IN SOA ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. " \
	"1 7200 900 1209600 86400\n"
#define PUB_SOA "us-east-2.vpce.amazonaws.com. 60 IN SOA ns-1536.awsdns-00.co.uk. " \
	"awsdns-hostmaster.amazon.com. 1 7200 900 1209600 60\n"

/* ---- answers ---- */

static void
test_snapshot_loaded(void **state)
{
	char *msgs = NULL;

	(void)state;
	assert_int_equal(fx.snap->n_vpcs, 3);
	assert_int_equal(fx.snap->n_endpoints, 4);
	assert_int_equal(fx.snap->n_files, 1);
	/* three VPCs, none the default: outside clients see the public view */
	assert_int_equal(fx.snap->default_view, 0);
	assert_int_equal(fx.snap->db.n_views, 4);
	assert_string_equal(fx.snap->db.views[1].name, VPC1);
	assert_string_equal(fx.snap->db.views[2].name, VPC2);
	assert_int_equal(fx.snap->n_cidrs, 3);
	/* only the third has enableDnsSupport off */
	assert_non_null(fx.snap->silent_views);
	assert_int_equal(fx.snap->silent_views[1] + fx.snap->silent_views[2], 0);
	assert_int_equal(fx.snap->silent_views[3], 1);
	assert_int_equal(fx.snap->n_listeners, 2);
	assert_int_equal(fx.snap->listener_views[0], -1);
	assert_int_equal(fx.snap->listener_views[1], 1);
	struct netaddr a;
	assert_true(netaddr_parse(CLIENT_VPC2, &a));
	assert_int_equal(snapshot_view_for(fx.snap, &a), 2);
	assert_true(netaddr_parse(CLIENT_OUTSIDE, &a));
	assert_int_equal(snapshot_view_for(fx.snap, &a), 0);

	/* a listener bound to a VPC nothing describes: no snapshot */
	static const struct snapshot_listener bad[] = { { "vpc-0ffffffffffffffff", false } };
	assert_null(load(bad, 1, &msgs));
	const char *err = strstr(msgs, "--listen: ");
	assert_non_null(err);
	assert_string_equal(err, "--listen: error: listener bound to VPC vpc-0ffffffffffffffff, "
		"which no definition describes\n");
	free(msgs);
}

static void
test_answer_a(void **state)
{
	struct qbuf q;

	(void)state;
	q_make(&q, 0xbeef, DNS_FLAG_RD, MON, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(0xbeef, DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA, 1, 2, 0, 0);
	check_question_echoed(&q);
	check_records(
		"an " MON ". 60 IN A 10.0.1.10\n"
		"an " MON ". 60 IN A 10.0.2.10\n");
	/* owners are pointers to the question */
	size_t ans = q.len;
	assert_memory_equal(fx.out + ans, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04"
		"\x0a\x00\x01\x0a", 16);
	assert_memory_equal(fx.out + ans + 16, "\xc0\x0c", 2);
	assert_int_equal(fx.len, q.len + 32);
	/* what was learned */
	assert_int_equal(fx.qi.id, 0xbeef);
	assert_int_equal(fx.qi.flags, DNS_FLAG_RD);
	assert_int_equal(fx.qi.qtype, DNS_TYPE_A);
	assert_int_equal(fx.qi.qclass, DNS_CLASS_IN);
	assert_int_equal(fx.qi.qname_len, 36);
	assert_int_equal(fx.qi.view, 1);
	assert_int_equal(fx.qi.rcode, 0);
	assert_false(fx.qi.edns);
	assert_null(fx.qi.why);
	assert_null(fx.qi.forward_zone);
	assert_ptr_equal(fx.qi.question, q.b + DNS_HEADER_SIZE);
	assert_int_equal(fx.qi.question_len, 40);

	/* the same over TCP */
	assert_int_equal(ask_raw(CLIENT_VPC1, -1, true, q.b, q.len), QUERY_SEND);
	assert_int_equal(fx.len, q.len + 32);
}

static void
test_header_flags(void **state)
{
	struct qbuf q;

	(void)state;
	/* RD and CD are copied; AA, TC, Z and AD never set; RA always */
	q_make(&q, 1, DNS_FLAG_RD | DNS_FLAG_CD | DNS_FLAG_AD | DNS_FLAG_Z | DNS_FLAG_TC |
		DNS_FLAG_AA | DNS_FLAG_RA, MON, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(1, DNS_FLAG_QR | DNS_FLAG_RA | DNS_FLAG_RD | DNS_FLAG_CD, 1, 2, 0, 0);
	q_make(&q, 2, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(2, DNS_FLAG_QR | DNS_FLAG_RA, 1, 2, 0, 0);
	q_make(&q, 3, DNS_FLAG_CD, MON, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(3, DNS_FLAG_QR | DNS_FLAG_RA | DNS_FLAG_CD, 1, 2, 0, 0);
	/* class ANY is answered from IN */
	q_make(&q, 4, DNS_FLAG_RD, MON, DNS_TYPE_A, DNS_CLASS_ANY);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(4, DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA, 1, 2, 0, 0);
	check_question_echoed(&q);
}

/* Each worker has its own round robin counters (query_env), so workers
 * never write to the shared snapshot; a new snapshot starts them at 0. */
static void
test_rotation_per_worker(void **state)
{
	static const char *const order[2] = {
		"an " MON ". 60 IN A 10.0.1.10\nan " MON ". 60 IN A 10.0.2.10\n",
		"an " MON ". 60 IN A 10.0.2.10\nan " MON ". 60 IN A 10.0.1.10\n",
	};
	struct query_env mine = fx.env, other = fx.env;
	struct qbuf q;

	(void)state;
	other.rot = NULL;
	other.n_rot = 0;
	assert_int_equal(query_env_set_snapshot(&other, fx.snap), 0);
	assert_ptr_not_equal(other.rot, mine.rot);
	assert_int_equal(other.n_rot, fx.snap->db.n_rot);
	q_make(&q, 1, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ask(&q), QUERY_SEND);
		check_records(order[i % 2]);
	}
	/* the second worker starts at the first rotation */
	fx.env = other;
	assert_int_equal(ask(&q), QUERY_SEND);
	check_records(order[0]);
	/* a new snapshot (here: the same one again) starts every answer over */
	fx.env = mine;
	assert_int_equal(query_env_set_snapshot(&fx.env, fx.snap), 0);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_records(order[0]);
	/* without counters nothing rotates, and nothing breaks */
	fx.env.n_rot = 0;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ask(&q), QUERY_SEND);
		check_records(order[0]);
	}
	fx.env.n_rot = fx.snap->db.n_rot;
	query_env_fini(&other);
}

static void
test_rotation(void **state)
{
	struct qbuf q;

	(void)state;
	q_make(&q, 1, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	static const char *const order[2] = {
		"an " MON ". 60 IN A 10.0.1.10\nan " MON ". 60 IN A 10.0.2.10\n",
		"an " MON ". 60 IN A 10.0.2.10\nan " MON ". 60 IN A 10.0.1.10\n",
	};
	for (int i = 0; i < 5; i++) {
		assert_int_equal(ask(&q), QUERY_SEND);
		check_records(order[i % 2]);
	}
	/* 30 records: each reply starts one further */
	q_make(&q, 1, 0, "logs.us-east-2.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	q_opt(&q, 1232, 0, 0, 0, NULL, 0);
	size_t first = DNS_HEADER_SIZE + 30 + 4;
	for (unsigned i = 0; i < 32; i++) {
		assert_int_equal(ask(&q), QUERY_SEND);
		check_header(1, DNS_FLAG_QR | DNS_FLAG_RA, 1, 30, 0, 1);
		assert_int_equal(fx.len, first + 30 * 16 + 11);
		for (unsigned k = 0; k < 30; k++) {
			assert_memory_equal(fx.out + first + k * 16, "\xc0\x0c\x00\x01\x00\x01", 6);
			assert_int_equal(fx.out[first + k * 16 + 15], 100 + (i + k) % 30);
		}
	}
	/* another answer has its own counter */
	q_make(&q, 1, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_records(order[1]);
	/* the CNAME chain's A records rotate too, after the CNAME */
	q_make(&q, 1, 0, "api.partner.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_records("an api.partner.example.com. 60 IN CNAME " PARTNER_TARGET ".\n"
		"an " PARTNER_TARGET ". 60 IN A 10.0.1.30\n"
		"an " PARTNER_TARGET ". 60 IN A 10.0.2.30\n");
	assert_int_equal(ask(&q), QUERY_SEND);
	check_records("an api.partner.example.com. 60 IN CNAME " PARTNER_TARGET ".\n"
		"an " PARTNER_TARGET ". 60 IN A 10.0.2.30\n"
		"an " PARTNER_TARGET ". 60 IN A 10.0.1.30\n");
}

static void
test_case_preserved(void **state)
{
	struct qbuf q;

	(void)state;
	q_make(&q, 7, 0, "MoNiToRiNg.US-east-2.AmAzOnAwS.cOm", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(7, DNS_FLAG_QR | DNS_FLAG_RA, 1, 2, 0, 0);
	check_question_echoed(&q);
	assert_memory_equal(fx.out + DNS_HEADER_SIZE, "\012MoNiToRiNg\011US-east-2\011AmAzOnAwS\003cOm",
		36);
	assert_memory_equal(fx.out + q.len, "\xc0\x0c", 2);
	assert_memory_equal(fx.out + q.len + 16, "\xc0\x0c", 2);
	assert_memory_equal(fx.qi.lname, "\012monitoring\011us-east-2\011amazonaws\003com", 36);

	/* negative answers point into the question's suffix, case and all */
	q_make(&q, 8, 0, "No.Such.MONITORING.us-east-2.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_question_echoed(&q);
	assert_memory_equal(fx.out + q.len, "\xc0\x14", 2);
	check_records("ns MONITORING.us-east-2.amazonaws.com. 900 IN SOA ns-1536.awsdns-00.co.uk. "
		"awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400\n");
}

static void
test_truncation(void **state)
{
	struct qbuf q;
	const size_t qend = DNS_HEADER_SIZE + 30 + 4;

	(void)state;
	/* 30 A records: 12 + 34 + 480 = 526 bytes do not fit 512 */
	q_make(&q, 0x5151, DNS_FLAG_RD, "logs.us-east-2.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(0x5151, DNS_FLAG_QR | DNS_FLAG_TC | DNS_FLAG_RD | DNS_FLAG_RA, 1, 0, 0, 0);
	assert_int_equal(fx.len, qend);
	check_question_echoed(&q);
	assert_int_equal(fx.qi.rcode, 0);
	/* EDNS with 512: truncated too, with an OPT */
	q_opt(&q, 512, 0, 0, 0, NULL, 0);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(0x5151, DNS_FLAG_QR | DNS_FLAG_TC | DNS_FLAG_RD | DNS_FLAG_RA, 1, 0, 0, 1);
	assert_int_equal(fx.len, qend + 11);
	assert_memory_equal(fx.out + qend, "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00", 11);
	/* over TCP, all of it */
	q_make(&q, 0x5151, 0, "logs.us-east-2.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask_raw(CLIENT_VPC1, -1, true, q.b, q.len), QUERY_SEND);
	check_header(0x5151, DNS_FLAG_QR | DNS_FLAG_RA, 1, 30, 0, 0);
	assert_int_equal(fx.len, qend + 480);
	/* EDNS 1232: all of it, and the OPT */
	q_opt(&q, 1232, 0, 0, 0, NULL, 0);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(0x5151, DNS_FLAG_QR | DNS_FLAG_RA, 1, 30, 0, 1);
	assert_int_equal(fx.len, qend + 480 + 11);
	/* our own limit counts */
	fx.env.max_udp = 530;
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(0x5151, DNS_FLAG_QR | DNS_FLAG_TC | DNS_FLAG_RA, 1, 0, 0, 1);
	assert_memory_equal(fx.out + qend, "\x00\x00\x29\x02\x12\x00\x00\x00\x00\x00\x00", 11);
	fx.env.max_udp = 537;
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(0x5151, DNS_FLAG_QR | DNS_FLAG_RA, 1, 30, 0, 1);
	assert_int_equal(fx.len, 537);
	/* a small answer fits 512 without EDNS */
	q_make(&q, 9, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	assert_false(wire_get16(fx.out + 2) & DNS_FLAG_TC);
}

static void
test_edns(void **state)
{
	struct qbuf q;

	(void)state;
	/* plain EDNS0: NOERROR, our OPT last, DO copied */
	q_make(&q, 1, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	q_opt(&q, 4096, 0, 0, EDNS_FLAG_DO, NULL, 0);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(1, DNS_FLAG_QR | DNS_FLAG_RA, 1, 2, 0, 1);
	assert_int_equal(fx.len, q.len - 11 + 32 + 11);
	assert_memory_equal(fx.out + fx.len - 11, "\x00\x00\x29\x04\xd0\x00\x00\x80\x00\x00\x00", 11);
	assert_true(fx.qi.edns);
	assert_true(fx.qi.do_bit);
	assert_int_equal(fx.qi.udp_size, 4096);
	check_records("an " MON ". 60 IN A 10.0.1.10\nan " MON ". 60 IN A 10.0.2.10\n");

	/* unknown option and flag bits, ext-RCODE bits: ignored, nothing echoed */
	static const uint8_t unknown_opt[] = { 0x00, 0x64, 0x00, 0x03, 'a', 'b', 'c' };
	q_make(&q, 2, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	q_opt(&q, 1232, 0x05, 0, 0x4001, unknown_opt, sizeof(unknown_opt));
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(2, DNS_FLAG_QR | DNS_FLAG_RA, 1, 2, 0, 1);
	assert_memory_equal(fx.out + fx.len - 11, "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00", 11);
	assert_false(fx.qi.do_bit);

	/* a 7-byte COOKIE and an ECS option of family 9: not implemented, ignored */
	static const uint8_t odd_opts[] = { 0x00, 0x0a, 0x00, 0x07, 1, 2, 3, 4, 5, 6, 7,
		0x00, 0x08, 0x00, 0x04, 0x00, 0x09, 0x00, 0x00 };
	q_make(&q, 5, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	q_opt(&q, 1232, 0, 0, 0, odd_opts, sizeof(odd_opts));
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(5, DNS_FLAG_QR | DNS_FLAG_RA, 1, 2, 0, 1);
	assert_memory_equal(fx.out + fx.len - 11, "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00", 11);

	/* payload 0 or 511 counts as 512 */
	q_make(&q, 3, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	q_opt(&q, 0, 0, 0, 0, NULL, 0);
	assert_int_equal(ask(&q), QUERY_SEND);
	assert_int_equal(fx.qi.udp_size, 512);
	q_make(&q, 3, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	q_opt(&q, 511, 0, 0, 0, NULL, 0);
	assert_int_equal(ask(&q), QUERY_SEND);
	assert_int_equal(fx.qi.udp_size, 512);
	assert_int_equal(query_reply_limit(&fx.env, &fx.qi, false), 512);
	assert_int_equal(query_reply_limit(&fx.env, &fx.qi, true), 65535);
	fx.qi.udp_size = 4096;
	assert_int_equal(query_reply_limit(&fx.env, &fx.qi, false), 1232);
	fx.qi.edns = false;
	assert_int_equal(query_reply_limit(&fx.env, &fx.qi, false), 512);

	/* a record before the OPT in the additional section is allowed */
	q_make(&q, 4, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	memcpy(q.b + q.len, "\x00\x00\x10\x00\x01\x00\x00\x00\x00\x00\x02\x01x", 13);
	q.len += 13;
	wire_put16(q.b + 10, 1);
	q_opt(&q, 1232, 0, 0, 0, NULL, 0);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(4, DNS_FLAG_QR | DNS_FLAG_RA, 1, 2, 0, 1);
	assert_true(fx.qi.edns);
}

static void
test_nxdomain(void **state)
{
	struct qbuf q;

	(void)state;
	q_make(&q, 0x0102, DNS_FLAG_RD, "nope." MON, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(0x0102, DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA | DNS_RCODE_NXDOMAIN, 1, 0, 1,
		0);
	assert_int_equal(fx.qi.rcode, DNS_RCODE_NXDOMAIN);
	/* the SOA owner: a pointer to "monitoring…" inside the question (12 + 5) */
	assert_memory_equal(fx.out + q.len, "\xc0\x11\x00\x06\x00\x01\x00\x00\x03\x84", 10);
	check_records("ns " MON_SOA);
	/* deeper, and any type */
	q_make(&q, 1, 0, "a.b.c.nope." MON, DNS_TYPE_TXT, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(1, DNS_FLAG_QR | DNS_FLAG_RA | DNS_RCODE_NXDOMAIN, 1, 0, 1, 0);
	assert_memory_equal(fx.out + q.len, "\xc0\x17", 2);
	check_records("ns " MON_SOA);
	/* with EDNS: the OPT after the SOA */
	q_opt(&q, 1232, 0, 0, EDNS_FLAG_DO, NULL, 0);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(1, DNS_FLAG_QR | DNS_FLAG_RA | DNS_RCODE_NXDOMAIN, 1, 0, 1, 1);
	check_records("ns " MON_SOA);
}

static void
test_nodata(void **state)
{
	struct qbuf q;
	static const uint16_t types[] = { DNS_TYPE_AAAA, DNS_TYPE_TXT, DNS_TYPE_MX, 666, 65535, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		q_make(&q, 5, 0, MON, types[i], DNS_CLASS_IN);
		assert_int_equal(ask(&q), QUERY_SEND);
		check_header(5, DNS_FLAG_QR | DNS_FLAG_RA, 1, 0, 1, 0);
		assert_memory_equal(fx.out + q.len, "\xc0\x0c\x00\x06", 4);
		check_records("ns " MON_SOA);
	}
	/* the apex's own records */
	q_make(&q, 6, 0, MON, DNS_TYPE_NS, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_records(
		"an " MON ". 172800 IN NS ns-1536.awsdns-00.co.uk.\n"
		"an " MON ". 172800 IN NS ns-0.awsdns-00.com.\n"
		"an " MON ". 172800 IN NS ns-1024.awsdns-00.org.\n"
		"an " MON ". 172800 IN NS ns-512.awsdns-00.net.\n");
	q_make(&q, 6, 0, MON, DNS_TYPE_SOA, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_records("an " MON_SOA);
	/* ANY: one RRset (RFC 8482) */
	q_make(&q, 6, 0, MON, DNS_TYPE_ANY, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(6, DNS_FLAG_QR | DNS_FLAG_RA, 1, 1, 0, 0);
	check_records("an " MON_SOA);
	/* a public name without AAAA: the public zone's SOA */
	q_make(&q, 7, 0, "vpce-0123456789abcdef0-abcd1234.monitoring.us-east-2.vpce.amazonaws.com",
		DNS_TYPE_AAAA, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(7, DNS_FLAG_QR | DNS_FLAG_RA, 1, 0, 1, 0);
	check_records("ns " PUB_SOA);
}

static void
test_wildcard(void **state)
{
	struct qbuf q;

	(void)state;
	q_make(&q, 1, 0, "Abc123.execute-api.us-east-2.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(1, DNS_FLAG_QR | DNS_FLAG_RA, 1, 1, 0, 0);
	check_question_echoed(&q);
	assert_memory_equal(fx.out + q.len, "\xc0\x0c", 2);
	check_records("an Abc123.execute-api.us-east-2.amazonaws.com. 60 IN A 10.0.1.20\n");
	/* several labels below the wildcard's parent */
	q_make(&q, 2, 0, "x.y.z.execute-api.us-east-2.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_records("an x.y.z.execute-api.us-east-2.amazonaws.com. 60 IN A 10.0.1.20\n");
	/* other types: NODATA, the SOA owner in the question's suffix */
	q_make(&q, 3, 0, "x.y.z.execute-api.us-east-2.amazonaws.com", DNS_TYPE_AAAA,
		DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(3, DNS_FLAG_QR | DNS_FLAG_RA, 1, 0, 1, 0);
	assert_memory_equal(fx.out + q.len, "\xc0\x12", 2);
	check_records("ns execute-api.us-east-2.amazonaws.com. 900 IN SOA ns-1536.awsdns-00.co.uk. "
		"awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400\n");
	/* the wildcard's parent (the apex) answers for itself */
	q_make(&q, 4, 0, "execute-api.us-east-2.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(4, DNS_FLAG_QR | DNS_FLAG_RA, 1, 0, 1, 0);
}

static void
test_cname(void **state)
{
	struct qbuf q;

	(void)state;
	q_make(&q, 1, DNS_FLAG_RD, "API.Partner.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(1, DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA, 1, 3, 0, 0);
	check_question_echoed(&q);
	assert_memory_equal(fx.out + q.len, "\xc0\x0c\x00\x05", 4);
	check_records("an API.Partner.example.com. 60 IN CNAME " PARTNER_TARGET ".\n"
		"an " PARTNER_TARGET ". 60 IN A 10.0.1.30\n"
		"an " PARTNER_TARGET ". 60 IN A 10.0.2.30\n");
	/* the CNAME alone */
	q_make(&q, 2, 0, "api.partner.example.com", DNS_TYPE_CNAME, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(2, DNS_FLAG_QR | DNS_FLAG_RA, 1, 1, 0, 0);
	check_records("an api.partner.example.com. 60 IN CNAME " PARTNER_TARGET ".\n");
	/* a type the target lacks: the CNAME and the target zone's SOA */
	q_make(&q, 3, 0, "api.partner.example.com", DNS_TYPE_AAAA, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(3, DNS_FLAG_QR | DNS_FLAG_RA, 1, 1, 1, 0);
	check_records("an api.partner.example.com. 60 IN CNAME " PARTNER_TARGET ".\n"
		"ns " PUB_SOA);
	/* below the CNAME's name: NXDOMAIN of its hidden zone (no SOA record
	 * at an apex that is a CNAME, but negative answers carry it) */
	q_make(&q, 4, 0, "x.api.partner.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(4, DNS_FLAG_QR | DNS_FLAG_RA | DNS_RCODE_NXDOMAIN, 1, 0, 1, 0);
	check_records("ns api.partner.example.com. 900 IN SOA ns-1536.awsdns-00.co.uk. "
		"awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400\n");
}

static void
test_views(void **state)
{
	struct qbuf q;

	(void)state;
	/* private names: answered in the endpoint's VPC only */
	q_make(&q, 1, DNS_FLAG_RD, MON, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask_raw(CLIENT_VPC2, -1, false, q.b, q.len), QUERY_FORWARD);
	assert_int_equal(fx.qi.view, 2);
	assert_int_equal(ask_raw(CLIENT_OUTSIDE, -1, false, q.b, q.len), QUERY_FORWARD);
	assert_int_equal(fx.qi.view, 0);
	/* a listener bound to the VPC places every client in it */
	assert_int_equal(ask_raw(CLIENT_OUTSIDE, 1, false, q.b, q.len), QUERY_SEND);
	assert_int_equal(fx.qi.view, 1);
	assert_int_equal(ask_raw(CLIENT_VPC2, 1, false, q.b, q.len), QUERY_SEND);
	assert_int_equal(fx.qi.view, 1);
	/* an unbound listener, or one out of range: by address */
	assert_int_equal(ask_raw(CLIENT_VPC2, 0, false, q.b, q.len), QUERY_FORWARD);
	assert_int_equal(fx.qi.view, 2);
	assert_int_equal(ask_raw(CLIENT_VPC2, 7, false, q.b, q.len), QUERY_FORWARD);
	assert_int_equal(fx.qi.view, 2);

	/* public endpoint names: answered everywhere */
	q_make(&q, 2, 0, "vpce-0123456789abcdef0-abcd1234-us-east-2b.monitoring.us-east-2.vpce."
		"amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	static const char *const clients[] = { CLIENT_VPC1, CLIENT_VPC2, CLIENT_OUTSIDE };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(ask_raw(clients[i], -1, false, q.b, q.len), QUERY_SEND);
		check_header(2, DNS_FLAG_QR | DNS_FLAG_RA, 1, 1, 0, 0);
		check_records("an vpce-0123456789abcdef0-abcd1234-us-east-2b.monitoring.us-east-2."
			"vpce.amazonaws.com. 60 IN A 10.0.2.10\n");
	}
}

static void
test_forward(void **state)
{
	struct qbuf q;

	(void)state;
	/* a name dnsd does not hold */
	q_make(&q, 0x7777, DNS_FLAG_RD | DNS_FLAG_CD, "WWW.Example.ORG", DNS_TYPE_AAAA,
		DNS_CLASS_IN);
	q_opt(&q, 1400, 0, 0, EDNS_FLAG_DO, NULL, 0);
	assert_int_equal(ask(&q), QUERY_FORWARD);
	assert_int_equal(fx.len, 0);
	assert_int_equal(fx.qi.id, 0x7777);
	assert_int_equal(fx.qi.flags, DNS_FLAG_RD | DNS_FLAG_CD);
	assert_int_equal(fx.qi.qtype, DNS_TYPE_AAAA);
	assert_int_equal(fx.qi.qclass, DNS_CLASS_IN);
	assert_int_equal(fx.qi.qname_len, 17);
	assert_memory_equal(fx.qi.lname, "\003www\007example\003org", 17);
	assert_ptr_equal(fx.qi.question, q.b + DNS_HEADER_SIZE);
	assert_int_equal(fx.qi.question_len, 21);
	assert_true(fx.qi.edns);
	assert_true(fx.qi.do_bit);
	assert_int_equal(fx.qi.udp_size, 1400);
	assert_int_equal(fx.qi.view, 1);
	assert_null(fx.qi.forward_zone);
	assert_null(fx.qi.why);
	/* the reply dnsd sends when forwarding fails */
	size_t n = query_reply_empty(&fx.env, &fx.qi, DNS_RCODE_SERVFAIL, false, fx.out,
		sizeof(fx.out));
	assert_int_equal(n, DNS_HEADER_SIZE + 21 + 11);
	fx.len = n;
	check_header(0x7777, DNS_FLAG_QR | DNS_FLAG_RA | DNS_FLAG_RD | DNS_FLAG_CD |
		DNS_RCODE_SERVFAIL, 1, 0, 0, 1);
	check_question_echoed(&q);
	assert_memory_equal(fx.out + n - 11, "\x00\x00\x29\x04\xd0\x00\x00\x80\x00\x00\x00", 11);
	assert_int_equal(query_reply_empty(&fx.env, &fx.qi, DNS_RCODE_SERVFAIL, false, fx.out,
		n - 1), 0);

	/* the root, a TLD, a sibling of a private zone */
	static const char *const names[] = {
		".", "com", "amazonaws.com", "us-east-2.amazonaws.com", "ec2.us-east-2.amazonaws.com",
		"partner.example.com",
		/* a public zone holds only its names: the rest goes upstream */
		"nothing.us-east-2.vpce.amazonaws.com", "us-east-2.vpce.amazonaws.com",
		"x.vpce-0123456789abcdef0-abcd1234.monitoring.us-east-2.vpce.amazonaws.com",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		q_make(&q, 1, DNS_FLAG_RD, names[i], DNS_TYPE_A, DNS_CLASS_IN);
		if (ask(&q) != QUERY_FORWARD)
			fail_msg("%s was not forwarded", names[i]);
		assert_null(fx.qi.forward_zone);
		assert_int_equal(fx.len, 0);
	}
}

static void
test_chaos(void **state)
{
	struct qbuf q;
	char want[256];
	static const char version[] = PACKAGE_NAME " " PACKAGE_VERSION;
	static const struct {
		const char *name;
		const char *text;
	} cases[] = {
		{ "version.bind", PACKAGE_NAME " " PACKAGE_VERSION },
		{ "VERSION.server", PACKAGE_NAME " " PACKAGE_VERSION },
		{ "id.server", PACKAGE_NAME },
		{ "hostname.bind", PACKAGE_NAME },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		q_make(&q, 0x0c0c, DNS_FLAG_RD, cases[i].name, DNS_TYPE_TXT, DNS_CLASS_CH);
		assert_int_equal(ask(&q), QUERY_SEND);
		check_header(0x0c0c, DNS_FLAG_QR | DNS_FLAG_AA | DNS_FLAG_RD | DNS_FLAG_RA, 1, 1, 0,
			0);
		check_question_echoed(&q);
		size_t tlen = strlen(cases[i].text);
		assert_int_equal(fx.len, q.len + 13 + tlen);
		assert_memory_equal(fx.out + q.len, "\xc0\x0c\x00\x10\x00\x03\x00\x00\x00\x00", 10);
		assert_int_equal(wire_get16(fx.out + q.len + 10), tlen + 1);
		assert_int_equal(fx.out[q.len + 12], tlen);
		assert_memory_equal(fx.out + q.len + 13, cases[i].text, tlen);
	}
	snprintf(want, sizeof(want), "an version.bind. 0 CH TXT \"%s\"\n", version);
	q_make(&q, 1, 0, "version.bind", DNS_TYPE_TXT, DNS_CLASS_CH);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_records(want);
	/* ANY, and with EDNS */
	q_make(&q, 1, 0, "version.bind", DNS_TYPE_ANY, DNS_CLASS_CH);
	q_opt(&q, 1232, 0, 0, 0, NULL, 0);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(1, DNS_FLAG_QR | DNS_FLAG_AA | DNS_FLAG_RA, 1, 1, 0, 1);
	check_records(want);

	/* another type or name: REFUSED with the question */
	q_make(&q, 2, DNS_FLAG_RD, "version.bind", DNS_TYPE_A, DNS_CLASS_CH);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(2, DNS_FLAG_QR | DNS_FLAG_RD | DNS_RCODE_REFUSED, 1, 0, 0, 0);
	assert_int_equal(fx.len, q.len);
	check_question_echoed(&q);
	q_make(&q, 3, 0, "www.example.com", DNS_TYPE_TXT, DNS_CLASS_CH);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(3, DNS_FLAG_QR | DNS_RCODE_REFUSED, 1, 0, 0, 0);
	assert_int_equal(fx.qi.rcode, DNS_RCODE_REFUSED);
	assert_string_equal(fx.qi.why, "CHAOS query");
}

/*
 * A wildcard CNAME built by hand: its pointers depend on the query name's
 * length (relocations), and its A records rotate. The snapshot is made
 * directly from a zonedb, every client in view 1.
 */
static void
test_wildcard_cname_rotation(void **state)
{
	struct zb *b = zb_create();
	struct snapshot s;
	uint8_t apex[DNAME_MAX], owner[DNAME_MAX], target[DNAME_MAX], soa[64];
	const char *why = NULL;

	(void)state;
	assert_non_null(b);
	assert_int_equal(zb_view_add(b, "vpc-1"), 1);
	int al = dname_from_text("example.com", apex, NULL);
	struct zb_zone *z = zb_zone_add(b, 1, apex, (size_t)al, ZONE_LOCAL, "test");
	assert_non_null(z);
	memset(soa, 0, sizeof(soa));
	soa[0] = 0;			/* MNAME . */
	soa[1] = 0;			/* RNAME . */
	wire_put32(soa + 2 + 16, 300);	/* MINIMUM */
	assert_int_equal(zb_zone_set_soa(b, z, 3600, soa, 22, true), 0);
	int ol = dname_from_text("*.w.example.com", owner, NULL);
	int tl = dname_from_text("www.example.com", target, NULL);
	assert_int_equal(zb_rr_add(b, z, owner, (size_t)ol, DNS_TYPE_CNAME, 60, target,
		(uint16_t)tl, &why), 0);
	for (uint8_t i = 1; i <= 3; i++) {
		uint8_t a[4] = { 192, 0, 2, i };
		assert_int_equal(zb_rr_add(b, z, target, (size_t)tl, DNS_TYPE_A, 60, a, 4, &why), 0);
	}
	memset(&s, 0, sizeof(s));
	s.arena = arena_create(0);
	assert_non_null(s.arena);
	assert_int_equal(zb_finish(b, s.arena, &s.db), 0);
	zb_free(b);
	s.default_view = 1;
	s.refs = 1;
	assert_int_equal(query_env_set_snapshot(&fx.env, &s), 0);

	struct qbuf q;
	q_make(&q, 1, 0, "Foo.Bar.W.example.COM", DNS_TYPE_A, DNS_CLASS_IN);
	static const char *const order[3] = { "1", "2", "3" };
	for (int i = 0; i < 4; i++) {
		char want[1024];
		assert_int_equal(ask(&q), QUERY_SEND);
		check_header(1, DNS_FLAG_QR | DNS_FLAG_RA, 1, 4, 0, 0);
		check_question_echoed(&q);
		snprintf(want, sizeof(want),
			"an Foo.Bar.W.example.COM. 60 IN CNAME www.example.COM.\n"
			"an www.example.COM. 60 IN A 192.0.2.%s\n"
			"an www.example.COM. 60 IN A 192.0.2.%s\n"
			"an www.example.COM. 60 IN A 192.0.2.%s\n",
			order[i % 3], order[(i + 1) % 3], order[(i + 2) % 3]);
		check_records(want);
		/* the CNAME's target: "www" and a pointer to the question's "example.COM" */
		assert_memory_equal(fx.out + q.len + 12, "\003www\xc0\x16", 6);
		/* each owner: a pointer to that target, at 12 + 27 + 12 */
		for (int k = 0; k < 3; k++)
			assert_memory_equal(fx.out + q.len + 18 + k * 16, "\xc0\x33", 2);
	}
	/* NXDOMAIN below the zone: the SOA owner in the question's suffix */
	q_make(&q, 2, 0, "x.y.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(2, DNS_FLAG_QR | DNS_FLAG_RA | DNS_RCODE_NXDOMAIN, 1, 0, 1, 0);
	assert_memory_equal(fx.out + q.len, "\xc0\x10\x00\x06\x00\x01\x00\x00\x01\x2c", 10);
	assert_int_equal(query_env_set_snapshot(&fx.env, fx.snap), 0);
	arena_free(s.arena);
}

/* A zone of view 1 in a hand-made builder. */
static struct zb_zone *
hand_zone(struct zb *b, const char *apex, int kind)
{
	uint8_t w[DNAME_MAX];
	int len = dname_from_text(apex, w, NULL);

	assert_true(len > 0);
	struct zb_zone *z = zb_zone_add(b, 1, w, (size_t)len, kind, apex);
	assert_non_null(z);
	return z;
}

/* Resolver rules: FORWARD sends to its targets, SYSTEM below it back to
 * recursion, a private zone below the rule answers. */
static void
test_rules(void **state)
{
	struct zb *b = zb_create();
	struct snapshot s;
	struct fwd_targets targets;
	uint8_t owner[DNAME_MAX], soa[22];
	const char *why = NULL;

	(void)state;
	memset(&targets, 0, sizeof(targets));
	targets.n = 2;
	assert_non_null(b);
	assert_int_equal(zb_view_add(b, "vpc-1"), 1);
	zb_zone_set_targets(hand_zone(b, "corp.example", ZONE_FORWARD), &targets);
	hand_zone(b, "public.corp.example", ZB_SYSTEM);
	struct zb_zone *z = hand_zone(b, "db.corp.example", ZONE_LOCAL);
	memset(soa, 0, sizeof(soa));
	wire_put32(soa + 18, 60);
	assert_int_equal(zb_zone_set_soa(b, z, 60, soa, sizeof(soa), true), 0);
	static const uint8_t addr[4] = { 10, 9, 0, 1 };
	int ol = dname_from_text("pg.db.corp.example", owner, NULL);
	assert_int_equal(zb_rr_add(b, z, owner, (size_t)ol, DNS_TYPE_A, 60, addr, 4, &why), 0);
	memset(&s, 0, sizeof(s));
	s.arena = arena_create(0);
	assert_non_null(s.arena);
	assert_int_equal(zb_finish(b, s.arena, &s.db), 0);
	zb_free(b);
	s.default_view = 1;
	assert_int_equal(query_env_set_snapshot(&fx.env, &s), 0);

	struct qbuf q;
	static const char *const forwarded[] = { "corp.example", "Www.Corp.Example", "a.b.c.corp.example" };
	for (size_t i = 0; i < 3; i++) {
		q_make(&q, 1, DNS_FLAG_RD, forwarded[i], DNS_TYPE_A, DNS_CLASS_IN);
		assert_int_equal(ask(&q), QUERY_FORWARD);
		assert_non_null(fx.qi.forward_zone);
		assert_int_equal(fx.qi.forward_zone->kind, ZONE_FORWARD);
		assert_ptr_equal(fx.qi.forward_zone->targets, &targets);
		assert_string_equal(fx.qi.forward_zone->origin, "corp.example");
	}
	static const char *const recursed[] = { "public.corp.example", "x.public.corp.example",
		"example", "other.example" };
	for (size_t i = 0; i < 4; i++) {
		q_make(&q, 1, DNS_FLAG_RD, recursed[i], DNS_TYPE_A, DNS_CLASS_IN);
		assert_int_equal(ask(&q), QUERY_FORWARD);
		assert_null(fx.qi.forward_zone);
	}
	q_make(&q, 1, DNS_FLAG_RD, "pg.db.corp.example", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_records("an pg.db.corp.example. 60 IN A 10.9.0.1\n");
	q_make(&q, 1, DNS_FLAG_RD, "no.db.corp.example", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(1, DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA | DNS_RCODE_NXDOMAIN, 1, 0, 1, 0);
	assert_int_equal(query_env_set_snapshot(&fx.env, fx.snap), 0);
	arena_free(s.arena);
}

/* ---- bad input: reliability.md §4 ---- */

/* Expect an error reply of exactly a header (and no question). */
static void
check_error_header_only(const uint8_t *pkt, size_t len, uint16_t flags)
{
	assert_int_equal(ask_raw(CLIENT_VPC1, -1, false, pkt, len), QUERY_SEND);
	assert_int_equal(fx.len, DNS_HEADER_SIZE);
	check_header(wire_get16(pkt), flags, 0, 0, 0, 0);
	assert_int_equal(fx.qi.rcode, flags & DNS_RCODE_MASK);
	assert_non_null(fx.qi.why);
}

static void
test_drop(void **state)
{
	uint8_t pkt[64];
	struct qbuf q;

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	for (size_t len = 0; len < DNS_HEADER_SIZE; len++) {
		assert_int_equal(ask_raw(CLIENT_VPC1, -1, false, pkt, len), QUERY_DROP);
		assert_string_equal(fx.qi.why, "shorter than a header");
		assert_int_equal(fx.len, 0);
	}
	/* a response sent as a query */
	q_make(&q, 1, DNS_FLAG_QR | DNS_FLAG_RD, MON, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_DROP);
	assert_string_equal(fx.qi.why, "QR set: a response, not a query");
	assert_int_equal(fx.len, 0);
	/* even a malformed one */
	wire_put16(q.b + 4, 0);
	assert_int_equal(ask(&q), QUERY_DROP);
}

static void
test_opcodes(void **state)
{
	struct qbuf q;
	static const struct {
		unsigned opcode;
		uint16_t rcode;
	} cases[] = {
		{ DNS_OPCODE_IQUERY, DNS_RCODE_NOTIMP }, { DNS_OPCODE_STATUS, DNS_RCODE_NOTIMP },
		{ 3, DNS_RCODE_NOTIMP }, { DNS_OPCODE_UPDATE, DNS_RCODE_NOTIMP },
		{ 6, DNS_RCODE_NOTIMP }, { 15, DNS_RCODE_NOTIMP },
		{ DNS_OPCODE_NOTIFY, DNS_RCODE_REFUSED },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t op = (uint16_t)(cases[i].opcode << 11);
		/* every flag set: only QR, the opcode and the rcode come back */
		q_make(&q, (uint16_t)(0x100 + i), op | DNS_FLAG_AA | DNS_FLAG_TC | DNS_FLAG_RD |
			DNS_FLAG_RA | DNS_FLAG_Z | DNS_FLAG_AD | DNS_FLAG_CD, MON, DNS_TYPE_SOA,
			DNS_CLASS_IN);
		check_error_header_only(q.b, q.len, DNS_FLAG_QR | op | cases[i].rcode);
		/* the same without a question */
		check_error_header_only(q.b, DNS_HEADER_SIZE, DNS_FLAG_QR | op | cases[i].rcode);
	}
	q_make(&q, 9, DNS_OPCODE_NOTIFY << 11, MON, DNS_TYPE_SOA, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	assert_memory_equal(fx.out, "\x00\x09\xa0\x05\x00\x00\x00\x00\x00\x00\x00\x00", 12);
	assert_string_equal(fx.qi.why, "NOTIFY: dnsd is nobody's secondary");
	q_make(&q, 9, 15 << 11, MON, DNS_TYPE_SOA, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	assert_memory_equal(fx.out, "\x00\x09\xf8\x04\x00\x00\x00\x00\x00\x00\x00\x00", 12);
	assert_string_equal(fx.qi.why, "opcode not QUERY");
}

/* One malformed query and the reason dnsd gives. */
struct bad {
	const char *what;
	uint8_t b[600];
	size_t len;
	const char *why;
};

static void
bad_from(struct bad *c, const struct qbuf *q, const char *what, const char *why)
{
	memcpy(c->b, q->b, q->len);
	c->len = q->len;
	c->what = what;
	c->why = why;
}

/* The FORMERR cases of the sanity ladder, each with RD set. */
static size_t
formerr_cases(struct bad *c)
{
	struct qbuf q, base;
	size_t n = 0;
	const uint16_t rd = DNS_FLAG_RD;

	q_make(&base, 0x4545, rd, MON, DNS_TYPE_A, DNS_CLASS_IN);

	q = base;
	wire_put16(q.b + 4, 0);
	q.len = DNS_HEADER_SIZE;
	bad_from(&c[n++], &q, "QDCOUNT=0, header only", "QDCOUNT is not 1");
	q = base;
	wire_put16(q.b + 4, 0);
	bad_from(&c[n++], &q, "QDCOUNT=0 with a question", "QDCOUNT is not 1");
	q = base;
	wire_put16(q.b + 4, 2);
	bad_from(&c[n++], &q, "QDCOUNT=2", "QDCOUNT is not 1");
	q = base;
	q.len = DNS_HEADER_SIZE;
	bad_from(&c[n++], &q, "QDCOUNT=1, no question", "malformed question");
	q = base;
	q.len = DNS_HEADER_SIZE + 5;
	bad_from(&c[n++], &q, "cut mid-label", "malformed question");
	q = base;
	q.len -= 4;
	bad_from(&c[n++], &q, "no QTYPE/QCLASS", "malformed question");
	q = base;
	q.len -= 1;
	bad_from(&c[n++], &q, "QCLASS cut", "malformed question");

	q_make(&q, 0x4545, rd, "x", DNS_TYPE_A, DNS_CLASS_IN);
	q.b[12] = 0x41;
	bad_from(&c[n++], &q, "label type 0x40", "malformed question");
	q.b[12] = 0x81;
	bad_from(&c[n++], &q, "label type 0x80", "malformed question");
	/* a pointer to itself at offset 12 */
	q = base;
	memcpy(q.b + 12, "\xc0\x0c\x00\x01\x00\x01", 6);
	q.len = 18;
	bad_from(&c[n++], &q, "pointer to itself", "malformed question");
	/* a pointer past the end */
	memcpy(q.b + 12, "\001a\xc3\xff\x00\x01\x00\x01", 8);
	q.len = 20;
	bad_from(&c[n++], &q, "pointer past the end", "malformed question");
	/* two pointers pointing at each other */
	memcpy(q.b + 12, "\xc0\x0e\xc0\x0c\x00\x01\x00\x01", 8);
	q.len = 20;
	bad_from(&c[n++], &q, "two-pointer loop", "malformed question");
	/* even a valid backward pointer: the question must be plain labels */
	memcpy(q.b + 12, "\001a\xc0\x0a\x00\x01\x00\x01", 8);
	q.len = 20;
	bad_from(&c[n++], &q, "pointer into the header", "malformed question");

	/* 4 x 63-octet labels: 257 octets */
	memset(&q, 0, sizeof(q));
	wire_put16(q.b, 0x4545);
	wire_put16(q.b + 2, rd);
	wire_put16(q.b + 4, 1);
	q.len = 12;
	for (int i = 0; i < 4; i++) {
		q.b[q.len++] = 63;
		memset(q.b + q.len, 'a', 63);
		q.len += 63;
	}
	q.b[q.len++] = 0;
	memcpy(q.b + q.len, "\x00\x01\x00\x01", 4);
	q.len += 4;
	bad_from(&c[n++], &q, "qname over 255 octets", "malformed question");

	q = base;
	wire_put16(q.b + 2, rd | DNS_RCODE_NXDOMAIN);
	bad_from(&c[n++], &q, "RCODE set", "RCODE set in a query");
	q = base;
	wire_put16(q.b + 6, 1);
	bad_from(&c[n++], &q, "ANCOUNT=1", "answer section in a query");
	q = base;
	wire_put16(q.b + 6, 1);
	q_opt(&q, 1232, 0, 0, 0, NULL, 0);
	wire_put16(q.b + 10, 0);
	bad_from(&c[n++], &q, "OPT in the answer section", "answer section in a query");
	q = base;
	wire_put16(q.b + 8, 1);
	bad_from(&c[n++], &q, "NSCOUNT=1", "authority section in a query");
	q = base;
	wire_put16(q.b + 10, 1);
	bad_from(&c[n++], &q, "ARCOUNT=1, no record", "additional record overruns the message");
	q = base;
	q.b[q.len++] = 0;
	bad_from(&c[n++], &q, "one byte of garbage", "bytes after the last record");
	q = base;
	memset(q.b + q.len, 0x77, 500);
	q.len += 500;
	bad_from(&c[n++], &q, "a long junk tail", "bytes after the last record");
	q = base;
	q_opt(&q, 1232, 0, 0, 0, NULL, 0);
	q.b[q.len++] = 0;
	bad_from(&c[n++], &q, "garbage after the OPT", "bytes after the last record");
	q = base;
	q_opt(&q, 1232, 0, 0, 0, NULL, 0);
	q_opt(&q, 1232, 0, 0, 0, NULL, 0);
	bad_from(&c[n++], &q, "two OPT records", "more than one OPT record (RFC 6891 §6.1.1)");
	q = base;
	memcpy(q.b + q.len, "\001x\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00", 13);
	q.len += 13;
	wire_put16(q.b + 10, 1);
	bad_from(&c[n++], &q, "OPT owner not the root", "OPT owner is not the root (RFC 6891 §6.1.2)");
	q = base;
	q_opt(&q, 1232, 0, 0, 0, NULL, 0);
	wire_put16(q.b + q.len - 2, 4);
	bad_from(&c[n++], &q, "OPT RDLENGTH past the end", "additional record overruns the message");
	q = base;
	q_opt(&q, 1232, 0, 0, 0, "\x00\x0a\x00\x08\x01\x02\x03\x04", 8);
	bad_from(&c[n++], &q, "option overruns the RDATA", "EDNS option overruns the OPT record");
	q = base;
	q_opt(&q, 1232, 0, 0, 0, "\x00\x0a\x00", 3);
	bad_from(&c[n++], &q, "option header cut", "EDNS option overruns the OPT record");

	static const uint16_t meta[] = { DNS_TYPE_OPT, DNS_TYPE_TKEY, DNS_TYPE_TSIG,
		DNS_TYPE_MAILB, DNS_TYPE_MAILA, 128 };
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
		q_make(&q, 0x4545, rd, MON, meta[i], DNS_CLASS_IN);
		bad_from(&c[n++], &q, "meta QTYPE", "meta query type");
	}
	return n;
}

static void
test_formerr(void **state)
{
	static struct bad cases[64];
	size_t n = formerr_cases(cases);

	(void)state;
	assert_true(n > 30);
	for (size_t i = 0; i < n; i++) {
		enum query_action a = ask_raw(CLIENT_VPC1, -1, false, cases[i].b, cases[i].len);
		if (a != QUERY_SEND || fx.len != DNS_HEADER_SIZE)
			fail_msg("%s: action %d, %zu bytes", cases[i].what, (int)a, fx.len);
		/* ID kept, QR, RD kept (NSD bug141), FORMERR, no sections */
		if (memcmp(fx.out, "\x45\x45\x81\x01\x00\x00\x00\x00\x00\x00\x00\x00", 12) != 0)
			fail_msg("%s: header %02x%02x %02x%02x %02x%02x %02x%02x", cases[i].what,
				fx.out[0], fx.out[1], fx.out[2], fx.out[3], fx.out[4], fx.out[5],
				fx.out[6], fx.out[7]);
		if (strcmp(fx.qi.why, cases[i].why) != 0)
			fail_msg("%s: why '%s', expected '%s'", cases[i].what, fx.qi.why,
				cases[i].why);
		assert_int_equal(fx.qi.rcode, DNS_RCODE_FORMERR);
	}
	/* a 4000-byte datagram with a junk tail: FORMERR, nothing read past the end */
	static uint8_t big[4000];
	struct qbuf q;
	q_make(&q, 0x4545, DNS_FLAG_RD, MON, DNS_TYPE_A, DNS_CLASS_IN);
	memset(big, 0xc0, sizeof(big));
	memcpy(big, q.b, q.len);
	assert_int_equal(ask_raw(CLIENT_VPC1, -1, false, big, sizeof(big)), QUERY_SEND);
	assert_int_equal(fx.len, DNS_HEADER_SIZE);
	assert_memory_equal(fx.out, "\x45\x45\x81\x01\x00\x00\x00\x00\x00\x00\x00\x00", 12);
	/* ... and with ARCOUNT saying the junk is records */
	wire_put16(big + 10, 200);
	assert_int_equal(ask_raw(CLIENT_VPC1, -1, false, big, sizeof(big)), QUERY_SEND);
	assert_int_equal(fx.len, DNS_HEADER_SIZE);
	assert_string_equal(fx.qi.why, "additional record overruns the message");

	/* without RD, none comes back */
	q_make(&q, 1, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	wire_put16(q.b + 4, 2);
	check_error_header_only(q.b, q.len, DNS_FLAG_QR | DNS_RCODE_FORMERR);
	/* TC is never echoed */
	wire_put16(q.b + 2, DNS_FLAG_TC | DNS_FLAG_CD | DNS_FLAG_AD);
	check_error_header_only(q.b, q.len, DNS_FLAG_QR | DNS_RCODE_FORMERR);
}

static void
test_refused(void **state)
{
	struct qbuf q;
	static const uint16_t classes[] = { DNS_CLASS_HS, 0, DNS_CLASS_NONE, 2, 1000 };

	(void)state;
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		q_make(&q, 0x5555, DNS_FLAG_RD, MON, DNS_TYPE_A, classes[i]);
		assert_int_equal(ask(&q), QUERY_SEND);
		/* RD copied, as in every reply to a QUERY (RFC 1035 §4.1.1) */
		check_header(0x5555, DNS_FLAG_QR | DNS_FLAG_RD | DNS_RCODE_REFUSED, 1, 0, 0, 0);
		assert_int_equal(fx.len, q.len);
		check_question_echoed(&q);
		assert_string_equal(fx.qi.why, "class not IN");
	}
	/* with EDNS the refusal carries an OPT */
	q_make(&q, 0x5555, 0, MON, DNS_TYPE_A, DNS_CLASS_HS);
	q_opt(&q, 1232, 0, 0, EDNS_FLAG_DO, NULL, 0);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(0x5555, DNS_FLAG_QR | DNS_RCODE_REFUSED, 1, 0, 0, 1);
	assert_int_equal(fx.len, q.len);
	assert_memory_equal(fx.out + fx.len - 11, "\x00\x00\x29\x04\xd0\x00\x00\x80\x00\x00\x00", 11);
	/* zone transfers */
	q_make(&q, 0x5656, 0, MON, DNS_TYPE_AXFR, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(0x5656, DNS_FLAG_QR | DNS_RCODE_REFUSED, 1, 0, 0, 0);
	check_question_echoed(&q);
	assert_string_equal(fx.qi.why, "zone transfer from a resolver");
	q_make(&q, 0x5656, 0, MON, DNS_TYPE_IXFR, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(0x5656, DNS_FLAG_QR | DNS_RCODE_REFUSED, 1, 0, 0, 0);
	/* IXFR with an SOA in the authority section: REFUSED, header only */
	wire_put16(q.b + 8, 1);
	check_error_header_only(q.b, q.len, DNS_FLAG_QR | DNS_RCODE_REFUSED);
}

static void
test_badvers(void **state)
{
	struct qbuf q;
	static const uint8_t cookie[] = { 0x00, 0x0a, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8 };

	(void)state;
	q_make(&q, 0x6666, DNS_FLAG_RD, MON, DNS_TYPE_A, DNS_CLASS_IN);
	q_opt(&q, 4096, 0, 1, EDNS_FLAG_DO, cookie, sizeof(cookie));
	assert_int_equal(ask(&q), QUERY_SEND);
	/* BADVERS = 16: 0 in the header, 1 in the OPT; RD copied (genreport
	 * -R: "nord" otherwise); no AA, no answer, no option echoed, version 0 */
	check_header(0x6666, DNS_FLAG_QR | DNS_FLAG_RD, 1, 0, 0, 1);
	assert_int_equal(fx.len, q.len - 11 - sizeof(cookie) + 11);
	check_question_echoed(&q);
	assert_memory_equal(fx.out + fx.len - 11, "\x00\x00\x29\x04\xd0\x01\x00\x80\x00\x00\x00", 11);
	assert_int_equal(fx.qi.rcode, DNS_RCODE_BADVERS);
	assert_string_equal(fx.qi.why, "EDNS version above 0");
	/* version 255 */
	q_make(&q, 0x6666, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	q_opt(&q, 1232, 0, 255, 0, NULL, 0);
	assert_int_equal(ask(&q), QUERY_SEND);
	check_header(0x6666, DNS_FLAG_QR, 1, 0, 0, 1);
	assert_memory_equal(fx.out + fx.len - 11, "\x00\x00\x29\x04\xd0\x01\x00\x00\x00\x00\x00", 11);
}

static void
test_error_rate_limit(void **state)
{
	struct qbuf bad, good;

	(void)state;
	fx.env.errors.per_second = 2;
	fx.env.now_seconds = 5;
	q_make(&bad, 1, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	wire_put16(bad.b + 4, 2);
	q_make(&good, 2, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&bad), QUERY_SEND);
	assert_int_equal(ask(&good), QUERY_SEND);
	assert_int_equal(ask(&bad), QUERY_SEND);
	/* the third error reply in this second is dropped; answers are not limited */
	assert_int_equal(ask(&bad), QUERY_DROP);
	assert_string_equal(fx.qi.why, "error replies over the rate limit");
	assert_int_equal(fx.qi.rcode, DNS_RCODE_FORMERR);
	assert_int_equal(fx.len, 0);
	assert_int_equal(ask(&good), QUERY_SEND);
	/* every kind of error reply counts */
	q_make(&bad, 3, DNS_OPCODE_STATUS << 11, MON, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask(&bad), QUERY_DROP);
	q_make(&bad, 3, 0, MON, DNS_TYPE_A, DNS_CLASS_HS);
	assert_int_equal(ask(&bad), QUERY_DROP);
	/* a new second, new tokens */
	fx.env.now_seconds = 6;
	assert_int_equal(ask(&bad), QUERY_SEND);
	check_header(3, DNS_FLAG_QR | DNS_RCODE_REFUSED, 1, 0, 0, 0);
	assert_int_equal(ask(&bad), QUERY_SEND);
	assert_int_equal(ask(&bad), QUERY_DROP);
	/* 0: unlimited */
	fx.env.errors.per_second = 0;
	for (int i = 0; i < 100; i++)
		assert_int_equal(ask(&bad), QUERY_SEND);
}

/* One noisy client prefix spends its own error budget, not others'. */
static void
test_error_rate_per_prefix(void **state)
{
	struct qbuf bad;
	static const char *const same_prefix[] = { "10.0.1.50", "10.0.1.51", "10.0.1.255" };
	static const char *const others[] = { "10.0.2.50", "10.0.0.1", "192.0.2.1",
		"::ffff:10.0.3.1", "2001:db8:0:200::1", "2001:db8:1::1" };

	(void)state;
	fx.env.errors.per_second = 3;
	fx.env.now_seconds = 100;
	/* fixed keys: which prefixes share buckets is then the same every run */
	fx.env.errors.keyed = true;
	fx.env.errors.key[0] = 0x0123456789abcdefull;
	fx.env.errors.key[1] = 0xfedcba9876543210ull;
	q_make(&bad, 1, DNS_FLAG_RD, MON, DNS_TYPE_A, DNS_CLASS_IN);
	wire_put16(bad.b + 4, 2);
	/* a /24 shares one budget: three replies between its addresses, then none */
	for (int i = 0; i < 3; i++)
		assert_int_equal(ask_raw(same_prefix[i], -1, false, bad.b, bad.len), QUERY_SEND);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ask_raw(same_prefix[i], -1, false, bad.b, bad.len), QUERY_DROP);
	/* other /24s and /56s still get theirs, in full */
	for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
		for (int i = 0; i < 3; i++)
			assert_int_equal(ask_raw(others[k], -1, false, bad.b, bad.len), QUERY_SEND);
		assert_int_equal(ask_raw(others[k], -1, false, bad.b, bad.len), QUERY_DROP);
	}
	/* a /56 shares one budget */
	assert_int_equal(ask_raw("2001:db8:0:1ff::9", -1, false, bad.b, bad.len), QUERY_SEND);
	assert_int_equal(ask_raw("2001:db8:0:100::1", -1, false, bad.b, bad.len), QUERY_SEND);
	assert_int_equal(ask_raw("2001:db8:0:1aa::", -1, false, bad.b, bad.len), QUERY_SEND);
	assert_int_equal(ask_raw("2001:db8:0:100::2", -1, false, bad.b, bad.len), QUERY_DROP);
	/* 100,000 sources in one second: the table stays its size and each
	 * of the first prefixes above stays limited */
	char addr[64];
	for (unsigned i = 0; i < 100000; i++) {
		snprintf(addr, sizeof(addr), "172.%u.%u.1", 16 + (i >> 16) % 16, (i >> 8) & 255);
		(void)ask_raw(addr, -1, false, bad.b, bad.len);
	}
	assert_int_equal(ask_raw(same_prefix[0], -1, false, bad.b, bad.len), QUERY_DROP);
	/* the next second: a fresh budget for everyone */
	fx.env.now_seconds = 101;
	assert_int_equal(ask_raw(same_prefix[0], -1, false, bad.b, bad.len), QUERY_SEND);
	fx.env.errors.per_second = 0;
}

/* ---- routing policies (Route 53 Developer Guide, "Choosing a routing policy") ---- */

/* The address records of the reply, as text lines "an NAME TTL IN A ADDR". */
static bool
reply_has(const char *line)
{
	char text[8192];
	reply_text(text, sizeof(text));
	return strstr(text, line) != NULL;
}

/* "Weighted routing": 1:3 over 4000 queries, the weight-0 set never; a
 * chi-square test (1 degree of freedom, p = 0.001: 10.83). */
static void
test_policy_weighted(void **state)
{
	static struct qbuf q;
	unsigned one = 0, three = 0, off = 0;
	(void)state;
	fx.env.rng = 0x0123456789abcdefull;
	q_make(&q, 7, 0, "w.corp.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	for (unsigned i = 0; i < 4000; i++) {
		assert_int_equal(ask(&q), QUERY_SEND);
		assert_int_equal(wire_get16(fx.out + 6), 1);
		one += reply_has("IN A 10.9.0.1\n");
		three += reply_has("IN A 10.9.0.3\n");
		off += reply_has("10.9.0.99");
	}
	assert_int_equal(one + three, 4000);
	assert_int_equal(off, 0);
	double e1 = 1000, e3 = 3000;
	double chi2 = (one - e1) * (one - e1) / e1 + (three - e3) * (three - e3) / e3;
	if (chi2 > 10.83)
		fail_msg("weights 1:3 gave %u:%u (chi-square %.2f)", one, three, chi2);
}

/* "Multivalue answer routing": up to eight of the twelve sets, chosen
 * at random per query; each set as often as the others. */
static void
test_policy_multivalue(void **state)
{
	static struct qbuf q;
	unsigned seen[13] = { 0 };
	(void)state;
	q_make(&q, 8, 0, "m.corp.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	for (unsigned i = 0; i < 1200; i++) {
		assert_int_equal(ask(&q), QUERY_SEND);
		assert_int_equal(wire_get16(fx.out + 6), 8);
		unsigned here = 0;
		for (unsigned k = 1; k <= 12; k++) {
			char line[64];
			snprintf(line, sizeof(line), "IN A 10.7.0.%u\n", k);
			if (reply_has(line)) {
				seen[k]++;
				here++;
			}
		}
		assert_int_equal(here, 8);
	}
	/* 1200 × 8 / 12 = 800 each */
	for (unsigned k = 1; k <= 12; k++)
		if (seen[k] < 600 || seen[k] > 1000)
			fail_msg("set %u answered %u times of 1200 (800 expected)", k, seen[k]);
}

/* "IP-based routing": the client address's CIDR location, else the
 * default location "*". */
static void
test_policy_cidr(void **state)
{
	static struct qbuf q;
	(void)state;
	q_make(&q, 9, 0, "i.corp.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(ask_raw("10.0.1.50", -1, false, q.b, q.len), QUERY_SEND);
	assert_true(reply_has("IN A 10.8.0.1\n"));
	assert_int_equal(ask_raw("10.0.2.7", -1, true, q.b, q.len), QUERY_SEND);
	assert_true(reply_has("IN A 10.8.0.2\n"));
	/* on a listener bound to the VPC, by its address too */
	assert_int_equal(ask_raw("127.0.0.1", 1, false, q.b, q.len), QUERY_SEND);
	assert_true(reply_has("IN A 10.8.0.2\n"));
	q_make(&q, 10, 0, "i.corp.example.com", DNS_TYPE_AAAA, DNS_CLASS_IN);
	assert_int_equal(ask_raw("10.0.1.50", -1, false, q.b, q.len), QUERY_SEND);
	assert_int_equal(wire_get16(fx.out + 6), 0);
	assert_int_equal(wire_get16(fx.out + 8), 1);
}

/* Weighted CNAMEs: each alternative follows its own chain (into the
 * weighted A records, or to the endpoint's private name). */
static void
test_policy_cname(void **state)
{
	static struct qbuf q;
	unsigned to_w = 0, to_mon = 0;
	(void)state;
	q_make(&q, 11, 0, "c.corp.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	for (unsigned i = 0; i < 400; i++) {
		assert_int_equal(ask(&q), QUERY_SEND);
		if (reply_has("an c.corp.example.com. 60 IN CNAME w.corp.example.com.\n"))
			to_w += reply_has("an w.corp.example.com. 60 IN A 10.9.0.");
		if (reply_has("an c.corp.example.com. 60 IN CNAME " MON ".\n"))
			to_mon += reply_has("an " MON ". 60 IN A 10.0.");
	}
	assert_int_equal(to_w + to_mon, 400);
	assert_true(to_w > 140 && to_mon > 140);
	q_make(&q, 12, 0, "c.corp.example.com", DNS_TYPE_CNAME, DNS_CLASS_IN);
	assert_int_equal(ask(&q), QUERY_SEND);
	assert_int_equal(wire_get16(fx.out + 6), 1);
}

/* ---- no allocation on the answer path ---- */

static void
test_no_allocations(void **state)
{
	static struct qbuf qs[32];
	static struct bad formerr[64];
	size_t n = 0;

	(void)state;
	q_make(&qs[n++], 1, DNS_FLAG_RD, MON, DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n++], 2, 0, "MONITORING.us-east-2.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n++], 3, 0, "nope." MON, DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n++], 4, 0, MON, DNS_TYPE_AAAA, DNS_CLASS_IN);
	q_make(&qs[n++], 5, 0, "abc.execute-api.us-east-2.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n++], 6, 0, "api.partner.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n++], 7, 0, "api.partner.example.com", DNS_TYPE_AAAA, DNS_CLASS_IN);
	q_make(&qs[n++], 8, 0, "www.example.org", DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n++], 9, 0, "logs.us-east-2.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n], 10, 0, "logs.us-east-2.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	q_opt(&qs[n++], 1232, 0, 0, EDNS_FLAG_DO, NULL, 0);
	q_make(&qs[n], 11, 0, MON, DNS_TYPE_A, DNS_CLASS_IN);
	q_opt(&qs[n++], 1232, 0, 1, 0, NULL, 0);
	q_make(&qs[n++], 12, 0, "version.bind", DNS_TYPE_TXT, DNS_CLASS_CH);
	q_make(&qs[n++], 13, DNS_OPCODE_UPDATE << 11, MON, DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n++], 14, 0, MON, DNS_TYPE_ANY, DNS_CLASS_IN);
	q_make(&qs[n++], 15, 0, "nothing.us-east-2.vpce.amazonaws.com", DNS_TYPE_A, DNS_CLASS_IN);
	/* EC2 names: a resource name and a public name (records), an IP name and
	 * its reverse (made up per query), another public name (forwarded) */
	q_make(&qs[n++], 16, 0, "i-0123456789abcdef0.us-east-2.compute.internal", DNS_TYPE_A,
		DNS_CLASS_IN);
	q_make(&qs[n++], 17, 0, "ec2-203-0-113-77.us-east-2.compute.amazonaws.com", DNS_TYPE_A,
		DNS_CLASS_IN);
	q_make(&qs[n++], 18, 0, "ip-10-9-8-7.us-east-2.compute.internal", DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n++], 19, 0, "7.8.9.10.in-addr.arpa", DNS_TYPE_PTR, DNS_CLASS_IN);
	q_make(&qs[n++], 20, 0, "ec2-203-0-113-78.us-east-2.compute.amazonaws.com", DNS_TYPE_A,
		DNS_CLASS_IN);
	/* routing policies: weighted, multivalue, IP-based, weighted CNAMEs */
	q_make(&qs[n++], 21, 0, "w.corp.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n++], 22, 0, "m.corp.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n++], 23, 0, "i.corp.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&qs[n++], 24, 0, "c.corp.example.com", DNS_TYPE_A, DNS_CLASS_IN);
	size_t nf = formerr_cases(formerr);

	static const enum query_action want[] = {
		QUERY_SEND, QUERY_SEND, QUERY_SEND, QUERY_SEND, QUERY_SEND, QUERY_SEND, QUERY_SEND,
		QUERY_FORWARD, QUERY_SEND, QUERY_SEND, QUERY_SEND, QUERY_SEND, QUERY_SEND,
		QUERY_SEND, QUERY_FORWARD, QUERY_SEND, QUERY_SEND, QUERY_SEND, QUERY_SEND,
		QUERY_FORWARD, QUERY_SEND, QUERY_SEND, QUERY_SEND, QUERY_SEND,
	};
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	unsigned long before = n_allocs;
	unsigned sent = 0, forwarded = 0, wrong = 0;
	for (unsigned i = 0; i < 1000; i++) {
		enum query_action a, w;
		if (i % 3 == 2) {
			const struct bad *b = &formerr[i % nf];
			a = ask_raw(CLIENT_VPC1, -1, false, b->b, b->len);
			w = QUERY_SEND;
		} else {
			const struct qbuf *q = &qs[i % n];
			a = ask_raw(i % 2 ? CLIENT_VPC1 : CLIENT_OUTSIDE, i % 2 ? -1 : 1, i % 7 == 0,
				q->b, q->len);
			w = want[i % n];
		}
		wrong += a != w;
		sent += a == QUERY_SEND;
		forwarded += a == QUERY_FORWARD;
	}
	/* a VPC with enableDnsSupport off: every query dropped (VPC User Guide,
	 * "DNS attributes for your VPC"), malformed ones too */
	for (unsigned i = 0; i < 300; i++) {
		const struct qbuf *q = &qs[i % n];
		wrong += ask_raw(CLIENT_SILENT, -1, false, q->b, q->len) != QUERY_DROP;
		wrong += ask_raw(CLIENT_SILENT, -1, false, formerr[i % nf].b, formerr[i % nf].len) !=
			QUERY_DROP;
	}
	/* DNS Firewall queries (the second VPC has a rule group): blocked, and
	 * inspected without a match */
	static struct qbuf fwq[3];
	q_make(&fwq[0], 21, 0, "blocked.example.net", DNS_TYPE_A, DNS_CLASS_IN);
	q_make(&fwq[1], 22, 0, "a.b.EVIL.example", DNS_TYPE_AAAA, DNS_CLASS_IN);
	q_make(&fwq[2], 23, 0, "www.example.org", DNS_TYPE_A, DNS_CLASS_IN);
	for (unsigned i = 0; i < 300; i++) {
		enum query_action a = ask_raw(CLIENT_VPC2, -1, false, fwq[i % 3].b, fwq[i % 3].len);
		wrong += a != (i % 3 == 2 ? QUERY_FORWARD : QUERY_SEND);
		wrong += i % 3 != 2 && (wire_get16(fx.out + 2) & DNS_RCODE_MASK) != DNS_RCODE_NXDOMAIN;
		wrong += fx.qi.fw_state != (i % 3 == 2 ? QUERY_FW_NO_MATCH : QUERY_FW_MATCH);
	}
	unsigned long allocs = n_allocs - before;
	assert_int_equal(allocs, 0);
	assert_int_equal(wrong, 0);
	assert_int_equal(sent + forwarded, 1000);
	assert_true(forwarded > 0);
	/* the counter does see allocations */
	void *volatile p = malloc(16);
	assert_int_equal(n_allocs - before, 1);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_snapshot_loaded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answer_a, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation_per_worker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_preserved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nxdomain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodata, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wildcard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cname, setup, teardown),
		cmocka_unit_test_setup_teardown(test_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chaos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wildcard_cname_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_opcodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_formerr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_badvers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_rate_per_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_weighted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_multivalue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_cidr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_cname, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_allocations, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
