/* SPDX-License-Identifier: BSD-3-Clause */
/* src/control.c - the commands of dnsd-control, apart from any transport (as NSD's execute_cmd). */
#include "config.h"
#include "control.h"

#include "ctlproto.h"
#include "dname.h"
#include "explain.h"
#include "health.h"
#include "healthcheck.h"
#include "log.h"
#include "netaddr.h"
#include "rrtext.h"
#include "sbuf.h"
#include "server.h"
#include "snapshot.h"
#include "stats.h"
#include "topology.h"
#include "zonedb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ARGS 8

/* One command in progress, until its reply is handed back. */
struct req {
	struct server *s;
	int argc;
	char *argv[MAX_ARGS];
	struct sbuf out;
	control_reply_fn reply;
	void *ctx;
	/* health */
	enum health_scope scope;
	char *key;
	bool up, clear;
	struct health_override before;	/* what was in force, to undo a failed change */
	bool had_before;
	/* stats */
	bool reset;
	/* explain */
	struct explain_query eq;
	struct netaddr from;
};

static void
finish(struct req *r)
{
	if (r->out.oom)
		r->reply(r->ctx, "error: out of memory\n", 21);
	else
		r->reply(r->ctx, sbuf_text(&r->out), r->out.len);
	sbuf_free(&r->out);
	for (int i = 0; i < r->argc; i++)
		free(r->argv[i]);
	free(r->before.key);
	free(r);
}

static void
fail(struct req *r, const char *msg)
{
	sbuf_free(&r->out);
	sbuf_printf(&r->out, "error: %s\n", msg);
	finish(r);
}

static void
fail_stopping(struct req *r)
{
	fail(r, "dnsd is stopping");
}

/* ---- status ---- */

static void
put_edges(const struct server_info *i, struct sbuf *o)
{
	char buf[80];
	sbuf_printf(o, "control: %s\nmetrics: %s\n", i->control_path ? i->control_path : "off",
		i->metrics_addr ? i->metrics_addr : "off");
	if (i->query_log)
		sbuf_printf(o, "query log: %s (%s)\n", i->query_log,
			i->opt->query_log_format ? "text" : "json");
	else
		sbuf_puts(o, "query log: off\n");
	sbuf_puts(o, "upstreams:");
	for (unsigned k = 0; k < i->upstreams->n; k++)
		sbuf_printf(o, " %s", netaddr_sockaddr_str((const struct sockaddr *)
			&i->upstreams->addr[k], buf, sizeof(buf)));
	sbuf_puts(o, i->upstreams->n ? "\n" : " none\n");
}

static void
cmd_status(struct req *r)
{
	struct server_info i;
	char what[256], t1[32], t2[32];
	server_get_info(r->s, &i);
	const struct snapshot *s = server_snapshot(r->s);
	struct sbuf *o = &r->out;
	snapshot_describe(s, what, sizeof(what));
	sbuf_printf(o, "version: %s\nuptime: %lld s (since %s)\nworkers: %u\n", PACKAGE_STRING,
		(long long)(time(NULL) - i.started), log_utc_text(i.started, t1, sizeof(t1)),
		i.workers);
	sbuf_printf(o, "definitions: %s\nloaded: %s\ndata since: %s (built in %.3f s)\n",
		i.opt->zones, what, log_utc_text(i.data_since, t2, sizeof(t2)), s->load_seconds);
	if (!i.last_reload)
		sbuf_puts(o, "last reload: none\n");
	else if (i.last_reload_ok)
		sbuf_printf(o, "last reload: ok at %s\n", log_utc_text(i.last_reload, t1, sizeof(t1)));
	else
		sbuf_printf(o, "last reload: failed with %u error%s at %s (the data before it "
			"serves)\n", i.last_reload_errors, i.last_reload_errors == 1 ? "" : "s",
			log_utc_text(i.last_reload, t1, sizeof(t1)));
	sbuf_printf(o, "reloads: %llu ok, %llu failed\nhealth rebuilds: %llu ok, %llu failed\n",
		(unsigned long long)i.reloads_ok, (unsigned long long)i.reloads_failed,
		(unsigned long long)i.rebuilds_ok, (unsigned long long)i.rebuilds_failed);
	sbuf_printf(o, "health overrides: %u\nbuilding: %s\n", server_health(r->s)->n,
		i.building ? "yes" : "no");
	sbuf_printf(o, "memory: answers %.1f MiB, definitions kept %.1f MiB\n",
		(double)snapshot_bytes(s) / 1048576.0, (double)snapshot_model_bytes(s) / 1048576.0);
	put_edges(&i, o);
	finish(r);
}

