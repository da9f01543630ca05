/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_wire.c - unit tests of the bounds-checked name and RR readers. */
#include "config.h"
#include "wire.h"
#include "dname.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

/* A message under construction: a 12-byte header, then whatever is added. */
struct msg {
	uint8_t b[4096];
	size_t len;
};

static void
msg_init(struct msg *m)
{
	memset(m->b, 0, sizeof(m->b));
	m->len = DNS_HEADER_SIZE;
}

static size_t
msg_add(struct msg *m, const void *data, size_t len)
{
	size_t at = m->len;
	memcpy(m->b + at, data, len);
	m->len += len;
	return at;
}

static size_t
msg_ptr(struct msg *m, size_t target)
{
	uint8_t p[2] = { (uint8_t)(0xc0 | (target >> 8)), (uint8_t)target };
	return msg_add(m, p, 2);
}

/* Both readers must reject the name at pos and leave pos alone. */
static void
check_rejected(const struct msg *m, size_t pos)
{
	uint8_t out[DNAME_MAX];
	size_t p = pos;

	assert_false(wire_skip_name(m->b, m->len, &p));
	assert_int_equal(p, pos);
	assert_int_equal(wire_read_name(m->b, m->len, &p, out, true), 0);
	assert_int_equal(p, pos);
}

static void
test_plain_name(void **state)
{
	struct msg m;
	uint8_t out[DNAME_MAX];

	(void)state;
	msg_init(&m);
	size_t at = msg_add(&m, "\003WwW\007Example\003com", 17);
	msg_add(&m, "\x00\x01", 2);
	size_t p = at;
	assert_true(wire_skip_name(m.b, m.len, &p));
	assert_int_equal(p, at + 17);
	p = at;
	assert_int_equal(wire_read_name(m.b, m.len, &p, out, true), 17);
	assert_int_equal(p, at + 17);
	assert_memory_equal(out, "\003www\007example\003com", 17);
	p = at;
	assert_int_equal(wire_read_name(m.b, m.len, &p, out, false), 17);
	assert_memory_equal(out, "\003WwW\007Example\003com", 17);

	/* the root name */
	msg_init(&m);
	msg_add(&m, "", 1);
	p = DNS_HEADER_SIZE;
	assert_int_equal(wire_read_name(m.b, m.len, &p, out, true), 1);
	assert_int_equal(p, DNS_HEADER_SIZE + 1);
	assert_int_equal(out[0], 0);

	/* cut anywhere: rejected */
	msg_init(&m);
	msg_add(&m, "\003www\007example\003com", 17);
	for (size_t cut = DNS_HEADER_SIZE; cut < m.len; cut++) {
		struct msg c = m;
		c.len = cut;
		check_rejected(&c, DNS_HEADER_SIZE);
	}
	/* a start at or past the end */
	check_rejected(&m, m.len);
	check_rejected(&m, m.len + 5);
}

static void
test_compressed_name(void **state)
{
	struct msg m;
	uint8_t out[DNAME_MAX];

	(void)state;
	msg_init(&m);
	size_t first = msg_add(&m, "\007Example\003COM", 13);
	msg_add(&m, "\x00\x01\x00\x01", 4);
	/* www + pointer to example.com */
	size_t second = msg_add(&m, "\003www", 4);
	msg_ptr(&m, first);
	/* a pointer to a pointer: mail.www.example.com */
	size_t third = msg_add(&m, "\004mail", 5);
	msg_ptr(&m, second);
	/* a bare pointer */
	size_t fourth = msg_ptr(&m, third);
	msg_add(&m, "\x00\x05", 2);

	size_t p = second;
	assert_true(wire_skip_name(m.b, m.len, &p));
	assert_int_equal(p, second + 6);
	p = second;
	assert_int_equal(wire_read_name(m.b, m.len, &p, out, true), 17);
	assert_int_equal(p, second + 6);
	assert_memory_equal(out, "\003www\007example\003com", 17);

	p = third;
	assert_int_equal(wire_read_name(m.b, m.len, &p, out, false), 22);
	assert_int_equal(p, third + 7);
	assert_memory_equal(out, "\004mail\003www\007Example\003COM", 22);

	p = fourth;
	assert_int_equal(wire_read_name(m.b, m.len, &p, NULL, false), 22);
	assert_int_equal(p, fourth + 2);
	p = fourth;
	assert_true(wire_skip_name(m.b, m.len, &p));
	assert_int_equal(p, fourth + 2);

	/* equal names, whatever the case and compression */
	assert_true(wire_name_equal(m.b, m.len, first, m.b, m.len, first));
	assert_false(wire_name_equal(m.b, m.len, first, m.b, m.len, second));
	assert_true(wire_name_equal(m.b, m.len, third, m.b, m.len, fourth));
	struct msg o;
	msg_init(&o);
	msg_add(&o, "\004MAIL\003WWW\007example\003com", 22);
	assert_true(wire_name_equal(m.b, m.len, fourth, o.b, o.len, DNS_HEADER_SIZE));
	assert_false(wire_name_equal(m.b, m.len, second, o.b, o.len, DNS_HEADER_SIZE));
	/* a malformed name equals nothing, not even itself */
	o.len = 20;
	assert_false(wire_name_equal(o.b, o.len, DNS_HEADER_SIZE, o.b, o.len, DNS_HEADER_SIZE));
}

