/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_forward.c - unit tests of upstream queries, reply checks and reply rewriting. */
#include "config.h"
#include "forward.h"
#include "dname.h"
#include "query.h"
#include "wire.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/*
 * The kept question of a client query: qname as the client wrote it
 * (wire form, any case), type, class, header flags and EDNS.
 */
static void
make_fq(struct fwd_question *fq, const char *qname_wire, size_t qname_len, uint16_t qtype,
	uint16_t qclass, uint16_t id, uint16_t flags, bool edns, bool do_bit, uint16_t udp_size)
{
	struct query_info qi;
	uint8_t question[DNAME_MAX + 4];

	memset(&qi, 0, sizeof(qi));
	memcpy(question, qname_wire, qname_len);
	wire_put16(question + qname_len, qtype);
	wire_put16(question + qname_len + 2, qclass);
	for (size_t i = 0; i < qname_len; i++)
		qi.lname[i] = dname_lower_byte((uint8_t)qname_wire[i]);
	qi.id = id;
	qi.flags = flags;
	qi.qtype = qtype;
	qi.qclass = qclass;
	qi.qname_len = qname_len;
	qi.question = question;
	qi.question_len = qname_len + 4;
	qi.edns = edns;
	qi.do_bit = do_bit;
	qi.udp_size = edns ? udp_size : 512;
	memset(fq, 0xee, sizeof(*fq));
	forward_keep(fq, &qi);
	/* the copy does not point into the caller's buffer */
	memset(question, 0, sizeof(question));
}

/* "WwW.ExAmple.COM" as the client wrote it. */
static const char qname_mixed[] = "\003WwW\007ExAmple\003COM";
#define QNAME_LEN 17

static void
test_keep(void **state)
{
	struct fwd_question fq;

	(void)state;
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN, 7, DNS_FLAG_RD, false,
		false, 0);
	assert_ptr_equal(fq.qi.question, fq.buf);
	assert_int_equal(fq.qi.question_len, QNAME_LEN + 4);
	assert_memory_equal(fq.buf, qname_mixed, QNAME_LEN);
	assert_memory_equal(fq.buf + QNAME_LEN, "\x00\x01\x00\x01", 4);
	assert_memory_equal(fq.qi.lname, "\003www\007example\003com", QNAME_LEN);
}

static void
test_make_query(void **state)
{
	struct fwd_question fq;
	uint8_t out[512];

	(void)state;
	/* client: RD clear, CD set, AD and Z set, EDNS with DO */
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_AAAA, DNS_CLASS_IN, 0x1111,
		DNS_FLAG_CD | DNS_FLAG_AD | DNS_FLAG_Z, true, true, 4096);
	memset(out, 0xaa, sizeof(out));
	size_t len = forward_make_query(&fq, 0xbeef, 1232, fq.qi.lname, out, sizeof(out));
	static const uint8_t want[] = {
		0xbe, 0xef, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 1,
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0x00, 0x1c, 0x00, 0x01,
		0, 0x00, 0x29, 0x04, 0xd0, 0, 0, 0x80, 0x00, 0, 0,
	};
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(out[len], 0xaa);

	/* client: RD set, no CD, no EDNS: no DO, our size */
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN, 0x2222, DNS_FLAG_RD,
		false, false, 0);
	len = forward_make_query(&fq, 0x0102, 1400, fq.qi.lname, out, sizeof(out));
	assert_int_equal(len, DNS_HEADER_SIZE + QNAME_LEN + 4 + 11);
	assert_memory_equal(out, "\x01\x02\x01\x00\x00\x01\x00\x00\x00\x00\x00\x01", 12);
	assert_memory_equal(out + 12 + QNAME_LEN, "\x00\x01\x00\x01", 4);
	assert_memory_equal(out + 12 + QNAME_LEN + 4,
		"\x00\x00\x29\x05\x78\x00\x00\x00\x00\x00\x00", 11);

	/* the root name, exactly enough room, one byte less */
	make_fq(&fq, "", 1, DNS_TYPE_NS, DNS_CLASS_IN, 1, 0, false, false, 0);
	assert_int_equal(forward_make_query(&fq, 9, 1232, fq.qi.lname, out, 12 + 5 + 11), 28);
	assert_memory_equal(out + 12, "\x00\x00\x02\x00\x01", 5);
	assert_int_equal(forward_make_query(&fq, 9, 1232, fq.qi.lname, out, 27), 0);
}