/* ---- reload ---- */

static void
reload_done(void *ctx, const struct server_build_result *b)
{
	struct req *r = ctx;
	char what[256];
	if (!b) {
		fail_stopping(r);
		return;
	}
	if (b->ok) {
		snapshot_describe(b->snap, what, sizeof(what));
		sbuf_printf(&r->out, "ok: reloaded: %s in %.3f s, %u warning%s\n", what, b->seconds,
			b->warnings, b->warnings == 1 ? "" : "s");
	} else {
		sbuf_printf(&r->out, "error: reload failed with %u error%s; still serving the "
			"previous definitions\n", b->errors, b->errors == 1 ? "" : "s");
	}
	sbuf_puts(&r->out, b->messages);
	finish(r);
}

static void
cmd_reload(struct req *r)
{
	server_build(r->s, true, reload_done, r);
}

/* ---- health ---- */

static const char *
scope_name(enum health_scope scope)
{
	return scope == HEALTH_AZ ? "az" : scope == HEALTH_ENI ? "eni" : "check";
}

static const char *
scope_what(enum health_scope scope)
{
	return scope == HEALTH_AZ ? "Availability Zone" : scope == HEALTH_ENI ?
		"network interface" : "Route 53 health check";
}

/* ENIs an override names, and how many of them are out now. */
static void
count_enis(const struct topology *t, enum health_scope scope, const char *key, unsigned *n,
	unsigned *out)
{
	*n = *out = 0;
	for (const struct topo_eni *e = t->enis; e; e = e->next) {
		const char *k = scope == HEALTH_AZ ? e->az : e->id;
		if (!k || strcmp(k, key) != 0)
			continue;
		(*n)++;
		*out += !topology_eni_healthy(t, e);
	}
}

static bool
az_known(const struct topology *t, const char *az)
{
	for (const struct topo_subnet *s = t->subnets; s; s = s->next)
		if (s->az && !strcmp(s->az, az))
			return true;
	for (const struct topo_eni *e = t->enis; e; e = e->next)
		if (e->az && !strcmp(e->az, az))
			return true;
	return false;
}

static void
list_azs(const struct topology *t, struct sbuf *o)
{
	unsigned n = 0;
	for (const struct topo_subnet *s = t->subnets; s; s = s->next) {
		bool seen = false;
		for (const struct topo_subnet *p = t->subnets; p != s && !seen; p = p->next)
			seen = p->az && s->az && !strcmp(p->az, s->az);
		if (s->az && !seen)
			sbuf_printf(o, "%s%s", n++ ? ", " : "", s->az);
	}
	if (!n)
		sbuf_puts(o, "none");
}

