/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_scrub.c - unit tests of the scrubber of forwarded replies. */
#include "config.h"
#include "scrub.h"
#include "diag.h"
#include "dname.h"
#include "snapshot.h"
#include "wire.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { AN, NS, AR };
#define T_DNAME 39
#define T_RRSIG 46
#define T_NSEC 47
#define RCODE_YXDOMAIN 6

static struct scrub *scr;

/* ---- building replies ---- */

/* A text name to wire form, keeping the case of its letters. */
static size_t
wire_name(const char *text, uint8_t *out)
{
	size_t o = 0;
	const char *p = text;
	while (*p && *p != '.') {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		out[o++] = (uint8_t)n;
		memcpy(out + o, p, n);
		o += n;
		p += n;
		if (*p == '.')
			p++;
	}
	out[o++] = 0;
	return o;
}

struct msg {
	uint8_t b[16384];
	size_t len;
	uint16_t counts[3];
};

static void
msg_init(struct msg *m, uint16_t flags, const char *qname, uint16_t qtype)
{
	memset(m, 0, sizeof(*m));
	wire_put16(m->b, 0x1234);
	wire_put16(m->b + 2, DNS_FLAG_QR | DNS_FLAG_RA | flags);
	wire_put16(m->b + 4, 1);
	m->len = DNS_HEADER_SIZE + wire_name(qname, m->b + DNS_HEADER_SIZE);
	wire_put16(m->b + m->len, qtype);
	wire_put16(m->b + m->len + 2, DNS_CLASS_IN);
	m->len += 4;
}

/* A record with RDATA as given; records go in section order. */
static void
msg_rr(struct msg *m, int sec, const char *owner, uint16_t type, uint16_t rclass,
	const void *rdata, size_t rdlen)
{
	m->len += wire_name(owner, m->b + m->len);
	wire_put16(m->b + m->len, type);
	wire_put16(m->b + m->len + 2, rclass);
	wire_put32(m->b + m->len + 4, 300);
	wire_put16(m->b + m->len + 8, (uint16_t)rdlen);
	memcpy(m->b + m->len + 10, rdata, rdlen);
	m->len += 10 + rdlen;
	m->counts[sec]++;
	wire_put16(m->b + 6, m->counts[AN]);
	wire_put16(m->b + 8, m->counts[NS]);
	wire_put16(m->b + 10, m->counts[AR]);
}

static void
add_a(struct msg *m, int sec, const char *owner, uint8_t last)
{
	uint8_t a[4] = { 192, 0, 2, last };
	msg_rr(m, sec, owner, DNS_TYPE_A, DNS_CLASS_IN, a, 4);
}

/* A record whose RDATA is one name after skip fixed octets (CNAME, NS, MX…). */
static void
add_named(struct msg *m, int sec, const char *owner, uint16_t type, size_t skip,
	const char *target)
{
	uint8_t rd[300] = { 0 };
	size_t n = wire_name(target, rd + skip);
	msg_rr(m, sec, owner, type, DNS_CLASS_IN, rd, skip + n);
}

static void
add_soa(struct msg *m, const char *owner)
{
	uint8_t rd[600];
	size_t n = wire_name("ns1.example.net", rd);
	n += wire_name("hostmaster.example.net", rd + n);
	memset(rd + n, 0, 20);
	rd[n + 19] = 60;	/* minimum */
	msg_rr(m, NS, owner, DNS_TYPE_SOA, DNS_CLASS_IN, rd, n + 20);
}

/* An RRSIG covering type, signed by signer; 4 octets of signature. */
static void
add_rrsig(struct msg *m, int sec, const char *owner, uint16_t covered, const char *signer)
{
	uint8_t rd[300] = { 0 };
	wire_put16(rd, covered);
	rd[2] = 13;
	rd[3] = 3;
	size_t n = 18 + wire_name(signer, rd + 18);
	memcpy(rd + n, "\x01\x02\x03\x04", 4);
	msg_rr(m, sec, owner, T_RRSIG, DNS_CLASS_IN, rd, n + 4);
}

/* ---- reading the result ---- */

struct rec {
	int sec;
	char owner[300];
	uint16_t type;
	char target[300];	/* the first RDATA name of CNAME/DNAME/NS/MX…, else "" */
	uint8_t last;		/* A: the last octet */
};

