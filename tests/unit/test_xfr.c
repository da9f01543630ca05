/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_xfr.c - zone transfers on real snapshots: views by key, serials across loads, AXFR and IXFR messages, errors. */
#include "config.h"
#include "diag.h"
#include "query.h"
#include "snapshot.h"
#include "tsig.h"
#include "wire.h"
#include "xfr.h"
#include "xfr_config.h"
#include "xfr_journal.h"
#include "xfr_out.h"
#include "xfr_rr.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* secret bytes 0..31 */
#define SECRET "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

#define WORLD_HEAD \
	"Vpcs:\n" \
	"  - VpcId: vpc-1\n" \
	"    CidrBlock: 10.0.0.0/16\n" \
	"    EnableDnsHostnames: true\n" \
	"    Subnets: [{SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}]\n" \
	"    VpcEndpoints:\n" \
	"      - VpcEndpointId: vpce-099deb00b40f00e22\n" \
	"        ServiceName: com.amazonaws.us-east-2.sqs\n" \
	"        NetworkInterfaces: [{SubnetId: subnet-a, PrivateIpAddress: 10.0.1.42}]\n" \
	"  - VpcId: vpc-2\n" \
	"    CidrBlock: 10.1.0.0/16\n" \
	"    EnableDnsHostnames: true\n" \
	"    Subnets: [{SubnetId: subnet-b, AvailabilityZone: us-east-2a, CidrBlock: 10.1.1.0/24}]\n" \
	"    VpcEndpoints:\n" \
	"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaaa\n" \
	"        ServiceName: com.amazonaws.us-east-2.kms\n" \
	"        NetworkInterfaces: [{SubnetId: subnet-b, PrivateIpAddress: 10.1.1.42}]\n" \
	"HostedZones:\n" \
	"  - Name: corp.internal.\n" \
	"    VPCIds: [vpc-1]\n" \
	"    ResourceRecordSets:\n" \
	"      - {Name: db.corp.internal., Type: CNAME, TTL: 120, ResourceRecords: [{Value: www.corp.internal.}]}\n"

#define SECONDARIES \
	"Dnsd:\n" \
	"  Secondaries:\n" \
	"    - {Key: k1., Secret: '" SECRET "', View: vpc-1}\n" \
	"    - {Key: k0., Secret: '" SECRET "', View: public, Catalog: cat0.invalid.}\n" \
	"    - {Key: k9., Secret: '" SECRET "', View: vpc-1, AllowTransfer: [192.0.2.0/24]}\n"

/* the world with www.corp.internal at an address */
static char *
world(const char *www, const char *extra)
{
	char *w = NULL;
	assert_true(asprintf(&w, "%s"
		"      - {Name: www.corp.internal., Type: A, TTL: 300, ResourceRecords: [{Value: %s}]}\n"
		"%s%s%s", WORLD_HEAD, www, SECONDARIES, extra ? "---\n" : "", extra ? extra : "") > 0);
	return w;
}

static struct snapshot *
load(const char *text, const struct snapshot *prev)
{
	struct diag d;
	diag_init(&d, stderr);
	struct snapshot_config cfg = { .previous = prev };
	struct snapshot *s = snapshot_load_buffer_cfg("world.yaml", text, strlen(text), &cfg, &d);
	assert_non_null(s);
	return s;
}

static size_t
wire_of(const char *text, uint8_t *out)
{
	int n = dname_from_text(text, out, NULL);
	assert_true(n > 0);
	return (size_t)n;
}

static const struct xfr_key *
key(const struct snapshot *s, const char *name)
{
	uint8_t w[DNAME_MAX];
	size_t n = wire_of(name, w);
	const struct xfr_key *k = xfr_key_find(s->xfr, w, n);
	assert_non_null(k);
	return k;
}

static const struct xfr_zone *
zone(const struct snapshot *s, const char *key_name, const char *apex)
{
	uint8_t w[DNAME_MAX];
	size_t n = wire_of(apex, w);
	return xfr_zone_find(s->xfr, key(s, key_name), w, n);
}

