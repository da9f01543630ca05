/* SPDX-License-Identifier: BSD-3-Clause */
/* src/upstream.h - send forwarded queries to upstream resolvers and bring the answers back (libevent). */
#ifndef DNSD_UPSTREAM_H
#define DNSD_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "forward.h"
#include "netaddr.h"

struct event_base;
struct upstream;

/** Where the answer to a forwarded query goes. */
struct fwd_dest {
	bool tcp;
	int udp_fd;				/**< UDP: the socket the query came in on */
	struct sockaddr_storage client;
	socklen_t client_len;
	bool has_local;				/**< UDP on a wildcard socket: reply from here */
	struct netaddr local;
	int ifindex;
	void *conn;				/**< TCP: the connection and its generation */
	uint32_t conn_gen;
	int listener;				/**< the listener the query came in on */
};

/** Hand a TCP answer back to the server (UDP answers are sent directly). */
typedef void (*upstream_deliver_fn)(void *ctx, const struct fwd_dest *d, const uint8_t *msg,
	size_t len);

struct snapshot;

/**
 * Told of every answer a client got for a forwarded query (counters, the
 * query log); snap is the snapshot the query was placed in (its view).
 */
typedef void (*upstream_answered_fn)(void *ctx, const struct snapshot *snap,
	const struct query_info *qi, const struct fwd_dest *d, const uint8_t *reply, size_t len,
	bool from_cache);

struct upstream_config {
	const struct fwd_targets *defaults;	/**< --upstream or resolv.conf */
	unsigned timeout_ms;			/**< per target */
	unsigned max_pending;			/**< queries out at once */
	uint16_t edns_size;
	size_t cache_bytes;			/**< 0: no cache */
	upstream_answered_fn answered;		/**< NULL: not told */
};

/** Counters of one worker's forwarding. */
struct upstream_stats {
	uint64_t started, answered, servfail, unwanted, tcp_retries, timeouts;
	uint64_t errors;		/**< a target unreachable, or its reply unusable */
	uint64_t cache_hits, joined;
	uint64_t scrubbed;		/**< upstream records left out (scrub.h) */
	uint64_t caps_mismatches;	/**< replies with the question in another case */
	uint64_t caps_fallbacks;	/**< upstreams found not to echo case */
	uint64_t dns64;			/**< A queries made for DNS64 clients' AAAA */
	uint64_t chased;		/**< chains that went on in dnsd's own data */
};

/**
 * Create the forwarder of one worker.
 * @param env: the worker's answer-path state (snapshot, limits); kept.
 */
struct upstream *upstream_create(struct event_base *base, const struct upstream_config *cfg,
	struct query_env *env, upstream_deliver_fn deliver, void *ctx);

/** Stop everything in flight (no answers are sent) and free. */
void upstream_free(struct upstream *u);

/**
 * Resolve a query upstream. The client always gets an answer: the
 * upstream's, scrubbed (scrub.h), or SERVFAIL when every target fails or
 * times out. The worker's snapshot (env) is held until the answer: the
 * rule and its targets live there.
 * @param targets: a FORWARD rule's targets, or NULL for the defaults.
 */
void upstream_start(struct upstream *u, const struct query_info *qi,
	const struct fwd_targets *targets, const struct fwd_dest *dest);

/** Counters so far. */
const struct upstream_stats *upstream_stats(const struct upstream *u);

struct cache_stats;
struct stats_target;

/** The forwarding cache's counters (entries, bytes, hits, misses...). */
const struct cache_stats *upstream_cache_stats(const struct upstream *u);

/**
 * Counters per forwarding target: latency of answers, timeouts, errors.
 * Targets past the first UPSTREAM_MAX_TARGETS seen are summed in one
 * entry of family AF_UNSPEC ("other").
 * @param fn: called with each target.
 */
void upstream_each_target(const struct upstream *u, void (*fn)(void *ctx,
	const struct stats_target *t), void *ctx);

/** Targets counted one by one; the rest are summed as "other". */
#define UPSTREAM_MAX_TARGETS 4096

/**
 * Drop cached answers: of one name (lowercase wire form), or all when
 * qname is NULL. @return how many.
 */
size_t upstream_flush(struct upstream *u, const uint8_t *qname, size_t len);

/** Send one UDP datagram back to a client, from the right local address. */
bool upstream_send_udp(const struct fwd_dest *d, const uint8_t *msg, size_t len);

#endif /* DNSD_UPSTREAM_H */
