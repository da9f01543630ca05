/* SPDX-License-Identifier: BSD-3-Clause */
/* src/querylog.h - one line per answered query, in the spirit of Route 53 Resolver query logs. */
#ifndef DNSD_QUERYLOG_H
#define DNSD_QUERYLOG_H

#include <stdbool.h>
#include <stddef.h>

struct query_info;
struct snapshot;
struct sockaddr;

/** Where the answer came from. */
enum querylog_source { QL_LOCAL, QL_FORWARD, QL_CACHE, QL_ERROR, QL_DROP };

/**
 * Log one query as a line of fields: client, transport, view (VPC),
 * name, type, rcode, source, answer size. Called only when enabled.
 */
void querylog_line(const struct snapshot *s, const struct sockaddr *client, bool tcp,
	const struct query_info *qi, enum querylog_source src, size_t size);

#endif /* DNSD_QUERYLOG_H */
