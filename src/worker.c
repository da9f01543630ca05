/* SPDX-License-Identifier: BSD-3-Clause */
/* src/worker.c - one thread of the daemon: its event loop, sockets, snapshot and counters. */
#include "config.h"
#include "worker.h"

#include "listen.h"
#include "log.h"
#include "options.h"
#include "snapshot.h"
#include "tcp.h"
#include "udp.h"

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The view counts of the snapshot being left, kept by view name. */
static void
fold_views(struct worker *w)
{
	for (unsigned i = 0; i < w->n_view_queries && w->snap; i++) {
		if (!w->view_queries[i] || i >= w->snap->db.n_views)
			continue;
		if (stats_views_add(&w->views_past, &w->n_views_past, w->snap->db.views[i].name,
			    w->view_queries[i]) < 0)
			log_warn("worker %u: out of memory: queries by view are undercounted",
				w->index);
	}
}

/* Counters for the views of a new snapshot (allocated here, off the answer path). */
static void
size_views(struct worker *w, const struct snapshot *snap)
{
	unsigned n = snap ? snap->db.n_views : 0;
	if (n > w->n_view_queries || !w->view_queries) {
		free(w->view_queries);
		w->view_queries = calloc(n ? n : 1, sizeof(*w->view_queries));
		if (!w->view_queries) {
			log_warn("worker %u: out of memory: queries by view are not counted",
				w->index);
			w->n_view_queries = 0;
			return;
		}
	}
	memset(w->view_queries, 0, (n ? n : 1) * sizeof(*w->view_queries));
	w->n_view_queries = n;
}

void
worker_sync_snapshot(struct worker *w)
{
	struct snapshot_slot *slot = w->cfg->slot;
	struct snapshot *cur = __atomic_load_n(&slot->current, __ATOMIC_ACQUIRE);
	if (cur == w->snap)
		return;
	pthread_mutex_lock(&slot->lock);
	cur = slot->current;
	snapshot_ref(cur);
	pthread_mutex_unlock(&slot->lock);
	fold_views(w);
	size_views(w, cur);
	snapshot_unref(w->snap);
	w->snap = cur;
	if (query_env_set_snapshot(&w->env, cur) < 0)
		log_warn("worker %u: out of memory for round robin counters; answers are "
			"not rotated until the next reload", w->index);
}

/* The inbound endpoint a listener serves, for the query log's srcids. */
static const char *
inbound_endpoint(const struct worker *w, int listener)
{
	if (listener < 0 || (unsigned)listener >= w->cfg->n_listeners)
		return NULL;
	return w->cfg->listeners[listener].endpoint_id;
}

static void
log_query(struct worker *w, const struct snapshot *snap, const struct sockaddr *client,
	bool tcp, int listener, const struct query_info *qi, enum stats_source src,
	const uint8_t *reply, size_t len)
{
	struct querylog_entry e = { snap, client, tcp, qi, src, reply, len,
		inbound_endpoint(w, listener) };
	querylog_write(w->ql, &e);
}

void
worker_account(struct worker *w, const struct sockaddr *client, bool tcp, int listener,
	enum query_action act, const struct query_info *qi, const uint8_t *reply, size_t out_len)
{
	struct worker_stats *st = &w->stats;
	st->qtypes[stats_qtype_index(qi->qtype)]++;
	if (qi->view < w->n_view_queries)
		w->view_queries[qi->view]++;
	if (act == QUERY_FORWARD) {	/* counted and logged when answered */
		st->forwarded++;
		return;
	}
	enum stats_source src = STATS_DROPPED;
	if (act == QUERY_SEND || act == QUERY_XFR) {	/* a transfer starts: local */
		src = stats_source_of_reply(qi->rcode, qi->why != NULL);
		st->rcodes[stats_rcode_index(qi->rcode)]++;
	}
	st->queries[tcp][src]++;
	if (w->ql)
		log_query(w, w->snap, client, tcp, listener, qi, src,
			act == QUERY_SEND ? reply : NULL, out_len);
}

/* A forwarded query's answer went out: count it, and log it with what the
 * client got. */