struct parsed {
	unsigned rcode;
	unsigned n;
	struct rec r[512];
};

static void
parse(const uint8_t *msg, size_t len, struct parsed *p)
{
	size_t pos = DNS_HEADER_SIZE;
	memset(p, 0, sizeof(*p));
	assert_true(wire_skip_name(msg, len, &pos));
	pos += 4;
	p->rcode = wire_flags(msg) & DNS_RCODE_MASK;
	unsigned c[3] = { wire_get16(msg + 6), wire_get16(msg + 8), wire_get16(msg + 10) };
	for (int s = 0; s < 3; s++) {
		for (unsigned i = 0; i < c[s]; i++) {
			struct wire_rr rr;
			uint8_t name[DNAME_MAX];
			assert_true(wire_parse_rr(msg, len, &pos, &rr));
			assert_true(p->n < 512);
			struct rec *r = &p->r[p->n++];
			r->sec = s;
			r->type = rr.type;
			size_t np = rr.owner;
			assert_true(wire_read_name(msg, len, &np, name, true));
			dname_to_text(name, r->owner, sizeof(r->owner));
			size_t skip = rr.type == DNS_TYPE_MX ? 2 : rr.type == DNS_TYPE_SRV ? 6 : 0;
			if (rr.type == DNS_TYPE_CNAME || rr.type == T_DNAME || rr.type == DNS_TYPE_NS ||
			    rr.type == DNS_TYPE_MX || rr.type == DNS_TYPE_SRV) {
				np = rr.rdata + skip;
				assert_true(wire_read_name(msg, rr.end, &np, name, true));
				assert_int_equal(np, rr.end);
				dname_to_text(name, r->target, sizeof(r->target));
			}
			if (rr.type == DNS_TYPE_A)
				r->last = msg[rr.end - 1];
		}
	}
	assert_int_equal(pos, len);
}

static size_t
wire_of(const char *text, uint8_t *out)
{
	int n = dname_from_text(text, out, NULL);
	assert_true(n > 0);
	return (size_t)n;
}

/* The question and the bailiwick, as text. */
struct q {
	uint8_t qname[DNAME_MAX], zone[DNAME_MAX];
	struct scrub_query sq;
};

static void
q_init(struct q *q, const char *qname, uint16_t qtype, const char *zone)
{
	memset(q, 0, sizeof(*q));
	q->sq.qname = q->qname;
	q->sq.qname_len = wire_of(qname, q->qname);
	q->sq.qtype = qtype;
	q->sq.qclass = DNS_CLASS_IN;
	q->sq.zone = q->zone;
	q->sq.zone_len = wire_of(zone, q->zone);
}

static uint8_t out[65535];

/* Scrub, parse, and check that scrubbing the result again changes nothing. */
static size_t
run(struct q *q, const struct msg *m, struct parsed *p, unsigned *removed)
{
	static uint8_t again[65535];
	size_t n = scrub_reply(scr, &q->sq, m->b, m->len, out, sizeof(out), removed);
	assert_true(n > 0);
	parse(out, n, p);
	unsigned r2 = 99;
	size_t n2 = scrub_reply(scr, &q->sq, out, n, again, sizeof(again), &r2);
	assert_int_equal(n2, n);
	assert_int_equal(r2, 0);
	assert_memory_equal(again, out, n);
	return n;
}

static void
want(const struct parsed *p, unsigned i, int sec, const char *owner, uint16_t type,
	const char *target)
{
	assert_true(i < p->n);
	assert_int_equal(p->r[i].sec, sec);
	assert_string_equal(p->r[i].owner, owner);
	assert_int_equal(p->r[i].type, type);
	if (target)
		assert_string_equal(p->r[i].target, target);
}

/* ---- the answer chain ---- */