static void
health_built(void *ctx, const struct server_build_result *b)
{
	struct req *r = ctx;
	struct health_set *h = server_health(r->s);
	if (!b) {
		fail_stopping(r);
		return;
	}
	if (!b->ok) {	/* undo: the overrides say what serves */
		health_set_put(h, r->scope, r->key, r->before.up, !r->had_before, r->before.since);
		sbuf_printf(&r->out, "error: rebuilding the answers failed; the change is undone\n%s",
			b->messages);
		finish(r);
		return;
	}
	struct topology *t = snapshot_model_topology(b->snap);
	unsigned n = 0, out = 0;
	char check[160] = "";
	if (t) {	/* kept whenever there is a control socket */
		t->runtime_health = &b->snap->health;
		if (r->scope == HEALTH_CHECK)
			healthcheck_describe(t, r->key, check, sizeof(check));
		else
			count_enis(t, r->scope, r->key, &n, &out);
		t->runtime_health = NULL;
	}
	if (r->scope == HEALTH_CHECK)
		sbuf_printf(&r->out, "ok: check %s %s: %s; answers rebuilt in %.3f s, queries see "
			"it now\n", r->key, r->clear ? "cleared" : r->up ? "up" : "down", check,
			b->seconds);
	else
		sbuf_printf(&r->out, "ok: %s %s %s: %u ENI%s there, %u out of round robin; "
			"answers rebuilt in %.3f s, queries see it now\n", scope_name(r->scope),
			r->key, r->clear ? "cleared" : r->up ? "up" : "down", n, n == 1 ? "" : "s",
			out, b->seconds);
	finish(r);
}

static void
health_change(void *ctx, bool ok)
{
	struct req *r = ctx;
	struct health_set *h = server_health(r->s);
	const struct topology *t = snapshot_model_topology(server_snapshot(r->s));
	if (!ok) {
		fail_stopping(r);
		return;
	}
	if (!t) {
		fail(r, "the definitions were not kept (dnsd-control reload keeps them)");
		return;
	}
	const struct health_override *cur = health_set_get(h, r->scope, r->key);
	bool known = r->scope == HEALTH_AZ ? az_known(t, r->key) : r->scope == HEALTH_ENI ?
		strmap_get(&t->eni_by_id, r->key) != NULL : healthcheck_known(t, r->key);
	if (!known && !(r->clear && cur)) {
		sbuf_printf(&r->out, "error: %s '%s' is not in the definitions",
			scope_what(r->scope), r->key);
		if (r->scope == HEALTH_AZ) {
			sbuf_puts(&r->out, " (AZs: ");
			list_azs(t, &r->out);
			sbuf_puts(&r->out, ")");
		}
		sbuf_puts(&r->out, "\n");
		finish(r);
		return;
	}
	r->had_before = cur != NULL;
	if (cur) {
		r->before = *cur;
		r->before.key = NULL;
	}
	int rc = health_set_put(h, r->scope, r->key, r->up, r->clear, time(NULL));
	if (rc < 0) {
		fail(r, "out of memory");
	} else if (rc == 0) {
		sbuf_printf(&r->out, "ok: %s %s is already %s; nothing changed\n",
			scope_name(r->scope), r->key,
			r->clear ? "without an override" : r->up ? "up" : "down");
		finish(r);
	} else {
		server_build(r->s, false, health_built, r);
	}
}

static void
health_show(void *ctx, bool ok)
{
	struct req *r = ctx;
	const struct snapshot *s = server_snapshot(r->s);
	struct topology *t = snapshot_model_topology(s);
	const struct health_set *h = server_health(r->s);
	char what[128], when[32];
	if (!ok) {
		fail_stopping(r);
		return;
	}
	if (!t) {
		fail(r, "the definitions were not kept (dnsd-control reload keeps them)");
		return;
	}
	sbuf_printf(&r->out, "overrides: %u\n", h->n);
	for (unsigned i = 0; i < h->n; i++) {
		health_override_describe(&h->v[i], what, sizeof(what));
		sbuf_printf(&r->out, "  %s (since %s)\n", what, log_utc_text(h->v[i].since, when,
			sizeof(when)));
	}
	sbuf_puts(&r->out, "ENIs in round robin, by AZ:\n");
	t->runtime_health = &s->health;
	for (const struct topo_subnet *sn = t->subnets; sn; sn = sn->next) {
		bool seen = false;
		for (const struct topo_subnet *p = t->subnets; p != sn && !seen; p = p->next)
			seen = p->az && sn->az && !strcmp(p->az, sn->az);
		if (seen || !sn->az)
			continue;
		unsigned n, out;
		count_enis(t, HEALTH_AZ, sn->az, &n, &out);
		sbuf_printf(&r->out, "  %s: %u of %u\n", sn->az, n - out, n);
	}
	if (t->health_checks)
		sbuf_puts(&r->out, "Route 53 health checks:\n");
	for (const struct topo_health_check *c = t->health_checks; c; c = c->next) {
		char state[160];
		healthcheck_describe(t, c->id, state, sizeof(state));
		sbuf_printf(&r->out, "  %s: %s\n", c->id, state);
	}
	t->runtime_health = NULL;
	finish(r);
}

