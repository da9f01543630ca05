/* SPDX-License-Identifier: BSD-3-Clause */
/* src/stats.h - what each worker counts on its own, and the sums that SIGUSR1, dnsd-control and /metrics report. */
#ifndef DNSD_STATS_H
#define DNSD_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cache.h"
#include "upstream.h"

/** Where an answer came from, or what became of the query. */
enum stats_source {
	STATS_LOCAL,	/**< answered from dnsd's own data */
	STATS_FORWARD,	/**< answered by an upstream (or SERVFAIL when none did) */
	STATS_CACHE,	/**< answered from the forwarding cache */
	STATS_REFUSED,	/**< REFUSED or NOTAUTH: not dnsd's to answer */
	STATS_ERROR,	/**< FORMERR, NOTIMP, BADVERS: a query dnsd cannot take */
	STATS_DROPPED,	/**< no answer at all */
	STATS_N_SOURCES
};

/** Query types counted by name; the rest are "other" (the last index). */
#define STATS_N_QTYPES 18
/** Response codes counted by name; the rest are "other" (the last index). */
#define STATS_N_RCODES 9
/** Forward latency histogram buckets, the last one +Inf. */
#define STATS_N_BUCKETS 14

extern const char *const stats_source_names[STATS_N_SOURCES];
extern const char *const stats_qtype_names[STATS_N_QTYPES];
extern const char *const stats_rcode_names[STATS_N_RCODES];
/** Upper bounds of the buckets in seconds (the last is infinite). */
extern const double stats_bucket_seconds[STATS_N_BUCKETS];
/** Index of each query type below 256 in stats_qtype_names, XOR the index of "other". */
extern const uint8_t stats_qtype_table[256];

/** The counter index of a query type (a table lookup: on the answer path). */
static inline unsigned
stats_qtype_index(uint16_t qtype)
{
	if (qtype < 256)
		return stats_qtype_table[qtype] ^ (STATS_N_QTYPES - 1);
	return qtype == 257 ? STATS_N_QTYPES - 2 : STATS_N_QTYPES - 1;	/* CAA */
}

/** The counter index of a response code. */
static inline unsigned
stats_rcode_index(unsigned rcode)
{
	if (rcode <= 5)
		return rcode;
	return rcode == 9 ? 6 : rcode == 16 ? 7 : STATS_N_RCODES - 1;
}

/** The source of a reply dnsd made itself, from its rcode and whether it is an error reply. */
static inline enum stats_source
stats_source_of_reply(unsigned rcode, bool error_reply)
{
	if (!error_reply)
		return STATS_LOCAL;
	return rcode == 5 || rcode == 9 ? STATS_REFUSED : STATS_ERROR;
}

/** The histogram bucket of a latency in microseconds. */
unsigned stats_bucket_index(uint64_t usec);

/**
 * What one worker counted. Only its own thread writes them; others see
 * the copy the worker publishes in its thread, so the answer path takes
 * no lock and shares no cache line.
 */
struct worker_stats {
	uint64_t queries[2][STATS_N_SOURCES];	/**< [tcp][source], counted when answered */
	uint64_t qtypes[STATS_N_QTYPES];	/**< queries by type, when received */
	uint64_t rcodes[STATS_N_RCODES];	/**< replies sent, by rcode */
	uint64_t forwarded;			/**< handed to the forwarder */
	uint64_t tcp_accepted;
	uint64_t tcp_fd_closes;			/**< closed to free a descriptor */
	uint64_t querylog_lines;		/**< query log lines made (copied in reports) */
	uint64_t querylog_lost;			/**< of them not written (disk or pipe full) */
};

/** Queries that landed in one view, by the view's name (a VPC id, "public"). */
struct stats_view {
	char *name;
	uint64_t queries;
};

/** One forwarding target (a default upstream or a rule's target). */
struct stats_target {
	struct sockaddr_storage addr;
	socklen_t len;
	uint64_t buckets[STATS_N_BUCKETS];	/**< answers by latency (not cumulative) */
	uint64_t sum_us;			/**< total latency of those answers */
	uint64_t timeouts;
	uint64_t errors;			/**< unreachable, or a reply dnsd cannot use */
};

/** The sum over workers of everything counted, as of one moment. */
struct stats_totals {
	struct worker_stats w;
	struct upstream_stats up;
	struct cache_stats cache;
	unsigned tcp_open;			/**< connections open now */
	struct stats_view *views;
	unsigned n_views;
	struct stats_target *targets;
	unsigned n_targets;
};

/** Sum of w.queries over transports and sources. */
uint64_t stats_queries(const struct worker_stats *w);

/** Add one view's count (by name) into a list. @return 0, or -1 when out of memory. */
int stats_views_add(struct stats_view **v, unsigned *n, const char *name, uint64_t count);

/** Add a target's counters into a list (merged by address). @return 0, or -1 when out of memory. */
int stats_targets_add(struct stats_target **v, unsigned *n, const struct stats_target *t);

/**
 * Add one worker's published counters into t.
 * @return 0, or -1 when out of memory (the lists are then incomplete).
 */
int stats_totals_add(struct stats_totals *t, const struct worker_stats *w,
	const struct upstream_stats *up, const struct cache_stats *cache, unsigned tcp_open,
	const struct stats_view *views, unsigned n_views, const struct stats_target *targets,
	unsigned n_targets);

/** Subtract base from t, counter by counter (for `stats --reset`); gauges are kept. */
void stats_totals_subtract(struct stats_totals *t, const struct stats_totals *base);

/** Make dst a deep copy of src. @return 0, or -1 when out of memory. */
int stats_totals_copy(struct stats_totals *dst, const struct stats_totals *src);

/** Free the lists. */
void stats_totals_fini(struct stats_totals *t);

#endif /* DNSD_STATS_H */