static void
test_plain_answer(void **state)
{
	struct msg m;
	struct q q;
	struct parsed p;
	unsigned removed;

	(void)state;
	q_init(&q, "www.example.com", DNS_TYPE_A, ".");
	msg_init(&m, 0, "wWw.ExamPle.com", DNS_TYPE_A);
	add_a(&m, AN, "www.example.com", 1);
	add_a(&m, AN, "WWW.EXAMPLE.COM", 2);
	/* a forged name dnsd serves, off the chain */
	add_a(&m, AN, "kms.us-east-2.amazonaws.com", 66);
	/* a record of another type for the name */
	add_named(&m, AN, "www.example.com", DNS_TYPE_CNAME, 0, "evil.example.net");
	/* promiscuous NS in a positive answer, and its glue */
	add_named(&m, NS, "example.com", DNS_TYPE_NS, 0, "ns1.example.com");
	add_a(&m, AR, "ns1.example.com", 53);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 2);
	want(&p, 0, AN, "www.example.com.", DNS_TYPE_A, NULL);
	want(&p, 1, AN, "www.example.com.", DNS_TYPE_A, NULL);
	assert_int_equal(p.r[0].last, 1);
	assert_int_equal(p.r[1].last, 2);
	assert_int_equal(removed, 4);
	/* the question keeps the case it came with */
	assert_memory_equal(out + 12, "\003wWw\007ExamPle\003com", 17);
}

static void
test_cname_chain(void **state)
{
	struct msg m;
	struct q q;
	struct parsed p;
	unsigned removed;

	(void)state;
	q_init(&q, "www.example.com", DNS_TYPE_A, ".");
	msg_init(&m, 0, "www.example.com", DNS_TYPE_A);
	add_named(&m, AN, "www.example.com", DNS_TYPE_CNAME, 0, "a.cdn.example.net");
	add_named(&m, AN, "a.cdn.example.net", DNS_TYPE_CNAME, 0, "b.cdn.example.org");
	add_a(&m, AN, "b.cdn.example.org", 7);
	add_a(&m, AN, "c.cdn.example.org", 8);	/* not on the chain */
	/* a second CNAME for a name already followed */
	add_named(&m, AN, "www.example.com", DNS_TYPE_CNAME, 0, "evil.example.net");
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 3);
	want(&p, 0, AN, "www.example.com.", DNS_TYPE_CNAME, "a.cdn.example.net.");
	want(&p, 1, AN, "a.cdn.example.net.", DNS_TYPE_CNAME, "b.cdn.example.org.");
	want(&p, 2, AN, "b.cdn.example.org.", DNS_TYPE_A, NULL);
	assert_int_equal(p.r[2].last, 7);
	assert_int_equal(removed, 2);

	/* out of order: data before the CNAME that leads to it is not the chain */
	msg_init(&m, 0, "www.example.com", DNS_TYPE_A);
	add_a(&m, AN, "b.cdn.example.org", 7);
	add_named(&m, AN, "www.example.com", DNS_TYPE_CNAME, 0, "b.cdn.example.org");
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 1);
	want(&p, 0, AN, "www.example.com.", DNS_TYPE_CNAME, "b.cdn.example.org.");

	/* data for the name, then a CNAME for it: the redirection goes */
	msg_init(&m, 0, "www.example.com", DNS_TYPE_A);
	add_a(&m, AN, "www.example.com", 1);
	add_named(&m, AN, "www.example.com", DNS_TYPE_CNAME, 0, "x.example.net");
	add_a(&m, AN, "x.example.net", 2);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.r[0].last, 1);
}

static void
test_chain_limit(void **state)
{
	struct msg m;
	struct q q;
	struct parsed p;
	unsigned removed;
	char a[64], b[64];

	(void)state;
	/* 15 steps: the first SCRUB_MAX_CHAIN are kept, then nothing */
	q_init(&q, "c0.example.com", DNS_TYPE_A, ".");
	msg_init(&m, 0, "c0.example.com", DNS_TYPE_A);
	for (int i = 0; i < 15; i++) {
		snprintf(a, sizeof(a), "c%d.example.com", i);
		snprintf(b, sizeof(b), "c%d.example.com", i + 1);
		add_named(&m, AN, a, DNS_TYPE_CNAME, 0, b);
	}
	add_a(&m, AN, "c15.example.com", 9);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, SCRUB_MAX_CHAIN);
	want(&p, SCRUB_MAX_CHAIN - 1, AN, "c10.example.com.", DNS_TYPE_CNAME, "c11.example.com.");
	assert_int_equal(removed, 16 - SCRUB_MAX_CHAIN);
	/* a loop is followed only as far as the limit: here, three steps */
	msg_init(&m, 0, "c0.example.com", DNS_TYPE_A);
	add_named(&m, AN, "c0.example.com", DNS_TYPE_CNAME, 0, "c1.example.com");
	add_named(&m, AN, "c1.example.com", DNS_TYPE_CNAME, 0, "c0.example.com");
	add_named(&m, AN, "c0.example.com", DNS_TYPE_CNAME, 0, "c1.example.com");
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 3);
}