static void
cmd_health(struct req *r)
{
	if (r->argc == 2 && !strcmp(r->argv[1], "show")) {
		server_when_idle(r->s, health_show, r);
		return;
	}
	bool az = r->argc == 4 && !strcmp(r->argv[1], "az");
	bool eni = r->argc == 4 && !strcmp(r->argv[1], "eni");
	bool check = r->argc == 4 && !strcmp(r->argv[1], "check");
	const char *st = r->argc == 4 ? r->argv[3] : "";
	if ((!az && !eni && !check) ||
	    (strcmp(st, "up") && strcmp(st, "down") && strcmp(st, "clear"))) {
		fail(r, "usage: health az AZ up|down|clear | health eni ENI-ID up|down|clear | "
			"health check HEALTH-CHECK-ID up|down|clear | health show");
		return;
	}
	r->scope = az ? HEALTH_AZ : eni ? HEALTH_ENI : HEALTH_CHECK;
	r->key = r->argv[2];
	r->up = !strcmp(st, "up");
	r->clear = !strcmp(st, "clear");
	server_when_idle(r->s, health_change, r);
}

/* ---- explain ---- */

static void
explain_now(void *ctx, bool ok)
{
	struct req *r = ctx;
	struct server_info i;
	char err[512];
	if (!ok) {
		fail_stopping(r);
		return;
	}
	server_get_info(r->s, &i);
	struct explain_env env = { server_snapshot(r->s), i.upstreams, i.allow, i.n_allow };
	if (explain_query(&env, &r->eq, &r->out, err, sizeof(err)) < 0) {
		fail(r, err);
		return;
	}
	finish(r);
}

static void
cmd_explain(struct req *r)
{
	char err[256];
	r->eq.name = r->argv[1];
	r->eq.qtype = 1;
	for (int i = 2; i < r->argc; i++) {
		const char *a = r->argv[i];
		/* the table's argument count leaves room for one of them */
		if ((!strcmp(a, "--vpc") || !strcmp(a, "--from")) && i + 1 < r->argc) {
			if (a[2] == 'v') {
				r->eq.vpc = r->argv[++i];
			} else if (netaddr_parse(r->argv[++i], &r->from)) {
				r->eq.from = &r->from;
			} else {
				snprintf(err, sizeof(err), "explain: --from '%s' is not an IPv4 or IPv6 "
					"address", r->argv[i]);
				fail(r, err);
				return;
			}
		} else if (i == 2 && a[0] != '-' && rrtext_parse_type(a, &r->eq.qtype)) {
			continue;
		} else {
			snprintf(err, sizeof(err), "explain: '%s' is not a query type, --vpc VPC-ID or "
				"--from ADDR (usage: explain NAME [TYPE] [--vpc VPC-ID | --from ADDR])",
				a);
			fail(r, err);
			return;
		}
	}
	server_when_idle(r->s, explain_now, r);
}

/* ---- stats ---- */

