/* SPDX-License-Identifier: BSD-3-Clause */
/* src/suggest.h - "did you mean": the known names closest to a misspelt one. */
#ifndef DNSD_SUGGEST_H
#define DNSD_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

/** Words longer than this get no suggestion (time stays bounded). */
#define SUGGEST_MAX_LEN 128

/**
 * Edit distance between a and b, ignoring letter case: insertions,
 * deletions, substitutions and swaps of two adjacent characters each
 * count one (optimal string alignment, a restricted Damerau-Levenshtein).
 * @param max: stop early; any distance above max is returned as max + 1.
 * @return the distance, at most max + 1.
 */
unsigned suggest_distance(const char *a, const char *b, unsigned max);

/** The search for the candidates closest to one word. */
struct suggest {
	const char *word;
	size_t len;
	unsigned limit;		/**< farthest a suggestion may be */
	unsigned best;		/**< distance of best (limit + 1: none yet) */
	const char *first;	/**< the closest candidate */
	const char *second;	/**< another as close, or NULL */
};

/**
 * Start looking for names close to word: at most a third of its length
 * away (at least one edit, at most four), as rustc and git do.
 */
void suggest_init(struct suggest *s, const char *word);

/** Consider a candidate (not copied: it must outlive s). */
void suggest_add(struct suggest *s, const char *candidate);

/**
 * Write "A" or "A or B" (the closest ones) into buf.
 * @return false (buf empty) when no candidate was close enough.
 */
bool suggest_text(const struct suggest *s, char *buf, size_t size);

#endif /* DNSD_SUGGEST_H */
