/* SPDX-License-Identifier: BSD-3-Clause */
/* src/server.c - the daemon's lifecycle: workers and their threads, signals, builds, jobs, stop. */
#include "config.h"
#include "server.h"

#include "ctlsock.h"
#include "diag.h"
#include "health.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "querylog.h"
#include "snapshot.h"
#include "stats.h"
#include "worker.h"
#include "xfr_notify.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Someone waiting on a build, or for the model to be free. */
struct waiter {
	struct waiter *next;
	server_build_fn built;
	void (*idle)(void *ctx, bool ok);
	void *ctx;
};

/* Something every worker does in its own thread, one after another. */
struct job {
	struct job *next;
	enum worker_job kind;
	uint8_t name[DNAME_MAX];
	size_t name_len;
	int fd, old_fd;			/* WORKER_QUERYLOG_FD */
	server_totals_fn totals;
	server_count_fn count;
	void *ctx;
};

struct server {
	const struct options *opt;
	struct worker_config wcfg;
	struct fwd_targets upstreams;
	const struct netprefix *allow;
	unsigned n_allow;
	struct snapshot_slot slot;
	struct worker *workers;
	unsigned n_workers;
	struct event_base *base;	/* worker 0's, which also handles signals and control */
	struct event *ev_hup, *ev_term, *ev_int, *ev_usr1, *ev_build_done, *ev_job_done;
	struct snapshot_listener *bindings;
	time_t started, data_since;
	/* builds: one runs in a thread; requests meanwhile wait for the next */
	pthread_t build_thread;
	bool building, build_reload;
	int next_build;			/* 0: none, 1: rebuild, 2: reload */
	struct waiter *waiters, *next_waiters, *idle;
	struct snapshot *build_from;	/* a rebuild's model (a reference) */
	struct snapshot *build_prev;	/* in service when the build began: serials go on from it */
	struct xfr_notify *notify;	/* NOTIFY to secondaries after builds */
	struct snapshot *build_result;
	struct health_set build_health;	/* the overrides the thread builds with */
	struct log_capture *capture;
	unsigned build_errors, build_warnings;
	double build_started;
	uint64_t reloads_ok, reloads_failed, rebuilds_ok, rebuilds_failed;
	time_t last_reload, last_good_load;
	bool last_reload_ok;
	unsigned last_reload_errors;
	struct health_set health;	/* the runtime overrides (dnsd-control health) */
	/* jobs */
	struct job *jobs, **jobs_tail, *job_running;
	unsigned jobs_pending;		/* workers yet to finish the running job */
	struct stats_totals stats_base;
	int querylog_fd;
	/* edges */
	struct ctlsock *control;
	struct http *metrics;
};

static double
now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- builds: reloads from the files, rebuilds from the model ---- */

static void *
build_main(void *arg)
{
	struct server *s = arg;
	/* the model is kept for the control channel: fast rebuilds, explanations */
	struct snapshot_config cfg = { .zones_dir = s->opt->zones, .listeners = s->bindings,
		.n_listeners = s->wcfg.n_listeners, .health = &s->build_health,
		.keep_model = s->control != NULL, .previous = s->build_prev };
	struct diag d;
	diag_init(&d, s->capture ? log_capture_stream(s->capture) : log_stream());
	d.strict = s->opt->strict;
	if (s->build_reload || !s->build_from->model)	/* no model: read the files again */
		s->build_result = snapshot_load(&cfg, &d, NULL);
	else
		s->build_result = snapshot_rebuild(s->build_from, &cfg, &d);
	s->build_errors = d.errors;
	s->build_warnings = d.warnings;
	event_active(s->ev_build_done, 0, 0);
	return NULL;
}

static void build_finish(struct server *s, struct snapshot *next, char *messages);