static void
put_sources(const struct worker_stats *w, struct sbuf *o)
{
	uint64_t tcp = 0;
	for (int k = 0; k < STATS_N_SOURCES; k++)
		tcp += w->queries[1][k];
	sbuf_printf(o, "queries=%llu\nqueries.udp=%llu\nqueries.tcp=%llu\n",
		(unsigned long long)stats_queries(w), (unsigned long long)(stats_queries(w) - tcp),
		(unsigned long long)tcp);
	for (int k = 0; k < STATS_N_SOURCES; k++)
		sbuf_printf(o, "source.%s=%llu\n", stats_source_names[k],
			(unsigned long long)(w->queries[0][k] + w->queries[1][k]));
	for (int k = 0; k < STATS_N_QTYPES; k++)
		if (w->qtypes[k])
			sbuf_printf(o, "type.%s=%llu\n", stats_qtype_names[k],
				(unsigned long long)w->qtypes[k]);
	for (int k = 0; k < STATS_N_RCODES; k++)
		if (w->rcodes[k])
			sbuf_printf(o, "rcode.%s=%llu\n", stats_rcode_names[k],
				(unsigned long long)w->rcodes[k]);
}

static void
put_stats(const struct stats_totals *t, const struct server_info *i, struct sbuf *o)
{
	put_sources(&t->w, o);
	for (unsigned k = 0; k < t->n_views; k++)
		sbuf_printf(o, "view.%s=%llu\n", t->views[k].name,
			(unsigned long long)t->views[k].queries);
	sbuf_printf(o, "forward.started=%llu\nforward.answered=%llu\nforward.joined=%llu\n"
		"forward.servfail=%llu\nforward.timeouts=%llu\nforward.errors=%llu\n"
		"forward.tcp_retries=%llu\nforward.scrubbed=%llu\n",
		(unsigned long long)t->up.started, (unsigned long long)t->up.answered,
		(unsigned long long)t->up.joined, (unsigned long long)t->up.servfail,
		(unsigned long long)t->up.timeouts, (unsigned long long)t->up.errors,
		(unsigned long long)t->up.tcp_retries, (unsigned long long)t->up.scrubbed);
	sbuf_printf(o, "cache.entries=%zu\ncache.bytes=%zu\ncache.hits=%llu\ncache.misses=%llu\n",
		t->cache.entries, t->cache.bytes, (unsigned long long)t->cache.hits,
		(unsigned long long)t->cache.misses);
	sbuf_printf(o, "tcp.connections=%llu\ntcp.open=%u\n", (unsigned long long)t->w.tcp_accepted,
		t->tcp_open);
	sbuf_printf(o, "querylog.lines=%llu\nquerylog.lost=%llu\n",
		(unsigned long long)t->w.querylog_lines, (unsigned long long)t->w.querylog_lost);
	sbuf_printf(o, "reloads.ok=%llu\nreloads.failed=%llu\nuptime=%lld\n",
		(unsigned long long)i->reloads_ok, (unsigned long long)i->reloads_failed,
		(long long)(time(NULL) - i->started));
}

static void
stats_done(void *ctx, const struct stats_totals *t)
{
	struct req *r = ctx;
	struct stats_totals shown;
	struct server_info i;
	if (!t) {
		fail_stopping(r);
		return;
	}
	struct stats_totals *base = server_stats_base(r->s);
	if (stats_totals_copy(&shown, t) < 0) {
		stats_totals_fini(&shown);
		fail(r, "out of memory");
		return;
	}
	stats_totals_subtract(&shown, base);
	server_get_info(r->s, &i);
	put_stats(&shown, &i, &r->out);
	stats_totals_fini(&shown);
	if (r->reset) {
		stats_totals_fini(base);
		if (stats_totals_copy(base, t) < 0)
			sbuf_puts(&r->out, "(out of memory: not reset)\n");
	}
	finish(r);
}

static void
cmd_stats(struct req *r)
{
	if (r->argc == 2 && strcmp(r->argv[1], "--reset") != 0) {
		fail(r, "usage: stats [--reset]");
		return;
	}
	r->reset = r->argc == 2;
	server_totals(r->s, stats_done, r);
}