static void
forward_answered(void *ctx, const struct snapshot *snap, const struct query_info *qi,
	const struct fwd_dest *d, const uint8_t *reply, size_t len, bool from_cache)
{
	struct worker *w = ctx;
	enum stats_source src = from_cache ? STATS_CACHE : STATS_FORWARD;
	unsigned rcode = reply[3] & 0x0f;
	w->stats.queries[d->tcp][src]++;
	w->stats.rcodes[stats_rcode_index(rcode)]++;
	if (!w->ql)
		return;
	struct query_info logged = *qi;
	logged.rcode = (uint8_t)rcode;
	log_query(w, snap, (const struct sockaddr *)&d->client, d->tcp, d->listener, &logged, src,
		reply, len);
}

/* ---- jobs the server asks for ---- */

static void
add_target(void *ctx, const struct stats_target *t)
{
	struct worker_report *r = ctx;
	if (stats_targets_add(&r->targets, &r->n_targets, t) < 0)
		log_warn("out of memory: forwarding targets left out of the statistics");
}

static void
report_free_lists(struct worker_report *r)
{
	for (unsigned i = 0; i < r->n_views; i++)
		free(r->views[i].name);
	free(r->views);
	free(r->targets);
	r->views = NULL;
	r->targets = NULL;
	r->n_views = r->n_targets = 0;
}

static void
job_report(struct worker *w)
{
	struct worker_report *r = &w->report;
	report_free_lists(r);
	r->stats = w->stats;
	r->up = *upstream_stats(w->up);
	r->cache = *upstream_cache_stats(w->up);
	r->tcp_open = tcp_pool_open(w->tcp_pool);
	r->stats.querylog_lines = w->ql ? w->ql->lines : 0;
	r->stats.querylog_lost = w->ql ? w->ql->lost : 0;
	bool ok = true;
	for (unsigned i = 0; i < w->n_views_past && ok; i++)
		ok = stats_views_add(&r->views, &r->n_views, w->views_past[i].name,
			w->views_past[i].queries) == 0;
	for (unsigned i = 0; i < w->n_view_queries && ok; i++)
		if (w->view_queries[i] && i < w->snap->db.n_views)
			ok = stats_views_add(&r->views, &r->n_views, w->snap->db.views[i].name,
				w->view_queries[i]) == 0;
	if (!ok)
		log_warn("out of memory: views left out of the statistics");
	upstream_each_target(w->up, add_target, r);
}

static void
on_job(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	(void)fd;
	(void)what;
	switch (w->job) {
	case WORKER_REPORT:
		job_report(w);
		break;
	case WORKER_FLUSH_CACHE:
		w->report.flushed = upstream_flush(w->up, w->job_name_len ? w->job_name : NULL,
			w->job_name_len);
		break;
	case WORKER_QUERYLOG_FD:
		if (w->ql) {
			querylog_flush(w->ql);
			w->ql->fd = w->job_fd;
			w->ql->pipe = querylog_is_pipe(w->job_fd);
		}
		break;
	}
	w->job_done(w);
}

void
worker_run_job(struct worker *w, void (*done)(struct worker *w))
{
	w->job_done = done;
	event_active(w->ev_job, 0, 0);
}

/* A UDP and a TCP socket on listener i. Port 0: the kernel picks a free
 * UDP port, which TCP may have in use; pick again (the first worker fixes
 * the port for the rest). */
static int
open_pair(struct worker *w, unsigned i, int *ufd, int *tfd, char *err, size_t errsz)
{
	struct listener *l = &w->cfg->listeners[i];
	bool reuse = w->cfg->n_workers > 1;
	bool auto_port = w->index == 0 && netaddr_sockaddr_port((struct sockaddr *)&l->addr) == 0;
	*ufd = *tfd = -1;
	for (int tries = 0; tries < 64; tries++) {
		*ufd = listener_open(l, SOCK_DGRAM, reuse, err, errsz);
		if (*ufd < 0)
			return -1;
		*tfd = listener_open(l, SOCK_STREAM, reuse, err, errsz);
		if (*tfd >= 0 || !auto_port || errno != EADDRINUSE)
			break;
		close(*ufd);
		*ufd = -1;
		listener_set_port(l, 0);
	}
	if (*tfd < 0) {
		close(*ufd);
		return -1;
	}
	return 0;
}

