/* SPDX-License-Identifier: BSD-3-Clause */
/* src/server.c - the daemon's lifecycle: workers and their threads, signals, reloads, stop. */
#include "config.h"
#include "server.h"

#include "diag.h"
#include "log.h"
#include "notify.h"
#include "snapshot.h"
#include "worker.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct server {
	const struct options *opt;
	struct worker_config wcfg;
	struct fwd_targets upstreams;
	struct snapshot_slot slot;
	struct worker *workers;
	unsigned n_workers;
	struct event_base *base;	/* worker 0's, which also handles signals */
	struct event *ev_hup, *ev_term, *ev_int, *ev_usr1, *ev_reload_done, *ev_reported;
	pthread_t reload_thread;
	bool reloading, reload_again;
	struct snapshot *reload_result;
	unsigned reload_errors;
	uint64_t reloads_ok, reloads_failed;
	time_t started;
	unsigned reports_pending;	/* workers yet to publish their counters */
	struct snapshot_listener *bindings;
};

/* ---- reload ---- */

static void *
reload_main(void *arg)
{
	struct server *s = arg;
	struct diag d;
	struct snapshot_config cfg = { .zones_dir = s->opt->zones, .listeners = s->bindings,
		.n_listeners = s->wcfg.n_listeners };
	diag_init(&d, log_stream());
	d.strict = s->opt->strict;
	s->reload_result = snapshot_load(&cfg, &d, NULL);
	s->reload_errors = d.errors;
	event_active(s->ev_reload_done, 0, 0);
	return NULL;
}

static void
reload_start(struct server *s)
{
	if (s->reloading) {
		s->reload_again = true;
		return;
	}
	log_notice("reloading %s", s->opt->zones);
	notify_send("RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading %s",
		notify_monotonic_usec(), s->opt->zones);
	s->reloading = true;
	if (pthread_create(&s->reload_thread, NULL, reload_main, s) != 0) {
		log_err("reload: cannot start a thread: %s", strerror(errno));
		s->reloading = false;
		notify_send("READY=1\nSTATUS=reload failed: no thread; serving the previous data");
	}
}

/* The new snapshot replaces the old in one pointer store; workers switch
 * at their next event and the old one is freed with its last user. */
static void
swap_snapshot(struct server *s, struct snapshot *next)
{
	pthread_mutex_lock(&s->slot.lock);
	struct snapshot *old = s->slot.current;
	__atomic_store_n(&s->slot.current, next, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->slot.lock);
	snapshot_unref(old);
	worker_sync_snapshot(&s->workers[0]);
}

static void
on_reload_done(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	(void)fd;
	(void)what;
	pthread_join(s->reload_thread, NULL);
	s->reloading = false;
	struct snapshot *next = s->reload_result;
	s->reload_result = NULL;
	if (!next) {
		s->reloads_failed++;
		log_err("reload failed with %u error%s; still serving the previous definitions",
			s->reload_errors, log_s(s->reload_errors));
		notify_send("READY=1\nSTATUS=reload failed with %u error%s; serving the previous "
			"data", s->reload_errors, log_s(s->reload_errors));
	} else {
		s->reloads_ok++;
		swap_snapshot(s, next);
		log_notice("reloaded: %u VPC%s, %u endpoint%s from %u file%s in %.3f s",
			next->n_vpcs, log_s(next->n_vpcs), next->n_endpoints,
			log_s(next->n_endpoints), next->n_files, log_s(next->n_files),
			next->load_seconds);
		notify_send("READY=1\nSTATUS=serving %u VPC%s, %u endpoint%s", next->n_vpcs,
			log_s(next->n_vpcs), next->n_endpoints, log_s(next->n_endpoints));
	}
	if (s->reload_again) {
		s->reload_again = false;
		reload_start(s);
	}
}

/* ---- statistics ---- */

static void
sum_reports(const struct server *s, struct worker_report *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < s->n_workers; i++) {
		const struct worker_report *r = &s->workers[i].report;
		t->stats.queries += r->stats.queries;
		t->stats.tcp_queries += r->stats.tcp_queries;
		t->stats.local += r->stats.local;
		t->stats.errors += r->stats.errors;
		t->stats.forwarded += r->stats.forwarded;
		t->stats.dropped += r->stats.dropped;
		t->stats.tcp_accepted += r->stats.tcp_accepted;
		t->stats.tcp_fd_closes += r->stats.tcp_fd_closes;
		t->up.started += r->up.started;
		t->up.answered += r->up.answered;
		t->up.cache_hits += r->up.cache_hits;
		t->up.servfail += r->up.servfail;
		t->up.timeouts += r->up.timeouts;
		t->up.tcp_retries += r->up.tcp_retries;
		t->up.joined += r->up.joined;
	}
}