/* ---- flush ---- */

static void
flush_done(void *ctx, size_t n, bool ok)
{
	struct req *r = ctx;
	if (!ok) {
		fail_stopping(r);
		return;
	}
	sbuf_printf(&r->out, "ok: %zu cached answer%s dropped\n", n, n == 1 ? "" : "s");
	finish(r);
}

static void
cmd_flush(struct req *r)
{
	uint8_t wire[DNAME_MAX], lower[DNAME_MAX];
	const char *why;
	char err[300];
	if (r->argc == 1) {
		server_flush_cache(r->s, NULL, 0, flush_done, r);
		return;
	}
	int len = dname_from_text(r->argv[1], wire, &why);
	if (len < 0) {
		snprintf(err, sizeof(err), "flush: '%s' is not a domain name: %s", r->argv[1], why);
		fail(r, err);
		return;
	}
	dname_lower_copy(lower, wire, (size_t)len);
	server_flush_cache(r->s, lower, (size_t)len, flush_done, r);
}

/* ---- zones ---- */

static const char *
zone_kind_name(int kind)
{
	static const char *const names[] = { "private", "public", "forward", "system", "ec2",
		"ec2-reverse" };
	return kind >= 0 && kind < (int)(sizeof(names) / sizeof(names[0])) ? names[kind] : "?";
}

/* A zone and its apex as text, for the listing. */
struct zone_item {
	const struct zone *z;
	char name[DNAME_MAX * 4 + 2];
};

static int
zone_ptr_cmp(const void *a, const void *b)
{
	const struct zone *x = *(const struct zone *const *)a, *y = *(const struct zone *const *)b;
	return x < y ? -1 : x > y;
}