static void
test_dname(void **state)
{
	struct msg m;
	struct q q;
	struct parsed p;
	unsigned removed;

	(void)state;
	q_init(&q, "x.old.example", DNS_TYPE_A, ".");
	/* DNAME, its CNAME, the data: all kept */
	msg_init(&m, 0, "x.old.example", DNS_TYPE_A);
	add_named(&m, AN, "old.example", T_DNAME, 0, "new.example");
	add_named(&m, AN, "x.old.example", DNS_TYPE_CNAME, 0, "x.new.example");
	add_a(&m, AN, "x.new.example", 5);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 3);
	want(&p, 0, AN, "old.example.", T_DNAME, "new.example.");
	want(&p, 1, AN, "x.old.example.", DNS_TYPE_CNAME, "x.new.example.");
	want(&p, 2, AN, "x.new.example.", DNS_TYPE_A, NULL);
	assert_int_equal(removed, 0);

	/* a CNAME that is not the one the DNAME makes: replaced by it */
	msg_init(&m, 0, "x.old.example", DNS_TYPE_A);
	add_named(&m, AN, "old.example", T_DNAME, 0, "new.example");
	add_named(&m, AN, "x.old.example", DNS_TYPE_CNAME, 0, "evil.example");
	add_a(&m, AN, "evil.example", 66);
	add_a(&m, AN, "x.new.example", 5);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 3);
	want(&p, 1, AN, "x.old.example.", DNS_TYPE_CNAME, "x.new.example.");
	want(&p, 2, AN, "x.new.example.", DNS_TYPE_A, NULL);
	assert_int_equal(p.r[2].last, 5);
	assert_int_equal(removed, 2);

	/* no CNAME at all: dnsd writes it, with the DNAME's TTL */
	msg_init(&m, 0, "x.old.example", DNS_TYPE_A);
	add_named(&m, AN, "old.example", T_DNAME, 0, "new.example");
	add_a(&m, AN, "x.new.example", 5);
	size_t n = run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 3);
	want(&p, 1, AN, "x.old.example.", DNS_TYPE_CNAME, "x.new.example.");
	(void)n;

	/* a DNAME outside the bailiwick does not apply */
	q_init(&q, "x.old.example", DNS_TYPE_A, "corp.example");
	msg_init(&m, 0, "x.old.example", DNS_TYPE_A);
	add_named(&m, AN, "old.example", T_DNAME, 0, "new.example");
	add_named(&m, AN, "x.old.example", DNS_TYPE_CNAME, 0, "x.new.example");
	add_a(&m, AN, "x.new.example", 5);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 2);
	want(&p, 0, AN, "x.old.example.", DNS_TYPE_CNAME, "x.new.example.");
	want(&p, 1, AN, "x.new.example.", DNS_TYPE_A, NULL);

	/* a substitution longer than 255 octets: YXDOMAIN keeps the DNAME,
	 * any other rcode makes the reply unusable */
	char longname[300] = "";
	for (int i = 0; i < 4; i++)
		strcat(longname, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
	strcat(longname, "old.example");
	char target[300] = "";
	for (int i = 0; i < 3; i++)
		strcat(target, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.");
	strcat(target, "example");
	q_init(&q, longname, DNS_TYPE_A, ".");
	msg_init(&m, RCODE_YXDOMAIN, longname, DNS_TYPE_A);
	add_named(&m, AN, "old.example", T_DNAME, 0, target);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.rcode, RCODE_YXDOMAIN);
	want(&p, 0, AN, "old.example.", T_DNAME, NULL);
	wire_put16(m.b + 2, DNS_FLAG_QR);
	assert_int_equal(scrub_reply(scr, &q.sq, m.b, m.len, out, sizeof(out), NULL), 0);
}

/* ---- bailiwick: authority and additional ---- */