static void
build_start(struct server *s, bool reload, struct waiter *waiters)
{
	s->building = true;
	s->build_reload = reload;
	s->waiters = waiters;
	s->build_started = now_seconds();
	s->build_errors = s->build_warnings = 0;
	s->build_prev = s->slot.current;
	snapshot_ref(s->build_prev);
	if (reload) {
		log_notice("reloading %s", s->opt->zones);
		notify_send("RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading %s",
			notify_monotonic_usec(), s->opt->zones);
	} else {
		s->build_from = s->slot.current;
		snapshot_ref(s->build_from);
	}
	s->capture = log_capture_open();
	if (health_set_copy(&s->build_health, &s->health) < 0 ||
	    pthread_create(&s->build_thread, NULL, build_main, s) != 0) {
		log_err("%s: cannot start a thread: %s", reload ? "reload" : "rebuild",
			strerror(errno));
		s->build_errors = 1;
		build_finish(s, NULL, log_capture_close(s->capture));
	}
}

/* The new snapshot replaces the old in one pointer store; workers switch
 * at their next batch and the old one is freed with its last user. */
static void
swap_snapshot(struct server *s, struct snapshot *next)
{
	pthread_mutex_lock(&s->slot.lock);
	struct snapshot *old = s->slot.current;
	__atomic_store_n(&s->slot.current, next, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->slot.lock);
	snapshot_unref(old);
	worker_sync_snapshot(&s->workers[0]);
	s->data_since = time(NULL);
}

static void
log_build(struct server *s, const struct snapshot *next)
{
	if (s->build_reload && next) {
		log_notice("reloaded: %u VPC%s, %u endpoint%s from %u file%s in %.3f s",
			next->n_vpcs, log_s(next->n_vpcs), next->n_endpoints,
			log_s(next->n_endpoints), next->n_files, log_s(next->n_files),
			next->load_seconds);
		notify_send("READY=1\nSTATUS=serving %u VPC%s, %u endpoint%s", next->n_vpcs,
			log_s(next->n_vpcs), next->n_endpoints, log_s(next->n_endpoints));
	} else if (s->build_reload) {
		log_err("reload failed with %u error%s; still serving the previous definitions",
			s->build_errors, log_s(s->build_errors));
		notify_send("READY=1\nSTATUS=reload failed with %u error%s; serving the previous "
			"data", s->build_errors, log_s(s->build_errors));
	} else if (next) {
		log_notice("health overrides applied (%u in force): answers rebuilt in %.3f s",
			next->health.n, next->build_seconds);
	} else {
		log_err("rebuilding the answers failed with %u error%s; still serving the "
			"previous answers", s->build_errors, log_s(s->build_errors));
	}
}

static void
count_build(struct server *s, bool ok)
{
	if (s->build_reload) {
		ok ? s->reloads_ok++ : s->reloads_failed++;
		s->last_reload = time(NULL);
		s->last_reload_ok = ok;
		if (ok)
			s->last_good_load = s->last_reload;
		s->last_reload_errors = s->build_errors;
	} else {
		ok ? s->rebuilds_ok++ : s->rebuilds_failed++;
	}
}

static void
waiters_call(struct waiter *list, const struct server_build_result *r)
{
	while (list) {
		struct waiter *w = list;
		list = w->next;
		if (w->built)
			w->built(w->ctx, r);
		else if (w->idle)
			w->idle(w->ctx, r != NULL);
		free(w);
	}
}

/* Tell the waiters, then start what was asked meanwhile, or let the
 * model's readers in. */
static void
build_finish(struct server *s, struct snapshot *next, char *messages)
{
	count_build(s, next != NULL);
	if (next)	/* before the log line: whoever reads it finds the new data */
		swap_snapshot(s, next);
	log_build(s, next);
	if (next)
		xfr_notify_snapshot(s->notify, next);
	snapshot_unref(s->build_from);
	s->build_from = NULL;
	snapshot_unref(s->build_prev);
	s->build_prev = NULL;
	s->capture = NULL;
	s->building = false;
	struct server_build_result r = { next != NULL, s->build_reload, s->build_errors,
		s->build_warnings, messages ? messages : "", now_seconds() - s->build_started,
		s->slot.current };
	struct waiter *done = s->waiters;
	s->waiters = NULL;
	waiters_call(done, &r);
	free(messages);
	if (s->next_build) {
		bool reload = s->next_build == 2;
		struct waiter *w = s->next_waiters;
		s->next_build = 0;
		s->next_waiters = NULL;
		build_start(s, reload, w);
		return;
	}
	struct waiter *idle = s->idle;
	s->idle = NULL;
	waiters_call(idle, &r);
}

