/* SPDX-License-Identifier: BSD-3-Clause */
/* src/server.h - the daemon's lifecycle: workers and their threads, signals, builds, jobs, stop. */
#ifndef DNSD_SERVER_H
#define DNSD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "forward.h"
#include "listen.h"
#include "netaddr.h"
#include "options.h"

struct health_set;
struct server;
struct snapshot;
struct stats_totals;

/**
 * Open every listener for every worker, the control socket and the
 * metrics endpoint, and prepare the event loops.
 * @param snap: the first snapshot; the server takes its reference.
 * @param err: a message when a socket cannot be opened.
 * @return the server, or NULL with err set.
 */
struct server *server_create(const struct options *opt, struct listener *listeners,
	unsigned n_listeners, const struct fwd_targets *upstreams, const struct netprefix *allow,
	unsigned n_allow, struct snapshot *snap, char *err, size_t errsz);

/** Serve until SIGTERM or SIGINT. @return 0, or -1 when the workers cannot start. */
int server_run(struct server *s);

/** Close everything and free. */
void server_free(struct server *s);

/* ---- for the control channel and /metrics: main thread only ---- */

/** What the server says of itself. */
struct server_info {
	const struct options *opt;
	const struct fwd_targets *upstreams;
	const struct netprefix *allow;
	unsigned n_allow;
	time_t started;			/**< wall clock */
	unsigned workers;
	bool building;			/**< a reload or rebuild is running */
	uint64_t reloads_ok, reloads_failed;	/**< from the files (SIGHUP, dnsd-control) */
	uint64_t rebuilds_ok, rebuilds_failed;	/**< from the kept model (health changes) */
	time_t last_reload;		/**< the last reload's end, 0: none yet */
	bool last_reload_ok;
	unsigned last_reload_errors;
	time_t data_since;		/**< when the snapshot in service was built */
	time_t last_good_load;		/**< the last load from the files that served */
	const char *control_path;	/**< NULL: no control socket */
	const char *metrics_addr;	/**< NULL: no metrics endpoint */
	const char *query_log;		/**< NULL: off */
};

/** Fill in what the server says of itself. */
void server_get_info(const struct server *s, struct server_info *out);

/** The snapshot in service. Its model is in use while a build runs: see server_when_idle. */
struct snapshot *server_snapshot(const struct server *s);

/** The runtime health overrides; change them, then server_build(s, false, ...). */
struct health_set *server_health(struct server *s);

/** What a reload or rebuild came to. */
struct server_build_result {
	bool ok;
	bool reload;			/**< read the files (else rebuilt from the model) */
	unsigned errors, warnings;
	const char *messages;		/**< its errors and warnings, one per line, or "" */
	double seconds;			/**< from the start of the build to the swap */
	const struct snapshot *snap;	/**< in service now (the new one when ok) */
};

/** Told how a build went; r is NULL when dnsd stops first. */
typedef void (*server_build_fn)(void *ctx, const struct server_build_result *r);

/**
 * Reload the definitions from the files (reload) or rebuild the answers
 * from the model the snapshot in service kept, with the health overrides
 * as they are now; done(ctx, result) once the result serves or failed.
 * While one runs, requests gather for one more, which then covers them all.
 */
void server_build(struct server *s, bool reload, server_build_fn done, void *ctx);

/**
 * Run fn(ctx, true) when no build runs (at once, or when the last one
 * queued ends): then the model may be read. fn(ctx, false) when dnsd
 * stops first.
 */
void server_when_idle(struct server *s, void (*fn)(void *ctx, bool ok), void *ctx);

/** Told the sums of every worker's counters; t is NULL when dnsd stops first. */
typedef void (*server_totals_fn)(void *ctx, const struct stats_totals *t);

/** Collect every worker's counters; done(ctx, sums) on the main thread. */
void server_totals(struct server *s, server_totals_fn done, void *ctx);

/** Told how many (entries dropped...); ok is false when dnsd stops first. */
typedef void (*server_count_fn)(void *ctx, size_t n, bool ok);

/**
 * Drop forwarded answers from every worker's cache: of one name
 * (lowercase wire form), or all when name is NULL; done(ctx, how many).
 */
void server_flush_cache(struct server *s, const uint8_t *name, size_t len, server_count_fn done,
	void *ctx);

/**
 * Reopen the query log file (after logrotate moved it): every worker
 * writes out what it holds and switches; done(ctx, 0) then.
 * @return 0, or -1 with err set (no query log, standard output, or the
 *	file cannot be opened: the old one stays in use).
 */
int server_reopen_query_log(struct server *s, server_count_fn done, void *ctx, char *err,
	size_t errsz);

/** The counters `stats --reset` last set aside (subtracted from what stats prints). */
struct stats_totals *server_stats_base(struct server *s);

#endif /* DNSD_SERVER_H */