/* Every worker has published: one line with the sums (SIGUSR1). */
static void
on_reported(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct worker_report t;
	(void)fd;
	(void)what;
	sum_reports(s, &t);
	log_notice("statistics: %llu quer%s (%llu over TCP): %llu answered locally, %llu error "
		"repl%s, %llu forwarded, %llu dropped; forwarder: %llu answered by upstreams, "
		"%llu from the cache, %llu joined a query in flight, %llu SERVFAIL, %llu "
		"timeout%s, %llu TCP retr%s; TCP: %llu connection%s, %llu closed for lack of "
		"file descriptors; reloads: %llu ok, %llu failed; %u worker%s, up %lld s",
		(unsigned long long)t.stats.queries, t.stats.queries == 1 ? "y" : "ies",
		(unsigned long long)t.stats.tcp_queries, (unsigned long long)t.stats.local,
		(unsigned long long)t.stats.errors, t.stats.errors == 1 ? "y" : "ies",
		(unsigned long long)t.stats.forwarded, (unsigned long long)t.stats.dropped,
		(unsigned long long)t.up.answered, (unsigned long long)t.up.cache_hits,
		(unsigned long long)t.up.joined, (unsigned long long)t.up.servfail,
		(unsigned long long)t.up.timeouts, log_s(t.up.timeouts),
		(unsigned long long)t.up.tcp_retries, t.up.tcp_retries == 1 ? "y" : "ies",
		(unsigned long long)t.stats.tcp_accepted, log_s(t.stats.tcp_accepted),
		(unsigned long long)t.stats.tcp_fd_closes, (unsigned long long)s->reloads_ok,
		(unsigned long long)s->reloads_failed, s->n_workers, log_s(s->n_workers),
		(long long)(time(NULL) - s->started));
}

/* Called in each worker's thread once its report is in place. */
static void
worker_reported(struct worker *w)
{
	struct server *s = w->cfg->owner;
	if (__atomic_sub_fetch(&s->reports_pending, 1, __ATOMIC_ACQ_REL) == 0)
		event_active(s->ev_reported, 0, 0);
}

static void
stats_request(struct server *s)
{
	if (__atomic_load_n(&s->reports_pending, __ATOMIC_ACQUIRE) != 0)
		return;	/* the last request is still being answered */
	__atomic_store_n(&s->reports_pending, s->n_workers, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < s->n_workers; i++)
		worker_report(&s->workers[i], worker_reported);
}

/* ---- signals ---- */

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	(void)what;
	if (sig == SIGHUP) {
		reload_start(s);
		return;
	}
	if (sig == SIGUSR1) {
		stats_request(s);
		return;
	}
	log_notice("stopping on signal %d", (int)sig);
	notify_send("STOPPING=1\nSTATUS=stopping");
	for (unsigned i = 0; i < s->n_workers; i++)
		event_base_loopbreak(s->workers[i].base);
}

static const int handled_signals[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1 };
#define N_SIGNALS (sizeof(handled_signals) / sizeof(handled_signals[0]))

static int
signals_add(struct server *s)
{
	struct event **evs[N_SIGNALS] = { &s->ev_hup, &s->ev_term, &s->ev_int, &s->ev_usr1 };
	for (size_t i = 0; i < N_SIGNALS; i++) {
		*evs[i] = evsignal_new(s->base, handled_signals[i], on_signal, s);
		if (!*evs[i] || evsignal_add(*evs[i], NULL) < 0)
			return -1;
	}
	s->ev_reload_done = event_new(s->base, -1, 0, on_reload_done, s);
	s->ev_reported = event_new(s->base, -1, 0, on_reported, s);
	return s->ev_reload_done && s->ev_reported ? 0 : -1;
}

/*
 * Freeing a signal event puts back the handler from before it: the
 * default, which kills. A second TERM while dnsd stops (systemd, a test,
 * an impatient user) must not cut the shutdown short, so the signals are
 * blocked while their events go and ignored after (which also drops one
 * that came meanwhile); SIGKILL still works.
 */
