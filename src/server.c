/* SPDX-License-Identifier: BSD-3-Clause */
/* src/server.c - the daemon's lifecycle: workers and their threads, signals, reloads, stop. */
#include "config.h"
#include "server.h"

#include "diag.h"
#include "log.h"
#include "snapshot.h"
#include "worker.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct server {
	const struct options *opt;
	struct worker_config wcfg;
	struct fwd_targets upstreams;
	struct snapshot_slot slot;
	struct worker *workers;
	unsigned n_workers;
	struct event_base *base;	/* worker 0's, which also handles signals */
	struct event *ev_hup, *ev_term, *ev_int, *ev_reload_done;
	pthread_t reload_thread;
	bool reloading, reload_again;
	struct snapshot *reload_result;
	unsigned reload_errors;
	struct snapshot_listener *bindings;
};

/* ---- reload ---- */

static void *
reload_main(void *arg)
{
	struct server *s = arg;
	struct diag d;
	struct snapshot_config cfg = { s->opt->zones, s->bindings, s->wcfg.n_listeners };
	diag_init(&d, stderr);
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
	log_info("reloading %s", s->opt->zones);
	s->reloading = true;
	if (pthread_create(&s->reload_thread, NULL, reload_main, s) != 0) {
		log_err("reload: cannot start a thread: %s", strerror(errno));
		s->reloading = false;
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
		log_err("reload failed with %u error%s; still serving the previous definitions",
			s->reload_errors, s->reload_errors == 1 ? "" : "s");
	} else {
		swap_snapshot(s, next);
		log_info("reloaded: %u VPCs, %u endpoints from %u files in %.3f s",
			next->n_vpcs, next->n_endpoints, next->n_files, next->load_seconds);
	}
	if (s->reload_again) {
		s->reload_again = false;
		reload_start(s);
	}
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
	log_info("stopping on signal %d", (int)sig);
	for (unsigned i = 0; i < s->n_workers; i++)
		event_base_loopbreak(s->workers[i].base);
}

static int
signals_add(struct server *s)
{
	s->ev_hup = evsignal_new(s->base, SIGHUP, on_signal, s);
	s->ev_term = evsignal_new(s->base, SIGTERM, on_signal, s);
	s->ev_int = evsignal_new(s->base, SIGINT, on_signal, s);
	s->ev_reload_done = event_new(s->base, -1, 0, on_reload_done, s);
	if (!s->ev_hup || !s->ev_term || !s->ev_int || !s->ev_reload_done)
		return -1;
	evsignal_add(s->ev_hup, NULL);
	evsignal_add(s->ev_term, NULL);
	evsignal_add(s->ev_int, NULL);
	return 0;
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
		n_allow, s->n_workers, &s->slot };
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
		t.answers += s->workers[i].stats.answers;
		t.forwards += s->workers[i].stats.forwards;
		t.drops += s->workers[i].stats.drops;
	}
	log_info("stopped: %llu queries, %llu answered locally, %llu forwarded, %llu dropped",
		(unsigned long long)t.queries, (unsigned long long)t.answers,
		(unsigned long long)t.forwards, (unsigned long long)t.drops);
}

int
server_run(struct server *s)
{
	sigset_t block, old;
	/* only worker 0's thread takes signals */
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
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
	if (s->ev_hup)
		event_free(s->ev_hup);
	if (s->ev_term)
		event_free(s->ev_term);
	if (s->ev_int)
		event_free(s->ev_int);
	if (s->ev_reload_done)
		event_free(s->ev_reload_done);
	if (s->base)
		event_base_free(s->base);
	snapshot_unref(s->slot.current);
	pthread_mutex_destroy(&s->slot.lock);
	free(s->workers);
	free(s->bindings);
	free(s);
}