static void
test_key_of(struct tsig_key *k, const char *name)
{
	memset(k, 0, sizeof(*k));
	k->name_len = (uint8_t)wire_of(name, k->name);
	k->alg = TSIG_HMAC_SHA256;
	for (int i = 0; i < 32; i++)
		k->secret[i] = (uint8_t)i;
	k->secret_len = 32;
}

/* A query signed with key name (secret 0..31, or bad_secret). */
static size_t
signed_query(const char *qname, uint16_t qtype, const char *key_name, bool bad_secret,
	uint64_t time_signed, int64_t ixfr_serial, uint8_t *out)
{
	struct tsig_key k;
	uint8_t mac[TSIG_MAX_MAC];
	size_t mac_len;
	test_key_of(&k, key_name);
	k.secret[3] ^= bad_secret;
	memset(out, 0, DNS_HEADER_SIZE);
	wire_put16(out, 0x7777);
	wire_put16(out + 4, 1);
	size_t len = DNS_HEADER_SIZE + wire_of(qname, out + DNS_HEADER_SIZE);
	wire_put16(out + len, qtype);
	wire_put16(out + len + 2, DNS_CLASS_IN);
	len += 4;
	if (ixfr_serial >= 0) {
		static const uint8_t soa[] = { 0xc0, 0x0c, 0, 6, 0, 1, 0, 0, 0, 0, 0, 22,
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
		memcpy(out + len, soa, sizeof(soa));
		wire_put32(out + len + 14, (uint32_t)ixfr_serial);
		len += sizeof(soa);
		wire_put16(out + 8, 1);
	}
	return tsig_sign_request(&k, out, len, 4096, time_signed, mac, &mac_len);
}

struct reply {
	enum query_action act;
	uint8_t msg[65536];
	size_t len;
	struct query_info qi;
};

static void
ask(struct snapshot *s, const uint8_t *q, size_t qlen, bool tcp, const char *from,
	struct reply *a)
{
	struct query_env env;
	struct netaddr addr;
	memset(&env, 0, sizeof(env));
	assert_int_equal(query_env_set_snapshot(&env, s), 0);
	env.max_udp = 1232;
	assert_true(netaddr_parse(from, &addr));
	struct query_client c = { &addr, -1, tcp };
	a->act = query_answer(&env, &c, q, qlen, a->msg, tcp ? 65535 : 1232, &a->len, &a->qi);
	query_env_fini(&env);
}

/* The records of a whole transfer, as the messages carry them. */
struct transfer {
	unsigned messages, records, soas;
	uint16_t types[8192];
	uint32_t first_serial, last_serial;
	size_t largest;
	bool names_seen[4];
};

static void
run_stream(struct snapshot *s, const uint8_t *q, size_t qlen, const struct query_info *qi,
	struct transfer *t)
{
	static uint8_t out[65536];
	struct netaddr addr;
	assert_true(netaddr_parse("127.0.0.1", &addr));
	memset(t, 0, sizeof(*t));
	struct xfr_stream *st = xfr_stream_create(s, q, qlen, qi, &addr);
	assert_non_null(st);
	size_t n;
	while ((n = xfr_stream_next(st, out, sizeof(out))) > 0) {
		assert_true(n <= 65535);
		if (n > t->largest)
			t->largest = n;
		assert_int_equal(wire_get16(out), 0x7777);
		assert_true(wire_flags(out) & DNS_FLAG_AA);
		size_t pos = DNS_HEADER_SIZE;
		for (unsigned i = 0; i < wire_get16(out + 4); i++) {
			assert_true(wire_skip_name(out, n, &pos));
			pos += 4;
		}
		unsigned an = wire_get16(out + 6);
		for (unsigned i = 0; i < an; i++) {
			struct wire_rr rr;
			assert_true(wire_parse_rr(out, n, &pos, &rr));
			if (t->records < 8192)
				t->types[t->records] = rr.type;
			if (rr.type == DNS_TYPE_SOA) {
				uint32_t serial = wire_get32(out + rr.end - 20);
				if (!t->soas++)
					t->first_serial = serial;
				t->last_serial = serial;
			}
			t->records++;
		}
		/* every message ends with its TSIG */
		assert_int_equal(wire_get16(out + 10), 1);
		struct tsig_rr tr;
		assert_true(tsig_parse(out, n, pos, &tr));
		assert_int_equal(tr.mac_len, 32);
		t->messages++;
	}
	assert_true(xfr_stream_ok(st));
	xfr_stream_free(st);
}

/* ---- tests ---- */

static void
test_off_costs_nothing(void **state)
{
	(void)state;
	static const char w[] = WORLD_HEAD;
	struct snapshot *s = load(w, NULL);
	assert_null(s->xfr);
	snapshot_free(s);
}

static void
test_views_by_key(void **state)
{
	(void)state;
	char *w = world("10.0.1.200", NULL);
	struct snapshot *s = load(w, NULL);
	assert_non_null(s->xfr);
	/* vpc-1's key: its own zones and the public endpoint names */
	assert_non_null(zone(s, "k1.", "corp.internal."));
	assert_non_null(zone(s, "k1.", "sqs.us-east-2.amazonaws.com."));
	assert_non_null(zone(s, "k1.", "localhost."));
	assert_non_null(zone(s, "k1.", "us-east-2.vpce.amazonaws.com."));
	/* not vpc-2's; not names, only apexes; EC2 names are made per query */
	assert_null(zone(s, "k1.", "kms.us-east-2.amazonaws.com."));
	assert_null(zone(s, "k1.", "www.corp.internal."));
	assert_null(zone(s, "k1.", "us-east-2.compute.internal."));
	/* the public key: public zones only */
	assert_non_null(zone(s, "k0.", "us-east-2.vpce.amazonaws.com."));
	assert_null(zone(s, "k0.", "corp.internal."));
	/* catalogs (RFC 9432): the default name and a chosen one */
	const struct xfr_zone *cat = zone(s, "k1.", "catalog.invalid.");
	assert_non_null(cat);
	assert_int_equal(cat->kind, XFR_KIND_CATALOG);
	const struct xfr_view *v = &s->xfr->views[key(s, "k1.")->view];
	assert_int_equal(cat->n_members, v->n_zones);
	assert_non_null(zone(s, "k0.", "cat0.invalid."));
	assert_null(zone(s, "k0.", "catalog.invalid."));
	/* the public zone is the same object in both views: one serial */
	assert_ptr_equal(zone(s, "k1.", "us-east-2.vpce.amazonaws.com."),
		zone(s, "k0.", "us-east-2.vpce.amazonaws.com."));
	snapshot_free(s);
	free(w);
}

static void
test_serials_across_loads(void **state)
{
	(void)state;
	char *w1 = world("10.0.1.200", NULL), *w2 = world("10.0.1.201", NULL);
	uint32_t now = (uint32_t)time(NULL);
	struct snapshot *a = load(w1, NULL);
	uint32_t corp = zone(a, "k1.", "corp.internal.")->serial;
	uint32_t sqs = zone(a, "k1.", "sqs.us-east-2.amazonaws.com.")->serial;
	assert_true(corp >= now && corp <= now + 5);	/* the time of the load */
	assert_true(zone(a, "k1.", "corp.internal.")->changed);
	/* the same definitions again: every serial stays, nothing to notify */
	struct snapshot *b = load(w1, a);
	assert_int_equal(zone(b, "k1.", "corp.internal.")->serial, corp);
	assert_int_equal(b->xfr->n_changed, 0);
	/* one address changed: its zone's serial grows, the others stay */
	struct snapshot *c = load(w2, b);
	const struct xfr_zone *z = zone(c, "k1.", "corp.internal.");
	assert_true(xfr_serial_gt(z->serial, corp));
	assert_true(z->changed);
	assert_int_equal(zone(c, "k1.", "sqs.us-east-2.amazonaws.com.")->serial, sqs);
	assert_false(zone(c, "k1.", "sqs.us-east-2.amazonaws.com.")->changed);
	assert_int_equal(xfr_journal_versions(z->journal), 2);
	assert_int_equal(xfr_journal_version(z->journal, corp), 0);
	assert_int_equal(xfr_journal_version(z->journal, z->serial), -1);	/* the newest */
	/* and back: a third version; from the first, the difference is nothing */
	struct snapshot *d = load(w1, c);
	const struct xfr_zone *z3 = zone(d, "k1.", "corp.internal.");
	assert_true(xfr_serial_gt(z3->serial, z->serial));
	assert_int_equal(xfr_journal_versions(z3->journal), 3);
	struct xfr_rr rr;
	uint32_t pos = 0;
	assert_false(xfr_journal_each(z3->journal, 0, false, &pos, &rr));
	pos = 0;
	assert_false(xfr_journal_each(z3->journal, 0, true, &pos, &rr));
	pos = 0;	/* from the second: .201 goes, .200 comes */
	assert_true(xfr_journal_each(z3->journal, 1, false, &pos, &rr));
	assert_int_equal(rr.type, DNS_TYPE_A);
	assert_memory_equal(rr.rdata, "\x0a\x00\x01\xc9", 4);
	assert_false(xfr_journal_each(z3->journal, 1, false, &pos, &rr));
	pos = 0;
	assert_true(xfr_journal_each(z3->journal, 1, true, &pos, &rr));
	assert_memory_equal(rr.rdata, "\x0a\x00\x01\xc8", 4);
	snapshot_free(a);
	snapshot_free(b);
	snapshot_free(c);
	snapshot_free(d);
	free(w1);
	free(w2);
}

/* Answers carry the serial transfers carry: SOA, NXDOMAIN, NODATA. */
static void
test_serial_in_answers(void **state)
{
	(void)state;
	char *w = world("10.0.1.200", NULL);
	struct snapshot *s = load(w, NULL);
	uint32_t serial = zone(s, "k1.", "corp.internal.")->serial;
	static const struct { const char *name; uint16_t type; unsigned an, ns; } q[] = {
		{ "corp.internal.", DNS_TYPE_SOA, 1, 0 },
		{ "nosuch.corp.internal.", DNS_TYPE_A, 0, 1 },
		{ "www.corp.internal.", DNS_TYPE_AAAA, 0, 1 },
	};
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		uint8_t pkt[512];
		struct reply *a = malloc(sizeof(*a));
		memset(pkt, 0, DNS_HEADER_SIZE);
		wire_put16(pkt + 4, 1);
		size_t len = DNS_HEADER_SIZE + wire_of(q[i].name, pkt + DNS_HEADER_SIZE);
		wire_put16(pkt + len, q[i].type);
		wire_put16(pkt + len + 2, DNS_CLASS_IN);
		ask(s, pkt, len + 4, false, "10.0.1.5", a);
		assert_int_equal(a->act, QUERY_SEND);
		assert_int_equal(wire_get16(a->msg + 6), q[i].an);
		assert_int_equal(wire_get16(a->msg + 8), q[i].ns);
		/* the SOA is the last record: its serial 20 bytes from the end */
		assert_int_equal(wire_get32(a->msg + a->len - 20), serial);
		free(a);
	}
	snapshot_free(s);
	free(w);
}