static void
signals_ignore_while_freeing(struct server *s)
{
	struct event *evs[N_SIGNALS] = { s->ev_hup, s->ev_term, s->ev_int, s->ev_usr1 };
	sigset_t block, old;
	sigemptyset(&block);
	for (size_t i = 0; i < N_SIGNALS; i++)
		sigaddset(&block, handled_signals[i]);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (size_t i = 0; i < N_SIGNALS; i++) {
		if (evs[i])
			event_free(evs[i]);
		signal(handled_signals[i], SIG_IGN);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- the server ---- */

struct server *
server_create(const struct options *opt, struct listener *listeners, unsigned n_listeners,
	const struct fwd_targets *upstreams, const struct netprefix *allow, unsigned n_allow,
	struct snapshot *snap, char *err, size_t errsz)
{
	struct server *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errsz, "out of memory");
		snapshot_unref(snap);
		return NULL;
	}
	evthread_use_pthreads();
	s->opt = opt;
	s->upstreams = *upstreams;
	s->slot.current = snap;
	pthread_mutex_init(&s->slot.lock, NULL);
	s->n_workers = opt->workers;
	s->wcfg = (struct worker_config){ opt, listeners, n_listeners, &s->upstreams, allow,
		n_allow, s->n_workers, &s->slot, s };
	s->started = time(NULL);
	s->bindings = calloc(n_listeners + 1, sizeof(*s->bindings));
	s->workers = calloc(s->n_workers, sizeof(*s->workers));
	s->base = event_base_new();
	if (!s->bindings || !s->workers || !s->base) {
		snprintf(err, errsz, "out of memory");
		server_free(s);
		return NULL;
	}
	for (unsigned i = 0; i < n_listeners; i++)
		s->bindings[i] = (struct snapshot_listener){ listeners[i].vpc, listeners[i].inbound };
	for (unsigned i = 0; i < s->n_workers; i++) {
		if (worker_init(&s->workers[i], &s->wcfg, i, i == 0 ? s->base : NULL, err,
				errsz) < 0) {
			server_free(s);
			return NULL;
		}
	}
	if (signals_add(s) < 0) {
		snprintf(err, errsz, "out of memory");
		server_free(s);
		return NULL;
	}
	return s;
}

static void
log_stopped(const struct server *s)
{
	struct worker_stats t = { 0 };
	for (unsigned i = 0; i < s->n_workers; i++) {
		t.queries += s->workers[i].stats.queries;
		t.local += s->workers[i].stats.local + s->workers[i].stats.errors;
		t.forwarded += s->workers[i].stats.forwarded;
		t.dropped += s->workers[i].stats.dropped;
	}
	log_notice("stopped: %llu quer%s, %llu answered locally, %llu forwarded, %llu dropped",
		(unsigned long long)t.queries, t.queries == 1 ? "y" : "ies",
		(unsigned long long)t.local, (unsigned long long)t.forwarded,
		(unsigned long long)t.dropped);
}

int
server_run(struct server *s)
{
	sigset_t block, old;
	/* only worker 0's thread takes signals */
	sigemptyset(&block);
	for (size_t i = 0; i < N_SIGNALS; i++)
		sigaddset(&block, handled_signals[i]);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int rc = 0;
	for (unsigned i = 1; i < s->n_workers && rc == 0; i++)
		rc = worker_start_thread(&s->workers[i]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)	/* its sockets would get queries that nobody reads */
		log_err("cannot start worker threads: %s; stopping", strerror(-rc));
	else
		event_base_dispatch(s->base);
	for (unsigned i = 1; i < s->n_workers; i++)
		worker_stop_thread(&s->workers[i]);
	if (s->reloading) {
		pthread_join(s->reload_thread, NULL);
		snapshot_free(s->reload_result);
		s->reload_result = NULL;
		s->reloading = false;
	}
	log_stopped(s);
	return rc < 0 ? -1 : 0;
}

void
server_free(struct server *s)
{
	if (!s)
		return;
	for (unsigned i = 0; s->workers && i < s->n_workers; i++)
		worker_fini(&s->workers[i]);
	signals_ignore_while_freeing(s);
	struct event *evs[] = { s->ev_reload_done, s->ev_reported };
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
	if (s->base)
		event_base_free(s->base);
	snapshot_unref(s->slot.current);
	pthread_mutex_destroy(&s->slot.lock);
	free(s->workers);
	free(s->bindings);
	free(s);
}