/* A reply to our upstream query: header, question (as given), then raw bytes. */
struct reply {
	uint8_t b[2048];
	size_t len;
};

static void
reply_init(struct reply *r, uint16_t id, uint16_t flags, const void *qname, size_t qlen,
	uint16_t qtype, uint16_t qclass)
{
	memset(r->b, 0, sizeof(r->b));
	wire_put16(r->b, id);
	wire_put16(r->b + 2, flags);
	wire_put16(r->b + 4, 1);
	memcpy(r->b + 12, qname, qlen);
	wire_put16(r->b + 12 + qlen, qtype);
	wire_put16(r->b + 12 + qlen + 2, qclass);
	r->len = 12 + qlen + 4;
}

static void
reply_add(struct reply *r, const void *data, size_t len)
{
	memcpy(r->b + r->len, data, len);
	r->len += len;
}

/* Counts in the header. */
static void
reply_counts(struct reply *r, uint16_t an, uint16_t ns, uint16_t ar)
{
	wire_put16(r->b + 6, an);
	wire_put16(r->b + 8, ns);
	wire_put16(r->b + 10, ar);
}

/* An A record for the question name (pointer to offset 12), TTL 300. */
static void
reply_add_a(struct reply *r, uint8_t last)
{
	uint8_t rr[16] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x01, 0x2c, 0, 4, 192, 0, 2, 0 };

	rr[15] = last;
	reply_add(r, rr, sizeof(rr));
}

/* An upstream OPT: size 4096, DO set, one option. */
static void
reply_add_opt(struct reply *r)
{
	static const uint8_t opt[] = { 0, 0, 41, 0x10, 0x00, 0, 0, 0x80, 0, 0, 6,
		0, 10, 0, 2, 0xab, 0xcd };

	reply_add(r, opt, sizeof(opt));
}

static const char qname_lower[] = "\003www\007example\003com";