static void
test_axfr_and_ixfr_streams(void **state)
{
	(void)state;
	char *w1 = world("10.0.1.200", NULL), *w2 = world("10.0.1.201", NULL);
	struct snapshot *a = load(w1, NULL);
	struct snapshot *b = load(w2, a);
	uint32_t old = zone(a, "k1.", "corp.internal.")->serial;
	uint32_t now = zone(b, "k1.", "corp.internal.")->serial;
	uint8_t q[4096];
	struct reply *ans = malloc(sizeof(*ans));
	struct transfer *t = malloc(sizeof(*t));

	/* AXFR: SOA, NS, www A, db CNAME, SOA */
	size_t qlen = signed_query("corp.internal.", DNS_TYPE_AXFR, "k1.", false,
		(uint64_t)time(NULL), -1, q);
	ask(b, q, qlen, true, "127.0.0.1", ans);
	assert_int_equal(ans->act, QUERY_XFR);
	run_stream(b, q, qlen, &ans->qi, t);
	assert_int_equal(t->messages, 1);
	assert_int_equal(t->soas, 2);
	assert_int_equal(t->types[0], DNS_TYPE_SOA);
	assert_int_equal(t->types[t->records - 1], DNS_TYPE_SOA);
	assert_int_equal(t->first_serial, now);
	assert_int_equal(t->records, 2 + 4 + 1 + 1);	/* SOAs, 4 NS, A, CNAME */

	/* IXFR from the old serial: SOA new, SOA old, the old A, SOA new, the new A, SOA new */
	qlen = signed_query("corp.internal.", DNS_TYPE_IXFR, "k1.", false, (uint64_t)time(NULL),
		old, q);
	ask(b, q, qlen, true, "127.0.0.1", ans);
	assert_int_equal(ans->act, QUERY_XFR);
	run_stream(b, q, qlen, &ans->qi, t);
	assert_int_equal(t->records, 6);
	static const uint16_t ixfr[] = { DNS_TYPE_SOA, DNS_TYPE_SOA, DNS_TYPE_A, DNS_TYPE_SOA,
		DNS_TYPE_A, DNS_TYPE_SOA };
	assert_memory_equal(t->types, ixfr, sizeof(ixfr));

	/* IXFR from the current serial: one SOA */
	qlen = signed_query("corp.internal.", DNS_TYPE_IXFR, "k1.", false, (uint64_t)time(NULL),
		now, q);
	ask(b, q, qlen, true, "127.0.0.1", ans);
	run_stream(b, q, qlen, &ans->qi, t);
	assert_int_equal(t->records, 1);

	/* IXFR from a serial the journal does not have: the whole zone */
	qlen = signed_query("corp.internal.", DNS_TYPE_IXFR, "k1.", false, (uint64_t)time(NULL),
		old - 1000, q);
	ask(b, q, qlen, true, "127.0.0.1", ans);
	run_stream(b, q, qlen, &ans->qi, t);
	assert_int_equal(t->records, 8);

	/* the catalog: SOA, NS, version, one PTR per member, SOA */
	qlen = signed_query("catalog.invalid.", DNS_TYPE_AXFR, "k1.", false, (uint64_t)time(NULL),
		-1, q);
	ask(b, q, qlen, true, "127.0.0.1", ans);
	assert_int_equal(ans->act, QUERY_XFR);
	run_stream(b, q, qlen, &ans->qi, t);
	assert_int_equal(t->records, 4 + zone(b, "k1.", "catalog.invalid.")->n_members);
	assert_int_equal(t->types[1], DNS_TYPE_NS);
	assert_int_equal(t->types[2], DNS_TYPE_TXT);
	assert_int_equal(t->types[3], DNS_TYPE_PTR);
	free(ans);
	free(t);
	snapshot_free(a);
	snapshot_free(b);
	free(w1);
	free(w2);
}