static void
test_pointer_loops(void **state)
{
	struct msg m;

	(void)state;
	/* a pointer to itself, at the question's place: c00c at offset 12 */
	msg_init(&m);
	msg_ptr(&m, DNS_HEADER_SIZE);
	msg_add(&m, "\x00\x01\x00\x01", 4);
	check_rejected(&m, DNS_HEADER_SIZE);

	/* a label, then a pointer back to that label: a loop */
	msg_init(&m);
	size_t at = msg_add(&m, "\001a", 2);
	msg_ptr(&m, at);
	check_rejected(&m, at);

	/* a pointer to the pointer just before it, which points back to the first */
	msg_init(&m);
	msg_add(&m, "\001a\000", 3);
	size_t p1 = m.len;
	msg_ptr(&m, p1 + 2);	/* forward */
	msg_ptr(&m, p1);	/* backward, into the loop */
	check_rejected(&m, p1);
	check_rejected(&m, p1 + 2);

	/* two pointers pointing at each other, entered from a later name */
	msg_init(&m);
	size_t x = m.len;
	msg_ptr(&m, x + 2);
	msg_ptr(&m, x);
	size_t entry = msg_add(&m, "\001b", 2);
	msg_ptr(&m, x + 2);
	check_rejected(&m, entry);
	check_rejected(&m, x);
	check_rejected(&m, x + 2);

	/* a longer cycle: names at A -> B -> C -> A through labels */
	msg_init(&m);
	size_t a = msg_add(&m, "\001a", 2);
	msg_ptr(&m, a + 4);	/* to b: forward */
	msg_add(&m, "\001b", 2);
	msg_ptr(&m, a);		/* back to a */
	check_rejected(&m, a);
	check_rejected(&m, a + 4);
}

static void
test_forward_and_bad_pointers(void **state)
{
	struct msg m;

	(void)state;
	/* a pointer forward, to a valid name after it */
	msg_init(&m);
	size_t at = msg_ptr(&m, DNS_HEADER_SIZE + 2);
	msg_add(&m, "\001a\000", 3);
	check_rejected(&m, at);

	/* a pointer past the end */
	msg_init(&m);
	msg_add(&m, "\001a\000", 3);
	at = msg_add(&m, "\001b", 2);
	msg_ptr(&m, 0x3fff);
	check_rejected(&m, at);
	/* a pointer whose second byte is missing */
	msg_init(&m);
	msg_add(&m, "\001a\000", 3);
	at = msg_add(&m, "\001b\xc0", 3);
	check_rejected(&m, at);

	/* a pointer into the middle of a label that reads as garbage */
	msg_init(&m);
	msg_add(&m, "\005ab\300cd\000", 7);	/* 0xc0 inside the label */
	at = msg_ptr(&m, DNS_HEADER_SIZE + 3);	/* -> c0 63 -> forward */
	check_rejected(&m, at);
}