static void
test_check_reply(void **state)
{
	struct fwd_question fq;
	struct reply r;
	const uint16_t id = 0x4242;
	const uint16_t qr = DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA;

	(void)state;
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN, 1, DNS_FLAG_RD, true,
		false, 1232);

	/* a good answer */
	reply_init(&r, id, qr, qname_lower, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN);
	reply_counts(&r, 2, 0, 1);
	reply_add_a(&r, 1);
	reply_add_a(&r, 2);
	reply_add_opt(&r);
	assert_int_equal(forward_check_reply(&fq, id, NULL, r.b, r.len), FWD_ACCEPT);
	/* NXDOMAIN and SERVFAIL are answers too */
	wire_put16(r.b + 2, qr | DNS_RCODE_NXDOMAIN);
	assert_int_equal(forward_check_reply(&fq, id, NULL, r.b, r.len), FWD_ACCEPT);
	wire_put16(r.b + 2, qr | DNS_RCODE_SERVFAIL);
	assert_int_equal(forward_check_reply(&fq, id, NULL, r.b, r.len), FWD_ACCEPT);
	wire_put16(r.b + 2, qr);

	/* another ID */
	assert_int_equal(forward_check_reply(&fq, id + 1, NULL, r.b, r.len), FWD_IGNORE);
	/* QR clear: a query, not a reply */
	wire_put16(r.b + 2, DNS_FLAG_RD);
	assert_int_equal(forward_check_reply(&fq, id, NULL, r.b, r.len), FWD_IGNORE);
	/* another opcode */
	wire_put16(r.b + 2, qr | (DNS_OPCODE_NOTIFY << 11));
	assert_int_equal(forward_check_reply(&fq, id, NULL, r.b, r.len), FWD_IGNORE);
	wire_put16(r.b + 2, qr);
	/* no question, or two */
	wire_put16(r.b + 4, 0);
	assert_int_equal(forward_check_reply(&fq, id, NULL, r.b, r.len), FWD_IGNORE);
	wire_put16(r.b + 4, 2);
	assert_int_equal(forward_check_reply(&fq, id, NULL, r.b, r.len), FWD_IGNORE);
	wire_put16(r.b + 4, 1);
	/* shorter than a header, or cut in the question */
	assert_int_equal(forward_check_reply(&fq, id, NULL, r.b, 11), FWD_IGNORE);
	assert_int_equal(forward_check_reply(&fq, id, NULL, r.b, 12 + QNAME_LEN + 3), FWD_IGNORE);
	assert_int_equal(forward_check_reply(&fq, id, NULL, r.b, 12 + 5), FWD_IGNORE);
	/* the question's name in another case is the same question */
	struct reply c = r;
	memcpy(c.b + 12, "\003WWW\007EXAMPLE\003cOm", QNAME_LEN);
	assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_ACCEPT);

	/* another name, type or class */
	c = r;
	c.b[13] = 'x';
	assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_IGNORE);
	c = r;
	wire_put16(c.b + 12 + QNAME_LEN, DNS_TYPE_AAAA);
	assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_IGNORE);
	c = r;
	wire_put16(c.b + 12 + QNAME_LEN + 2, DNS_CLASS_CH);
	assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_IGNORE);
	reply_init(&c, id, qr, "\003www\007example\003org", QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_IGNORE);
	reply_init(&c, id, qr, "\007example\003com", 13, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_IGNORE);

	/* TC: ask again over TCP, whatever follows */
	c = r;
	wire_put16(c.b + 2, qr | DNS_FLAG_TC);
	assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_TRUNCATED);
	c.len = 12 + QNAME_LEN + 4;
	assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_TRUNCATED);

	/* records that run past the end without TC: a datagram cut short,
	 * asked again over TCP; cut anywhere inside a record or between */
	size_t first = 12 + QNAME_LEN + 4;
	for (size_t cut = first; cut < r.len; cut++) {
		c = r;
		c.len = cut;
		assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_CUT);
	}
	c = r;
	reply_counts(&c, 3, 0, 1);	/* one record more than there are */
	assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_CUT);
	/* malformed inside the message: unusable */
	c = r;
	reply_counts(&c, 2, 0, 1);
	c.b[12 + QNAME_LEN + 4] = 0xc0;
	c.b[12 + QNAME_LEN + 5] = 0xff;	/* answer owner: a forward pointer */
	assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_FAIL);
	c = r;
	c.b[12 + QNAME_LEN + 4] = 0x40;	/* answer owner: an extended label type */
	assert_int_equal(forward_check_reply(&fq, id, NULL, c.b, c.len), FWD_FAIL);
}