static int
zone_item_cmp(const void *a, const void *b)
{
	const struct zone_item *x = a, *y = b;
	if (x->z->view != y->z->view)
		return x->z->view < y->z->view ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The zones of a snapshot, from its name table (each zone once), by view and name. */
static struct zone_item *
collect_zones(const struct zonedb *db, size_t *n)
{
	const struct zone **v = calloc(db->count + 1, sizeof(*v));
	size_t k = 0;
	*n = 0;
	for (uint32_t i = 0; v && i <= db->mask; i++)
		if (db->slots[i].node)
			v[k++] = db->slots[i].node->zone;
	if (!v)
		return NULL;
	qsort(v, k, sizeof(*v), zone_ptr_cmp);
	struct zone_item *items = calloc(k + 1, sizeof(*items));
	for (size_t i = 0; items && i < k; i++) {
		if (*n && items[*n - 1].z == v[i])
			continue;
		items[*n].z = v[i];
		dname_to_text(v[i]->apex, items[*n].name, sizeof(items[*n].name));
		(*n)++;
	}
	free(v);
	if (items)
		qsort(items, *n, sizeof(*items), zone_item_cmp);
	return items;
}

static bool
view_of_vpc(const struct snapshot *s, unsigned view, const char *vpc)
{
	for (unsigned i = 0; i < s->n_vpc_views; i++)
		if (!strcmp(s->vpcs[i].id, vpc))
			return view == 0 || (int)view == s->vpcs[i].view ||
				(int)view == s->vpcs[i].inbound_view;
	return false;
}

static void
cmd_zones(struct req *r)
{
	const struct snapshot *s = server_snapshot(r->s);
	const char *vpc = NULL;
	char err[300];
	if (r->argc == 3 && !strcmp(r->argv[1], "--vpc")) {
		vpc = r->argv[2];
		if (!view_of_vpc(s, 0, vpc)) {
			snprintf(err, sizeof(err), "zones: --vpc %s: no such VPC in the definitions",
				vpc);
			fail(r, err);
			return;
		}
	} else if (r->argc != 1) {
		fail(r, "usage: zones [--vpc VPC-ID]");
		return;
	}
	size_t n;
	struct zone_item *v = collect_zones(&s->db, &n);
	if (!v) {
		fail(r, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct zone *z = v[i].z;
		if (vpc && !view_of_vpc(s, z->view, vpc))
			continue;
		sbuf_printf(&r->out, "%s\t%s\t%s\t%s\n", z->view < s->db.n_views ?
			s->db.views[z->view].name : "?", v[i].name, zone_kind_name(z->kind),
			z->origin ? z->origin : "");
	}
	free(v);
	finish(r);
}

/* ---- logrotate ---- */

static void
logrotate_done(void *ctx, size_t n, bool ok)
{
	struct req *r = ctx;
	struct server_info i;
	(void)n;
	if (!ok) {
		fail_stopping(r);
		return;
	}
	server_get_info(r->s, &i);
	sbuf_printf(&r->out, "ok: reopened the query log %s\n", i.query_log);
	finish(r);
}

static void
cmd_logrotate(struct req *r)
{
	char err[512];
	if (server_reopen_query_log(r->s, logrotate_done, r, err, sizeof(err)) < 0)
		fail(r, err);
}

/* ---- the table ---- */

static const struct {
	const char *name;
	void (*run)(struct req *r);
} handlers[] = {
	{ "status", cmd_status }, { "reload", cmd_reload }, { "health", cmd_health },
	{ "explain", cmd_explain }, { "stats", cmd_stats }, { "flush", cmd_flush },
	{ "zones", cmd_zones }, { "logrotate", cmd_logrotate },
};

int
control_split(char *line, char **argv, int max, char *err, size_t errsz)
{
	char *save = NULL, *word = strtok_r(line, "\t", &save);
	if (!word || strcmp(word, CONTROL_PROTOCOL) != 0) {
		snprintf(err, errsz, "error: this dnsd speaks %s, not '%.40s' (dnsd-control and dnsd "
			"of different versions?)\n", CONTROL_PROTOCOL, word ? word : "");
		return -1;
	}
	int n = 0;
	while ((word = strtok_r(NULL, "\t", &save)) != NULL) {
		if (n == max) {
			snprintf(err, errsz, "error: more than %d arguments\n", max - 1);
			return -1;
		}
		argv[n++] = word;
	}
	return n;
}

static void
usage_error(struct req *r, const struct control_command *c)
{
	sbuf_free(&r->out);
	if (!c)
		sbuf_printf(&r->out, "error: unknown command '%s' (commands:", r->argv[0]);
	else
		sbuf_printf(&r->out, "error: usage: %s %s", c->name, c->args);
	for (const struct control_command *k = control_commands; !c && k->name; k++)
		sbuf_printf(&r->out, " %s", k->name);
	sbuf_puts(&r->out, c ? "\n" : ")\n");
	finish(r);
}

void
control_execute(struct server *s, int argc, char **argv, control_reply_fn reply, void *ctx)
{
	struct req *r = calloc(1, sizeof(*r));
	if (!r) {
		reply(ctx, "error: out of memory\n", 21);
		return;
	}
	r->s = s;
	r->reply = reply;
	r->ctx = ctx;
	for (int i = 0; i < argc && i < MAX_ARGS; i++) {
		if (!(r->argv[i] = strdup(argv[i]))) {
			fail(r, "out of memory");
			return;
		}
		r->argc = i + 1;
	}
	if (argc == 0) {
		fail(r, "no command (see dnsd-control --help)");
		return;
	}
	const struct control_command *c = control_command_find(argv[0]);
	if (!c || (unsigned)argc - 1 < c->min_args || (unsigned)argc - 1 > c->max_args) {
		usage_error(r, c);
		return;
	}
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		if (!strcmp(handlers[i].name, c->name)) {
			handlers[i].run(r);
			return;
		}
	}
	fail(r, "command without a handler");
}
