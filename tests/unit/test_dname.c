/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_dname.c - unit tests of wire names: text form, lengths, subdomains, suffix hashes. */
#include "config.h"
#include "dname.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

/* Convert text that must be valid; check the wire bytes. */
static void
check_wire(const char *text, const void *want, size_t want_len)
{
	uint8_t out[DNAME_MAX];
	const char *why = NULL;
	int len = dname_from_text(text, out, &why);

	assert_int_equal(len, (int)want_len);
	assert_memory_equal(out, want, want_len);
	assert_null(why);
}

/* Convert text that must be rejected with exactly this reason. */
static void
check_bad(const char *text, const char *reason)
{
	uint8_t out[DNAME_MAX];
	const char *why = NULL;

	assert_int_equal(dname_from_text(text, out, &why), -1);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void
test_from_text_basic(void **state)
{
	(void)state;
	check_wire("example.com", "\007example\003com", 13);
	check_wire("example.com.", "\007example\003com", 13);
	check_wire("a", "\001a", 3);
	check_wire("a.", "\001a", 3);
	check_wire(".", "", 1);
	check_wire("A-1_b.Example.COM", "\005a-1_b\007example\003com", 19);
	/* a NULL why is allowed */
	uint8_t out[DNAME_MAX];
	assert_int_equal(dname_from_text("x.y", out, NULL), 5);
	assert_int_equal(dname_from_text("x..y", out, NULL), -1);
}

static void
test_from_text_escapes(void **state)
{
	(void)state;
	/* "\." is a dot inside a label */
	check_wire("a\\.b.com", "\003a.b\003com", 9);
	/* "\065" is 'A', lowercased like every letter */
	check_wire("\\065bc.com", "\003abc\003com", 9);
	/* "\000" and "\255" give any byte */
	check_wire("\\000\\255.x", "\002\000\377\001x", 6);
	/* an escaped star is an ordinary byte, allowed next to others */
	check_wire("a\\*b", "\003a*b", 5);
	/* an escaped byte that is not allowed plain */
	check_wire("a\\ b", "\003a b", 5);
	check_bad("a\\1", "bad \\DDD escape");
	check_bad("a\\12x", "bad \\DDD escape");
	check_bad("\\256a", "\\DDD escape above 255");
	check_bad("abc\\", "trailing backslash");
}

static void
test_from_text_wildcard(void **state)
{
	(void)state;
	check_wire("*.example.com", "\001*\007example\003com", 15);
	check_wire("a.*.b", "\001a\001*\001b", 7);
	check_bad("*a.example.com", "'*' must be a whole label");
	check_bad("a*.example.com", "'*' must be a whole label");
	check_bad("**.example.com", "'*' must be a whole label");
}

static void
test_from_text_errors(void **state)
{
	(void)state;
	check_bad("", "empty name");
	check_bad("a..b", "empty label");
	check_bad(".a", "empty label");
	check_bad("a..", "empty label");
	check_bad("..", "empty label");
	check_bad("a b", "character not allowed in a name");
	check_bad("a!b.com", "character not allowed in a name");
	check_bad("a/b", "character not allowed in a name");
	check_bad("caf\xc3\xa9.com", "character not allowed in a name");
}

static void
test_from_text_limits(void **state)
{
	char text[600];
	uint8_t out[DNAME_MAX];
	const char *why = NULL;

	(void)state;
	/* a 63-octet label is fine, 64 is not */
	memset(text, 'a', 63);
	strcpy(text + 63, ".com");
	assert_int_equal(dname_from_text(text, out, &why), 1 + 63 + 4 + 1);
	assert_int_equal(out[0], 63);
	memset(text, 'a', 64);
	strcpy(text + 64, ".com");
	check_bad(text, "label longer than 63 octets");

	/* 3 x 63 + one of 61: exactly 255 octets in wire form */
	size_t o = 0;
	for (int l = 0; l < 3; l++) {
		memset(text + o, 'b', 63);
		o += 63;
		text[o++] = '.';
	}
	memset(text + o, 'c', 61);
	o += 61;
	text[o] = 0;
	why = NULL;
	assert_int_equal(dname_from_text(text, out, &why), 255);
	assert_null(why);
	assert_int_equal(dname_len(out), 255);
	assert_int_equal(dname_label_count(out), 4);
	/* with a trailing dot too */
	text[o] = '.';
	text[o + 1] = 0;
	assert_int_equal(dname_from_text(text, out, NULL), 255);
	/* one more octet is 256 */
	text[o] = 'c';
	text[o + 1] = 0;
	check_bad(text, "name longer than 255 octets");

	/* 127 one-letter labels: 255 octets; 128 are too many */
	o = 0;
	for (int l = 0; l < 127; l++) {
		text[o++] = 'x';
		text[o++] = '.';
	}
	text[o] = 0;
	assert_int_equal(dname_from_text(text, out, NULL), 255);
	assert_int_equal(dname_label_count(out), 127);
	text[o++] = 'y';
	text[o] = 0;
	check_bad(text, "name longer than 255 octets");
}

/* Wire -> text -> wire gives the same bytes back. */
static void
check_round_trip(const char *text, const char *want_text)
{
	uint8_t a[DNAME_MAX], b[DNAME_MAX];
	char out[1100];
	int la = dname_from_text(text, a, NULL);

	assert_true(la > 0);
	size_t tl = dname_to_text(a, out, sizeof(out));
	assert_string_equal(out, want_text);
	assert_int_equal(tl, strlen(want_text));
	int lb = dname_from_text(out, b, NULL);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, (size_t)la);
}

