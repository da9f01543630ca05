/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_netaddr.c - unit tests of address, prefix and ADDR[:PORT] parsing and matching. */
#include "config.h"
#include "netaddr.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static void
test_parse_ipv4(void **state)
{
	struct netaddr a;
	char buf[64];

	(void)state;
	assert_true(netaddr_parse("10.0.1.5", &a));
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.bytes, "\x0a\x00\x01\x05", 4);
	/* the unused bytes are zero */
	for (int i = 4; i < 16; i++)
		assert_int_equal(a.bytes[i], 0);
	assert_int_equal(netaddr_len(&a), 4);
	assert_string_equal(netaddr_str(&a, buf, sizeof(buf)), "10.0.1.5");
	assert_true(netaddr_parse("255.255.255.255", &a));
	assert_memory_equal(a.bytes, "\xff\xff\xff\xff", 4);
	assert_true(netaddr_parse("0.0.0.0", &a));
	assert_memory_equal(a.bytes, "\x00\x00\x00\x00", 4);

	assert_false(netaddr_parse("256.0.0.1", &a));
	assert_false(netaddr_parse("1.2.3", &a));
	assert_false(netaddr_parse("1.2.3.4.5", &a));
	assert_false(netaddr_parse("1.2.3.4 ", &a));
	assert_false(netaddr_parse(" 1.2.3.4", &a));
	assert_false(netaddr_parse("a.b.c.d", &a));
	assert_false(netaddr_parse("", &a));
	assert_false(netaddr_parse("1.2.3.4/24", &a));
}

static void
test_parse_ipv6(void **state)
{
	struct netaddr a;
	char buf[64];

	(void)state;
	assert_true(netaddr_parse("::1", &a));
	assert_int_equal(a.family, AF_INET6);
	assert_memory_equal(a.bytes,
		"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\001", 16);
	assert_int_equal(netaddr_len(&a), 16);
	assert_string_equal(netaddr_str(&a, buf, sizeof(buf)), "::1");

	assert_true(netaddr_parse("2600:1F16:1234:5601::61", &a));
	assert_memory_equal(a.bytes,
		"\x26\x00\x1f\x16\x12\x34\x56\x01\0\0\0\0\0\0\x00\x61", 16);
	assert_string_equal(netaddr_str(&a, buf, sizeof(buf)), "2600:1f16:1234:5601::61");

	assert_true(netaddr_parse("::ffff:10.0.0.1", &a));
	assert_int_equal(a.family, AF_INET6);
	assert_memory_equal(a.bytes + 10, "\xff\xff\x0a\x00\x00\x01", 6);

	assert_true(netaddr_parse("::", &a));
	assert_false(netaddr_parse("1::2::3", &a));
	assert_false(netaddr_parse(":::", &a));
	assert_false(netaddr_parse("12345::", &a));
	assert_false(netaddr_parse("[::1]", &a));
	assert_false(netaddr_parse("fe80::1%eth0", &a));
}

static void
test_prefix_parse(void **state)
{
	struct netprefix p;
	char buf[64];

	(void)state;
	assert_true(netprefix_parse("10.0.0.0/16", false, &p));
	assert_int_equal(p.addr.family, AF_INET);
	assert_int_equal(p.len, 16);
	assert_memory_equal(p.addr.bytes, "\x0a\x00\x00\x00", 4);
	assert_string_equal(netprefix_str(&p, buf, sizeof(buf)), "10.0.0.0/16");

	assert_true(netprefix_parse("0.0.0.0/0", false, &p));
	assert_int_equal(p.len, 0);
	assert_true(netprefix_parse("10.1.2.3/32", false, &p));
	assert_int_equal(p.len, 32);
	assert_true(netprefix_parse("10.0.16.0/20", false, &p));

	/* host bits: refused, or cleared when allowed */
	assert_false(netprefix_parse("10.0.1.0/16", false, &p));
	assert_false(netprefix_parse("10.0.24.0/20", false, &p));
	assert_false(netprefix_parse("10.0.0.1/31", false, &p));
	assert_true(netprefix_parse("10.0.24.7/20", true, &p));
	assert_int_equal(p.len, 20);
	assert_memory_equal(p.addr.bytes, "\x0a\x00\x10\x00", 4);
	assert_string_equal(netprefix_str(&p, buf, sizeof(buf)), "10.0.16.0/20");
	assert_true(netprefix_parse("255.255.255.255/0", true, &p));
	assert_memory_equal(p.addr.bytes, "\0\0\0\0", 4);

	/* IPv6 */
	assert_true(netprefix_parse("2600:1f16:1234:5600::/56", false, &p));
	assert_int_equal(p.addr.family, AF_INET6);
	assert_int_equal(p.len, 56);
	assert_string_equal(netprefix_str(&p, buf, sizeof(buf)), "2600:1f16:1234:5600::/56");
	assert_false(netprefix_parse("2600:1f16:1234:5601::/56", false, &p));
	assert_true(netprefix_parse("2600:1f16:1234:56ff::1/60", true, &p));
	assert_string_equal(netprefix_str(&p, buf, sizeof(buf)), "2600:1f16:1234:56f0::/60");
	assert_true(netprefix_parse("::1/128", false, &p));
	assert_int_equal(p.len, 128);

	/* bad lengths and text */
	assert_false(netprefix_parse("10.0.0.0/33", true, &p));
	assert_false(netprefix_parse("::/129", true, &p));
	assert_false(netprefix_parse("10.0.0.0/", true, &p));
	assert_false(netprefix_parse("10.0.0.0", true, &p));
	assert_false(netprefix_parse("10.0.0.0/-1", true, &p));
	assert_false(netprefix_parse("10.0.0.0/+8", true, &p));
	assert_false(netprefix_parse("10.0.0.0/8x", true, &p));
	assert_false(netprefix_parse("10.0.0.0/0008", true, &p));
	assert_false(netprefix_parse("10.0.0/8", true, &p));
	assert_false(netprefix_parse("/8", true, &p));
}