static int
open_sockets(struct worker *w, char *err, size_t errsz)
{
	unsigned n = w->cfg->n_listeners;
	w->udp = calloc(n, sizeof(*w->udp));
	w->tcp = calloc(n, sizeof(*w->tcp));
	if (!w->udp || !w->tcp) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		int ufd, tfd;
		if (open_pair(w, i, &ufd, &tfd, err, errsz) < 0)
			return -1;
		w->udp[i] = udp_socket_start(w, ufd, (int)i, w->cfg->listeners[i].wildcard);
		w->tcp[i] = tcp_socket_start(w, tfd, (int)i);
		w->n_sockets = i + 1;
		if (!w->udp[i] || !w->tcp[i]) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
	}
	return 0;
}

static void
env_init(struct worker *w)
{
	const struct worker_config *cfg = w->cfg;
	w->env.max_udp = (uint16_t)cfg->opt->edns_size;
	w->env.errors.per_second = cfg->opt->error_rate;
	w->env.allow = cfg->allow;
	w->env.n_allow = cfg->n_allow;
}

int
worker_init(struct worker *w, const struct worker_config *cfg, unsigned index,
	struct event_base *base, char *err, size_t errsz)
{
	const struct options *o = cfg->opt;
	w->cfg = cfg;
	w->opt = o;
	w->index = index;
	w->own_base = !base;
	w->base = base ? base : event_base_new();
	w->io = udp_io_create();
	w->tcp_pool = tcp_pool_create(w, o->tcp_max_conns);
	w->ev_job = w->base ? event_new(w->base, -1, 0, on_job, w) : NULL;
	if (cfg->querylog_fd >= 0 && (w->ql = calloc(1, sizeof(*w->ql))) != NULL) {
		w->ql->fd = cfg->querylog_fd;
		w->ql->pipe = querylog_is_pipe(cfg->querylog_fd);
		w->ql->format = cfg->querylog_format;
	}
	if (!w->base || !w->io || !w->tcp_pool || !w->ev_job ||
	    (cfg->querylog_fd >= 0 && !w->ql)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	snapshot_ref(cfg->slot->current);
	w->snap = cfg->slot->current;
	size_views(w, w->snap);
	env_init(w);
	if (query_env_set_snapshot(&w->env, w->snap) < 0) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	struct upstream_config ucfg = { cfg->upstreams, o->forward_timeout, 1024,
		(uint16_t)o->edns_size, (size_t)o->cache_size << 20, forward_answered };
	w->up = upstream_create(w->base, &ucfg, &w->env, tcp_deliver, w);
	if (!w->up) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return open_sockets(w, err, errsz);
}

void
worker_fini(struct worker *w)
{
	if (!w->cfg)
		return;
	tcp_pool_free(w->tcp_pool);
	upstream_free(w->up);
	if (w->ev_job)
		event_free(w->ev_job);
	if (w->ql) {
		querylog_flush(w->ql);
		free(w->ql);
	}
	report_free_lists(&w->report);
	for (unsigned i = 0; i < w->n_views_past; i++)
		free(w->views_past[i].name);
	free(w->views_past);
	free(w->view_queries);
	for (unsigned i = 0; i < w->n_sockets; i++) {
		udp_socket_stop(w->udp[i]);
		tcp_socket_stop(w->tcp[i]);
	}
	free(w->udp);
	free(w->tcp);
	udp_io_free(w->io);
	query_env_fini(&w->env);
	snapshot_unref(w->snap);
	if (w->own_base && w->base)
		event_base_free(w->base);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	event_base_dispatch(w->base);
	return NULL;
}

int
worker_start_thread(struct worker *w)
{
	int rc = pthread_create(&w->thread, NULL, worker_main, w);
	w->running = rc == 0;
	return -rc;
}

void
worker_stop_thread(struct worker *w)
{
	if (!w->running)
		return;
	event_base_loopbreak(w->base);
	pthread_join(w->thread, NULL);
	w->running = false;
}