static void
test_check_reply_compressed_question(void **state)
{
	struct fwd_question fq;
	struct reply r;

	(void)state;
	/* the question "a." */
	make_fq(&fq, "\001a", 3, DNS_TYPE_A, DNS_CLASS_IN, 1, DNS_FLAG_RD, false, false, 0);
	reply_init(&r, 7, DNS_FLAG_QR, "\001a", 3, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(forward_check_reply(&fq, 7, NULL, r.b, r.len), FWD_ACCEPT);
	/* "a" and a pointer to offset 10, where ARCOUNT's high byte (0) reads
	 * as the root: the same name, but compressed */
	reply_init(&r, 7, DNS_FLAG_QR, "\001a\xc0\x0a", 4, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(r.b[10], 0);
	assert_int_equal(forward_check_reply(&fq, 7, NULL, r.b, r.len), FWD_IGNORE);
	/* a pointer loop in the question */
	reply_init(&r, 7, DNS_FLAG_QR, "\xc0\x0c", 2, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(forward_check_reply(&fq, 7, NULL, r.b, r.len), FWD_IGNORE);
}

static void
env_init(struct query_env *env)
{
	memset(env, 0, sizeof(*env));
	env->max_udp = 1232;
	env->now_seconds = 1;
}

static void
test_make_reply(void **state)
{
	struct fwd_question fq;
	struct query_env env;
	struct reply r;
	uint8_t out[4096];

	(void)state;
	env_init(&env);
	/* client: ID 0x1234, RD and CD, EDNS with DO */
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN, 0x1234,
		DNS_FLAG_RD | DNS_FLAG_CD, true, true, 4096);
	/* upstream: AA, AD, Z, no RD/RA; two answers and its OPT */
	reply_init(&r, 0x9999, DNS_FLAG_QR | DNS_FLAG_AA | DNS_FLAG_AD | DNS_FLAG_Z,
		qname_lower, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN);
	reply_counts(&r, 2, 0, 1);
	reply_add_a(&r, 1);
	reply_add_a(&r, 2);
	size_t opt_at = r.len;
	reply_add_opt(&r);
	memset(out, 0xaa, sizeof(out));
	size_t len = forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out));
	assert_int_equal(len, opt_at + 11);
	/* the client's ID; QR RA AD, the client's RD and CD; AA and Z cleared */
	assert_memory_equal(out, "\x12\x34\x81\xb0\x00\x01\x00\x02\x00\x00\x00\x01", 12);
	/* the client's question bytes, its case */
	assert_memory_equal(out + 12, qname_mixed, QNAME_LEN);
	assert_memory_equal(out + 12 + QNAME_LEN, "\x00\x01\x00\x01", 4);
	/* the records as they were, pointers and all */
	assert_memory_equal(out + 12 + QNAME_LEN + 4, r.b + 12 + QNAME_LEN + 4, 32);
	/* our OPT: our size, DO copied, no options */
	assert_memory_equal(out + opt_at, "\x00\x00\x29\x04\xd0\x00\x00\x80\x00\x00\x00", 11);
	assert_int_equal(out[len], 0xaa);

	/* a client without EDNS: the upstream OPT goes, none comes back; it
	 * asked for neither AD nor DO, so the upstream's AD is cleared */
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN, 0x5678, 0, false,
		false, 0);
	len = forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out));
	assert_int_equal(len, opt_at);
	assert_memory_equal(out, "\x56\x78\x80\x80\x00\x01\x00\x02\x00\x00\x00\x00", 12);

	/* an OPT followed by another additional record: both go */
	reply_init(&r, 1, DNS_FLAG_QR | DNS_FLAG_RA | DNS_RCODE_NXDOMAIN, qname_lower, QNAME_LEN,
		DNS_TYPE_A, DNS_CLASS_IN);
	reply_counts(&r, 1, 0, 2);
	reply_add_a(&r, 3);
	opt_at = r.len;
	reply_add_opt(&r);
	reply_add_a(&r, 4);
	len = forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out));
	assert_int_equal(len, opt_at);
	assert_memory_equal(out, "\x56\x78\x80\x83\x00\x01\x00\x01\x00\x00\x00\x00", 12);

	/* an additional record before the OPT stays */
	reply_init(&r, 1, DNS_FLAG_QR, qname_lower, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN);
	reply_counts(&r, 0, 0, 2);
	reply_add_a(&r, 5);
	opt_at = r.len;
	reply_add_opt(&r);
	len = forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out));
	assert_int_equal(len, opt_at);
	assert_memory_equal(out + 6, "\x00\x00\x00\x00\x00\x01", 6);

	/* an OPT in the answer section: cannot be rewritten */
	reply_init(&r, 1, DNS_FLAG_QR, qname_lower, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN);
	reply_counts(&r, 1, 0, 0);
	reply_add_opt(&r);
	assert_int_equal(forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out)), 0);
	/* nor a malformed one */
	reply_init(&r, 1, DNS_FLAG_QR, qname_lower, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN);
	reply_counts(&r, 1, 0, 0);
	reply_add(&r, "\xc0\x0c\x00\x01", 4);
	assert_int_equal(forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out)), 0);
	/* nor one larger than the room given */
	reply_init(&r, 1, DNS_FLAG_QR, qname_lower, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(forward_make_reply(&env, &fq, r.b, r.len, false, out, r.len - 1), 0);
}