static bool
contains(const char *prefix, const char *addr)
{
	struct netprefix p;
	struct netaddr a;

	assert_true(netprefix_parse(prefix, false, &p));
	assert_true(netaddr_parse(addr, &a));
	return netprefix_contains(&p, &a);
}

static void
test_prefix_contains(void **state)
{
	(void)state;
	assert_true(contains("10.0.0.0/16", "10.0.0.0"));
	assert_true(contains("10.0.0.0/16", "10.0.255.255"));
	assert_false(contains("10.0.0.0/16", "10.1.0.0"));
	assert_false(contains("10.0.0.0/16", "9.255.255.255"));
	assert_true(contains("10.0.16.0/20", "10.0.31.255"));
	assert_false(contains("10.0.16.0/20", "10.0.32.0"));
	assert_false(contains("10.0.16.0/20", "10.0.15.255"));
	assert_true(contains("0.0.0.0/0", "203.0.113.9"));
	assert_true(contains("10.1.2.3/32", "10.1.2.3"));
	assert_false(contains("10.1.2.3/32", "10.1.2.2"));
	assert_true(contains("10.0.0.0/31", "10.0.0.1"));
	assert_false(contains("10.0.0.0/31", "10.0.0.2"));
	assert_true(contains("2600:1f16:1234:5600::/56", "2600:1f16:1234:56ff::61"));
	assert_false(contains("2600:1f16:1234:5600::/56", "2600:1f16:1234:5700::"));
	assert_true(contains("::/0", "::1"));
	assert_true(contains("::1/128", "::1"));
	assert_false(contains("::1/128", "::2"));
	/* families never match, even mapped addresses */
	assert_false(contains("0.0.0.0/0", "::"));
	assert_false(contains("::/0", "10.0.0.1"));
	assert_false(contains("10.0.0.0/8", "::ffff:10.0.0.1"));
}

static void
test_cmp(void **state)
{
	struct netaddr a, b;

	(void)state;
	assert_true(netaddr_parse("10.0.0.1", &a));
	assert_true(netaddr_parse("10.0.0.1", &b));
	assert_int_equal(netaddr_cmp(&a, &b), 0);
	assert_true(netaddr_parse("10.0.0.2", &b));
	assert_true(netaddr_cmp(&a, &b) < 0);
	assert_true(netaddr_cmp(&b, &a) > 0);
	assert_true(netaddr_parse("::1", &b));
	/* AF_INET sorts before AF_INET6 */
	assert_true(netaddr_cmp(&a, &b) < 0);
	assert_true(netaddr_cmp(&b, &a) > 0);
	assert_true(netaddr_parse("::01", &a));
	assert_int_equal(netaddr_cmp(&a, &b), 0);
}

/* Parse a socket address that must be valid; check family, address and port. */
static void
check_sockaddr(const char *text, uint16_t def, int family, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	char buf[80];

	memset(&ss, 0xa5, sizeof(ss));
	assert_true(netaddr_parse_sockaddr(text, def, &ss, &len));
	assert_int_equal(ss.ss_family, family);
	assert_int_equal(netaddr_sockaddr_port((struct sockaddr *)&ss), port);
	if (family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
		uint8_t want[4];
		assert_int_equal(len, sizeof(struct sockaddr_in));
		assert_int_equal(inet_pton(AF_INET, addr, want), 1);
		assert_memory_equal(&sin->sin_addr, want, 4);
		assert_int_equal(ntohs(sin->sin_port), port);
		snprintf(buf, sizeof(buf), "%s:%u", addr, port);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
		uint8_t want[16];
		assert_int_equal(len, sizeof(struct sockaddr_in6));
		assert_int_equal(inet_pton(AF_INET6, addr, want), 1);
		assert_memory_equal(&sin6->sin6_addr, want, 16);
		assert_int_equal(ntohs(sin6->sin6_port), port);
		assert_int_equal(sin6->sin6_scope_id, 0);
		assert_int_equal(sin6->sin6_flowinfo, 0);
		snprintf(buf, sizeof(buf), "[%s]:%u", addr, port);
	}
	char out[80];
	assert_string_equal(netaddr_sockaddr_str((struct sockaddr *)&ss, out, sizeof(out)), buf);
}