/* A zone of 6,000 names: many messages, each within 64 KiB and signed. */
static void
test_large_zone_messages(void **state)
{
	(void)state;
	size_t cap = 1 << 20, len = 0;
	char *extra = malloc(cap);
	len += (size_t)snprintf(extra + len, cap - len, "HostedZones:\n  - Name: big.internal.\n"
		"    VPCIds: [vpc-1]\n    ResourceRecordSets:\n");
	for (int i = 0; i < 6000; i++)
		len += (size_t)snprintf(extra + len, cap - len, "      - {Name: host%d.big.internal., "
			"Type: A, TTL: 60, ResourceRecords: [{Value: 10.0.%d.%d}]}\n", i, i / 250,
			i % 250);
	char *w = world("10.0.1.200", extra);
	struct snapshot *s = load(w, NULL);
	uint8_t q[4096];
	struct reply *ans = malloc(sizeof(*ans));
	struct transfer *t = malloc(sizeof(*t));
	size_t qlen = signed_query("big.internal.", DNS_TYPE_AXFR, "k1.", false,
		(uint64_t)time(NULL), -1, q);
	ask(s, q, qlen, true, "127.0.0.1", ans);
	assert_int_equal(ans->act, QUERY_XFR);
	run_stream(s, q, qlen, &ans->qi, t);
	assert_int_equal(t->records, 6000 + 4 + 2);
	assert_true(t->messages >= 2);
	assert_true(t->largest <= 65535);
	free(ans);
	free(t);
	snapshot_free(s);
	free(w);
	free(extra);
}

