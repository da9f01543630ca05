/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_zonebuild.c - unit tests of compiling views, zones and records into a zonedb. */
#include "config.h"
#include "zonebuild.h"
#include "zonedb.h"
#include "arena.h"
#include "dname.h"
#include "forward.h"
#include "query.h"
#include "wire.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

/* ---- helpers ---- */

/* A name in wire form, from text that must be valid. */
struct wname {
	uint8_t w[DNAME_MAX];
	size_t len;
};

static struct wname
N(const char *text)
{
	struct wname n;
	int len = dname_from_text(text, n.w, NULL);

	assert_true(len > 0);
	n.len = (size_t)len;
	return n;
}

/* SOA RDATA: ns.<apex> hostmaster.<apex> 1 7200 900 1209600 <minimum>. */
static uint16_t
soa_rdata(const char *apex, uint32_t minimum, uint8_t *out)
{
	char text[300];
	size_t o = 0;

	snprintf(text, sizeof(text), "ns.%s", apex);
	struct wname m = N(text);
	snprintf(text, sizeof(text), "hostmaster.%s", apex);
	struct wname r = N(text);
	memcpy(out, m.w, m.len);
	o += m.len;
	memcpy(out + o, r.w, r.len);
	o += r.len;
	wire_put32(out + o, 1);
	wire_put32(out + o + 4, 7200);
	wire_put32(out + o + 8, 900);
	wire_put32(out + o + 12, 1209600);
	wire_put32(out + o + 16, minimum);
	return (uint16_t)(o + 20);
}

static struct zb_zone *
zone(struct zb *b, unsigned view, const char *apex, int kind)
{
	struct wname a = N(apex);
	struct zb_zone *z = zb_zone_add(b, view, a.w, a.len, kind, apex);

	assert_non_null(z);
	return z;
}

/* A zone with an SOA (TTL 900, MINIMUM 300). */
static struct zb_zone *
zone_soa(struct zb *b, unsigned view, const char *apex, int kind, bool as_record)
{
	uint8_t soa[600];
	struct zb_zone *z = zone(b, view, apex, kind);
	uint16_t len = soa_rdata(apex, 300, soa);

	assert_int_equal(zb_zone_set_soa(b, z, 900, soa, len, as_record), 0);
	return z;
}

static void
add_a(struct zb *b, struct zb_zone *z, const char *owner, const char *addr, uint32_t ttl)
{
	struct wname o = N(owner);
	uint8_t a[4];
	unsigned x[4];
	const char *why = NULL;

	assert_int_equal(sscanf(addr, "%u.%u.%u.%u", &x[0], &x[1], &x[2], &x[3]), 4);
	for (int i = 0; i < 4; i++)
		a[i] = (uint8_t)x[i];
	assert_int_equal(zb_rr_add(b, z, o.w, o.len, DNS_TYPE_A, ttl, a, 4, &why), 0);
}

static void
add_aaaa(struct zb *b, struct zb_zone *z, const char *owner, uint8_t last)
{
	struct wname o = N(owner);
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	a[15] = last;
	assert_int_equal(zb_rr_add(b, z, o.w, o.len, DNS_TYPE_AAAA, 60, a, 16, NULL), 0);
}

/* Add a record whose RDATA is one name (CNAME, NS, PTR). */
static int
add_name_rr(struct zb *b, struct zb_zone *z, const char *owner, uint16_t type,
	const char *target, const char **why)
{
	struct wname o = N(owner), t = N(target);

	return zb_rr_add(b, z, o.w, o.len, type, 60, t.w, (uint16_t)t.len, why);
}

static const struct node *
find(const struct zonedb *db, unsigned view, const char *text)
{
	struct wname n = N(text);

	return zonedb_find(db, view, n.w, n.len, dname_hash(n.w));
}

/* What a view decides for a name, through the answer path's own lookup. */
static struct query_lookup
look(const struct zonedb *db, unsigned view, const char *text, uint16_t qtype)
{
	struct wname n = N(text);
	struct query_lookup l;

	query_lookup_name(db, (uint16_t)view, n.w, n.len, qtype, &l);
	return l;
}

/* Patch the query-name-dependent pointers of a block as query.c does. */
static void
patch_relocs(const struct answer *a, uint8_t *block, size_t qname_len)
{
	for (unsigned i = 0; i < a->n_reloc; i++) {
		uint16_t v = a->relocs[i].value;
		size_t target = (v & RELOC_QNAME_SUFFIX) ?
			DNS_HEADER_SIZE + qname_len - (v & ~RELOC_QNAME_SUFFIX) :
			DNS_HEADER_SIZE + qname_len + 4 + v;
		wire_put16(block + a->relocs[i].at, (uint16_t)(0xc000 | target));
	}
}

static void
append_section(char *out, size_t size, const char *tag, const ldns_rr_list *l)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		char *s = ldns_rr2str(ldns_rr_list_rr(l, i));
		assert_non_null(s);
		/* tabs to single spaces, for readable expectations */
		for (char *p = s; *p; p++)
			if (*p == '\t')
				*p = ' ';
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s %s", tag, s);
		free(s);
	}
}

/*
 * Put a header and the question for qname/qtype in front of an answer
 * block, check that its records fill it exactly, and print its sections
 * one record a line ("an ", "ns ", "ar " in front) with ldns.
 */
static void
decode(const struct answer *a, const char *qname, uint16_t qtype, char *out, size_t size)
{
	uint8_t msg[70000];
	struct wname q = N(qname);
	ldns_pkt *pkt = NULL;

	memset(msg, 0, DNS_HEADER_SIZE);
	wire_put16(msg + 2, (uint16_t)(DNS_FLAG_QR | (a->rcode & DNS_RCODE_MASK)));
	wire_put16(msg + 4, 1);
	wire_put16(msg + 6, a->ancount);
	wire_put16(msg + 8, a->nscount);
	wire_put16(msg + 10, a->arcount);
	size_t len = DNS_HEADER_SIZE;
	memcpy(msg + len, q.w, q.len);
	len += q.len;
	wire_put16(msg + len, qtype);
	wire_put16(msg + len + 2, DNS_CLASS_IN);
	len += 4;
	size_t start = len;
	memcpy(msg + len, a->block, a->len);
	patch_relocs(a, msg + len, q.len);
	len += a->len;

	/* the records end exactly where the block does */
	size_t pos = start;
	unsigned total = (unsigned)a->ancount + a->nscount + a->arcount;
	for (unsigned i = 0; i < total; i++) {
		struct wire_rr rr;
		assert_true(wire_parse_rr(msg, len, &pos, &rr));
	}
	assert_int_equal(pos, len);

	assert_int_equal(ldns_wire2pkt(&pkt, msg, len), LDNS_STATUS_OK);
	out[0] = 0;
	append_section(out, size, "an", ldns_pkt_answer(pkt));
	append_section(out, size, "ns", ldns_pkt_authority(pkt));
	append_section(out, size, "ar", ldns_pkt_additional(pkt));
	ldns_pkt_free(pkt);
}

