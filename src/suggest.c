/* SPDX-License-Identifier: BSD-3-Clause */
/* src/suggest.c - "did you mean": the known names closest to a misspelt one. */
#include "config.h"
#include "suggest.h"

#include <stdio.h>
#include <string.h>

static inline unsigned char
fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : (unsigned char)c;
}

static inline unsigned
min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;
	return m < c ? m : c;
}

/* Rows of the distance table: row i holds the distances from a[0..i) to
 * the prefixes of b; three rows are kept for the swap rule. Only the band
 * |i - j| <= max is computed: a cell outside it is farther than max. */
unsigned
suggest_distance(const char *a, const char *b, unsigned max)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned rows[3][SUGGEST_MAX_LEN + 1], far = max + 1;
	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN ||
	    (la > lb ? la - lb : lb - la) > max)
		return far;
	unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j <= max ? (unsigned)j : far;
	for (size_t i = 1; i <= la; i++) {
		size_t lo = i > max ? i - max : 1, hi = i + max < lb ? i + max : lb;
		unsigned low = cur[0] = i <= max ? (unsigned)i : far;
		if (lo > 1)
			cur[lo - 1] = far;
		for (size_t j = lo; j <= hi; j++) {
			unsigned cost = fold(a[i - 1]) != fold(b[j - 1]);
			unsigned up = j < i + max ? prev[j] : far;	/* prev[j] is outside the band */
			unsigned v = min3(up + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v > far ? far : v;
			if (v < low)
				low = v;
		}
		if (hi < lb)
			cur[hi + 1] = far;
		if (low > max)
			return far;	/* every later row is at least as far */
		unsigned *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb] > max ? far : prev[lb];
}

void
suggest_init(struct suggest *s, const char *word)
{
	size_t len = strlen(word);
	unsigned limit = (unsigned)(len < 3 ? 1 : len / 3);
	s->word = word;
	s->len = len;
	s->limit = limit > 4 ? 4 : limit;
	s->best = s->limit + 1;
	s->first = s->second = NULL;
}

void
suggest_add(struct suggest *s, const char *candidate)
{
	if (s->len > SUGGEST_MAX_LEN || strcmp(candidate, s->word) == 0)
		return;
	unsigned d = suggest_distance(s->word, candidate, s->best < s->limit ? s->best : s->limit);
	if (d < s->best) {
		s->best = d;
		s->first = candidate;
		s->second = NULL;
	} else if (d == s->best && d <= s->limit && !s->second && strcmp(candidate, s->first)) {
		s->second = candidate;
	}
}

bool
suggest_text(const struct suggest *s, char *buf, size_t size)
{
	if (!s->first) {
		if (size)
			buf[0] = 0;
		return false;
	}
	if (s->second)
		snprintf(buf, size, "%s or %s", s->first, s->second);
	else
		snprintf(buf, size, "%s", s->first);
	return true;
}