static void
test_label_types(void **state)
{
	struct msg m;

	(void)state;
	/* 0x40: extended label type (RFC 6891 §5) */
	msg_init(&m);
	msg_add(&m, "\x41" "a\000", 3);
	check_rejected(&m, DNS_HEADER_SIZE);
	msg_init(&m);
	msg_add(&m, "\001a\x40\000", 4);
	check_rejected(&m, DNS_HEADER_SIZE);
	/* 0x80: reserved */
	msg_init(&m);
	msg_add(&m, "\x80\000", 2);
	check_rejected(&m, DNS_HEADER_SIZE);
	msg_init(&m);
	msg_add(&m, "\001a\xbf", 3);
	check_rejected(&m, DNS_HEADER_SIZE);
	/* the same behind a valid pointer */
	msg_init(&m);
	msg_add(&m, "\x81" "b\000", 3);
	size_t at = msg_add(&m, "\001a", 2);
	msg_ptr(&m, DNS_HEADER_SIZE);
	check_rejected(&m, at);
}

static void
test_name_length_limit(void **state)
{
	struct msg m;
	uint8_t label[64];
	uint8_t out[DNAME_MAX];

	(void)state;
	label[0] = 63;
	memset(label + 1, 'x', 63);

	/* 3 x 63 + 61 + root = 255 in plain labels: fine */
	msg_init(&m);
	for (int i = 0; i < 3; i++)
		msg_add(&m, label, 64);
	label[0] = 61;
	msg_add(&m, label, 62);
	msg_add(&m, "", 1);
	size_t p = DNS_HEADER_SIZE;
	assert_int_equal(wire_read_name(m.b, m.len, &p, out, true), 255);
	assert_int_equal(p, DNS_HEADER_SIZE + 255);
	assert_int_equal(dname_len(out), 255);

	/* 62 in the last label: 256, rejected */
	msg_init(&m);
	label[0] = 63;
	for (int i = 0; i < 3; i++)
		msg_add(&m, label, 64);
	label[0] = 62;
	msg_add(&m, label, 63);
	msg_add(&m, "", 1);
	check_rejected(&m, DNS_HEADER_SIZE);

	/* over 255 through pointers: each name adds 64 octets in front of
	 * the previous one, with only 66 bytes in the message */
	msg_init(&m);
	label[0] = 63;
	size_t prev = msg_add(&m, label, 64);
	msg_add(&m, "", 1);
	size_t names[4];
	names[0] = prev;
	for (int i = 1; i < 4; i++) {
		names[i] = msg_add(&m, label, 64);
		msg_ptr(&m, names[i - 1]);
	}
	p = names[2];
	assert_int_equal(wire_read_name(m.b, m.len, &p, out, true), 193);
	assert_int_equal(p, names[2] + 66);
	/* 4 x 64 + 1 = 257 */
	check_rejected(&m, names[3]);

	/* a chain of 200 one-label names each pointing at the previous one */
	msg_init(&m);
	size_t last = msg_add(&m, "", 1);
	for (int i = 0; i < 200; i++) {
		size_t here = msg_add(&m, "\001q", 2);
		msg_ptr(&m, last);
		last = here;
	}
	check_rejected(&m, last);
}

/* An RR: owner, type, class, TTL, rdlength and rdata. */
static size_t
add_rr(struct msg *m, const void *owner, size_t olen, uint16_t type, uint32_t ttl,
	uint16_t rdlen_field, const void *rdata, size_t rdlen)
{
	uint8_t fixed[10];
	size_t at = msg_add(m, owner, olen);
	wire_put16(fixed, type);
	wire_put16(fixed + 2, DNS_CLASS_IN);
	wire_put32(fixed + 4, ttl);
	wire_put16(fixed + 8, rdlen_field);
	msg_add(m, fixed, 10);
	if (rdlen)
		msg_add(m, rdata, rdlen);
	return at;
}

