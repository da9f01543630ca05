/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_dns64.c - unit tests of DNS64 synthesis on wire messages (RFC 6147). */
#include "config.h"
#include "dns64.h"
#include "wire.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <ldns/ldns.h>

/* A message built piece by piece. */
struct msg {
	uint8_t b[4096];
	size_t len;
};

static void
put(struct msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void
put16(struct msg *m, uint16_t v)
{
	wire_put16(m->b + m->len, v);
	m->len += 2;
}

static void
put32(struct msg *m, uint32_t v)
{
	wire_put32(m->b + m->len, v);
	m->len += 4;
}

static void
header(struct msg *m, uint16_t an, uint16_t ns, uint16_t ar)
{
	m->len = 0;
	put16(m, 0x1234);
	put16(m, 0x8180);
	put16(m, 1);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
	/* question www.example. AAAA IN at offset 12 */
	put(m, "\003www\007example\000", 13);
	put16(m, DNS_TYPE_AAAA);
	put16(m, DNS_CLASS_IN);
}

static void
rr(struct msg *m, const void *owner, size_t olen, uint16_t type, uint32_t ttl, const void *rd,
	uint16_t rdlen)
{
	put(m, owner, olen);
	put16(m, type);
	put16(m, DNS_CLASS_IN);
	put32(m, ttl);
	put16(m, rdlen);
	put(m, rd, rdlen);
}

/* The message as ldns reads it (which follows every pointer), as text. */
static char *
text_of(const uint8_t *b, size_t len)
{
	ldns_pkt *pkt = NULL;
	assert_int_equal(ldns_wire2pkt(&pkt, b, len), LDNS_STATUS_OK);
	char *s = ldns_rr_list2str(ldns_pkt_answer(pkt));
	ldns_pkt_free(pkt);
	return s;
}

static void
test_plain_a_set(void **state)
{
	struct msg m;
	(void)state;
	header(&m, 2, 1, 0);
	rr(&m, "\xc0\x0c", 2, DNS_TYPE_A, 300, "\x0a\x00\x00\x01", 4);
	rr(&m, "\xc0\x0c", 2, DNS_TYPE_A, 300, "\xc0\x00\x02\x07", 4);
	/* an authority record is dropped */
	rr(&m, "\xc0\x10", 2, DNS_TYPE_NS, 300, "\002ns\xc0\x10", 5);
	size_t n = dns64_synthesize(m.b, m.len, sizeof(m.b), 60);
	assert_int_equal(n, m.len - (2 + 10 + 5) + 24);
	assert_int_equal(wire_get16(m.b + 8), 0);
	char *s = text_of(m.b, n);
	assert_string_equal(s,
		"www.example.\t60\tIN\tAAAA\t64:ff9b::a00:1\n"
		"www.example.\t60\tIN\tAAAA\t64:ff9b::c000:207\n");
	free(s);
}

/* A records written with their owner in full, later records pointing
 * into an earlier A record's owner, and a CNAME after them: every
 * pointer follows the bytes it points at. */
static void
test_pointers_into_records_that_grow(void **state)
{
	struct msg m;
	(void)state;
	header(&m, 4, 0, 0);
	size_t cname = m.len;
	rr(&m, "\xc0\x0c", 2, DNS_TYPE_CNAME, 120, "\003web\007example\000", 13);
	size_t a1 = m.len;	/* owner written in full */
	rr(&m, "\004host\007example\000", 14, DNS_TYPE_A, 30, "\x0a\x00\x00\x05", 4);
	uint8_t ptr[2] = { (uint8_t)(0xc0 | (a1 >> 8)), (uint8_t)a1 };
	rr(&m, ptr, 2, DNS_TYPE_A, 30, "\x0a\x00\x00\x06", 4);
	/* a CNAME after the A records, its target pointing into the first A
	 * record's owner ("example." at a1 + 5) */
	uint8_t tgt[2] = { (uint8_t)(0xc0 | ((a1 + 5) >> 8)), (uint8_t)(a1 + 5) };
	uint8_t rd[5] = { 1, 'x', tgt[0], tgt[1] };
	rr(&m, "\004last\007example\000", 14, DNS_TYPE_CNAME, 10, rd, 4);
	(void)cname;
	size_t n = dns64_synthesize(m.b, m.len, sizeof(m.b), UINT32_MAX);
	assert_int_equal(n, m.len + 24);
	char *s = text_of(m.b, n);
	assert_string_equal(s,
		"www.example.\t120\tIN\tCNAME\tweb.example.\n"
		"host.example.\t30\tIN\tAAAA\t64:ff9b::a00:5\n"
		"host.example.\t30\tIN\tAAAA\t64:ff9b::a00:6\n"
		"last.example.\t10\tIN\tCNAME\tx.example.\n");
	free(s);
}

static void
test_nothing_to_do_and_too_big(void **state)
{
	struct msg m;
	(void)state;
	header(&m, 1, 0, 0);
	rr(&m, "\xc0\x0c", 2, DNS_TYPE_CNAME, 120, "\003web\007example\000", 13);
	size_t len = m.len;
	assert_int_equal(dns64_synthesize(m.b, m.len, sizeof(m.b), 60), 0);
	header(&m, 1, 0, 0);
	rr(&m, "\xc0\x0c", 2, DNS_TYPE_A, 300, "\x0a\x00\x00\x01", 4);
	uint8_t copy[4096];
	memcpy(copy, m.b, m.len);
	assert_int_equal(dns64_synthesize(m.b, m.len, m.len + 11, 60), DNS64_TOO_BIG);
	assert_memory_equal(m.b, copy, m.len);	/* untouched */
	assert_int_equal(dns64_synthesize(m.b, m.len, m.len + 12, 60), m.len + 12);
	/* malformed: a record runs past the end */
	header(&m, 2, 0, 0);
	rr(&m, "\xc0\x0c", 2, DNS_TYPE_A, 300, "\x0a\x00\x00\x01", 4);
	assert_int_equal(dns64_synthesize(m.b, m.len, sizeof(m.b), 60), 0);
	(void)len;
}

static void
test_wanted(void **state)
{
	struct msg m;
	uint32_t ttl = 0;
	(void)state;
	/* NODATA with an SOA: TTL 900, MINIMUM 30 */
	header(&m, 0, 1, 0);
	uint8_t soa[2 + 2 + 20] = { 0xc0, 0x10, 0xc0, 0x10 };
	wire_put32(soa + 20, 30);
	rr(&m, "\xc0\x10", 2, DNS_TYPE_SOA, 900, soa, sizeof(soa));
	assert_true(dns64_wanted(m.b, m.len, &ttl));
	assert_int_equal(ttl, 30);
	/* an AAAA in the answer: nothing to do */
	header(&m, 1, 0, 0);
	rr(&m, "\xc0\x0c", 2, DNS_TYPE_AAAA, 60, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1", 16);
	assert_false(dns64_wanted(m.b, m.len, &ttl));
	/* NXDOMAIN: the name does not exist, nothing to make */
	header(&m, 0, 0, 0);
	wire_put16(m.b + 2, 0x8183);
	assert_false(dns64_wanted(m.b, m.len, &ttl));
	/* a CNAME chain that ends without AAAA: wanted, no SOA */
	header(&m, 1, 0, 0);
	rr(&m, "\xc0\x0c", 2, DNS_TYPE_CNAME, 120, "\003web\007example\000", 13);
	assert_true(dns64_wanted(m.b, m.len, &ttl));
	assert_int_equal(ttl, UINT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_a_set),
		cmocka_unit_test(test_pointers_into_records_that_grow),
		cmocka_unit_test(test_nothing_to_do_and_too_big),
		cmocka_unit_test(test_wanted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
