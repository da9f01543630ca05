/* SPDX-License-Identifier: BSD-3-Clause */
/* src/metrics.c - the counters in the Prometheus text exposition format (served by http.c). */
#include "config.h"
#include "metrics.h"

#include "netaddr.h"
#include "sbuf.h"
#include "server.h"
#include "snapshot.h"
#include "stats.h"

#include <string.h>
#include <time.h>

static void
family(struct sbuf *o, const char *name, const char *type, const char *help)
{
	sbuf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
one(struct sbuf *o, const char *name, const char *type, const char *help, double v)
{
	family(o, name, type, help);
	sbuf_printf(o, "%s %.17g\n", name, v);
}

/* A label value: backslash, quote and newline escaped (exposition format). */
static void
label(struct sbuf *o, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			sbuf_printf(o, "\\%c", *v);
		else if (*v == '\n')
			sbuf_puts(o, "\\n");
		else
			sbuf_printf(o, "%c", *v);
	}
}

static void
queries(struct sbuf *o, const struct worker_stats *w)
{
	static const char *const transports[2] = { "udp", "tcp" };
	family(o, "dnsd_queries_total", "counter", "Queries, by transport and by where the "
		"answer came from (local, forward, cache) or what became of them (refused, error, "
		"dropped); forwarded ones count when answered.");
	for (int t = 0; t < 2; t++)
		for (int k = 0; k < STATS_N_SOURCES; k++)
			sbuf_printf(o, "dnsd_queries_total{transport=\"%s\",source=\"%s\"} %llu\n",
				transports[t], stats_source_names[k],
				(unsigned long long)w->queries[t][k]);
	family(o, "dnsd_queries_by_type_total", "counter", "Queries received, by query type "
		"(a fixed set, the rest as other).");
	for (int k = 0; k < STATS_N_QTYPES; k++)
		sbuf_printf(o, "dnsd_queries_by_type_total{type=\"%s\"} %llu\n", stats_qtype_names[k],
			(unsigned long long)w->qtypes[k]);
	family(o, "dnsd_responses_total", "counter", "Replies sent, by response code.");
	for (int k = 0; k < STATS_N_RCODES; k++)
		sbuf_printf(o, "dnsd_responses_total{rcode=\"%s\"} %llu\n", stats_rcode_names[k],
			(unsigned long long)w->rcodes[k]);
	one(o, "dnsd_forwarded_queries_total", "counter", "Queries handed to the forwarder.",
		(double)w->forwarded);
}

static void
views(struct sbuf *o, const struct stats_totals *t)
{
	family(o, "dnsd_queries_by_view_total", "counter", "Queries placed in a view: a VPC "
		"(its id; +inbound through its inbound endpoints) or public.");
	for (unsigned i = 0; i < t->n_views; i++) {
		sbuf_puts(o, "dnsd_queries_by_view_total{view=\"");
		label(o, t->views[i].name);
		sbuf_printf(o, "\"} %llu\n", (unsigned long long)t->views[i].queries);
	}
}

static void
target_label(struct sbuf *o, const struct stats_target *g)
{
	char buf[80];
	sbuf_puts(o, "{target=\"");
	label(o, g->len ? netaddr_sockaddr_str((const struct sockaddr *)&g->addr, buf,
		sizeof(buf)) : "other");
	sbuf_puts(o, "\"");
}