static void
expect_rcode(struct snapshot *s, const uint8_t *q, size_t len, bool tcp, const char *from,
	uint8_t rcode, int tsig_error, bool mac)
{
	struct reply *a = malloc(sizeof(*a));
	ask(s, q, len, tcp, from, a);
	assert_int_equal(a->act, QUERY_SEND);
	assert_int_equal(wire_flags(a->msg) & DNS_RCODE_MASK, rcode);
	if (tsig_error >= 0) {
		/* the TSIG is the last record */
		size_t pos = DNS_HEADER_SIZE + a->qi.question_len, at = pos;
		unsigned n = wire_get16(a->msg + 6) + wire_get16(a->msg + 8) + wire_get16(a->msg + 10);
		for (unsigned i = 0; i < n; i++) {
			struct wire_rr rr;
			at = pos;
			assert_true(wire_parse_rr(a->msg, a->len, &pos, &rr));
		}
		struct tsig_rr t;
		assert_true(tsig_parse(a->msg, a->len, at, &t));
		assert_int_equal(t.error, tsig_error);
		assert_int_equal(t.mac_len != 0, mac);
	}
	free(a);
}

static void
test_refusals(void **state)
{
	(void)state;
	char *w = world("10.0.1.200", NULL);
	struct snapshot *s = load(w, NULL);
	uint64_t now = (uint64_t)time(NULL);
	uint8_t q[4096];
	size_t n;
	/* wrong secret: NOTAUTH, BADSIG, unsigned */
	n = signed_query("corp.internal.", DNS_TYPE_AXFR, "k1.", true, now, -1, q);
	expect_rcode(s, q, n, true, "127.0.0.1", DNS_RCODE_NOTAUTH, TSIG_BADSIG, false);
	/* a key dnsd does not have: BADKEY, as before transfers existed */
	n = signed_query("corp.internal.", DNS_TYPE_AXFR, "nokey.", false, now, -1, q);
	expect_rcode(s, q, n, true, "127.0.0.1", DNS_RCODE_NOTAUTH, TSIG_BADKEY, false);
	/* the clock ten minutes off: BADTIME, signed */
	n = signed_query("corp.internal.", DNS_TYPE_AXFR, "k1.", false, now - 600, -1, q);
	expect_rcode(s, q, n, true, "127.0.0.1", DNS_RCODE_NOTAUTH, TSIG_BADTIME, true);
	/* a zone outside the key's view: NOTAUTH, signed */
	n = signed_query("kms.us-east-2.amazonaws.com.", DNS_TYPE_AXFR, "k1.", false, now, -1, q);
	expect_rcode(s, q, n, true, "127.0.0.1", DNS_RCODE_NOTAUTH, 0, true);
	n = signed_query("corp.internal.", DNS_TYPE_AXFR, "k0.", false, now, -1, q);
	expect_rcode(s, q, n, true, "127.0.0.1", DNS_RCODE_NOTAUTH, 0, true);
	/* AXFR over UDP: REFUSED; IXFR over UDP: the SOA (RFC 1995 §2) */
	n = signed_query("corp.internal.", DNS_TYPE_AXFR, "k1.", false, now, -1, q);
	expect_rcode(s, q, n, false, "127.0.0.1", DNS_RCODE_REFUSED, 0, true);
	n = signed_query("corp.internal.", DNS_TYPE_IXFR, "k1.", false, now, 1, q);
	expect_rcode(s, q, n, false, "127.0.0.1", DNS_RCODE_NOERROR, 0, true);
	/* a signed query of another type: REFUSED */
	n = signed_query("www.corp.internal.", DNS_TYPE_A, "k1.", false, now, -1, q);
	expect_rcode(s, q, n, false, "127.0.0.1", DNS_RCODE_REFUSED, 0, true);
	/* a key with AllowTransfer, from elsewhere: REFUSED; from inside: allowed */
	n = signed_query("corp.internal.", DNS_TYPE_AXFR, "k9.", false, now, -1, q);
	expect_rcode(s, q, n, true, "127.0.0.1", DNS_RCODE_REFUSED, 0, true);
	struct reply *a = malloc(sizeof(*a));
	ask(s, q, n, true, "192.0.2.7", a);
	assert_int_equal(a->act, QUERY_XFR);
	/* no key at all: REFUSED, as dnsd refused every transfer before */
	memcpy(q, "\x77\x77\0\0\0\1\0\0\0\0\0\0\4corp\x08internal\0\0\xfc\0\1", 31);
	expect_rcode(s, q, 31, true, "127.0.0.1", DNS_RCODE_REFUSED, -1, false);
	free(a);
	snapshot_free(s);
	free(w);
}

