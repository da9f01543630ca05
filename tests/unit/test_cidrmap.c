/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_cidrmap.c - unit tests of the longest-prefix map of VPC CIDRs to views. */
#include "config.h"
#include "cidrmap.h"
#include "arena.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The answer by brute force: the longest prefix holding a, the first
 * given among equal ones. */
static int32_t
linear_find(const struct netprefix *p, const int32_t *values, unsigned n, const struct netaddr *a)
{
	int best = -1;
	for (unsigned i = 0; i < n; i++)
		if (netprefix_contains(&p[i], a) && (best < 0 || p[i].len > p[best].len))
			best = (int)i;
	return best < 0 ? -1 : values[best];
}

static void
random_prefix(struct netprefix *p, unsigned i)
{
	memset(p, 0, sizeof(*p));
	if (i % 5 == 4) {
		p->addr.family = AF_INET6;
		p->addr.bytes[0] = 0xfd;
		p->addr.bytes[1] = (uint8_t)(rand() & 3);
		for (int k = 2; k < 16; k++)
			p->addr.bytes[k] = (uint8_t)(rand() & (k < 8 ? 3 : 0));
		p->len = (uint8_t)(40 + rand() % 30);
		cidrmap_mask(p->addr.bytes, 16, p->len);
		return;
	}
	p->addr.family = AF_INET;
	p->addr.bytes[0] = 10;
	p->addr.bytes[1] = (uint8_t)(rand() & 7);
	p->addr.bytes[2] = (uint8_t)(rand() & 15);
	p->len = (uint8_t)(12 + rand() % 17);	/* /12 to /28, as AWS allows /16-/28 and more */
	cidrmap_mask(p->addr.bytes, 4, p->len);
}

static void
random_addr(struct netaddr *a, unsigned i)
{
	memset(a, 0, sizeof(*a));
	if (i % 4 == 3) {
		a->family = AF_INET6;
		a->bytes[0] = 0xfd;
		for (int k = 1; k < 16; k++)
			a->bytes[k] = (uint8_t)(rand() & 3);
		return;
	}
	a->family = AF_INET;
	a->bytes[0] = i % 9 == 8 ? 127 : 10;
	a->bytes[1] = (uint8_t)(rand() & 7);
	a->bytes[2] = (uint8_t)(rand() & 15);
	a->bytes[3] = (uint8_t)rand();
}

/* Counts across growth boundaries agree with a linear scan. */
static void
test_matches_linear_scan(void **state)
{
	static const unsigned sizes[] = { 0, 1, 15, 16, 17, 64, 300, 5000 };

	(void)state;
	srand(12);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		unsigned n = sizes[s];
		struct netprefix *p = calloc(n + 1, sizeof(*p));
		int32_t *v = calloc(n + 1, sizeof(*v));
		struct arena *a = arena_create(1 << 16);
		struct cidrmap m;
		assert_non_null(p);
		assert_non_null(v);
		for (unsigned i = 0; i < n; i++) {
			random_prefix(&p[i], i);
			v[i] = (int32_t)i;
		}
		assert_int_equal(cidrmap_build(&m, a, p, v, n), 0);
		for (unsigned i = 0; i < 20000; i++) {
			struct netaddr x;
			random_addr(&x, i);
			assert_int_equal(cidrmap_find(&m, &x), linear_find(p, v, n, &x));
		}
		/* every prefix's own network address finds itself or a longer one */
		for (unsigned i = 0; i < n; i++)
			assert_true(cidrmap_find(&m, &p[i].addr) >= 0);
		arena_free(a);
		free(p);
		free(v);
	}
}

static void
test_first_of_equal_prefixes_wins(void **state)
{
	struct netprefix p[3];
	int32_t v[3] = { 7, 8, 9 };
	struct netaddr x;
	struct arena *a = arena_create(4096);
	struct cidrmap m;

	(void)state;
	assert_true(netprefix_parse("10.0.0.0/16", false, &p[0]));
	assert_true(netprefix_parse("10.0.0.0/16", false, &p[1]));
	assert_true(netprefix_parse("10.0.1.0/24", false, &p[2]));
	assert_int_equal(cidrmap_build(&m, a, p, v, 3), 0);
	assert_true(netaddr_parse("10.0.2.1", &x));
	assert_int_equal(cidrmap_find(&m, &x), 7);
	assert_true(netaddr_parse("10.0.1.1", &x));
	assert_int_equal(cidrmap_find(&m, &x), 9);
	assert_true(netaddr_parse("10.1.0.1", &x));
	assert_int_equal(cidrmap_find(&m, &x), -1);
	assert_true(netaddr_parse("::ffff:10.0.2.1", &x));	/* not IPv4 here */
	assert_int_equal(cidrmap_find(&m, &x), -1);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_linear_scan),
		cmocka_unit_test(test_first_of_equal_prefixes_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