static void
histograms(struct sbuf *o, const struct stats_totals *t)
{
	family(o, "dnsd_forward_duration_seconds", "histogram", "Time from sending a query to "
		"a forwarding target (a default upstream or a Resolver rule's target) to its "
		"usable answer.");
	for (unsigned i = 0; i < t->n_targets; i++) {
		const struct stats_target *g = &t->targets[i];
		uint64_t cum = 0;
		for (unsigned b = 0; b < STATS_N_BUCKETS; b++) {
			cum += g->buckets[b];
			sbuf_puts(o, "dnsd_forward_duration_seconds_bucket");
			target_label(o, g);
			if (b == STATS_N_BUCKETS - 1)
				sbuf_printf(o, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
			else
				sbuf_printf(o, ",le=\"%g\"} %llu\n", stats_bucket_seconds[b],
					(unsigned long long)cum);
		}
		sbuf_puts(o, "dnsd_forward_duration_seconds_sum");
		target_label(o, g);
		sbuf_printf(o, "} %.6f\n", (double)g->sum_us / 1e6);
		sbuf_puts(o, "dnsd_forward_duration_seconds_count");
		target_label(o, g);
		sbuf_printf(o, "} %llu\n", (unsigned long long)cum);
	}
	family(o, "dnsd_forward_timeouts_total", "counter", "Tries that got no answer in time, "
		"by target.");
	for (unsigned i = 0; i < t->n_targets; i++) {
		sbuf_puts(o, "dnsd_forward_timeouts_total");
		target_label(o, &t->targets[i]);
		sbuf_printf(o, "} %llu\n", (unsigned long long)t->targets[i].timeouts);
	}
	family(o, "dnsd_forward_errors_total", "counter", "Tries that failed otherwise "
		"(unreachable, a reply dnsd cannot use), by target.");
	for (unsigned i = 0; i < t->n_targets; i++) {
		sbuf_puts(o, "dnsd_forward_errors_total");
		target_label(o, &t->targets[i]);
		sbuf_printf(o, "} %llu\n", (unsigned long long)t->targets[i].errors);
	}
}

static void
forwarder(struct sbuf *o, const struct stats_totals *t)
{
	one(o, "dnsd_forward_servfail_total", "counter", "Forwarded queries answered SERVFAIL "
		"because no target answered.", (double)t->up.servfail);
	one(o, "dnsd_forward_joined_total", "counter", "Queries that joined an identical one in "
		"flight.", (double)t->up.joined);
	one(o, "dnsd_forward_tcp_retries_total", "counter", "Forwarded queries asked again over "
		"TCP after a truncated reply.", (double)t->up.tcp_retries);
	one(o, "dnsd_forward_scrubbed_records_total", "counter", "Upstream records left out of "
		"replies (out of bailiwick, off the answer chain, names dnsd serves).",
		(double)t->up.scrubbed);
	one(o, "dnsd_cache_entries", "gauge", "Forwarded answers cached, all workers.",
		(double)t->cache.entries);
	one(o, "dnsd_cache_bytes", "gauge", "Bytes the cached answers take, all workers.",
		(double)t->cache.bytes);
	one(o, "dnsd_cache_hits_total", "counter", "Forwarded queries answered from the cache.",
		(double)t->cache.hits);
	one(o, "dnsd_cache_misses_total", "counter", "Forwarded queries the cache did not hold.",
		(double)t->cache.misses);
	one(o, "dnsd_tcp_connections_total", "counter", "TCP connections accepted.",
		(double)t->w.tcp_accepted);
	one(o, "dnsd_tcp_connections_open", "gauge", "TCP connections open now.",
		(double)t->tcp_open);
	one(o, "dnsd_tcp_closed_for_descriptors_total", "counter", "TCP connections closed to "
		"free a file descriptor.", (double)t->w.tcp_fd_closes);
	one(o, "dnsd_query_log_lines_total", "counter", "Query log lines made.",
		(double)t->w.querylog_lines);
	one(o, "dnsd_query_log_lost_lines_total", "counter", "Query log lines not written: the "
		"disk failed, or a pipe's reader fell behind.", (double)t->w.querylog_lost);
}

static void
lifecycle(struct sbuf *o, const struct server_info *i, const struct snapshot *s,
	unsigned overrides)
{
	family(o, "dnsd_build_info", "gauge", "dnsd's version.");
	sbuf_printf(o, "dnsd_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	one(o, "dnsd_start_time_seconds", "gauge", "When dnsd started (Unix time).",
		(double)i->started);
	one(o, "dnsd_workers", "gauge", "Threads answering queries.", (double)i->workers);
	family(o, "dnsd_reloads_total", "counter", "Loads of the definitions from the files "
		"after the start (SIGHUP, dnsd-control reload), by result.");
	sbuf_printf(o, "dnsd_reloads_total{result=\"ok\"} %llu\ndnsd_reloads_total{result="
		"\"failed\"} %llu\n", (unsigned long long)i->reloads_ok,
		(unsigned long long)i->reloads_failed);
	one(o, "dnsd_last_reload_success_timestamp_seconds", "gauge", "When the definitions in "
		"service were read (the start or the last good reload; Unix time).",
		(double)i->last_good_load);
	family(o, "dnsd_health_rebuilds_total", "counter", "Answers rebuilt from the loaded "
		"definitions for a health override (dnsd-control health), by result.");
	sbuf_printf(o, "dnsd_health_rebuilds_total{result=\"ok\"} %llu\n"
		"dnsd_health_rebuilds_total{result=\"failed\"} %llu\n",
		(unsigned long long)i->rebuilds_ok, (unsigned long long)i->rebuilds_failed);
	one(o, "dnsd_health_overrides", "gauge", "Runtime health overrides in force.",
		(double)overrides);
	one(o, "dnsd_loaded_vpcs", "gauge", "VPCs in the definitions.", (double)s->n_vpcs);
	one(o, "dnsd_loaded_endpoints", "gauge", "VPC endpoints in the definitions.",
		(double)s->n_endpoints);
	one(o, "dnsd_loaded_files", "gauge", "Definition files read.", (double)s->n_files);
	one(o, "dnsd_loaded_zones", "gauge", "Zones and rules served.", (double)s->n_zones);
	one(o, "dnsd_loaded_names", "gauge", "Names that hold records.", (double)s->n_names);
	one(o, "dnsd_loaded_records", "gauge", "Records served.", (double)s->n_records);
}

void
metrics_render(struct sbuf *out, const struct stats_totals *t, const struct server_info *i,
	const struct snapshot *s, unsigned health_overrides)
{
	queries(out, &t->w);
	views(out, t);
	histograms(out, t);
	forwarder(out, t);
	lifecycle(out, i, s, health_overrides);
}