static void
test_bailiwick(void **state)
{
	struct msg m;
	struct q q;
	struct parsed p;
	unsigned removed;

	(void)state;
	/* a rule for corp.example: an NXDOMAIN with its SOA and junk */
	q_init(&q, "nosuch.corp.example", DNS_TYPE_A, "corp.example");
	msg_init(&m, DNS_RCODE_NXDOMAIN, "nosuch.corp.example", DNS_TYPE_A);
	add_soa(&m, "example");			/* above the zone */
	add_soa(&m, "corp.example");		/* the one */
	add_soa(&m, "corp.example");		/* a second SOA */
	add_soa(&m, "other.corp.example");	/* not the zone of the name */
	add_named(&m, NS, "evil.com", DNS_TYPE_NS, 0, "ns.evil.com");
	add_a(&m, NS, "corp.example", 1);	/* A in authority */
	add_a(&m, AR, "ns.evil.com", 66);
	add_a(&m, AR, "www.corp.example", 2);	/* named by nothing */
	run(&q, &m, &p, &removed);
	assert_int_equal(p.rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(p.n, 1);
	want(&p, 0, NS, "corp.example.", DNS_TYPE_SOA, NULL);
	assert_int_equal(removed, 7);

	/* the default upstreams: the root is the bailiwick, the SOA of the
	 * name's zone is kept wherever it is */
	q_init(&q, "nosuch.corp.example", DNS_TYPE_A, ".");
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 1);
	want(&p, 0, NS, "corp.example.", DNS_TYPE_SOA, NULL);
}

static void
test_referral_and_glue(void **state)
{
	struct msg m;
	struct q q;
	struct parsed p;
	unsigned removed;

	(void)state;
	q_init(&q, "www.sub.corp.example", DNS_TYPE_A, "corp.example");
	msg_init(&m, 0, "www.sub.corp.example", DNS_TYPE_A);
	add_named(&m, NS, "sub.corp.example", DNS_TYPE_NS, 0, "ns1.sub.corp.example");
	add_named(&m, NS, "sub.corp.example", DNS_TYPE_NS, 0, "ns.evil.com");
	add_named(&m, NS, "corp.example", DNS_TYPE_NS, 0, "ns2.corp.example");	/* a second set */
	add_a(&m, AR, "ns1.sub.corp.example", 1);
	add_a(&m, AR, "ns.evil.com", 66);		/* named, but outside */
	add_a(&m, AR, "ns2.corp.example", 2);		/* its NS set went */
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 3);
	want(&p, 0, NS, "sub.corp.example.", DNS_TYPE_NS, "ns1.sub.corp.example.");
	want(&p, 1, NS, "sub.corp.example.", DNS_TYPE_NS, "ns.evil.com.");
	want(&p, 2, AR, "ns1.sub.corp.example.", DNS_TYPE_A, NULL);

	/* glue for the answer's MX and SRV targets; not for anything else */
	q_init(&q, "corp.example", DNS_TYPE_MX, ".");
	msg_init(&m, 0, "corp.example", DNS_TYPE_MX);
	add_named(&m, AN, "corp.example", DNS_TYPE_MX, 2, "mail.corp.example");
	add_a(&m, AR, "mail.corp.example", 25);
	add_a(&m, AR, "other.corp.example", 26);
	uint8_t bad[5] = { 192, 0, 2, 27, 0 };
	msg_rr(&m, AR, "mail.corp.example", DNS_TYPE_A, DNS_CLASS_IN, bad, 5);	/* 5 octets */
	add_a(&m, AR, "mail.corp.example", 28);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 3);
	want(&p, 0, AN, "corp.example.", DNS_TYPE_MX, "mail.corp.example.");
	want(&p, 1, AR, "mail.corp.example.", DNS_TYPE_A, NULL);
	want(&p, 2, AR, "mail.corp.example.", DNS_TYPE_A, NULL);
	assert_int_equal(p.r[1].last, 25);
	assert_int_equal(p.r[2].last, 28);
	assert_int_equal(removed, 2);
}