static void
test_parse_rr(void **state)
{
	struct msg m;
	struct wire_rr rr;

	(void)state;
	msg_init(&m);
	size_t owner = msg_add(&m, "\001a\000\x00\x01\x00\x01", 7);
	size_t at = m.len;
	msg_ptr(&m, owner);
	msg_add(&m, "\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\x0a\x00\x00\x01", 14);
	size_t second = add_rr(&m, "\001b\000", 3, DNS_TYPE_TXT, 60, 3, "\002hi", 3);
	size_t p = at;
	assert_true(wire_parse_rr(m.b, m.len, &p, &rr));
	assert_int_equal(rr.owner, at);
	assert_int_equal(rr.type, DNS_TYPE_A);
	assert_int_equal(rr.rclass, DNS_CLASS_IN);
	assert_int_equal(rr.ttl, 3600);
	assert_int_equal(rr.rdlen, 4);
	assert_int_equal(rr.rdata, at + 12);
	assert_int_equal(rr.end, at + 16);
	assert_int_equal(p, second);
	assert_memory_equal(m.b + rr.rdata, "\x0a\x00\x00\x01", 4);
	assert_true(wire_parse_rr(m.b, m.len, &p, &rr));
	assert_int_equal(rr.type, DNS_TYPE_TXT);
	assert_int_equal(rr.ttl, 60);
	assert_int_equal(rr.rdlen, 3);
	assert_int_equal(p, m.len);
	/* nothing left */
	assert_false(wire_parse_rr(m.b, m.len, &p, &rr));

	/* rdlength one past the end */
	msg_init(&m);
	add_rr(&m, "", 1, DNS_TYPE_A, 1, 5, "\x01\x02\x03\x04", 4);
	p = DNS_HEADER_SIZE;
	assert_false(wire_parse_rr(m.b, m.len, &p, &rr));
	assert_int_equal(p, DNS_HEADER_SIZE);
	/* rdlength exactly to the end */
	msg_init(&m);
	add_rr(&m, "", 1, DNS_TYPE_A, 1, 4, "\x01\x02\x03\x04", 4);
	p = DNS_HEADER_SIZE;
	assert_true(wire_parse_rr(m.b, m.len, &p, &rr));
	assert_int_equal(p, m.len);
	/* rdlength 65535 */
	msg_init(&m);
	add_rr(&m, "", 1, DNS_TYPE_A, 1, 0xffff, "\x01\x02\x03\x04", 4);
	p = DNS_HEADER_SIZE;
	assert_false(wire_parse_rr(m.b, m.len, &p, &rr));
	/* the fixed part cut short, at every length */
	msg_init(&m);
	add_rr(&m, "", 1, DNS_TYPE_A, 1, 0, NULL, 0);
	for (size_t cut = DNS_HEADER_SIZE; cut < m.len; cut++) {
		struct msg c = m;
		c.len = cut;
		p = DNS_HEADER_SIZE;
		assert_false(wire_parse_rr(c.b, c.len, &p, &rr));
		assert_int_equal(p, DNS_HEADER_SIZE);
	}
	p = DNS_HEADER_SIZE;
	assert_true(wire_parse_rr(m.b, m.len, &p, &rr));
	assert_int_equal(rr.rdlen, 0);
	assert_int_equal(rr.rdata, m.len);
	/* a malformed owner */
	msg_init(&m);
	msg_ptr(&m, DNS_HEADER_SIZE);
	msg_add(&m, "\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00", 10);
	p = DNS_HEADER_SIZE;
	assert_false(wire_parse_rr(m.b, m.len, &p, &rr));
}

static void
test_header_helpers(void **state)
{
	uint8_t h[12] = { 0x12, 0x34, 0xa9, 0x83, 0, 1, 0, 0, 0, 0, 0, 1 };
	uint8_t b[4];

	(void)state;
	assert_int_equal(wire_get16(h), 0x1234);
	assert_int_equal(wire_flags(h), 0xa983);
	/* opcode 5 (UPDATE) sits in bits 11-14 */
	assert_int_equal(wire_opcode(h), 5);
	assert_int_equal(wire_flags(h) & DNS_RCODE_MASK, 3);
	assert_true(wire_flags(h) & DNS_FLAG_QR);
	assert_true(wire_flags(h) & DNS_FLAG_RD);
	assert_true(wire_flags(h) & DNS_FLAG_RA);
	assert_false(wire_flags(h) & DNS_FLAG_AA);
	wire_put32(b, 0xdeadbeef);
	assert_memory_equal(b, "\xde\xad\xbe\xef", 4);
	assert_int_equal(wire_get32(b), 0xdeadbeef);
	wire_put16(b, 0xc00c);
	assert_memory_equal(b, "\xc0\x0c", 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_name),
		cmocka_unit_test(test_compressed_name),
		cmocka_unit_test(test_pointer_loops),
		cmocka_unit_test(test_forward_and_bad_pointers),
		cmocka_unit_test(test_label_types),
		cmocka_unit_test(test_name_length_limit),
		cmocka_unit_test(test_parse_rr),
		cmocka_unit_test(test_header_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
