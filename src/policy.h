/* SPDX-License-Identifier: BSD-3-Clause */
/* src/policy.h - routing policy answers: a name's prepared alternatives and how the answer path picks one per query (weighted, multivalue answer, IP-based). */
#ifndef DNSD_POLICY_H
#define DNSD_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "cidrmap.h"
#include "netaddr.h"
#include "zonedb.h"

struct arena;

/*
 * Policies whose answer depends only on the VPC (failover, latency,
 * geolocation, geoproximity: Route 53 decides those by "the AWS Region of
 * the VPC that the query originated from" and by health) are resolved
 * when the zones are built: their names hold one plain prepared answer
 * per view. Only these three pick per query, among answers prepared in
 * wire form at load.
 */
enum policy_kind {
	POLICY_WEIGHTED = 1,	/**< one alternative, in proportion to its weight */
	POLICY_MULTIVALUE,	/**< up to eight alternatives at random */
	POLICY_CIDR		/**< the alternative of the client address's CIDR location */
};

/** "Route 53 responds to DNS queries with up to eight healthy records"
 * (Developer Guide, "Multivalue answer routing"). */
#define POLICY_MULTIVALUE_MAX 8

/** A group of alternatives as the zone builder gets it (build time only). */
struct policy_group {
	enum policy_kind kind;
	unsigned n_alts;
	const uint32_t *weights;		/**< WEIGHTED: each alternative's, all > 0 */
	const struct netprefix *prefixes;	/**< CIDR: the collection's blocks */
	const uint32_t *prefix_alt;		/**< CIDR: each block's alternative */
	unsigned n_prefixes;
	int default_alt;			/**< CIDR: for other clients; -1: NODATA */
	const char *const *labels;		/**< each alternative's SetIdentifier */
};

/** How many answers a group is prepared as: one per alternative; for
 * multivalue with more than eight, one per window of eight. */
unsigned policy_group_answers(const struct policy_group *g);

/**
 * The alternatives prepared answer k holds, in order: k alone, or for
 * multivalue every alternative (up to eight) or the window k, k+1, …,
 * k+7 (mod n): each alternative is in eight windows, so each is answered
 * equally often.
 * @param alts: room for POLICY_MULTIVALUE_MAX.
 * @return how many.
 */
unsigned policy_group_members(const struct policy_group *g, unsigned k, unsigned *alts);

/** How a prepared group picks (shared by the answers of each query type
 * of one name). */
struct policy_rule {
	enum policy_kind kind;
	uint32_t n;			/**< prepared answers */
	const uint32_t *cum;		/**< WEIGHTED: running sums; cum[n-1] is the total */
	struct cidrmap cidr;		/**< CIDR: client address to answer */
	int32_t fallback;		/**< CIDR: the answer for other clients; -1: nodata */
};

/** A name's answer for one query type, picked per query. */
struct policy_sel {
	const struct policy_rule *rule;
	const struct answer *answers;	/**< rule->n of them */
	const struct answer *nodata;	/**< CIDR: no location and no default */
};

/** Build a group's rule in arena. @return it, or NULL when out of memory. */
const struct policy_rule *policy_rule_make(struct arena *a, const struct policy_group *g);

/**
 * This query's answer: by weight (a random number below the total and a
 * binary search of the running sums), a multivalue window at random, or
 * the client address's CIDR location (longest prefix; the default
 * location, else NODATA, for other clients). Allocates nothing. Out of
 * line: answers without a policy pay only the test of answer.sel.
 * @param rng: the worker's random state (xorshift64*; never 0).
 */
const struct answer *policy_pick(const struct policy_sel *s, uint64_t *rng,
	const struct netaddr *client);

#endif /* DNSD_POLICY_H */