static void
on_build_done(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	(void)fd;
	(void)what;
	pthread_join(s->build_thread, NULL);
	struct snapshot *next = s->build_result;
	s->build_result = NULL;
	build_finish(s, next, log_capture_close(s->capture));
}

static struct waiter *
waiter_new(server_build_fn built, void (*idle)(void *, bool), void *ctx)
{
	struct waiter *w = calloc(1, sizeof(*w));
	if (w)
		*w = (struct waiter){ NULL, built, idle, ctx };
	return w;
}

static void
append(struct waiter **list, struct waiter *w)
{
	while (*list)
		list = &(*list)->next;
	*list = w;
}

void
server_build(struct server *s, bool reload, server_build_fn done, void *ctx)
{
	struct waiter *w = NULL;
	if (done && !(w = waiter_new(done, NULL, ctx))) {
		log_err("out of memory");
		done(ctx, NULL);
		return;
	}
	if (!s->building) {
		build_start(s, reload, w);
		return;
	}
	if (s->next_build < (reload ? 2 : 1))
		s->next_build = reload ? 2 : 1;
	if (w)
		append(&s->next_waiters, w);
}

void
server_when_idle(struct server *s, void (*fn)(void *ctx, bool ok), void *ctx)
{
	if (!s->building) {
		fn(ctx, true);
		return;
	}
	struct waiter *w = waiter_new(NULL, fn, ctx);
	if (!w) {
		fn(ctx, false);
		return;
	}
	append(&s->idle, w);
}

/* ---- jobs every worker does in its own thread ---- */

static void
worker_job_done(struct worker *w)
{
	struct server *s = w->cfg->owner;
	if (__atomic_sub_fetch(&s->jobs_pending, 1, __ATOMIC_ACQ_REL) == 0)
		event_active(s->ev_job_done, 0, 0);
}

static void
job_next(struct server *s)
{
	if (s->job_running || !s->jobs)
		return;
	struct job *j = s->jobs;
	s->jobs = j->next;
	if (!s->jobs)
		s->jobs_tail = &s->jobs;
	s->job_running = j;
	__atomic_store_n(&s->jobs_pending, s->n_workers, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < s->n_workers; i++) {
		struct worker *w = &s->workers[i];
		w->job = j->kind;
		memcpy(w->job_name, j->name, j->name_len);
		w->job_name_len = j->name_len;
		w->job_fd = j->fd;
		worker_run_job(w, worker_job_done);
	}
}

static void
job_totals(struct server *s, struct job *j)
{
	struct stats_totals t;
	bool ok = true;
	memset(&t, 0, sizeof(t));
	for (unsigned i = 0; i < s->n_workers; i++) {
		const struct worker_report *r = &s->workers[i].report;
		ok &= stats_totals_add(&t, &r->stats, &r->up, &r->cache, r->tcp_open, r->views,
			r->n_views, r->targets, r->n_targets) == 0;
	}
	if (!ok)
		log_warn("out of memory: the statistics are incomplete");
	j->totals(j->ctx, &t);
	stats_totals_fini(&t);
}

static void
on_job_done(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct job *j = s->job_running;
	size_t n = 0;
	(void)fd;
	(void)what;
	s->job_running = NULL;
	if (j->kind == WORKER_REPORT) {
		job_totals(s, j);
	} else {
		for (unsigned i = 0; i < s->n_workers; i++)
			n += s->workers[i].report.flushed;
		if (j->kind == WORKER_QUERYLOG_FD) {
			querylog_close(j->old_fd);
			n = 0;
		}
		j->count(j->ctx, n, true);
	}
	free(j);
	job_next(s);
}

