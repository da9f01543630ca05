/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_rrtext.c - records and messages in presentation format, and the counters' tables. */
#include "config.h"
#include "rrtext.h"
#include "stats.h"
#include "wire.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netaddr.h"

/* A message: header, the question "example.com. IN A" at offset 12, then
 * one answer record (owner a pointer to the question) of the given type
 * and RDATA; returns its length. */
static size_t
message(uint8_t *m, uint16_t type, const uint8_t *rdata, uint16_t rdlen)
{
	static const uint8_t q[] = "\x07" "example" "\x03" "com";
	memset(m, 0, 12);
	wire_put16(m + 2, DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA);
	wire_put16(m + 4, 1);
	wire_put16(m + 6, 1);
	size_t p = 12;
	memcpy(m + p, q, sizeof(q));	/* with the root byte */
	p += sizeof(q);
	wire_put16(m + p, 1);
	wire_put16(m + p + 2, 1);
	p += 4;
	wire_put16(m + p, 0xc00c);
	wire_put16(m + p + 2, type);
	wire_put16(m + p + 4, 1);
	wire_put32(m + p + 6, 300);
	wire_put16(m + p + 10, rdlen);
	memcpy(m + p + 12, rdata, rdlen);
	return p + 12 + rdlen;
}

static void
check(uint16_t type, const uint8_t *rdata, uint16_t rdlen, const char *want)
{
	uint8_t m[512];
	char out[512];
	size_t len = message(m, type, rdata, rdlen);
	struct wire_rr rr;
	size_t pos = 12 + 13 + 4;
	assert_true(wire_parse_rr(m, len, &pos, &rr));
	rrtext_rdata(m, len, &rr, out, sizeof(out));
	assert_string_equal(out, want);
}

static void
test_rdata_of_each_type(void **state)
{
	(void)state;
	check(1, (const uint8_t *)"\x0a\x00\x01\x2a", 4, "10.0.1.42");
	check(28, (const uint8_t *)"\x26\x00\x1f\x16\x12\x34\x56\x01\0\0\0\0\0\0\0\x61", 16,
		"2600:1f16:1234:5601::61");
	/* a compressed name: a pointer to the question's name */
	check(5, (const uint8_t *)"\x03www\xc0\x0c", 6, "www.example.com.");
	check(15, (const uint8_t *)"\x00\x0a\x02mx\xc0\x0c", 7, "10 mx.example.com.");
	check(33, (const uint8_t *)"\x00\x01\x00\x02\x01\xbb\x03sip\xc0\x0c", 12,
		"1 2 443 sip.example.com.");
	check(16, (const uint8_t *)"\x05hello\x04" "a\"b\\", 11, "\"hello\" \"a\\\"b\\\\\"");
	check(16, (const uint8_t *)"\x02\x01\xff", 3, "\"\\001\\255\"");
	check(6, (const uint8_t *)"\x02ns\xc0\x0c\x0ahostmaster\xc0\x0c"
		"\x00\x00\x00\x01\x00\x00\x1c\x20\x00\x00\x03\x84\x00\x12\x75\x00\x00\x01\x51\x80",
		38, "ns.example.com. hostmaster.example.com. 1 7200 900 1209600 86400");
	check(257, (const uint8_t *)"\x00\x05issueamazon.com", 17, "0 issue \"amazon.com\"");
	check(99, (const uint8_t *)"\x01\xab", 2, "\\# 2 01ab");
	check(99, (const uint8_t *)"", 0, "\\# 0");
}

static void
test_malformed_rdata_says_so(void **state)
{
	(void)state;
	check(1, (const uint8_t *)"\x0a\x00\x01", 3, "(malformed)");
	check(5, (const uint8_t *)"\x05www", 4, "(malformed)");		/* runs out */
	check(5, (const uint8_t *)"\x03www\xc0\xff", 6, "(malformed)");	/* pointer ahead */
	check(16, (const uint8_t *)"\x09short", 6, "(malformed)");
	check(6, (const uint8_t *)"\x00\x00", 2, "(malformed)");
}

