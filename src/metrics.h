/* SPDX-License-Identifier: BSD-3-Clause */
/* src/metrics.h - the counters in the Prometheus text exposition format (served by http.c). */
#ifndef DNSD_METRICS_H
#define DNSD_METRICS_H

struct sbuf;
struct server_info;
struct snapshot;
struct stats_totals;

/** The content type of what metrics_render writes. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/**
 * Write every metric (Prometheus text format 0.0.4): queries by
 * transport and source, by type, by view, replies by rcode, forwarding
 * latency histograms, timeouts and errors per target, the cache, TCP,
 * reloads and health rebuilds, what is loaded.
 * @param health_overrides: runtime overrides in force.
 */
void metrics_render(struct sbuf *out, const struct stats_totals *t, const struct server_info *i,
	const struct snapshot *s, unsigned health_overrides);

#endif /* DNSD_METRICS_H */