static void
test_rrsigs_and_nsec(void **state)
{
	struct msg m;
	struct q q;
	struct parsed p;
	unsigned removed;

	(void)state;
	q_init(&q, "www.corp.example", DNS_TYPE_A, "corp.example");
	msg_init(&m, 0, "www.corp.example", DNS_TYPE_A);
	add_a(&m, AN, "www.corp.example", 1);
	add_rrsig(&m, AN, "www.corp.example", DNS_TYPE_A, "corp.example");
	add_rrsig(&m, AN, "www.corp.example", DNS_TYPE_AAAA, "corp.example");	/* no AAAA */
	add_rrsig(&m, AN, "evil.corp.example", DNS_TYPE_A, "corp.example");
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 2);
	want(&p, 1, AN, "www.corp.example.", T_RRSIG, NULL);
	assert_int_equal(removed, 2);

	/* NODATA with the SOA and NSEC proofs; an NSEC reaching out of the zone */
	msg_init(&m, 0, "www.corp.example", DNS_TYPE_A);
	add_soa(&m, "corp.example");
	add_rrsig(&m, NS, "corp.example", DNS_TYPE_SOA, "corp.example");
	uint8_t nsec[64];
	size_t n = wire_name("zzz.corp.example", nsec);
	memcpy(nsec + n, "\x00\x01\x40", 3);
	msg_rr(&m, NS, "www.corp.example", T_NSEC, DNS_CLASS_IN, nsec, n + 3);
	n = wire_name("evil.com", nsec);
	memcpy(nsec + n, "\x00\x01\x40", 3);
	msg_rr(&m, NS, "a.corp.example", T_NSEC, DNS_CLASS_IN, nsec, n + 3);
	add_rrsig(&m, NS, "a.corp.example", T_NSEC, "corp.example");	/* its NSEC went */
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 3);
	want(&p, 0, NS, "corp.example.", DNS_TYPE_SOA, NULL);
	want(&p, 1, NS, "corp.example.", T_RRSIG, NULL);
	want(&p, 2, NS, "www.corp.example.", T_NSEC, NULL);
	assert_int_equal(removed, 2);
}

static void
test_other_rcodes_and_classes(void **state)
{
	struct msg m;
	struct q q;
	struct parsed p;
	unsigned removed;

	(void)state;
	q_init(&q, "www.example.com", DNS_TYPE_A, ".");
	for (unsigned rcode = DNS_RCODE_FORMERR; rcode <= DNS_RCODE_REFUSED; rcode++) {
		if (rcode == DNS_RCODE_NXDOMAIN)
			continue;
		msg_init(&m, (uint16_t)rcode, "www.example.com", DNS_TYPE_A);
		add_a(&m, AN, "www.example.com", 1);
		add_soa(&m, "example.com");
		run(&q, &m, &p, &removed);
		assert_int_equal(p.rcode, rcode);
		assert_int_equal(p.n, 0);
		assert_int_equal(removed, 2);
	}
	/* records of another class */
	msg_init(&m, 0, "www.example.com", DNS_TYPE_A);
	uint8_t a[4] = { 192, 0, 2, 1 };
	msg_rr(&m, AN, "www.example.com", DNS_TYPE_A, DNS_CLASS_CH, a, 4);
	add_a(&m, AN, "www.example.com", 2);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.r[0].last, 2);
	/* an OPT goes without being counted as left out */
	msg_rr(&m, AR, ".", DNS_TYPE_OPT, 4096, "", 0);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 1);
	assert_int_equal(removed, 1);
	/* a question that is not ours, or compressed: unusable */
	q_init(&q, "www.example.org", DNS_TYPE_A, ".");
	assert_int_equal(scrub_reply(scr, &q.sq, m.b, m.len, out, sizeof(out), NULL), 0);
}

/* ---- names dnsd serves ---- */

static bool
served_kms(const void *ctx, const uint8_t *name, size_t len)
{
	static const uint8_t kms[] = "\003kms\011us-east-2\011amazonaws\003com";
	(void)ctx;
	return dname_is_subdomain(name, len, kms, sizeof(kms));
}