static struct job *
job_add(struct server *s, enum worker_job kind)
{
	struct job *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->kind = kind;
	j->fd = j->old_fd = -1;
	*s->jobs_tail = j;
	s->jobs_tail = &j->next;
	return j;
}

void
server_totals(struct server *s, server_totals_fn done, void *ctx)
{
	struct job *j = job_add(s, WORKER_REPORT);
	if (!j) {
		done(ctx, NULL);
		return;
	}
	j->totals = done;
	j->ctx = ctx;
	job_next(s);
}

void
server_flush_cache(struct server *s, const uint8_t *name, size_t len, server_count_fn done,
	void *ctx)
{
	struct job *j = job_add(s, WORKER_FLUSH_CACHE);
	if (!j) {
		done(ctx, 0, false);
		return;
	}
	if (name) {
		memcpy(j->name, name, len);
		j->name_len = len;
	}
	j->count = done;
	j->ctx = ctx;
	job_next(s);
}

int
server_reopen_query_log(struct server *s, server_count_fn done, void *ctx, char *err,
	size_t errsz)
{
	const char *path = s->opt->query_log;
	if (!path || !strcmp(path, "-")) {
		snprintf(err, errsz, "%s", path ? "the query log is standard output: nothing to "
			"reopen" : "there is no query log (--query-log)");
		return -1;
	}
	int fd = querylog_open(path);
	struct job *j = fd >= 0 ? job_add(s, WORKER_QUERYLOG_FD) : NULL;
	if (!j) {
		snprintf(err, errsz, "cannot open %s: %s; still writing the old file", path,
			fd < 0 ? strerror(errno) : "out of memory");
		querylog_close(fd);
		return -1;
	}
	j->fd = fd;
	j->old_fd = s->querylog_fd;
	s->querylog_fd = fd;
	j->count = done;
	j->ctx = ctx;
	job_next(s);
	return 0;
}

struct stats_totals *
server_stats_base(struct server *s)
{
	return &s->stats_base;
}

/* ---- what the control channel reads ---- */

void
server_get_info(const struct server *s, struct server_info *out)
{
	*out = (struct server_info){ s->opt, &s->upstreams, s->allow, s->n_allow, s->started,
		s->n_workers, s->building, s->reloads_ok, s->reloads_failed, s->rebuilds_ok,
		s->rebuilds_failed, s->last_reload, s->last_reload_ok, s->last_reload_errors,
		s->data_since, s->last_good_load, ctlsock_path(s->control), http_addr(s->metrics),
		s->opt->query_log };
}

struct snapshot *
server_snapshot(const struct server *s)
{
	return s->slot.current;
}

struct health_set *
server_health(struct server *s)
{
	return &s->health;
}

/* ---- statistics on SIGUSR1 ---- */

static void
log_statistics(void *ctx, const struct stats_totals *t)
{
	struct server *s = ctx;
	if (!t)
		return;
	const struct worker_stats *w = &t->w;
	uint64_t q = stats_queries(w), tcp = 0, local = 0, err = 0;
	for (int k = 0; k < STATS_N_SOURCES; k++)
		tcp += w->queries[1][k];
	local = w->queries[0][STATS_LOCAL] + w->queries[1][STATS_LOCAL];
	err = w->queries[0][STATS_REFUSED] + w->queries[1][STATS_REFUSED] +
		w->queries[0][STATS_ERROR] + w->queries[1][STATS_ERROR];
	log_notice("statistics: %llu quer%s (%llu over TCP): %llu answered locally, %llu error "
		"repl%s, %llu forwarded, %llu dropped; forwarder: %llu answered by upstreams, "
		"%llu from the cache, %llu joined a query in flight, %llu SERVFAIL, %llu "
		"timeout%s, %llu TCP retr%s; TCP: %llu connection%s, %llu closed for lack of "
		"file descriptors; reloads: %llu ok, %llu failed; %u worker%s, up %lld s",
		(unsigned long long)q, q == 1 ? "y" : "ies", (unsigned long long)tcp,
		(unsigned long long)local, (unsigned long long)err, err == 1 ? "y" : "ies",
		(unsigned long long)w->forwarded,
		(unsigned long long)(w->queries[0][STATS_DROPPED] + w->queries[1][STATS_DROPPED]),
		(unsigned long long)t->up.answered, (unsigned long long)t->up.cache_hits,
		(unsigned long long)t->up.joined, (unsigned long long)t->up.servfail,
		(unsigned long long)t->up.timeouts, log_s(t->up.timeouts),
		(unsigned long long)t->up.tcp_retries, t->up.tcp_retries == 1 ? "y" : "ies",
		(unsigned long long)w->tcp_accepted, log_s(w->tcp_accepted),
		(unsigned long long)w->tcp_fd_closes, (unsigned long long)s->reloads_ok,
		(unsigned long long)s->reloads_failed, s->n_workers, log_s(s->n_workers),
		(long long)(time(NULL) - s->started));
}

