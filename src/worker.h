/* SPDX-License-Identifier: BSD-3-Clause */
/* src/worker.h - one thread of the daemon: its event loop, sockets, snapshot and counters. */
#ifndef DNSD_WORKER_H
#define DNSD_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "query.h"
#include "querylog.h"
#include "upstream.h"

struct event_base;
struct fwd_targets;
struct listener;
struct netprefix;
struct options;
struct snapshot;
struct sockaddr;
struct tcp_pool;
struct tcp_socket;
struct udp_io;
struct udp_socket;

/** Where workers find the snapshot in service; the server swaps it. */
struct snapshot_slot {
	pthread_mutex_t lock;		/**< guards current while a reference is taken */
	struct snapshot *current;
};

/** What one worker counted; only its own thread writes them. */
struct worker_stats {
	uint64_t queries;		/**< every query received, UDP and TCP */
	uint64_t answers;		/**< answered on the spot */
	uint64_t forwards;		/**< handed to the forwarder */
	uint64_t drops;
};

/** What every worker is made from; the server owns it. */
struct worker_config {
	const struct options *opt;
	struct listener *listeners;
	unsigned n_listeners;
	const struct fwd_targets *upstreams;
	const struct netprefix *allow;
	unsigned n_allow;
	unsigned n_workers;
	struct snapshot_slot *slot;
};

/** One worker: everything its thread owns. */
struct worker {
	const struct worker_config *cfg;
	const struct options *opt;	/**< cfg->opt */
	unsigned index;
	struct event_base *base;	/**< worker 0 shares the server's */
	bool own_base;			/**< made here, freed here */
	pthread_t thread;
	bool running;			/**< its thread was started */
	struct snapshot *snap;		/**< the one this worker answers from */
	struct query_env env;
	struct upstream *up;
	struct udp_io *io;
	struct udp_socket **udp;
	struct tcp_socket **tcp;
	unsigned n_sockets;
	struct tcp_pool *tcp_pool;
	struct worker_stats stats;
};

/**
 * Set a worker up: its event loop (base, or a new one when NULL), buffers,
 * TCP pool, forwarder, and a UDP and a TCP socket on every listener
 * (SO_REUSEPORT when there are several workers; worker 0 fixes port 0).
 * @return 0, or -1 with err set; worker_fini cleans up either way.
 */
int worker_init(struct worker *w, const struct worker_config *cfg, unsigned index,
	struct event_base *base, char *err, size_t errsz);

/** Close everything the worker owns and free it (not the struct). */
void worker_fini(struct worker *w);

/** Run the worker's event loop in a thread of its own. @return 0 or -errno. */
int worker_start_thread(struct worker *w);

/** Stop the worker's loop and wait for its thread. */
void worker_stop_thread(struct worker *w);

/**
 * Pick up the snapshot in service, when it changed. Called at the start
 * of each event, never while answering; a new snapshot resizes the
 * worker's round robin counters.
 */
void worker_sync_snapshot(struct worker *w);

/**
 * Count what happened to a query and, with --query-log, log it (a
 * forwarded query is logged when answered).
 */
void worker_account(struct worker *w, const struct sockaddr *client, bool tcp,
	enum query_action act, const struct query_info *qi, size_t out_len);

/** Seconds on the coarse monotonic clock (rate limits). */
static inline uint64_t
worker_now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec;
}

/** Milliseconds on the monotonic clock (TCP timers). */
static inline uint64_t
worker_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#endif /* DNSD_WORKER_H */