/* A VPC's rule inside a public zone takes those names out of what its key transfers. */
static void
test_shadowed_public_zone(void **state)
{
	(void)state;
	char *w = world("10.0.1.200",
		"ResolverRules:\n"
		"  - {DomainName: sqs.us-east-2.vpce.amazonaws.com, RuleType: FORWARD,\n"
		"     TargetIps: [{Ip: 192.0.2.1}], VPCIds: [vpc-1]}\n");
	struct snapshot *s = load(w, NULL);
	uint8_t q[4096];
	struct reply *ans = malloc(sizeof(*ans));
	struct transfer *t = malloc(sizeof(*t)), *t0 = malloc(sizeof(*t0));
	size_t n = signed_query("us-east-2.vpce.amazonaws.com.", DNS_TYPE_AXFR, "k1.", false,
		(uint64_t)time(NULL), -1, q);
	ask(s, q, n, true, "127.0.0.1", ans);
	run_stream(s, q, n, &ans->qi, t);
	n = signed_query("us-east-2.vpce.amazonaws.com.", DNS_TYPE_AXFR, "k0.", false,
		(uint64_t)time(NULL), -1, q);
	ask(s, q, n, true, "127.0.0.1", ans);
	run_stream(s, q, n, &ans->qi, t0);
	/* the public view has the sqs endpoint's regional and zonal names; vpc-1 forwards them */
	assert_int_equal(t0->records - t->records, 2);
	free(ans);
	free(t);
	free(t0);
	snapshot_free(s);
	free(w);
}