/* ---- signals ---- */

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	(void)what;
	if (sig == SIGHUP) {
		server_build(s, true, NULL, NULL);
		return;
	}
	if (sig == SIGUSR1) {
		server_totals(s, log_statistics, s);
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
	s->ev_build_done = event_new(s->base, -1, 0, on_build_done, s);
	s->ev_job_done = event_new(s->base, -1, 0, on_job_done, s);
	return s->ev_build_done && s->ev_job_done ? 0 : -1;
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

/* The query log, the control socket and the metrics endpoint. */
static int
edges_open(struct server *s, char *err, size_t errsz)
{
	const struct options *o = s->opt;
	if (o->query_log && (s->querylog_fd = querylog_open(o->query_log)) < 0) {
		snprintf(err, errsz, "--query-log %s: %s", o->query_log, strerror(errno));
		return -1;
	}
	s->wcfg.querylog_fd = s->querylog_fd;
	s->wcfg.querylog_format = (enum querylog_format)o->query_log_format;
	if (strcmp(o->control, DNSD_CONTROL_NONE) != 0) {
		s->control = ctlsock_create(s->base, s, o->control, options_given(o, "control"),
			err, errsz);
		if (!s->control && options_given(o, "control"))
			return -1;
		if (!s->control)
			log_warn("%s; dnsd-control cannot reach this dnsd (--control PATH names "
				"another socket, --control none turns this off)", err);
	}
	if (o->metrics && !(s->metrics = http_create(s->base, s, o->metrics, err, errsz)))
		return -1;
	return 0;
}

static struct server *
server_alloc(const struct options *opt, struct listener *listeners, unsigned n_listeners,
	const struct fwd_targets *upstreams, const struct netprefix *allow, unsigned n_allow,
	struct snapshot *snap)
{
	struct server *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	evthread_use_pthreads();
	s->opt = opt;
	s->upstreams = *upstreams;
	s->allow = allow;
	s->n_allow = n_allow;
	s->slot.current = snap;
	pthread_mutex_init(&s->slot.lock, NULL);
	s->n_workers = opt->workers;
	s->querylog_fd = -1;
	s->jobs_tail = &s->jobs;
	s->wcfg = (struct worker_config){ opt, listeners, n_listeners, &s->upstreams, allow,
		n_allow, s->n_workers, &s->slot, s, -1, QUERYLOG_JSON };
	s->started = s->data_since = s->last_good_load = time(NULL);
	s->bindings = calloc(n_listeners + 1, sizeof(*s->bindings));
	s->workers = calloc(s->n_workers, sizeof(*s->workers));
	s->base = event_base_new();
	for (unsigned i = 0; s->bindings && i < n_listeners; i++)
		s->bindings[i] = (struct snapshot_listener){ listeners[i].vpc, listeners[i].inbound };
	return s;
}

struct server *
server_create(const struct options *opt, struct listener *listeners, unsigned n_listeners,
	const struct fwd_targets *upstreams, const struct netprefix *allow, unsigned n_allow,
	struct snapshot *snap, char *err, size_t errsz)
{
	struct server *s = server_alloc(opt, listeners, n_listeners, upstreams, allow, n_allow,
		snap);
	if (!s) {
		snprintf(err, errsz, "out of memory");
		snapshot_unref(snap);
		return NULL;
	}
	if (!s->bindings || !s->workers || !s->base) {
		snprintf(err, errsz, "out of memory");
		server_free(s);
		return NULL;
	}
	if (edges_open(s, err, errsz) < 0) {
		server_free(s);
		return NULL;
	}
	for (unsigned i = 0; i < s->n_workers; i++) {
		if (worker_init(&s->workers[i], &s->wcfg, i, i == 0 ? s->base : NULL, err,
				errsz) < 0) {
			server_free(s);
			return NULL;
		}
	}
	s->notify = xfr_notify_create(s->base);
	if (signals_add(s) < 0 || !s->notify) {
		snprintf(err, errsz, "out of memory");
		server_free(s);
		return NULL;
	}
	xfr_notify_snapshot(s->notify, snap);
	return s;
}

static void
log_stopped(const struct server *s)
{
	uint64_t q = 0, local = 0, dropped = 0, fwd = 0;
	for (unsigned i = 0; i < s->n_workers; i++) {
		const struct worker_stats *w = &s->workers[i].stats;
		q += stats_queries(w);
		fwd += w->forwarded;
		for (int tcp = 0; tcp < 2; tcp++) {
			local += w->queries[tcp][STATS_LOCAL] + w->queries[tcp][STATS_REFUSED] +
				w->queries[tcp][STATS_ERROR];
			dropped += w->queries[tcp][STATS_DROPPED];
		}
	}
	log_notice("stopped: %llu quer%s, %llu answered locally, %llu forwarded, %llu dropped",
		(unsigned long long)q, q == 1 ? "y" : "ies", (unsigned long long)local,
		(unsigned long long)fwd, (unsigned long long)dropped);
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
	if (s->building) {
		pthread_join(s->build_thread, NULL);
		snapshot_free(s->build_result);
		s->build_result = NULL;
		free(log_capture_close(s->capture));
		s->capture = NULL;
		snapshot_unref(s->build_from);
		s->build_from = NULL;
		snapshot_unref(s->build_prev);
		s->build_prev = NULL;
		s->building = false;
	}
	log_stopped(s);
	return rc < 0 ? -1 : 0;
}

/* Whoever still waits is told that dnsd stops. */
static void
cancel_pending(struct server *s)
{
	waiters_call(s->waiters, NULL);
	waiters_call(s->next_waiters, NULL);
	waiters_call(s->idle, NULL);
	s->waiters = s->next_waiters = s->idle = NULL;
	struct job *running = s->job_running;
	s->job_running = NULL;
	if (running) {
		running->next = s->jobs;
		s->jobs = running;
	}
	while (s->jobs) {
		struct job *j = s->jobs;
		s->jobs = j->next;
		if (j->totals)
			j->totals(j->ctx, NULL);
		else if (j->count)
			j->count(j->ctx, 0, false);
		if (j->kind == WORKER_QUERYLOG_FD)
			querylog_close(j->old_fd);	/* the workers are gone */
		free(j);
	}
	s->jobs_tail = &s->jobs;
}

void
server_free(struct server *s)
{
	if (!s)
		return;
	for (unsigned i = 0; s->workers && i < s->n_workers; i++)
		worker_fini(&s->workers[i]);
	cancel_pending(s);
	ctlsock_free(s->control);
	http_free(s->metrics);
	xfr_notify_free(s->notify);
	signals_ignore_while_freeing(s);
	struct event *evs[] = { s->ev_build_done, s->ev_job_done };
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
	if (s->base)
		event_base_free(s->base);
	querylog_close(s->querylog_fd);
	snapshot_unref(s->slot.current);
	pthread_mutex_destroy(&s->slot.lock);
	health_set_fini(&s->health);
	health_set_fini(&s->build_health);
	stats_totals_fini(&s->stats_base);
	free(s->workers);
	free(s->bindings);
	free(s);
}