/* The answer a node gives for qtype, decoded as the response to qname. */
static void
check_answer(const struct node *n, uint16_t qtype, const char *qname, uint8_t rcode,
	const char *want)
{
	char text[8192];
	const struct answer *a;

	assert_non_null(n);
	a = node_answer(n, qtype);
	assert_non_null(a);
	assert_int_equal(a->rcode, rcode);
	decode(a, qname, qtype, text, sizeof(text));
	assert_string_equal(text, want);
}

struct built {
	struct arena *arena;
	struct zonedb db;
};

static void
finish(struct zb *b, struct built *out)
{
	out->arena = arena_create(0);
	assert_non_null(out->arena);
	assert_int_equal(zb_finish(b, out->arena, &out->db), 0);
	zb_free(b);
}

static void
built_free(struct built *x)
{
	arena_free(x->arena);
}

#define SOA_TEXT(apex) apex " 300 IN SOA ns." apex " hostmaster." apex " 1 7200 900 1209600 300\n"

/* ---- a LOCAL zone in a VPC view ---- */

static void
build_local(struct built *out)
{
	struct zb *b = zb_create();
	const char *why = NULL;

	assert_non_null(b);
	assert_int_equal(zb_view_add(b, "vpc-1"), 1);
	struct zb_zone *z = zone_soa(b, 1, "example.com", ZONE_LOCAL, true);
	assert_int_equal(add_name_rr(b, z, "example.com", DNS_TYPE_NS, "ns1.example.com", &why), 0);
	add_a(b, z, "www.example.com", "10.0.0.1", 60);
	add_a(b, z, "www.example.com", "10.0.0.2", 60);
	add_a(b, z, "www.example.com", "10.0.0.3", 60);
	add_aaaa(b, z, "www.example.com", 1);
	add_aaaa(b, z, "www.example.com", 2);
	add_a(b, z, "a.b.c.example.com", "10.0.1.1", 60);
	add_a(b, z, "*.wild.example.com", "10.0.2.1", 60);
	assert_int_equal(add_name_rr(b, z, "alias.example.com", DNS_TYPE_CNAME,
		"www.example.com", &why), 0);
	assert_int_equal(add_name_rr(b, z, "alias2.example.com", DNS_TYPE_CNAME,
		"alias.example.com", &why), 0);
	assert_int_equal(add_name_rr(b, z, "gone.example.com", DNS_TYPE_CNAME,
		"nothere.example.com", &why), 0);
	assert_int_equal(add_name_rr(b, z, "ent.example.com", DNS_TYPE_CNAME,
		"c.example.com", &why), 0);
	assert_int_equal(add_name_rr(b, z, "ext.example.com", DNS_TYPE_CNAME,
		"www.example.org", &why), 0);
	assert_int_equal(add_name_rr(b, z, "loop1.example.com", DNS_TYPE_CNAME,
		"loop2.example.com", &why), 0);
	assert_int_equal(add_name_rr(b, z, "loop2.example.com", DNS_TYPE_CNAME,
		"loop1.example.com", &why), 0);
	finish(b, out);
}

