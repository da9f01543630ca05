/* SPDX-License-Identifier: BSD-3-Clause */
/* src/dname.h - domain names in wire form: text conversion, comparison, suffix hashes. */
#ifndef DNSD_DNAME_H
#define DNSD_DNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define DNAME_MAX 255		/**< longest name in wire form, RFC 1035 §2.3.4 */
#define DNAME_MAX_LABELS 128	/**< a 255-octet name has at most 127 labels + root */
/** Longest presentation form of a name: every octet as \DDD, and a NUL. */
#define DNAME_TEXT_MAX (DNAME_MAX * 4 + 1)

/**
 * Convert a text name ("a.example.com" or "a.example.com.") to lowercase
 * wire form. Labels may hold letters, digits, '-', '_' and a lone '*';
 * "\." and "\DDD" escapes are understood.
 * @param out: at least DNAME_MAX bytes.
 * @param why: out, a reason on failure (static string); may be NULL.
 * @return the wire length, or -1 when the text is not a valid name.
 */
int dname_from_text(const char *text, uint8_t *out, const char **why);

/**
 * Write a wire name as text with a trailing dot, escaping bytes outside
 * [A-Za-z0-9-_*] as \DDD. The name must be valid and uncompressed.
 * @return the text length (truncated to fit size, NUL-terminated).
 */
size_t dname_to_text(const uint8_t *wire, char *out, size_t size);

/** Length of a valid uncompressed wire name, including the root byte. */
size_t dname_len(const uint8_t *wire);

/** Number of labels, not counting the root. */
unsigned dname_label_count(const uint8_t *wire);

/** True when name equals parent or lies below it (label aligned, both lowercase). */
bool dname_is_subdomain(const uint8_t *name, size_t len,
	const uint8_t *parent, size_t plen);

/** True when two lowercase wire names are equal. */
static inline bool
dname_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/** Lowercase an ASCII byte. */
static inline uint8_t
dname_lower_byte(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/**
 * Copy n bytes of a wire name, lowercased, eight at a time: the answer
 * path does this to every query name. Length bytes pass unchanged (at
 * most 63, below 'A').
 */
static inline void
dname_lower_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	for (; n >= 8; n -= 8, src += 8, dst += 8) {
		uint64_t x, low7, ge_a, gt_z;
		memcpy(&x, src, 8);
		low7 = x & ~highs;
		ge_a = low7 + ones * (0x80 - 'A');	/* high bit: byte >= 'A' */
		gt_z = low7 + ones * (0x7f - 'Z');	/* high bit: byte > 'Z' */
		x |= (ge_a & ~gt_z & ~x & highs) >> 2;	/* + 0x20 on 'A'..'Z' */
		memcpy(dst, &x, 8);
	}
	while (n--)
		*dst++ = dname_lower_byte(*src++);
}

/** Seed of the suffix hash: the hash of the root name. */
#define DNAME_HASH_ROOT 2166136261u

/**
 * Extend the hash of a suffix by the label in front of it (length byte
 * and bytes, lowercase). Hashing from the root outwards gives the hash of
 * every suffix of a name in one pass, which the closest-encloser search uses.
 */
static inline uint32_t
dname_hash_label(uint32_t h, const uint8_t *label)
{
	/* the length byte and the label, a word at a time: every query
	 * hashes each suffix of its name */
	size_t n = (size_t)label[0] + 1;
	uint64_t acc = h, w;
	const uint8_t *p = label;
	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		acc = (acc ^ w) * 0x9e3779b97f4a7c15ull;
		acc ^= acc >> 29;
	}
	if (n) {
		w = 0;
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)p[i] << (8 * i);
		acc = (acc ^ w) * 0x9e3779b97f4a7c15ull;
		acc ^= acc >> 29;
	}
	/* mix between labels so that "ab.c" and "a.bc" differ well */
	h = (uint32_t)(acc ^ (acc >> 32));
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	return h;
}

/**
 * Hash every suffix of a lowercase wire name in one pass from the root:
 * hashes[i] for the suffix at label_off[i], hashes[n_labels] for the
 * root (label_off[n_labels]).
 */
static inline void
dname_suffix_hashes(const uint8_t *name, const uint8_t *label_off, unsigned n_labels,
	uint32_t *hashes)
{
	uint32_t h = DNAME_HASH_ROOT;
	hashes[n_labels] = h;
	for (unsigned i = n_labels; i-- > 0;)
		hashes[i] = h = dname_hash_label(h, name + label_off[i]);
}

/** Hash of a whole lowercase wire name. */
uint32_t dname_hash(const uint8_t *wire);

/** Convert a text name to wire form and back to canonical text (lowercase, trailing dot). */
bool dname_canonical_text(const char *text, char *out, size_t size);

#endif /* DNSD_DNAME_H */