static void
test_message_like_dig(void **state)
{
	uint8_t m[512];
	char out[2048];
	(void)state;
	size_t len = message(m, 1, (const uint8_t *)"\xc0\x00\x02\x01", 4);
	rrtext_message(m, len, out, sizeof(out));
	assert_non_null(strstr(out, ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 0\n"));
	assert_non_null(strstr(out, ";; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, "
		"ADDITIONAL: 0\n"));
	assert_non_null(strstr(out, ";example.com.\t\tIN\tA\n"));
	assert_non_null(strstr(out, "example.com.\t300\tIN\tA\t192.0.2.1\n"));
	/* cut short: what is there, then a note */
	rrtext_message(m, len - 3, out, sizeof(out));
	assert_non_null(strstr(out, "malformed"));
	/* a small buffer: cut, terminated */
	char small[20];
	assert_int_equal(rrtext_message(m, len, small, sizeof(small)), sizeof(small) - 1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	rrtext_message(m, 5, out, sizeof(out));
	assert_non_null(strstr(out, "shorter than a header"));
}

/* rrtext_addr writes what inet_ntop writes (RFC 5952), for every shape of zero runs. */
static void
test_addresses_like_inet_ntop(void **state)
{
	char want[64], got[64];
	(void)state;
	for (unsigned m = 0; m < 256; m++) {	/* each group zero or not */
		for (unsigned variant = 0; variant < 3; variant++) {
			struct netaddr a = { AF_INET6, { 0 } };
			for (int g = 0; g < 8; g++) {
				if (!(m >> g & 1))
					continue;
				unsigned v = variant == 0 ? 1 : variant == 1 ? 0xabc0u + (unsigned)g :
					0x1000u * (unsigned)(g + 1);
				a.bytes[2 * g] = (uint8_t)(v >> 8);
				a.bytes[2 * g + 1] = (uint8_t)v;
			}
			assert_non_null(inet_ntop(AF_INET6, a.bytes, want, sizeof(want)));
			assert_string_equal(rrtext_addr(&a, got), want);
		}
	}
	static const char *const special[] = { "::ffff:192.0.2.1", "::192.0.2.1", "::", "::1",
		"1::", "::ffff:0:0", "64:ff9b::192.0.2.1", "2600:1f16:1234:5601::61" };
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		struct netaddr a;
		assert_true(netaddr_parse(special[i], &a));
		assert_non_null(inet_ntop(AF_INET6, a.bytes, want, sizeof(want)));
		assert_string_equal(rrtext_addr(&a, got), want);
	}
	for (unsigned v = 0; v < 256; v += 7) {
		struct netaddr a = { AF_INET, { (uint8_t)v, 0, (uint8_t)(255 - v), 9 } };
		assert_non_null(inet_ntop(AF_INET, a.bytes, want, sizeof(want)));
		assert_string_equal(rrtext_addr(&a, got), want);
	}
}

static void
test_names_and_types(void **state)
{
	char b[16];
	uint16_t t;
	(void)state;
	assert_string_equal(rrtext_type(28, b), "AAAA");
	assert_string_equal(rrtext_type(4242, b), "TYPE4242");
	assert_true(rrtext_parse_type("aaaa", &t) && t == 28);
	assert_true(rrtext_parse_type("TYPE65", &t) && t == 65);
	assert_false(rrtext_parse_type("TYPE65536", &t));
	assert_false(rrtext_parse_type("nope", &t));
	assert_string_equal(rrtext_class(3, b), "CH");
	assert_string_equal(rrtext_class(77, b), "CLASS77");
	assert_string_equal(rrtext_rcode(3, b), "NXDOMAIN");
	assert_string_equal(rrtext_rcode(16, b), "BADVERS");
	assert_string_equal(rrtext_rcode(23, b), "RCODE23");
}

/* The counters' tables: every named type maps to its own name, the rest to "other". */
static void
test_stats_indexes(void **state)
{
	char b[16];
	(void)state;
	for (unsigned t = 0; t < 65536; t++) {
		const char *name = stats_qtype_names[stats_qtype_index((uint16_t)t)];
		if (strcmp(name, "other") != 0)
			assert_string_equal(name, rrtext_type((uint16_t)t, b));
	}
	unsigned named = 0;
	for (unsigned t = 0; t < 65536; t++)
		named += strcmp(stats_qtype_names[stats_qtype_index((uint16_t)t)], "other") != 0;
	assert_int_equal(named, STATS_N_QTYPES - 1);
	for (unsigned r = 0; r < 32; r++) {
		const char *name = stats_rcode_names[stats_rcode_index(r)];
		if (strcmp(name, "other") != 0)
			assert_string_equal(name, rrtext_rcode(r, b));
	}
	assert_int_equal(stats_source_of_reply(5, true), STATS_REFUSED);
	assert_int_equal(stats_source_of_reply(9, true), STATS_REFUSED);
	assert_int_equal(stats_source_of_reply(1, true), STATS_ERROR);
	assert_int_equal(stats_source_of_reply(3, false), STATS_LOCAL);
	assert_int_equal(stats_bucket_index(0), 0);
	assert_int_equal(stats_bucket_index(500), 0);
	assert_int_equal(stats_bucket_index(501), 1);
	assert_int_equal(stats_bucket_index(5000000), STATS_N_BUCKETS - 2);
	assert_int_equal(stats_bucket_index(5000001), STATS_N_BUCKETS - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rdata_of_each_type),
		cmocka_unit_test(test_malformed_rdata_says_so),
		cmocka_unit_test(test_message_like_dig),
		cmocka_unit_test(test_addresses_like_inet_ntop),
		cmocka_unit_test(test_names_and_types),
		cmocka_unit_test(test_stats_indexes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