static void
test_to_text(void **state)
{
	char out[64];

	(void)state;
	check_round_trip("Example.COM", "example.com.");
	check_round_trip(".", ".");
	check_round_trip("*.a-b_c.example", "*.a-b_c.example.");
	check_round_trip("a\\.b.com", "a\\046b.com.");
	check_round_trip("\\000\\255\\032.x", "\\000\\255\\032.x.");
	check_round_trip("a\\@b", "a\\064b.");

	/* uppercase in the wire (from a packet) is written as is */
	assert_int_equal(dname_to_text((const uint8_t *)"\003AbC\000", out, sizeof(out)), 4);
	assert_string_equal(out, "AbC.");

	/* truncation keeps the NUL */
	const uint8_t *w = (const uint8_t *)"\007example\003com";
	assert_int_equal(dname_to_text(w, out, 5), 4);
	assert_string_equal(out, "exam");
	assert_int_equal(dname_to_text(w, out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(dname_to_text((const uint8_t *)"", out, 1), 0);
	assert_string_equal(out, "");
	out[0] = 'z';
	assert_int_equal(dname_to_text(w, out, 0), 0);
	assert_int_equal(out[0], 'z');
}

static void
test_canonical_text(void **state)
{
	char out[300];

	(void)state;
	assert_true(dname_canonical_text("WWW.Example.Com", out, sizeof(out)));
	assert_string_equal(out, "www.example.com.");
	assert_true(dname_canonical_text("www.example.com.", out, sizeof(out)));
	assert_string_equal(out, "www.example.com.");
	assert_false(dname_canonical_text("bad..name", out, sizeof(out)));
	assert_false(dname_canonical_text("", out, sizeof(out)));
}

static void
test_len_and_labels(void **state)
{
	(void)state;
	assert_int_equal(dname_len((const uint8_t *)""), 1);
	assert_int_equal(dname_label_count((const uint8_t *)""), 0);
	assert_int_equal(dname_len((const uint8_t *)"\003www\007example\003com"), 17);
	assert_int_equal(dname_label_count((const uint8_t *)"\003www\007example\003com"), 3);
	assert_int_equal(dname_len((const uint8_t *)"\001*\001a"), 5);
	assert_int_equal(dname_label_count((const uint8_t *)"\001*\001a"), 2);
}

/* dname_is_subdomain on two text names. */
static bool
sub(const char *name, const char *parent)
{
	uint8_t a[DNAME_MAX], b[DNAME_MAX];
	int la = dname_from_text(name, a, NULL), lb = dname_from_text(parent, b, NULL);

	assert_true(la > 0);
	assert_true(lb > 0);
	return dname_is_subdomain(a, (size_t)la, b, (size_t)lb);
}

static void
test_is_subdomain(void **state)
{
	(void)state;
	assert_true(sub("acme.example.com", "example.com"));
	assert_true(sub("a.b.acme.example.com", "example.com"));
	assert_true(sub("example.com", "example.com"));
	assert_true(sub("example.com", "com"));
	assert_true(sub("example.com", "."));
	assert_true(sub(".", "."));
	/* label aligned: a string suffix is not enough */
	assert_false(sub("bexample.com", "example.com"));
	assert_false(sub("nadir.example.com", "acme.example.com"));
	assert_false(sub("xacme.example.com", "acme.example.com"));
	assert_false(sub("example.com", "acme.example.com"));
	assert_false(sub("com", "example.com"));
	assert_false(sub(".", "com"));
	assert_false(sub("example.org", "example.com"));
	/* same length, different labels */
	assert_false(sub("ab.c", "a.bc"));
	/* a suffix of equal length that is not label aligned */
	assert_false(sub("xa.bc.de", "a.bc.de"));
}

static void
test_equal(void **state)
{
	(void)state;
	assert_true(dname_equal((const uint8_t *)"\001a", 3, (const uint8_t *)"\001a", 3));
	assert_false(dname_equal((const uint8_t *)"\001a", 3, (const uint8_t *)"\001b", 3));
	assert_false(dname_equal((const uint8_t *)"\001a", 3, (const uint8_t *)"\002aa", 4));
	assert_int_equal(dname_lower_byte('A'), 'a');
	assert_int_equal(dname_lower_byte('Z'), 'z');
	assert_int_equal(dname_lower_byte('a'), 'a');
	assert_int_equal(dname_lower_byte('@'), '@');
	assert_int_equal(dname_lower_byte('['), '[');
	assert_int_equal(dname_lower_byte(0xc1), 0xc1);
	/* the word-at-a-time copy agrees with the byte rule for every byte
	 * value, at every alignment and length */
	uint8_t src[300], dst[300];
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 3);
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n + off <= sizeof(src); n += 13) {
			memset(dst, 0xee, sizeof(dst));
			dname_lower_copy(dst + off, src + off, n);
			for (size_t i = 0; i < n; i++)
				assert_int_equal(dst[off + i], dname_lower_byte(src[off + i]));
			if (off + n < sizeof(dst))
				assert_int_equal(dst[off + n], 0xee);
		}
	}
	for (unsigned c = 0; c < 256; c++) {
		uint8_t word[8] = { (uint8_t)c, 'A', (uint8_t)c, 'z', '@', '[', (uint8_t)c, 'Q' }, low[8];
		dname_lower_copy(low, word, 8);
		for (int i = 0; i < 8; i++)
			assert_int_equal(low[i], dname_lower_byte(word[i]));
	}
}

