/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_suggest.c - unit tests of the did-you-mean distance and the choice of suggestions. */
#include "config.h"
#include "suggest.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole table, no band, no early stop: what the banded one must equal. */
static unsigned
reference(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];
	for (size_t i = 0; i <= la; i++)
		for (size_t j = 0; j <= lb; j++) {
			if (!i || !j) {
				d[i][j] = (unsigned)(i + j);
				continue;
			}
			unsigned cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			unsigned v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 2]) && tolower((unsigned char)a[i - 2]) ==
			    tolower((unsigned char)b[j - 1]) && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

static void
test_distance(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("PrivateIpAdress", "PrivateIpAddress", 4), 1);
	assert_int_equal(suggest_distance("privateIpAddress", "PrivateIpAddress", 4), 0);
	assert_int_equal(suggest_distance("Weigth", "Weight", 4), 1);		/* a swap */
	assert_int_equal(suggest_distance("sqss", "sqs", 4), 1);
	assert_int_equal(suggest_distance("PrivateIpAdr", "PrivateIpAddress", 4), 4);
	assert_int_equal(suggest_distance("abc", "xyz", 2), 3);			/* max + 1 */
	assert_int_equal(suggest_distance("", "abc", 4), 3);
	assert_int_equal(suggest_distance("", "", 0), 0);
	/* longer than SUGGEST_MAX_LEN: never close */
	char longer[SUGGEST_MAX_LEN + 2];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = 0;
	assert_int_equal(suggest_distance(longer, longer, 4), 5);
}

/* Random strings over a small alphabet (so that swaps and matches
 * happen), lengths crossing the band's edges: the banded, early-stopping
 * distance equals the full table's wherever that is within max. */
static void
test_distance_matches_the_full_table(void **state)
{
	char a[40], b[40];
	(void)state;
	srand(12345);
	for (int n = 0; n < 200000; n++) {
		size_t la = (size_t)rand() % 20, lb = (size_t)rand() % 20;
		for (size_t i = 0; i < la; i++)
			a[i] = "abcAB"[rand() % 5];
		for (size_t i = 0; i < lb; i++)
			b[i] = "abcAB"[rand() % 5];
		a[la] = b[lb] = 0;
		unsigned max = (unsigned)(rand() % 6), want = reference(a, b);
		unsigned got = suggest_distance(a, b, max);
		if (got != (want <= max ? want : max + 1))
			fail_msg("'%s' '%s' max %u: got %u, want %u", a, b, max, got, want);
	}
}

static void
test_suggestions(void **state)
{
	struct suggest s;
	char buf[128];
	static const char *const eni[] = { "NetworkInterfaceId", "SubnetId", "VpcId",
		"PrivateIpAddress", "PrivateIpAddresses", "Ipv6Address", "Ipv6Addresses", NULL };
	(void)state;
	suggest_init(&s, "PrivateIpAdress");
	for (int i = 0; eni[i]; i++)
		suggest_add(&s, eni[i]);
	assert_true(suggest_text(&s, buf, sizeof(buf)));
	assert_string_equal(buf, "PrivateIpAddress");
	assert_int_equal(s.best, 1);
	/* two as close: both, in the order given (one 's' less, one 'e' more) */
	suggest_init(&s, "Ipv6Addresss");
	for (int i = 0; eni[i]; i++)
		suggest_add(&s, eni[i]);
	assert_true(suggest_text(&s, buf, sizeof(buf)));
	assert_string_equal(buf, "Ipv6Address or Ipv6Addresses");
	suggest_init(&s, "ResolverRuls");
	suggest_add(&s, "ResolverRules");
	suggest_add(&s, "ResolverRule");
	assert_true(suggest_text(&s, buf, sizeof(buf)));
	assert_string_equal(buf, "ResolverRules or ResolverRule");
	/* nothing close: nothing said */
	suggest_init(&s, "Colour");
	for (int i = 0; eni[i]; i++)
		suggest_add(&s, eni[i]);
	assert_false(suggest_text(&s, buf, sizeof(buf)));
	assert_string_equal(buf, "");
	/* the limit: a third of the word, at least 1, at most 4 */
	suggest_init(&s, "ab");
	assert_int_equal(s.limit, 1);
	suggest_init(&s, "abcdefghi");
	assert_int_equal(s.limit, 3);
	suggest_init(&s, "abcdefghijklmnopqrstuvwxyz");
	assert_int_equal(s.limit, 4);
	/* the word itself is no suggestion */
	suggest_init(&s, "VpcId");
	suggest_add(&s, "VpcId");
	assert_false(suggest_text(&s, buf, sizeof(buf)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_distance_matches_the_full_table),
		cmocka_unit_test(test_suggestions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
