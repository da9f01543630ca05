/* SPDX-License-Identifier: BSD-3-Clause */
/* src/worker.h - one thread of the daemon: its event loop, sockets, snapshot and counters. */
#ifndef DNSD_WORKER_H
#define DNSD_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cache.h"
#include "query.h"
#include "querylog.h"
#include "stats.h"
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

/** Something every worker does in its own thread when the server asks (server.c). */
enum worker_job {
	WORKER_REPORT,		/**< publish its counters in w->report */
	WORKER_FLUSH_CACHE,	/**< drop forwarded answers (job_name, or all) */
	WORKER_QUERYLOG_FD	/**< write out its query log buffer, then use job_fd */
};

/** A worker's counters and its forwarder's, as of one moment (WORKER_REPORT). */
struct worker_report {
	struct worker_stats stats;
	struct upstream_stats up;
	struct cache_stats cache;
	unsigned tcp_open;
	struct stats_view *views;	/**< owned by the worker, remade per report */
	unsigned n_views;
	struct stats_target *targets;	/**< likewise */
	unsigned n_targets;
	size_t flushed;			/**< WORKER_FLUSH_CACHE: entries dropped */
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
	void *owner;			/**< the server, for job callbacks */
	int querylog_fd;		/**< -1: no query log */
	enum querylog_format querylog_format;
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
	uint64_t *view_queries;		/**< by view of w->snap */
	unsigned n_view_queries;
	struct stats_view *views_past;	/**< counts of earlier snapshots' views, by name */
	unsigned n_views_past;
	struct querylog_buf *ql;	/**< NULL: no query log */
	struct worker_report report;	/**< published by WORKER_REPORT */
	struct event *ev_job;
	enum worker_job job;
	uint8_t job_name[DNAME_MAX];	/**< WORKER_FLUSH_CACHE: lowercase wire name */
	size_t job_name_len;		/**< 0: every name */
	int job_fd;			/**< WORKER_QUERYLOG_FD */
	void (*job_done)(struct worker *w);
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
 * Ask the worker to do a job in its own thread (w->job and its argument
 * set first) and then call done(w) there. Safe from any thread; the
 * worker must be running (or be worker 0, whose loop is the server's),
 * and have no other job.
 */
void worker_run_job(struct worker *w, void (*done)(struct worker *w));

/**
 * Count what happened to a query and, with --query-log, log it (a
 * forwarded query is counted and logged when answered).
 * @param listener: the listener it came in on.
 * @param reply: what was sent (out_len bytes), when act is QUERY_SEND.
 */
void worker_account(struct worker *w, const struct sockaddr *client, bool tcp, int listener,
	enum query_action act, const struct query_info *qi, const uint8_t *reply, size_t out_len);

/** Queries follow (a batch from one wakeup): query log lines wait for its end. */
static inline void
worker_batch_begin(struct worker *w)
{
	if (w->ql)
		w->ql->hold = true;
}

/** The batch is over: write its query log lines at once. */
static inline void
worker_batch_end(struct worker *w)
{
	if (w->ql) {
		w->ql->hold = false;
		if (w->ql->len)
			querylog_flush(w->ql);
	}
}

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