/*
 * Hashing label by label from the root gives the hash of every suffix:
 * what the closest-encloser search relies on.
 */
static void
check_suffix_hashes(const char *text)
{
	uint8_t w[DNAME_MAX];
	const uint8_t *labels[DNAME_MAX_LABELS];
	unsigned n = 0;
	int len = dname_from_text(text, w, NULL);

	assert_true(len > 0);
	for (const uint8_t *p = w; *p; p += *p + 1)
		labels[n++] = p;
	assert_int_equal(n, dname_label_count(w));
	uint32_t h = DNAME_HASH_ROOT;
	assert_int_equal(dname_hash(w + len - 1), DNAME_HASH_ROOT);
	while (n > 0) {
		const uint8_t *suffix = labels[--n];
		h = dname_hash_label(h, suffix);
		assert_int_equal(h, dname_hash(suffix));
	}
	assert_int_equal(h, dname_hash(w));
}

static void
test_hash_suffix_property(void **state)
{
	uint8_t a[DNAME_MAX], b[DNAME_MAX];
	char text[600];

	(void)state;
	assert_int_equal(dname_hash((const uint8_t *)""), DNAME_HASH_ROOT);
	check_suffix_hashes("www.example.com");
	check_suffix_hashes("a.b.c.d.e.f.g");
	check_suffix_hashes("*.vpce-0123456789abcdef0-abcdefgh.monitoring.us-east-2.vpce.amazonaws.com");
	size_t o = 0;
	for (int l = 0; l < 127; l++) {
		text[o++] = (char)('a' + l % 26);
		text[o++] = '.';
	}
	text[o] = 0;
	check_suffix_hashes(text);

	/* case is folded before hashing: equal names, equal hashes */
	dname_from_text("WWW.Example.COM", a, NULL);
	dname_from_text("www.example.com", b, NULL);
	assert_int_equal(dname_hash(a), dname_hash(b));
	/* names that differ only in label boundaries hash differently */
	dname_from_text("ab.c", a, NULL);
	dname_from_text("a.bc", b, NULL);
	assert_int_not_equal(dname_hash(a), dname_hash(b));
	dname_from_text("example.com", a, NULL);
	dname_from_text("example.org", b, NULL);
	assert_int_not_equal(dname_hash(a), dname_hash(b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_text_basic),
		cmocka_unit_test(test_from_text_escapes),
		cmocka_unit_test(test_from_text_wildcard),
		cmocka_unit_test(test_from_text_errors),
		cmocka_unit_test(test_from_text_limits),
		cmocka_unit_test(test_to_text),
		cmocka_unit_test(test_canonical_text),
		cmocka_unit_test(test_len_and_labels),
		cmocka_unit_test(test_is_subdomain),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_hash_suffix_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
