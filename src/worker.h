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

/**
 * What one worker counted. Only its own thread writes them; others see
 * the copy the worker publishes in its thread (worker_report), so the
 * answer path takes no lock and shares no cache line.
 */
struct worker_stats {
	uint64_t queries;		/**< every query received, UDP and TCP */
	uint64_t tcp_queries;
	uint64_t local;			/**< answered from dnsd's own data */
	uint64_t errors;		/**< FORMERR, NOTIMP, REFUSED and the like */
	uint64_t forwarded;		/**< handed to the forwarder */
	uint64_t dropped;
	uint64_t tcp_accepted;
	uint64_t tcp_fd_closes;		/**< closed to free a descriptor */
};

/** A worker's counters and its forwarder's, as of one moment. */
struct worker_report {
	struct worker_stats stats;
	struct upstream_stats up;
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
	void *owner;			/**< the server, for report callbacks */
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
	struct worker_report report;	/**< published by worker_report */
	struct event *ev_report;
	void (*reported)(struct worker *w);
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
 * Ask the worker to copy its counters into w->report in its own thread and
 * then call done(w) there. Safe from any thread; the worker must be
 * running (or be worker 0, whose loop is the server's).
 */
void worker_report(struct worker *w, void (*done)(struct worker *w));

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