static void
expect_error(const char *extra_dnsd, const char *message)
{
	char *w = NULL;
	char *out = NULL;
	size_t size = 0;
	assert_true(asprintf(&w, "%sDnsd:\n  Secondaries:\n%s", WORLD_HEAD, extra_dnsd) > 0);
	FILE *f = open_memstream(&out, &size);
	struct diag d;
	diag_init(&d, f);
	struct snapshot *s = snapshot_load_buffer("world.yaml", w, strlen(w), &d);
	fclose(f);
	assert_null(s);
	if (!strstr(out, message))
		fail_msg("no \"%s\" in:\n%s", message, out);
	assert_non_null(strstr(out, "world.yaml:"));
	free(out);
	free(w);
}

static void
test_config_errors(void **state)
{
	(void)state;
	expect_error("    - {Key: k., Secret: '" SECRET "', View: vpc-9}\n",
		"View vpc-9 is none of dnsd's views");
	expect_error("    - {Key: k., Secret: 'not base64!', View: vpc-1}\n", "is not base64");
	expect_error("    - {Key: k., Secret: '" SECRET "', View: vpc-1, Algorithm: hmac-md5}\n",
		"Algorithm hmac-md5 is not one dnsd knows");
	expect_error("    - {Key: k., Secret: '" SECRET "', View: vpc-1}\n"
		"    - {Key: K., Secret: '" SECRET "', View: vpc-2}\n", "key K. is given twice");
	expect_error("    - {Key: k., Secret: '" SECRET "', View: vpc-1, Notify: [not-an-address]}\n",
		"Notify not-an-address is not");
	expect_error("    - {Key: k., Secret: '" SECRET "', View: vpc-1, AllowTransfer: [10.0.0.1/8]}\n",
		"is not an address block");
	expect_error("    - {Key: k., View: vpc-1}\n", "has no Secret");
	expect_error("    - {Key: k., Secret: '" SECRET "', View: vpc-1, Catalog: corp.internal.}\n",
		"the catalog zone is named like a zone dnsd serves");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_costs_nothing),
		cmocka_unit_test(test_views_by_key),
		cmocka_unit_test(test_serials_across_loads),
		cmocka_unit_test(test_serial_in_answers),
		cmocka_unit_test(test_axfr_and_ixfr_streams),
		cmocka_unit_test(test_large_zone_messages),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_shadowed_public_zone),
		cmocka_unit_test(test_config_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