static void
test_make_reply_truncated(void **state)
{
	struct fwd_question fq;
	struct query_env env;
	struct reply r;
	uint8_t out[4096];

	(void)state;
	env_init(&env);
	/* 40 answers: 12 + 21 + 640 = 673 bytes */
	reply_init(&r, 1, DNS_FLAG_QR | DNS_FLAG_RA | DNS_FLAG_AD, qname_lower, QNAME_LEN,
		DNS_TYPE_A, DNS_CLASS_IN);
	reply_counts(&r, 40, 0, 0);
	for (int i = 0; i < 40; i++)
		reply_add_a(&r, (uint8_t)i);
	assert_int_equal(r.len, 673);

	/* a client without EDNS takes 512: TC=1, the question only */
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN, 0xabcd, DNS_FLAG_RD,
		false, false, 0);
	size_t len = forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out));
	assert_int_equal(len, 12 + QNAME_LEN + 4);
	assert_memory_equal(out, "\xab\xcd\x83\x80\x00\x01\x00\x00\x00\x00\x00\x00", 12);
	assert_memory_equal(out + 12, qname_mixed, QNAME_LEN);
	assert_memory_equal(out + 12 + QNAME_LEN, "\x00\x01\x00\x01", 4);

	/* over TCP it fits (AD cleared: the client asked for neither AD nor DO) */
	len = forward_make_reply(&env, &fq, r.b, r.len, true, out, sizeof(out));
	assert_int_equal(len, 673);
	assert_memory_equal(out, "\xab\xcd\x81\x80\x00\x01\x00\x28\x00\x00\x00\x00", 12);

	/* EDNS 1232: fits with our OPT */
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN, 0xabcd, 0, true, false,
		1232);
	len = forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out));
	assert_int_equal(len, 673 + 11);
	/* EDNS 600 (the client's size counts): TC with an OPT */
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN, 0xabcd, DNS_FLAG_CD, true,
		true, 600);
	len = forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out));
	assert_int_equal(len, 12 + QNAME_LEN + 4 + 11);
	assert_memory_equal(out, "\xab\xcd\x82\x90\x00\x01\x00\x00\x00\x00\x00\x01", 12);
	assert_memory_equal(out + 12 + QNAME_LEN + 4,
		"\x00\x00\x29\x04\xd0\x00\x00\x80\x00\x00\x00", 11);
	/* our own limit counts too */
	env.max_udp = 512;
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN, 0xabcd, 0, true, false,
		4096);
	len = forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out));
	assert_int_equal(len, 12 + QNAME_LEN + 4 + 11);
	assert_true(wire_flags(out) & DNS_FLAG_TC);
	/* exactly at the limit: sent whole */
	env.max_udp = 673 + 11;
	len = forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out));
	assert_int_equal(len, 673 + 11);
	assert_false(wire_flags(out) & DNS_FLAG_TC);
	env.max_udp = 673 + 10;
	len = forward_make_reply(&env, &fq, r.b, r.len, false, out, sizeof(out));
	assert_int_equal(len, 12 + QNAME_LEN + 4 + 11);
	assert_true(wire_flags(out) & DNS_FLAG_TC);
}