static void
test_sockaddr_parse(void **state)
{
	(void)state;
	check_sockaddr("1.2.3.4", 53, AF_INET, "1.2.3.4", 53);
	check_sockaddr("1.2.3.4:53", 9, AF_INET, "1.2.3.4", 53);
	check_sockaddr("1.2.3.4:0", 53, AF_INET, "1.2.3.4", 0);
	check_sockaddr("1.2.3.4:65535", 53, AF_INET, "1.2.3.4", 65535);
	check_sockaddr("[::1]:5300", 53, AF_INET6, "::1", 5300);
	check_sockaddr("[::1]", 53, AF_INET6, "::1", 53);
	check_sockaddr("::1", 5353, AF_INET6, "::1", 5353);
	check_sockaddr("2600:1f16::53", 53, AF_INET6, "2600:1f16::53", 53);
	check_sockaddr("[2600:1f16::53]:853", 53, AF_INET6, "2600:1f16::53", 853);
}

static void
test_sockaddr_bad(void **state)
{
	static const char *const bad[] = {
		"1.2.3.4:65536", "1.2.3.4:", "1.2.3.4:-1", "1.2.3.4:+5", "1.2.3.4:5x",
		"1.2.3.4:0x35", "1.2.3.4:999999", "1.2.3.4: 53", "[::1]:", "[::1]:70000",
		"[::1]x", "[::1]:53x", "[::1", "[1.2.3.4]:53", "[]:53", "host:53",
		"example.com", "1.2.3", "", ":53", "1.2.3.4:53:54", "::1:53:x",
		"[::1]]:53",
		"[0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:1]:53",
		"1111111111111111111111111111111111111111111111111111111111111111111111:53",
	};
	struct sockaddr_storage ss;
	socklen_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (netaddr_parse_sockaddr(bad[i], 53, &ss, &len))
			fail_msg("'%s' was accepted", bad[i]);
	}
}

static void
test_sockaddr_equal(void **state)
{
	struct sockaddr_storage a, b, c;
	socklen_t la, lb, lc;
	struct netaddr n;
	char buf[80];

	(void)state;
	assert_true(netaddr_parse_sockaddr("10.0.0.2:53", 0, &a, &la));
	assert_true(netaddr_parse_sockaddr("10.0.0.2", 53, &b, &lb));
	assert_true(netaddr_sockaddr_equal((struct sockaddr *)&a, (struct sockaddr *)&b));
	assert_true(netaddr_parse_sockaddr("10.0.0.2:54", 0, &b, &lb));
	assert_false(netaddr_sockaddr_equal((struct sockaddr *)&a, (struct sockaddr *)&b));
	assert_true(netaddr_parse_sockaddr("10.0.0.3:53", 0, &b, &lb));
	assert_false(netaddr_sockaddr_equal((struct sockaddr *)&a, (struct sockaddr *)&b));

	/* an IPv4-mapped IPv6 source is the IPv4 address */
	assert_true(netaddr_parse_sockaddr("[::ffff:10.0.0.2]:53", 0, &c, &lc));
	assert_int_equal(c.ss_family, AF_INET6);
	assert_true(netaddr_from_sockaddr((struct sockaddr *)&c, &n));
	assert_int_equal(n.family, AF_INET);
	assert_memory_equal(n.bytes, "\x0a\x00\x00\x02", 4);
	assert_true(netaddr_sockaddr_equal((struct sockaddr *)&a, (struct sockaddr *)&c));
	assert_string_equal(netaddr_sockaddr_str((struct sockaddr *)&c, buf, sizeof(buf)),
		"10.0.0.2:53");

	assert_true(netaddr_parse_sockaddr("[::1]:53", 0, &b, &lb));
	assert_true(netaddr_parse_sockaddr("::1", 53, &c, &lc));
	assert_true(netaddr_sockaddr_equal((struct sockaddr *)&b, (struct sockaddr *)&c));
	assert_false(netaddr_sockaddr_equal((struct sockaddr *)&a, (struct sockaddr *)&b));

	/* an unknown family */
	memset(&c, 0, sizeof(c));
	c.ss_family = AF_UNIX;
	assert_false(netaddr_from_sockaddr((struct sockaddr *)&c, &n));
	assert_false(netaddr_sockaddr_equal((struct sockaddr *)&a, (struct sockaddr *)&c));
	assert_int_equal(netaddr_sockaddr_port((struct sockaddr *)&c), 0);
	assert_string_equal(netaddr_sockaddr_str((struct sockaddr *)&c, buf, sizeof(buf)), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ipv4),
		cmocka_unit_test(test_parse_ipv6),
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_prefix_contains),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_sockaddr_parse),
		cmocka_unit_test(test_sockaddr_bad),
		cmocka_unit_test(test_sockaddr_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