static void
test_exact_names(void **state)
{
	struct built x;

	(void)state;
	build_local(&x);
	assert_int_equal(x.db.n_views, 2);
	assert_string_equal(x.db.views[0].name, "public");
	assert_string_equal(x.db.views[1].name, "vpc-1");
	assert_int_equal(x.db.views[1].index, 1);

	const struct node *n = find(&x.db, 1, "www.example.com");
	assert_non_null(n);
	assert_int_equal(n->flags, 0);
	assert_int_equal(n->n_answers, 2);
	assert_int_equal(n->zone->kind, ZONE_LOCAL);
	assert_int_equal(n->zone->view, 1);
	assert_string_equal(n->zone->origin, "example.com");
	assert_memory_equal(n->name, "\003www\007example\003com", 17);
	assert_int_equal(n->name_len, 17);
	assert_null(n->wildcard);
	check_answer(n, DNS_TYPE_A, "www.example.com", 0,
		"an www.example.com. 60 IN A 10.0.0.1\n"
		"an www.example.com. 60 IN A 10.0.0.2\n"
		"an www.example.com. 60 IN A 10.0.0.3\n");
	check_answer(n, DNS_TYPE_AAAA, "www.example.com", 0,
		"an www.example.com. 60 IN AAAA 2001:db8::1\n"
		"an www.example.com. 60 IN AAAA 2001:db8::2\n");
	/* another type: NODATA with the SOA, TTL min(900, MINIMUM 300) */
	check_answer(n, DNS_TYPE_TXT, "www.example.com", 0, "ns " SOA_TEXT("example.com."));
	assert_ptr_equal(node_answer(n, DNS_TYPE_TXT), &n->zone->nodata);

	/* the owner is the query name, a pointer to offset 12 */
	const struct answer *a = node_answer(n, DNS_TYPE_A);
	assert_int_equal(a->qtype, DNS_TYPE_A);
	assert_int_equal(a->len, 3 * 16);
	assert_int_equal(a->ancount, 3);
	assert_int_equal(a->nscount, 0);
	assert_int_equal(a->arcount, 0);
	assert_int_equal(a->n_reloc, 0);
	assert_memory_equal(a->block, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x01", 16);

	/* the apex: SOA and NS records, the NS name compressed against the question */
	n = find(&x.db, 1, "example.com");
	assert_non_null(n);
	assert_int_equal(n->flags, 0);
	check_answer(n, DNS_TYPE_SOA, "example.com", 0,
		"an example.com. 900 IN SOA ns.example.com. hostmaster.example.com. "
		"1 7200 900 1209600 300\n");
	check_answer(n, DNS_TYPE_NS, "example.com", 0, "an example.com. 60 IN NS ns1.example.com.\n");
	a = node_answer(n, DNS_TYPE_NS);
	assert_int_equal(a->len, 2 + 10 + 4 + 2);
	assert_memory_equal(a->block + 12, "\003ns1\xc0\x0c", 6);

	/* names nobody added do not exist */
	assert_null(find(&x.db, 1, "nothere.example.com"));
	assert_null(find(&x.db, 1, "com"));
	assert_null(find(&x.db, 1, "example.org"));
	/* nor in another view */
	assert_null(find(&x.db, 0, "www.example.com"));
	assert_null(find(&x.db, 0, "example.com"));
	assert_null(find(&x.db, 2, "www.example.com"));
	built_free(&x);
}

static void
test_negative_answers(void **state)
{
	struct built x;

	(void)state;
	build_local(&x);
	const struct node *n = find(&x.db, 1, "www.example.com");
	assert_non_null(n);
	const struct zone *z = n->zone;
	assert_int_equal(z->nxdomain.rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(z->nxdomain.nscount, 1);
	assert_int_equal(z->nxdomain.ancount, 0);
	assert_int_equal(z->nodata.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(z->nodata.nscount, 1);
	/* the SOA owner is the apex: a suffix of whatever name was asked */
	assert_int_equal(z->nxdomain.n_reloc, 1);
	assert_int_equal(z->nxdomain.relocs[0].at, 0);
	assert_int_equal(z->nxdomain.relocs[0].value, RELOC_QNAME_SUFFIX | 13);
	char text[2048];
	decode(&z->nxdomain, "no.such.name.example.com", DNS_TYPE_A, text, sizeof(text));
	assert_string_equal(text, "ns " SOA_TEXT("example.com."));
	decode(&z->nxdomain, "x.example.com", DNS_TYPE_A, text, sizeof(text));
	assert_string_equal(text, "ns " SOA_TEXT("example.com."));
	built_free(&x);
}

static void
test_empty_non_terminals(void **state)
{
	struct built x;

	(void)state;
	build_local(&x);
	/* a.b.c.example.com makes b.c.example.com and c.example.com exist */
	const struct node *leaf = find(&x.db, 1, "a.b.c.example.com");
	assert_non_null(leaf);
	check_answer(leaf, DNS_TYPE_A, "a.b.c.example.com", 0,
		"an a.b.c.example.com. 60 IN A 10.0.1.1\n");
	static const char *const ents[] = { "b.c.example.com", "c.example.com", "wild.example.com" };
	for (size_t i = 0; i < 3; i++) {
		const struct node *n = find(&x.db, 1, ents[i]);
		assert_non_null(n);
		assert_int_equal(n->n_answers, 0);
		assert_int_equal(n->flags, 0);
		assert_int_equal(n->zone->kind, ZONE_LOCAL);
		/* every type is NODATA */
		assert_ptr_equal(node_answer(n, DNS_TYPE_A), &n->zone->nodata);
		check_answer(n, DNS_TYPE_A, ents[i], 0, "ns " SOA_TEXT("example.com."));
	}
	/* but not a name beside them */
	assert_null(find(&x.db, 1, "d.c.example.com"));
	assert_null(find(&x.db, 1, "b.example.com"));
	built_free(&x);
}

static void
test_wildcard(void **state)
{
	struct built x;

	(void)state;
	build_local(&x);
	const struct node *parent = find(&x.db, 1, "wild.example.com");
	const struct node *star = find(&x.db, 1, "*.wild.example.com");
	assert_non_null(parent);
	assert_non_null(star);
	assert_ptr_equal(parent->wildcard, star);
	assert_null(star->wildcard);
	/* no other node points at it */
	assert_null(find(&x.db, 1, "example.com")->wildcard);
	assert_null(find(&x.db, 1, "www.example.com")->wildcard);
	/* the owner is whatever name was asked: pointer to offset 12 */
	check_answer(star, DNS_TYPE_A, "anything.wild.example.com", 0,
		"an anything.wild.example.com. 60 IN A 10.0.2.1\n");
	check_answer(star, DNS_TYPE_A, "a.b.wild.example.com", 0,
		"an a.b.wild.example.com. 60 IN A 10.0.2.1\n");
	assert_memory_equal(node_answer(star, DNS_TYPE_A)->block, "\xc0\x0c", 2);
	/* other types: NODATA with the SOA owner at the query name's suffix */
	check_answer(star, DNS_TYPE_AAAA, "a.b.wild.example.com", 0,
		"ns " SOA_TEXT("example.com."));
	built_free(&x);
}

static void
test_cname_chains(void **state)
{
	struct built x;

	(void)state;
	build_local(&x);
	const struct node *n = find(&x.db, 1, "alias.example.com");
	assert_non_null(n);
	assert_int_equal(n->flags, NODE_CNAME);
	/* CNAME, one per type the target holds (A, AAAA), and the rest */
	assert_int_equal(n->n_answers, 4);
	assert_int_equal(n->answers[0].qtype, DNS_TYPE_CNAME);
	assert_int_equal(n->answers[1].qtype, DNS_TYPE_A);
	assert_int_equal(n->answers[2].qtype, DNS_TYPE_AAAA);
	assert_int_equal(n->answers[3].qtype, 0);
	check_answer(n, DNS_TYPE_CNAME, "alias.example.com", 0,
		"an alias.example.com. 60 IN CNAME www.example.com.\n");
	check_answer(n, DNS_TYPE_A, "alias.example.com", 0,
		"an alias.example.com. 60 IN CNAME www.example.com.\n"
		"an www.example.com. 60 IN A 10.0.0.1\n"
		"an www.example.com. 60 IN A 10.0.0.2\n"
		"an www.example.com. 60 IN A 10.0.0.3\n");
	check_answer(n, DNS_TYPE_AAAA, "alias.example.com", 0,
		"an alias.example.com. 60 IN CNAME www.example.com.\n"
		"an www.example.com. 60 IN AAAA 2001:db8::1\n"
		"an www.example.com. 60 IN AAAA 2001:db8::2\n");
	/* a type the target lacks: the CNAME and the target zone's SOA */
	check_answer(n, DNS_TYPE_MX, "alias.example.com", 0,
		"an alias.example.com. 60 IN CNAME www.example.com.\n"
		"ns " SOA_TEXT("example.com."));
	/* the target's A records rotate after the CNAME:
	 * CNAME = c00c + 10 + 03 www + pointer = 18 bytes */
	const struct answer *a = node_answer(n, DNS_TYPE_A);
	assert_int_equal(a->rot_n, 3);
	assert_int_equal(a->rot_off, 18);
	assert_int_equal(a->rot_size, 16);
	assert_int_equal(a->len, 18 + 3 * 16);
	assert_int_equal(node_answer(n, DNS_TYPE_CNAME)->rot_n, 0);

	/* two hops */
	n = find(&x.db, 1, "alias2.example.com");
	check_answer(n, DNS_TYPE_A, "alias2.example.com", 0,
		"an alias2.example.com. 60 IN CNAME alias.example.com.\n"
		"an alias.example.com. 60 IN CNAME www.example.com.\n"
		"an www.example.com. 60 IN A 10.0.0.1\n"
		"an www.example.com. 60 IN A 10.0.0.2\n"
		"an www.example.com. 60 IN A 10.0.0.3\n");
	check_answer(n, DNS_TYPE_CNAME, "alias2.example.com", 0,
		"an alias2.example.com. 60 IN CNAME alias.example.com.\n");

	/* a target that does not exist in a LOCAL zone: NXDOMAIN */
	n = find(&x.db, 1, "gone.example.com");
	assert_int_equal(n->n_answers, 2);
	check_answer(n, DNS_TYPE_A, "gone.example.com", DNS_RCODE_NXDOMAIN,
		"an gone.example.com. 60 IN CNAME nothere.example.com.\n"
		"ns " SOA_TEXT("example.com."));
	check_answer(n, DNS_TYPE_CNAME, "gone.example.com", 0,
		"an gone.example.com. 60 IN CNAME nothere.example.com.\n");

	/* a target that is an empty non-terminal: NODATA */
	n = find(&x.db, 1, "ent.example.com");
	check_answer(n, DNS_TYPE_A, "ent.example.com", 0,
		"an ent.example.com. 60 IN CNAME c.example.com.\n"
		"ns " SOA_TEXT("example.com."));

	/* a target outside dnsd's data: the CNAME alone */
	n = find(&x.db, 1, "ext.example.com");
	check_answer(n, DNS_TYPE_A, "ext.example.com", 0,
		"an ext.example.com. 60 IN CNAME www.example.org.\n");

	/* a loop stops where it closes */
	n = find(&x.db, 1, "loop1.example.com");
	check_answer(n, DNS_TYPE_A, "loop1.example.com", 0,
		"an loop1.example.com. 60 IN CNAME loop2.example.com.\n"
		"an loop2.example.com. 60 IN CNAME loop1.example.com.\n");
	built_free(&x);
}

static void
test_rotation_fields(void **state)
{
	struct built x;

	(void)state;
	build_local(&x);
	const struct node *n = find(&x.db, 1, "www.example.com");
	const struct answer *a4 = node_answer(n, DNS_TYPE_A);
	const struct answer *a6 = node_answer(n, DNS_TYPE_AAAA);
	assert_int_equal(a4->rot_n, 3);
	assert_int_equal(a4->rot_off, 0);
	assert_int_equal(a4->rot_size, 2 + 10 + 4);
	assert_int_equal(a6->rot_n, 2);
	assert_int_equal(a6->rot_off, 0);
	assert_int_equal(a6->rot_size, 2 + 10 + 16);
	assert_int_not_equal(a4->rot_counter, a6->rot_counter);
	assert_true(a4->rot_counter < x.db.n_rot);
	assert_true(a6->rot_counter < x.db.n_rot);
	/* www A, www AAAA, alias A, alias AAAA, alias2 A, alias2 AAAA */
	assert_int_equal(x.db.n_rot, 6);
	/* one record does not rotate, nor does an SOA or NS set */
	n = find(&x.db, 1, "a.b.c.example.com");
	assert_int_equal(node_answer(n, DNS_TYPE_A)->rot_n, 0);
	n = find(&x.db, 1, "example.com");
	assert_int_equal(node_answer(n, DNS_TYPE_NS)->rot_n, 0);
	built_free(&x);
}

static void
test_rr_add_refusals(void **state)
{
	struct zb *b = zb_create();
	const char *why = NULL;
	uint8_t addr[4] = { 10, 0, 0, 1 };

	(void)state;
	assert_non_null(b);
	struct zb_zone *z = zone_soa(b, 0, "example.com", ZONE_LOCAL, true);
	/* CNAME beside other data, either order */
	add_a(b, z, "host.example.com", "10.0.0.1", 60);
	assert_int_equal(add_name_rr(b, z, "host.example.com", DNS_TYPE_CNAME,
		"www.example.com", &why), -1);
	assert_string_equal(why, "CNAME and other data at the same name (RFC 1034 §3.6.2)");
	why = NULL;
	assert_int_equal(add_name_rr(b, z, "alias.example.com", DNS_TYPE_CNAME,
		"www.example.com", &why), 0);
	assert_null(why);
	struct wname o = N("alias.example.com");
	assert_int_equal(zb_rr_add(b, z, o.w, o.len, DNS_TYPE_A, 60, addr, 4, &why), -1);
	assert_string_equal(why, "CNAME and other data at the same name (RFC 1034 §3.6.2)");
	why = NULL;
	assert_int_equal(add_name_rr(b, z, "alias.example.com", DNS_TYPE_CNAME,
		"other.example.com", &why), -1);
	assert_string_equal(why, "more than one CNAME at a name");
	/* the apex holds the SOA: no CNAME there */
	why = NULL;
	assert_int_equal(add_name_rr(b, z, "example.com", DNS_TYPE_CNAME, "x.example.org", &why),
		-1);
	assert_string_equal(why, "CNAME and other data at the same name (RFC 1034 §3.6.2)");
	/* owners outside the zone, including a name that only ends alike */
	static const char *const outside[] = {
		"com", "example.org", "bexample.com", "www.example.com.evil", ".",
	};
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		struct wname w = N(outside[i]);
		why = NULL;
		assert_int_equal(zb_rr_add(b, z, w.w, w.len, DNS_TYPE_A, 60, addr, 4, &why), -1);
		assert_string_equal(why, "owner name is outside the zone");
	}
	/* a NULL why is allowed */
	struct wname w = N("example.org");
	assert_int_equal(zb_rr_add(b, z, w.w, w.len, DNS_TYPE_A, 60, addr, 4, NULL), -1);
	/* duplicates collapse; a second TTL does not change the set's */
	add_a(b, z, "dup.example.com", "10.0.0.7", 60);
	add_a(b, z, "dup.example.com", "10.0.0.7", 60);
	add_a(b, z, "dup.example.com", "10.0.0.8", 300);
	add_a(b, z, "dup.example.com", "10.0.0.7", 300);

	struct built x;
	finish(b, &x);
	const struct node *n = find(&x.db, 0, "dup.example.com");
	check_answer(n, DNS_TYPE_A, "dup.example.com", 0,
		"an dup.example.com. 60 IN A 10.0.0.7\n"
		"an dup.example.com. 60 IN A 10.0.0.8\n");
	/* the refused records left nothing behind */
	n = find(&x.db, 0, "host.example.com");
	check_answer(n, DNS_TYPE_A, "host.example.com", 0, "an host.example.com. 60 IN A 10.0.0.1\n");
	assert_int_equal(n->flags, 0);
	n = find(&x.db, 0, "alias.example.com");
	assert_int_equal(n->flags, NODE_CNAME);
	check_answer(n, DNS_TYPE_CNAME, "alias.example.com", 0,
		"an alias.example.com. 60 IN CNAME www.example.com.\n");
	assert_null(find(&x.db, 0, "bexample.com"));
	built_free(&x);
}

static void
test_zone_add_find(void **state)
{
	struct zb *b = zb_create();
	struct wname apex = N("corp.example");

	(void)state;
	assert_non_null(b);
	assert_int_equal(zb_view_count(b), 1);
	assert_string_equal(zb_view_name(b, 0), "public");
	assert_int_equal(zb_view_add(b, "vpc-a"), 1);
	assert_int_equal(zb_view_add(b, "vpc-b"), 2);
	assert_int_equal(zb_view_count(b), 3);
	assert_string_equal(zb_view_name(b, 2), "vpc-b");
	assert_string_equal(zb_view_name(b, 3), "?");

	struct zb_zone *l = zb_zone_add(b, 1, apex.w, apex.len, ZONE_LOCAL, "file.yaml:3");
	assert_non_null(l);
	assert_string_equal(zb_zone_origin(l), "file.yaml:3");
	/* the same kind twice at one apex in one view: refused */
	assert_null(zb_zone_add(b, 1, apex.w, apex.len, ZONE_LOCAL, "again"));
	/* another kind, or another view: fine */
	struct zb_zone *f = zb_zone_add(b, 1, apex.w, apex.len, ZONE_FORWARD, NULL);
	assert_non_null(f);
	assert_string_equal(zb_zone_origin(f), "");
	struct zb_zone *l2 = zb_zone_add(b, 2, apex.w, apex.len, ZONE_LOCAL, "other");
	assert_non_null(l2);
	/* a view that does not exist */
	assert_null(zb_zone_add(b, 3, apex.w, apex.len, ZONE_LOCAL, "x"));

	assert_ptr_equal(zb_zone_find(b, 1, apex.w, apex.len, ZONE_LOCAL), l);
	assert_ptr_equal(zb_zone_find(b, 1, apex.w, apex.len, ZONE_FORWARD), f);
	assert_ptr_equal(zb_zone_find(b, 1, apex.w, apex.len, -1), l);
	assert_ptr_equal(zb_zone_find(b, 2, apex.w, apex.len, -1), l2);
	assert_null(zb_zone_find(b, 0, apex.w, apex.len, -1));
	assert_null(zb_zone_find(b, 1, apex.w, apex.len, ZONE_PUBLIC));
	struct wname other = N("www.corp.example");
	assert_null(zb_zone_find(b, 1, other.w, other.len, -1));

	/* the SOA as given */
	uint32_t ttl = 0;
	const uint8_t *rdata = NULL;
	uint16_t rdlen = 0;
	assert_false(zb_zone_soa(l, &ttl, &rdata, &rdlen));
	uint8_t soa[600];
	uint16_t len = soa_rdata("corp.example", 60, soa);
	assert_int_equal(zb_zone_set_soa(b, l, 3600, soa, len, false), 0);
	assert_true(zb_zone_soa(l, &ttl, &rdata, &rdlen));
	assert_int_equal(ttl, 3600);
	assert_int_equal(rdlen, len);
	assert_memory_equal(rdata, soa, len);
	zb_free(b);
}

/* zb_walk: counts what it visits. */
struct walk_log {
	unsigned zones, records;
	char text[2048];
};

static void
walk_fn(void *ctx, const struct zb_zone *z, unsigned view, const uint8_t *apex, int kind,
	const uint8_t *owner, uint16_t type, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen,
	const struct policy_group *group, int alt)
{
	struct walk_log *w = ctx;
	char a[300], o[300];
	size_t used = strlen(w->text);

	(void)z;
	(void)rdata;
	(void)group;
	(void)alt;
	dname_to_text(apex, a, sizeof(a));
	if (!owner) {
		w->zones++;
		snprintf(w->text + used, sizeof(w->text) - used, "zone %u %s %d\n", view, a, kind);
		return;
	}
	w->records++;
	dname_to_text(owner, o, sizeof(o));
	snprintf(w->text + used, sizeof(w->text) - used, " %s %u %u %u\n", o, type, ttl, rdlen);
}

static void
test_walk(void **state)
{
	struct zb *b = zb_create();
	struct walk_log w;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(zb_view_add(b, "vpc-1"), 1);
	struct zb_zone *z = zone_soa(b, 1, "example.com", ZONE_LOCAL, true);
	add_a(b, z, "www.example.com", "10.0.0.1", 60);
	add_a(b, z, "www.example.com", "10.0.0.2", 60);
	assert_int_equal(add_name_rr(b, z, "example.com", DNS_TYPE_NS, "ns.example.com", NULL), 0);
	zone(b, 0, "fwd.example", ZONE_FORWARD);
	zb_walk(b, walk_fn, &w);
	assert_int_equal(w.zones, 2);
	assert_int_equal(w.records, 4);
	assert_string_equal(w.text,
		"zone 0 fwd.example. 2\n"
		"zone 1 example.com. 0\n"
		" example.com. 6 900 60\n"
		" example.com. 2 60 16\n"
		" www.example.com. 1 60 4\n"
		" www.example.com. 1 60 4\n");
	zb_free(b);
}

/* ---- wildcard CNAMEs: pointers that depend on the query name ---- */

static void
test_wildcard_cname(void **state)
{
	struct zb *b = zb_create();
	struct built x;
	const char *why = NULL;

	(void)state;
	assert_non_null(b);
	assert_int_equal(zb_view_add(b, "vpc-1"), 1);
	struct zb_zone *z = zone_soa(b, 1, "example.com", ZONE_LOCAL, true);
	add_a(b, z, "www.example.com", "10.0.0.1", 60);
	add_a(b, z, "www.example.com", "10.0.0.2", 60);
	add_a(b, z, "www.example.com", "10.0.0.3", 60);
	assert_int_equal(add_name_rr(b, z, "*.w.example.com", DNS_TYPE_CNAME, "www.example.com",
		&why), 0);
	assert_int_equal(add_name_rr(b, z, "*.v.example.com", DNS_TYPE_CNAME, "t.v.example.com",
		&why), 0);
	add_a(b, z, "t.v.example.com", "10.0.5.1", 60);
	add_a(b, z, "t.v.example.com", "10.0.5.2", 60);
	add_a(b, z, "*.a.example.com", "10.0.6.1", 60);
	assert_int_equal(add_name_rr(b, z, "alias3.example.com", DNS_TYPE_CNAME,
		"foo.w.example.com", &why), 0);
	assert_int_equal(add_name_rr(b, z, "alias4.example.com", DNS_TYPE_CNAME,
		"bar.a.example.com", &why), 0);
	finish(b, &x);

	const struct node *w = find(&x.db, 1, "*.w.example.com");
	assert_non_null(w);
	assert_int_equal(w->flags, NODE_CNAME);
	assert_ptr_equal(find(&x.db, 1, "w.example.com")->wildcard, w);
	/* the CNAME's target is written as "www" + a pointer to the query
	 * name's "example.com"; the A owners point at that target */
	const struct answer *a = node_answer(w, DNS_TYPE_A);
	assert_int_equal(a->n_reloc, 4);
	assert_int_equal(a->relocs[0].at, 12 + 4);
	assert_int_equal(a->relocs[0].value, RELOC_QNAME_SUFFIX | 13);
	for (unsigned i = 1; i < 4; i++) {
		assert_int_equal(a->relocs[i].at, 18 + (i - 1) * 16);
		assert_int_equal(a->relocs[i].value, 12);
	}
	assert_int_equal(a->rot_n, 3);
	assert_int_equal(a->rot_off, 18);
	assert_int_equal(a->rot_size, 16);
	/* query names of any length */
	static const char *const qnames[] = { "a.w.example.com", "a.much.longer.name.w.example.com" };
	for (size_t i = 0; i < 2; i++) {
		char want[1024];
		snprintf(want, sizeof(want),
			"an %s. 60 IN CNAME www.example.com.\n"
			"an www.example.com. 60 IN A 10.0.0.1\n"
			"an www.example.com. 60 IN A 10.0.0.2\n"
			"an www.example.com. 60 IN A 10.0.0.3\n", qnames[i]);
		check_answer(w, DNS_TYPE_A, qnames[i], 0, want);
		snprintf(want, sizeof(want), "an %s. 60 IN CNAME www.example.com.\n", qnames[i]);
		check_answer(w, DNS_TYPE_CNAME, qnames[i], 0, want);
		snprintf(want, sizeof(want), "an %s. 60 IN CNAME www.example.com.\n"
			"ns " SOA_TEXT("example.com."), qnames[i]);
		check_answer(w, DNS_TYPE_TXT, qnames[i], 0, want);
	}

	/* a target below the wildcard's own parent */
	const struct node *v = find(&x.db, 1, "*.v.example.com");
	check_answer(v, DNS_TYPE_A, "q.v.example.com", 0,
		"an q.v.example.com. 60 IN CNAME t.v.example.com.\n"
		"an t.v.example.com. 60 IN A 10.0.5.1\n"
		"an t.v.example.com. 60 IN A 10.0.5.2\n");
	check_answer(v, DNS_TYPE_A, "x.y.z.v.example.com", 0,
		"an x.y.z.v.example.com. 60 IN CNAME t.v.example.com.\n"
		"an t.v.example.com. 60 IN A 10.0.5.1\n"
		"an t.v.example.com. 60 IN A 10.0.5.2\n");
	/* the target's own name is not the wildcard's */
	check_answer(find(&x.db, 1, "t.v.example.com"), DNS_TYPE_A, "t.v.example.com", 0,
		"an t.v.example.com. 60 IN A 10.0.5.1\n"
		"an t.v.example.com. 60 IN A 10.0.5.2\n");

	/* chains through wildcards: the owner is the name asked for */
	check_answer(find(&x.db, 1, "alias3.example.com"), DNS_TYPE_A, "alias3.example.com", 0,
		"an alias3.example.com. 60 IN CNAME foo.w.example.com.\n"
		"an foo.w.example.com. 60 IN CNAME www.example.com.\n"
		"an www.example.com. 60 IN A 10.0.0.1\n"
		"an www.example.com. 60 IN A 10.0.0.2\n"
		"an www.example.com. 60 IN A 10.0.0.3\n");
	check_answer(find(&x.db, 1, "alias4.example.com"), DNS_TYPE_A, "alias4.example.com", 0,
		"an alias4.example.com. 60 IN CNAME bar.a.example.com.\n"
		"an bar.a.example.com. 60 IN A 10.0.6.1\n");
	check_answer(find(&x.db, 1, "alias4.example.com"), DNS_TYPE_AAAA, "alias4.example.com", 0,
		"an alias4.example.com. 60 IN CNAME bar.a.example.com.\n"
		"ns " SOA_TEXT("example.com."));
	built_free(&x);
}

/* ---- public names and VPC views ---- */

static struct zb *
build_views(unsigned extra_views)
{
	struct zb *b = zb_create();

	assert_non_null(b);
	assert_int_equal(zb_view_add(b, "vpc-plain"), 1);
	assert_int_equal(zb_view_add(b, "vpc-same-apex"), 2);
	assert_int_equal(zb_view_add(b, "vpc-deeper"), 3);
	struct zb_zone *pub = zone_soa(b, 0, "us-east-2.vpce.amazonaws.com", ZONE_PUBLIC, false);
	add_a(b, pub, "vpce-1-abc.monitoring.us-east-2.vpce.amazonaws.com", "10.0.1.5", 60);
	add_a(b, pub, "*.vpce-2-def.s3.us-east-2.vpce.amazonaws.com", "10.0.1.6", 60);
	/* view 1: an unrelated private zone */
	struct zb_zone *l1 = zone_soa(b, 1, "monitoring.us-east-2.amazonaws.com", ZONE_LOCAL, true);
	add_a(b, l1, "monitoring.us-east-2.amazonaws.com", "10.0.1.7", 60);
	/* view 2: a private zone at the public zone's apex */
	struct zb_zone *l2 = zone_soa(b, 2, "us-east-2.vpce.amazonaws.com", ZONE_LOCAL, true);
	add_a(b, l2, "mine.us-east-2.vpce.amazonaws.com", "10.2.0.1", 60);
	/* view 3: a private zone below the public apex, covering one name */
	struct zb_zone *l3 = zone_soa(b, 3, "monitoring.us-east-2.vpce.amazonaws.com",
		ZONE_LOCAL, true);
	add_a(b, l3, "x.monitoring.us-east-2.vpce.amazonaws.com", "10.3.0.1", 60);
	for (unsigned i = 0; i < extra_views; i++) {
		char name[32];
		snprintf(name, sizeof(name), "vpc-extra-%u", i);
		assert_int_equal(zb_view_add(b, name), 4 + (int)i);
	}
	return b;
}

static void
test_public_names_in_views(void **state)
{
	struct built x;
	static const char name[] = "vpce-1-abc.monitoring.us-east-2.vpce.amazonaws.com";
	static const char apex[] = "us-east-2.vpce.amazonaws.com";

	(void)state;
	finish(build_views(0), &x);
	/* view 0 and a VPC without its own zone there see the public name */
	for (unsigned v = 0; v <= 1; v++) {
		struct query_lookup l = look(&x.db, v, name, DNS_TYPE_A);
		assert_non_null(l.node);
		assert_int_equal(l.from_public, v != 0);
		assert_int_equal(l.auth->kind, ZONE_PUBLIC);
		assert_int_equal(l.auth->view, 0);
		check_answer(l.node, DNS_TYPE_A, name, 0, "an " "vpce-1-abc.monitoring.us-east-2.vpce."
			"amazonaws.com. 60 IN A 10.0.1.5\n");
		/* NODATA of a public zone carries its SOA, not as a record */
		check_answer(l.node, DNS_TYPE_AAAA, name, 0,
			"ns " SOA_TEXT("us-east-2.vpce.amazonaws.com."));
		/* its apex is no name of the zone: forwarded */
		l = look(&x.db, v, apex, DNS_TYPE_A);
		assert_null(l.node);
		assert_null(l.answer);
		assert_null(l.forward);
		assert_int_equal(l.auth->kind, ZONE_PUBLIC);
		/* a public zone has no empty non-terminals, but a wildcard's parent exists */
		assert_null(look(&x.db, v, "monitoring.us-east-2.vpce.amazonaws.com",
			DNS_TYPE_A).answer);
		l = look(&x.db, v, "foo.vpce-2-def.s3.us-east-2.vpce.amazonaws.com", DNS_TYPE_A);
		assert_non_null(l.node);
		assert_memory_equal(l.node->name, "\001*", 2);
		assert_null(look(&x.db, v, "s3.us-east-2.vpce.amazonaws.com", DNS_TYPE_A).answer);
	}
	/* held once: in view 0's table only */
	assert_non_null(find(&x.db, 0, name));
	assert_non_null(find(&x.db, 0, apex));
	for (unsigned v = 1; v <= 3; v++)
		assert_null(find(&x.db, v, name));
	/* view 1 also has its own zone */
	struct query_lookup own = look(&x.db, 1, "monitoring.us-east-2.amazonaws.com", DNS_TYPE_A);
	assert_non_null(own.node);
	assert_false(own.from_public);
	assert_int_equal(own.auth->kind, ZONE_LOCAL);
	assert_int_equal(own.auth->view, 1);
	assert_null(look(&x.db, 0, "monitoring.us-east-2.amazonaws.com", DNS_TYPE_A).auth);
	assert_null(look(&x.db, 2, "monitoring.us-east-2.amazonaws.com", DNS_TYPE_A).auth);

	/* view 2: its LOCAL zone at the same apex hides every public name */
	struct query_lookup l = look(&x.db, 2, name, DNS_TYPE_A);
	assert_null(l.node);
	assert_int_equal(l.auth->kind, ZONE_LOCAL);
	assert_int_equal(l.auth->view, 2);
	assert_int_equal(l.answer->rcode, DNS_RCODE_NXDOMAIN);
	l = look(&x.db, 2, "foo.vpce-2-def.s3.us-east-2.vpce.amazonaws.com", DNS_TYPE_A);
	assert_int_equal(l.answer->rcode, DNS_RCODE_NXDOMAIN);
	l = look(&x.db, 2, apex, DNS_TYPE_A);
	assert_non_null(l.node);
	assert_int_equal(l.node->flags, 0);
	assert_int_equal(l.auth->view, 2);
	assert_non_null(look(&x.db, 2, "mine.us-east-2.vpce.amazonaws.com", DNS_TYPE_A).node);
	assert_null(look(&x.db, 1, "mine.us-east-2.vpce.amazonaws.com", DNS_TYPE_A).answer);

	/* view 3: its LOCAL zone below the apex hides the names under it only */
	l = look(&x.db, 3, name, DNS_TYPE_A);
	assert_int_equal(l.auth->kind, ZONE_LOCAL);
	assert_int_equal(l.auth->view, 3);
	assert_int_equal(l.answer->rcode, DNS_RCODE_NXDOMAIN);
	l = look(&x.db, 3, "monitoring.us-east-2.vpce.amazonaws.com", DNS_TYPE_A);
	assert_non_null(l.node);
	assert_int_equal(l.auth->view, 3);
	l = look(&x.db, 3, "foo.vpce-2-def.s3.us-east-2.vpce.amazonaws.com", DNS_TYPE_A);
	assert_true(l.from_public);
	assert_int_equal(l.auth->kind, ZONE_PUBLIC);
	check_answer(l.node, DNS_TYPE_A, "foo.vpce-2-def.s3.us-east-2.vpce.amazonaws.com", 0,
		"an foo.vpce-2-def.s3.us-east-2.vpce.amazonaws.com. 60 IN A 10.0.1.6\n");
	built_free(&x);
}

/*
 * Issue 12: public names are held once, so the table grows with names +
 * views, not their product, and views added past the array's growth
 * boundaries (16, 32, ...) keep their zones.
 */
static void
test_public_names_held_once(void **state)
{
	static const unsigned extra[] = { 0, 12, 13, 14, 61, 297, 2000 };
	uint32_t base = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		struct zb *b = build_views(extra[i]);
		unsigned n_views = 4 + extra[i];
		/* every view gets a zone of its own after all views exist, as the
		 * loader does (views first, then zones) */
		for (unsigned v = 1; v < n_views; v++) {
			char apex[64], owner[80];
			snprintf(apex, sizeof(apex), "own%u.example", v);
			snprintf(owner, sizeof(owner), "www.own%u.example", v);
			struct zb_zone *z = zone_soa(b, v, apex, ZONE_LOCAL, true);
			add_a(b, z, owner, "10.9.9.9", 60);
		}
		struct built x;
		finish(b, &x);
		/* each view's own zone adds its apex and www, nothing more */
		if (i == 0)
			base = x.db.count - 2 * (n_views - 1);
		assert_int_equal(x.db.count, base + 2 * (n_views - 1));
		for (unsigned v = 1; v < n_views; v++) {
			char owner[80];
			snprintf(owner, sizeof(owner), "www.own%u.example", v);
			struct query_lookup l = look(&x.db, v, owner, DNS_TYPE_A);
			assert_non_null(l.node);
			assert_int_equal(l.auth->view, v);
			assert_null(look(&x.db, v == 1 ? 2 : 1, owner, DNS_TYPE_A).answer);
		}
		struct query_lookup l = look(&x.db, extra[i] ? n_views - 1 : 1,
			"vpce-1-abc.monitoring.us-east-2.vpce.amazonaws.com", DNS_TYPE_A);
		assert_non_null(l.node);
		assert_true(l.from_public);
		built_free(&x);
	}
}

/*
 * A VPC's own LOCAL zone above a public zone's apex covers the public
 * names too: as with a Route 53 private hosted zone, the VPC's zone
 * decides about every name below its apex, and the public names (what
 * recursion would find) are not seen there.
 */
static void
test_local_zone_above_public(void **state)
{
	struct zb *b = zb_create();
	struct built x;
	static const char name[] = "vpce-1-abc.monitoring.us-east-2.vpce.amazonaws.com";

	(void)state;
	assert_non_null(b);
	assert_int_equal(zb_view_add(b, "vpc-plain"), 1);
	assert_int_equal(zb_view_add(b, "vpc-above"), 2);
	struct zb_zone *pub = zone_soa(b, 0, "us-east-2.vpce.amazonaws.com", ZONE_PUBLIC, false);
	add_a(b, pub, name, "10.0.1.5", 60);
	struct zb_zone *l = zone_soa(b, 2, "vpce.amazonaws.com", ZONE_LOCAL, true);
	add_a(b, l, "other.vpce.amazonaws.com", "10.2.0.1", 60);
	finish(b, &x);

	/* view 1 has no zone there: the public name */
	struct query_lookup r1 = look(&x.db, 1, name, DNS_TYPE_A);
	/* view 2: its zone is there, and the public names under it are not */
	struct query_lookup r2 = look(&x.db, 2, "other.vpce.amazonaws.com", DNS_TYPE_A);
	struct query_lookup r3 = look(&x.db, 2, "vpce.amazonaws.com", DNS_TYPE_A);
	struct query_lookup hidden = look(&x.db, 2, name, DNS_TYPE_A);
	struct query_lookup apex = look(&x.db, 2, "us-east-2.vpce.amazonaws.com", DNS_TYPE_A);
	bool ok = r1.node && r1.auth->kind == ZONE_PUBLIC &&
		r2.node && r2.auth->kind == ZONE_LOCAL &&
		r3.node && r3.auth->kind == ZONE_LOCAL &&
		!hidden.node && hidden.auth->kind == ZONE_LOCAL &&
		hidden.answer->rcode == DNS_RCODE_NXDOMAIN &&
		apex.auth->kind == ZONE_LOCAL && apex.answer->rcode == DNS_RCODE_NXDOMAIN;
	built_free(&x);	/* before asserting, so that a failure leaks nothing */
	assert_true(ok);
}

/* ---- FORWARD and SYSTEM rules ---- */

static void
test_forward_rules(void **state)
{
	struct zb *b = zb_create();
	struct fwd_targets targets;
	struct built x;

	(void)state;
	memset(&targets, 0, sizeof(targets));
	targets.n = 1;
	assert_non_null(b);
	assert_int_equal(zb_view_add(b, "vpc-1"), 1);
	assert_int_equal(zb_view_add(b, "vpc-2"), 2);
	struct zb_zone *f = zone(b, 1, "corp.example", ZONE_FORWARD);
	zb_zone_set_targets(f, &targets);
	zone(b, 1, "internal.corp.example", ZB_SYSTEM);
	/* a private zone below the rule is more specific */
	struct zb_zone *db = zone_soa(b, 1, "db.corp.example", ZONE_LOCAL, true);
	add_a(b, db, "pg.db.corp.example", "10.9.0.1", 60);
	/* a private zone and a rule at one apex: the rule wins */
	struct zb_zone *hid = zone_soa(b, 1, "svc.example", ZONE_LOCAL, true);
	add_a(b, hid, "a.svc.example", "10.9.0.2", 60);
	zone(b, 1, "svc.example", ZONE_FORWARD);
	/* a rule at a public zone's apex wins for that view only */
	struct zb_zone *pub = zone_soa(b, 0, "pub.example", ZONE_PUBLIC, false);
	add_a(b, pub, "www.pub.example", "192.0.2.1", 60);
	zone(b, 2, "pub.example", ZONE_FORWARD);
	finish(b, &x);

	const struct node *n = find(&x.db, 1, "corp.example");
	assert_non_null(n);
	assert_int_equal(n->flags, NODE_PHANTOM);
	assert_int_equal(n->zone->kind, ZONE_FORWARD);
	assert_ptr_equal(n->zone->targets, &targets);
	assert_int_equal(n->zone->view, 1);
	assert_memory_equal(n->zone->apex, "\004corp\007example", 14);
	assert_null(find(&x.db, 0, "corp.example"));
	assert_null(find(&x.db, 2, "corp.example"));
	struct query_lookup l = look(&x.db, 1, "www.corp.example", DNS_TYPE_A);
	assert_ptr_equal(l.forward, n->zone);
	assert_null(look(&x.db, 2, "www.corp.example", DNS_TYPE_A).forward);

	/* SYSTEM under FORWARD: back to recursion there */
	n = find(&x.db, 1, "internal.corp.example");
	assert_non_null(n);
	assert_int_equal(n->flags, NODE_PHANTOM);
	assert_int_equal(n->zone->kind, ZONE_RECURSE);
	assert_null(n->zone->targets);
	l = look(&x.db, 1, "x.internal.corp.example", DNS_TYPE_A);
	assert_null(l.answer);
	assert_null(l.forward);

	n = find(&x.db, 1, "pg.db.corp.example");
	assert_non_null(n);
	assert_int_equal(n->zone->kind, ZONE_LOCAL);
	check_answer(n, DNS_TYPE_A, "pg.db.corp.example", 0,
		"an pg.db.corp.example. 60 IN A 10.9.0.1\n");
	n = find(&x.db, 1, "db.corp.example");
	assert_non_null(n);
	assert_int_equal(n->flags, 0);
	assert_int_equal(n->zone->kind, ZONE_LOCAL);

	/* svc.example: the forward rule decides; the zone's names are not served */
	n = find(&x.db, 1, "svc.example");
	assert_non_null(n);
	assert_int_equal(n->flags, NODE_PHANTOM);
	assert_int_equal(n->zone->kind, ZONE_FORWARD);
	assert_null(n->zone->targets);
	assert_null(find(&x.db, 1, "a.svc.example"));
	assert_int_equal(look(&x.db, 1, "a.svc.example", DNS_TYPE_A).auth->kind, ZONE_FORWARD);

	/* pub.example: served in views 0 and 1, forwarded in view 2 */
	l = look(&x.db, 1, "www.pub.example", DNS_TYPE_A);
	assert_non_null(l.node);
	assert_int_equal(l.auth->kind, ZONE_PUBLIC);
	assert_true(l.from_public);
	assert_non_null(look(&x.db, 0, "www.pub.example", DNS_TYPE_A).node);
	l = look(&x.db, 2, "www.pub.example", DNS_TYPE_A);
	assert_null(l.node);
	assert_int_equal(l.auth->kind, ZONE_FORWARD);
	assert_int_equal(l.auth->view, 2);
	n = find(&x.db, 2, "pub.example");
	assert_non_null(n);
	assert_int_equal(n->flags, NODE_PHANTOM);
	assert_int_equal(n->zone->kind, ZONE_FORWARD);
	assert_int_equal(n->zone->view, 2);
	/* view 1 has nothing at pub.example: view 0's phantom decides */
	assert_null(find(&x.db, 1, "pub.example"));
	n = find(&x.db, 0, "pub.example");
	assert_non_null(n);
	assert_int_equal(n->flags, NODE_PHANTOM);
	assert_int_equal(n->zone->kind, ZONE_PUBLIC);
	built_free(&x);
}

static void
test_system_rule_public_view(void **state)
{
	struct zb *b = zb_create();
	struct built x;

	(void)state;
	assert_non_null(b);
	/* rules in view 0 apply to every view */
	zone(b, 0, "example.net", ZONE_FORWARD);
	zone(b, 0, "in.example.net", ZB_SYSTEM);
	assert_int_equal(zb_view_add(b, "vpc-1"), 1);
	finish(b, &x);
	for (unsigned v = 0; v <= 1; v++) {
		struct query_lookup l = look(&x.db, v, "www.example.net", DNS_TYPE_A);
		assert_non_null(l.forward);
		assert_int_equal(l.auth->kind, ZONE_FORWARD);
		l = look(&x.db, v, "www.in.example.net", DNS_TYPE_A);
		assert_null(l.forward);
		assert_int_equal(l.auth->kind, ZONE_RECURSE);
	}
	/* held once: two phantoms in view 0, none in view 1 */
	assert_int_equal(x.db.count, 2);
	assert_int_equal(x.db.n_rot, 0);
	built_free(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_names),
		cmocka_unit_test(test_negative_answers),
		cmocka_unit_test(test_empty_non_terminals),
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_cname_chains),
		cmocka_unit_test(test_rotation_fields),
		cmocka_unit_test(test_rr_add_refusals),
		cmocka_unit_test(test_zone_add_find),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_wildcard_cname),
		cmocka_unit_test(test_public_names_in_views),
		cmocka_unit_test(test_public_names_held_once),
		cmocka_unit_test(test_local_zone_above_public),
		cmocka_unit_test(test_forward_rules),
		cmocka_unit_test(test_system_rule_public_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