static void
test_caps(void **state)
{
	struct fwd_question fq;
	uint8_t out[DNAME_MAX];
	unsigned seen_upper[QNAME_LEN] = { 0 };

	(void)state;
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN, 1, 0, false, false, 0);
	for (int n = 0; n < 2000; n++) {
		unsigned upper = 0, lower = 0;
		forward_caps(&fq, out);
		for (size_t i = 0; i < QNAME_LEN; i++) {
			/* the same name: only the case of letters changes */
			assert_int_equal(dname_lower_byte(out[i]), fq.qi.lname[i]);
			if (out[i] >= 'A' && out[i] <= 'Z') {
				upper++;
				seen_upper[i]++;
			} else if (out[i] >= 'a' && out[i] <= 'z') {
				lower++;
			}
		}
		/* 13 letters: always both cases */
		assert_int_equal(upper + lower, 13);
		assert_true(upper > 0 && lower > 0);
	}
	/* each letter is upper about half the time; length bytes never change */
	for (size_t i = 0; i < QNAME_LEN; i++) {
		if (i == 0 || i == 4 || i == 12 || i == 16)
			assert_int_equal(seen_upper[i], 0);
		else
			assert_in_range(seen_upper[i], 850, 1150);
	}
	/* one letter cannot mix; digits and the root stay as they are */
	make_fq(&fq, "\0031-2\001x", 7, DNS_TYPE_A, DNS_CLASS_IN, 1, 0, false, false, 0);
	bool both[2] = { false, false };
	for (int n = 0; n < 200; n++) {
		forward_caps(&fq, out);
		assert_memory_equal(out, "\0031-2\001", 5);
		assert_true(out[5] == 'x' || out[5] == 'X');
		both[out[5] == 'X'] = true;
		assert_int_equal(out[6], 0);
	}
	assert_true(both[0] && both[1]);
	make_fq(&fq, "", 1, DNS_TYPE_NS, DNS_CLASS_IN, 1, 0, false, false, 0);
	forward_caps(&fq, out);
	assert_int_equal(out[0], 0);
}

static void
test_check_reply_case(void **state)
{
	struct fwd_question fq;
	struct reply r;
	static const char sent[] = "\003wWw\007ExaMPle\003coM";

	(void)state;
	make_fq(&fq, qname_mixed, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN, 1, DNS_FLAG_RD, false,
		false, 0);
	/* the name echoed as sent: ours */
	reply_init(&r, 5, DNS_FLAG_QR, sent, QNAME_LEN, DNS_TYPE_A, DNS_CLASS_IN);
	reply_counts(&r, 1, 0, 0);
	reply_add_a(&r, 1);
	assert_int_equal(forward_check_reply(&fq, 5, (const uint8_t *)sent, r.b, r.len),
		FWD_ACCEPT);
	/* one letter in another case: rejected, whatever else is right */
	r.b[14] = 'w';
	assert_int_equal(forward_check_reply(&fq, 5, (const uint8_t *)sent, r.b, r.len), FWD_CASE);
	wire_put16(r.b + 2, DNS_FLAG_QR | DNS_FLAG_TC);
	assert_int_equal(forward_check_reply(&fq, 5, (const uint8_t *)sent, r.b, r.len), FWD_CASE);
	wire_put16(r.b + 2, DNS_FLAG_QR);
	/* sent without 0x20 (NULL): the case does not count */
	assert_int_equal(forward_check_reply(&fq, 5, NULL, r.b, r.len), FWD_ACCEPT);
	/* the wrong ID or name stays a reply to ignore, not a case mismatch */
	assert_int_equal(forward_check_reply(&fq, 6, (const uint8_t *)sent, r.b, r.len),
		FWD_IGNORE);
	r.b[13] = 'x';
	assert_int_equal(forward_check_reply(&fq, 5, (const uint8_t *)sent, r.b, r.len),
		FWD_IGNORE);
}

