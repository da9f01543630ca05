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
	snapshot_unref(w->snap);
	w->snap = cur;
	if (query_env_set_snapshot(&w->env, cur) < 0)
		log_warn("worker %u: out of memory for round robin counters; answers are "
			"not rotated until the next reload", w->index);
}

/* What the query log calls a query answered or dropped on the spot. */
static enum querylog_source
log_source(enum query_action act, const struct query_info *qi)
{
	if (act == QUERY_XFR)
		return QL_LOCAL;	/* a zone transfer starts */
	if (act != QUERY_SEND)
		return QL_DROP;
	return qi->why ? QL_ERROR : QL_LOCAL;
}

void
worker_account(struct worker *w, const struct sockaddr *client, bool tcp,
	enum query_action act, const struct query_info *qi, size_t out_len)
{
	w->stats.queries++;
	w->stats.tcp_queries += tcp;
	if (act == QUERY_SEND && qi->why)
		w->stats.errors++;
	else if (act == QUERY_SEND || act == QUERY_XFR)
		w->stats.local++;
	else if (act == QUERY_FORWARD)
		w->stats.forwarded++;
	else
		w->stats.dropped++;
	if (w->opt->query_log && act != QUERY_FORWARD)	/* forwarded: when answered */
		querylog_line(w->snap, client, tcp, qi, log_source(act, qi), out_len);
}

/* The query log line of a forwarded query, with what the client got. */
static void
log_forwarded(void *ctx, const struct query_info *qi, const struct fwd_dest *d,
	const uint8_t *reply, size_t len, bool from_cache)
{
	struct worker *w = ctx;
	struct query_info logged = *qi;
	logged.rcode = reply[3] & 0x0f;
	querylog_line(w->snap, (const struct sockaddr *)&d->client, d->tcp, &logged,
		from_cache ? QL_CACHE : QL_FORWARD, len);
}

static void
on_report(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	(void)fd;
	(void)what;
	w->report.stats = w->stats;
	w->report.up = *upstream_stats(w->up);
	w->reported(w);
}

void
worker_report(struct worker *w, void (*done)(struct worker *w))
{
	w->reported = done;
	event_active(w->ev_report, 0, 0);
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
	w->ev_report = w->base ? event_new(w->base, -1, 0, on_report, w) : NULL;
	if (!w->base || !w->io || !w->tcp_pool || !w->ev_report) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	snapshot_ref(cfg->slot->current);
	w->snap = cfg->slot->current;
	env_init(w);
	if (query_env_set_snapshot(&w->env, w->snap) < 0) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	struct upstream_config ucfg = { cfg->upstreams, o->forward_timeout, 1024,
		(uint16_t)o->edns_size, (size_t)o->cache_size << 20,
		o->query_log ? log_forwarded : NULL };
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
	if (w->ev_report)
		event_free(w->ev_report);
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