static void
test_served_names(void **state)
{
	struct msg m;
	struct q q;
	struct parsed p;
	unsigned removed;

	(void)state;
	q_init(&q, "www.example.com", DNS_TYPE_A, ".");
	q.sq.served = served_kms;
	/* a chain into a name dnsd serves: cut there, NXDOMAIN and SOA gone */
	msg_init(&m, DNS_RCODE_NXDOMAIN, "www.example.com", DNS_TYPE_A);
	add_named(&m, AN, "www.example.com", DNS_TYPE_CNAME, 0, "KMS.us-east-2.amazonaws.com");
	add_a(&m, AN, "kms.us-east-2.amazonaws.com", 66);
	add_named(&m, AN, "kms.us-east-2.amazonaws.com", DNS_TYPE_CNAME, 0, "evil.example.net");
	add_a(&m, AN, "evil.example.net", 67);
	add_soa(&m, "amazonaws.com");
	assert_true(scrub_mentions_served(&q.sq, m.b, m.len));
	size_t n = run(&q, &m, &p, &removed);
	assert_int_equal(p.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(p.n, 1);
	want(&p, 0, AN, "www.example.com.", DNS_TYPE_CNAME, "kms.us-east-2.amazonaws.com.");
	assert_int_equal(removed, 4);
	assert_false(scrub_mentions_served(&q.sq, out, n));

	/* a forged record for one in additional, named by an MX */
	q_init(&q, "example.com", DNS_TYPE_MX, ".");
	q.sq.served = served_kms;
	msg_init(&m, 0, "example.com", DNS_TYPE_MX);
	add_named(&m, AN, "example.com", DNS_TYPE_MX, 2, "vpce.kms.us-east-2.amazonaws.com");
	add_a(&m, AR, "vpce.kms.us-east-2.amazonaws.com", 66);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 1);
	want(&p, 0, AN, "example.com.", DNS_TYPE_MX, NULL);

	/* the question name itself: nothing of the upstream's */
	q_init(&q, "kms.us-east-2.amazonaws.com", DNS_TYPE_A, ".");
	q.sq.served = served_kms;
	msg_init(&m, 0, "kms.us-east-2.amazonaws.com", DNS_TYPE_A);
	add_a(&m, AN, "kms.us-east-2.amazonaws.com", 66);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 0);
	/* without a served function the same reply is left alone */
	q.sq.served = NULL;
	assert_false(scrub_mentions_served(&q.sq, m.b, m.len));
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 1);
}

/* ---- compression ---- */

static void
test_compression(void **state)
{
	struct msg m;
	struct q q;
	struct parsed p;
	unsigned removed;

	(void)state;
	/* ten A records for the question name: each owner a pointer to it */
	q_init(&q, "www.example.com", DNS_TYPE_A, ".");
	msg_init(&m, 0, "www.example.com", DNS_TYPE_A);
	for (int i = 0; i < 10; i++)
		add_a(&m, AN, "www.example.com", (uint8_t)i);
	size_t n = run(&q, &m, &p, &removed);
	assert_int_equal(n, 12 + 17 + 4 + 10 * (2 + 10 + 4));
	assert_memory_equal(out + 33, "\xc0\x0c\x00\x01\x00\x01", 6);
	/* a CNAME target sharing a suffix points into the question; an SRV
	 * target is written in full (RFC 2782) but later names may point to it */
	q_init(&q, "_x._tcp.example.com", DNS_TYPE_SRV, ".");
	msg_init(&m, 0, "_x._tcp.example.com", DNS_TYPE_SRV);
	add_named(&m, AN, "_x._tcp.example.com", DNS_TYPE_CNAME, 0, "_y._tcp.example.com");
	add_named(&m, AN, "_y._tcp.example.com", DNS_TYPE_SRV, 6, "host.example.com");
	add_a(&m, AR, "host.example.com", 1);
	n = run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 3);
	size_t at = 12 + 21 + 4;	/* the CNAME: owner pointer, then RDATA */
	assert_memory_equal(out + at, "\xc0\x0c\x00\x05\x00\x01", 6);
	assert_memory_equal(out + at + 10, "\x00\x05\x02_y\xc0\x0f", 7);
	at += 10 + 2 + 5;		/* the SRV: owner points to "_y" */
	assert_int_equal(wire_get16(out + at), 0xc000 | (12 + 21 + 4 + 12));
	assert_memory_equal(out + at + 10, "\x00\x18", 2);	/* 6 + 18: in full */
	assert_memory_equal(out + at + 12 + 6, "\004host\007example\003com", 17);
	/* the A's owner points at the SRV target */
	at += 12 + 24;
	assert_int_equal(wire_get16(out + at), 0xc000 | (12 + 21 + 4 + 12 + 5 + 12 + 6));
	assert_int_equal(at + 2 + 10 + 4, n);
}