static void
test_draw(void **state)
{
	struct fwd_recent *r = calloc(1, sizeof(*r));
	static uint8_t seen[65536];

	(void)state;
	assert_non_null(r);
	/* IDs: no value twice in 4,096 draws (the window), all 16 bits used */
	memset(seen, 0, sizeof(seen));
	unsigned or_bits = 0;
	for (int i = 0; i < FWD_RECENT; i++) {
		uint16_t v = forward_draw(r, 0, 65535);
		assert_int_equal(seen[v], 0);
		seen[v] = 1;
		or_bits |= v;
	}
	assert_int_equal(or_bits, 0xffff);
	/* ports: inside the range, distinct over the window */
	memset(r, 0, sizeof(*r));
	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < FWD_RECENT; i++) {
		uint16_t v = forward_draw(r, 32768, 60999);
		assert_in_range(v, 32768, 60999);
		assert_int_equal(seen[v], 0);
		seen[v] = 1;
	}
	/* a small range: the window is a quarter of it, every value stays possible */
	memset(r, 0, sizeof(*r));
	memset(seen, 0, sizeof(seen));
	uint16_t last[4];
	for (int i = 0; i < 4000; i++) {
		uint16_t v = forward_draw(r, 100, 115);
		assert_in_range(v, 100, 115);
		for (int k = 0; k < 4 && i >= 4; k++)
			assert_int_not_equal(v, last[k]);
		memmove(last + 1, last, 3 * sizeof(*last));
		last[0] = v;
		seen[v] = 1;
	}
	for (int v = 100; v <= 115; v++)
		assert_int_equal(seen[v], 1);
	free(r);
}

static void
test_caps_memory(void **state)
{
	static struct fwd_caps_memory m;
	struct sockaddr_storage a[100];
	socklen_t len = sizeof(struct sockaddr_in);

	(void)state;
	memset(a, 0, sizeof(a));
	for (int i = 0; i < 100; i++) {
		struct sockaddr_in *in = (struct sockaddr_in *)&a[i];
		in->sin_family = AF_INET;
		in->sin_port = htons(53);
		in->sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)i);
	}
	assert_false(forward_caps_off(&m, &a[0], len, 1000));
	forward_caps_remember(&m, &a[0], len, 5000);
	assert_true(forward_caps_off(&m, &a[0], len, 1000));
	assert_true(forward_caps_off(&m, &a[0], len, 4999));
	assert_false(forward_caps_off(&m, &a[0], len, 5000));	/* for a while only */
	assert_false(forward_caps_off(&m, &a[1], len, 1000));	/* another upstream */
	/* a fixed table: 100 upstreams, each one is either remembered or, when a
	 * later one took its slot, asked with 0x20 again (the safe side) */
	for (int i = 0; i < 100; i++)
		forward_caps_remember(&m, &a[i], len, 9000);
	unsigned remembered = 0;
	for (int i = 0; i < 100; i++)
		remembered += forward_caps_off(&m, &a[i], len, 1000);
	assert_in_range(remembered, 30, FWD_CAPS_SLOTS);
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_random_spread(void **state)
{
	enum { DRAWS = 10000 };
	uint32_t *v = calloc(DRAWS, sizeof(*v));
	uint32_t all_or = 0, all_and = 0xffffffffu;
	unsigned low_counts[16] = { 0 };

	(void)state;
	assert_non_null(v);
	for (int i = 0; i < DRAWS; i++) {
		v[i] = forward_random32();
		all_or |= v[i];
		all_and &= v[i];
		low_counts[v[i] & 15]++;
	}
	qsort(v, DRAWS, sizeof(*v), u32_cmp);
	unsigned run = 1, max_run = 1;
	for (int i = 1; i < DRAWS; i++) {
		run = v[i] == v[i - 1] ? run + 1 : 1;
		if (run > max_run)
			max_run = run;
	}
	free(v);
	/* 10,000 draws from 2^32: a repeat at all is unlikely (p ~ 1%) */
	assert_true(max_run <= 3);
	/* every bit takes both values */
	assert_int_equal(all_or, 0xffffffffu);
	assert_int_equal(all_and, 0);
	/* the low nibble is spread: 625 expected per value */
	for (int i = 0; i < 16; i++)
		assert_in_range(low_counts[i], 400, 850);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_make_query),
		cmocka_unit_test(test_check_reply),
		cmocka_unit_test(test_check_reply_compressed_question),
		cmocka_unit_test(test_check_reply_case),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_draw),
		cmocka_unit_test(test_caps_memory),
		cmocka_unit_test(test_make_reply),
		cmocka_unit_test(test_make_reply_truncated),
		cmocka_unit_test(test_random_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
