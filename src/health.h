/* SPDX-License-Identifier: BSD-3-Clause */
/* src/health.h - runtime health overrides (dnsd-control health): by AZ and by ENI, over the definitions. */
#ifndef DNSD_HEALTH_H
#define DNSD_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/** What an override names. */
enum health_scope {
	HEALTH_AZ,	/**< every ENI in an Availability Zone */
	HEALTH_ENI,	/**< one network interface (wins over its AZ's override) */
	HEALTH_CHECK	/**< a Route 53 health check's status (healthcheck.h) */
};

/** One override, as an operator set it. */
struct health_override {
	enum health_scope scope;
	char *key;		/**< the AZ name or the ENI id */
	bool up;
	time_t since;		/**< when it was set (wall clock) */
};

/**
 * The overrides in force: kept by the server across reloads until
 * cleared, copied into each snapshot built with them. Sorted by scope and
 * key, so that a lookup is a binary search; no limit but memory.
 */
struct health_set {
	struct health_override *v;
	unsigned n, cap;
};

/** An empty set needs no allocation: zero it. */
#define HEALTH_SET_INIT { NULL, 0, 0 }

/** Free what the set holds (not the struct). */
void health_set_fini(struct health_set *h);

/**
 * Set (up or down) or clear one override.
 * @param clear: remove it (up is then ignored).
 * @return 1 when the set changed, 0 when it already said so, -1 when out
 *	of memory (the set is unchanged).
 */
int health_set_put(struct health_set *h, enum health_scope scope, const char *key, bool up,
	bool clear, time_t now);

/** Make dst a copy of src (dst is emptied first). @return 0, or -1 when out of memory. */
int health_set_copy(struct health_set *dst, const struct health_set *src);

/** The override of one scope and key, or NULL. */
const struct health_override *health_set_get(const struct health_set *h,
	enum health_scope scope, const char *key);

/**
 * The override that decides an ENI: its own, else its AZ's, else NULL.
 * h, eni_id and az may be NULL.
 */
const struct health_override *health_set_match(const struct health_set *h, const char *eni_id,
	const char *az);

/** "az us-east-2b down" or "eni eni-0a1b… up", for messages. */
void health_override_describe(const struct health_override *o, char *buf, size_t size);

#endif /* DNSD_HEALTH_H */