/* Many records, broken RDATA, too little room: no overrun. */
static void
test_large_and_broken(void **state)
{
	static struct msg m;
	struct q q;
	struct parsed p;
	unsigned removed;

	(void)state;
	q_init(&q, "www.example.com", DNS_TYPE_A, ".");
	msg_init(&m, 0, "www.example.com", DNS_TYPE_A);
	for (int i = 0; i < 400; i++)
		add_a(&m, AN, i % 2 ? "www.example.com" : "other.example.com", (uint8_t)i);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 200);
	assert_int_equal(removed, 200);
	/* a CNAME whose RDATA runs past its length: not believed */
	msg_init(&m, 0, "www.example.com", DNS_TYPE_A);
	msg_rr(&m, AN, "www.example.com", DNS_TYPE_CNAME, DNS_CLASS_IN, "\x05short", 6);
	add_a(&m, AN, "www.example.com", 1);
	run(&q, &m, &p, &removed);
	assert_int_equal(p.n, 1);
	want(&p, 0, AN, "www.example.com.", DNS_TYPE_A, NULL);
	/* too little room for the result */
	assert_int_equal(scrub_reply(scr, &q.sq, m.b, m.len, out, 40, NULL), 0);
}

/* ---- which names a view serves, on a real snapshot ---- */

#define VPC "vpc-0a1b2c3d"

static const char world[] =
	"Vpcs:\n"
	"  - VpcId: " VPC "\n"
	"    CidrBlock: 10.0.0.0/16\n"
	"    EnableDnsHostnames: true\n"
	"    Subnets: [{SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}]\n"
	"    VpcEndpoints:\n"
	"      - VpcEndpointId: vpce-099deb00b40f00e22\n"
	"        ServiceName: com.amazonaws.us-east-2.kms\n"
	"        NetworkInterfaces: [{SubnetId: subnet-a, PrivateIpAddress: 10.0.1.42}]\n";

static void
test_served_in_view(void **state)
{
	struct diag d;

	(void)state;
	diag_init(&d, stderr);
	struct snapshot *s = snapshot_load_buffer("world.yaml", world, sizeof(world) - 1, &d);
	assert_non_null(s);
	int view = -1;
	for (unsigned i = 0; i < s->n_vpc_views; i++)
		if (strcmp(s->vpcs[i].id, VPC) == 0)
			view = s->vpcs[i].view;
	assert_true(view > 0);
	struct scrub_view in_vpc = { s, (uint16_t)view }, outside = { s, 0 };
	static const char *const yes[] = {
		"kms.us-east-2.amazonaws.com", "nosuch.kms.us-east-2.amazonaws.com",
		"ip-10-0-1-5.us-east-2.compute.internal",
	};
	static const char *const no[] = {
		"www.example.com", "amazonaws.com", "s3.us-east-2.amazonaws.com", ".",
	};
	uint8_t name[DNAME_MAX];
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		size_t n = wire_of(yes[i], name);
		assert_true(scrub_served_in_view(&in_vpc, name, n));
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		size_t n = wire_of(no[i], name);
		assert_false(scrub_served_in_view(&in_vpc, name, n));
	}
	/* outside the VPC the endpoint's private name is AWS's public one */
	size_t n = wire_of("kms.us-east-2.amazonaws.com", name);
	assert_false(scrub_served_in_view(&outside, name, n));
	/* a public zone serves the names it holds and forwards the rest */
	n = wire_of("vpce-099deb00b40f00e22-ekk9swcy.kms.us-east-2.vpce.amazonaws.com", name);
	assert_true(scrub_served_in_view(&in_vpc, name, n));
	n = wire_of("vpce-0ffffffffffffffff-aaaaaaaa.kms.us-east-2.vpce.amazonaws.com", name);
	assert_false(scrub_served_in_view(&in_vpc, name, n));
	snapshot_free(s);
}

static int
setup(void **state)
{
	(void)state;
	scr = scrub_create();
	return scr ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	scrub_free(scr);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_answer),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_chain_limit),
		cmocka_unit_test(test_dname),
		cmocka_unit_test(test_bailiwick),
		cmocka_unit_test(test_referral_and_glue),
		cmocka_unit_test(test_rrsigs_and_nsec),
		cmocka_unit_test(test_other_rcodes_and_classes),
		cmocka_unit_test(test_served_names),
		cmocka_unit_test(test_compression),
		cmocka_unit_test(test_large_and_broken),
		cmocka_unit_test(test_served_in_view),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
