/* SPDX-License-Identifier: BSD-3-Clause */
/* src/querylog.h - the query log: one line per answer, in the Route 53 Resolver query log format or as text. */
#ifndef DNSD_QUERYLOG_H
#define DNSD_QUERYLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "stats.h"

struct query_info;
struct snapshot;
struct sockaddr;

/** Bytes each worker gathers before writing (lines are never split). */
#define QUERYLOG_BUF (256 * 1024)
/** Most one line takes: answers past it are left out (the line says how many). */
#define QUERYLOG_LINE_MAX (64 * 1024)

/** The query log's formats (--query-log-format). */
enum querylog_format {
	QUERYLOG_JSON,	/**< the Route 53 Resolver query log fields, one object per line */
	QUERYLOG_TEXT	/**< key=value fields, one line per query, drops included */
};

/**
 * A worker's buffer in front of the query log: whole lines, written with
 * one write(2) when a batch of queries ends or the buffer fills, so that
 * lines of several workers never mix and a busy worker writes once per
 * batch, not once per query.
 */
struct querylog_buf {
	int fd;				/**< the file; -1: the query log is off */
	bool pipe;			/**< a pipe or socket: writes of PIPE_BUF at most */
	enum querylog_format format;
	bool hold;			/**< in a batch: written by querylog_flush */
	size_t len;
	time_t stamp_sec;		/**< the second stamp holds */
	char stamp[24];			/**< "2026-12-06T08:00:01" */
	uint64_t lines;			/**< written into the buffer */
	uint64_t lost;			/**< not written: the disk failed, or a pipe was full */
	char data[QUERYLOG_BUF];
};

/** What one line tells. */
struct querylog_entry {
	const struct snapshot *snap;		/**< the client's view names its VPC here */
	const struct sockaddr *client;
	bool tcp;
	const struct query_info *qi;
	enum stats_source source;
	const uint8_t *reply;			/**< as sent; NULL when dropped */
	size_t reply_len;
	const char *inbound_endpoint;		/**< it came through this inbound endpoint */
};

/**
 * Open the query log: "-" is standard output, else a file appended to
 * (created 0640). A pipe or socket is made non-blocking: a reader that
 * falls behind loses lines (counted), it does not stall answering.
 * @return the descriptor, or -1 with errno set.
 */
int querylog_open(const char *path);

/**
 * Whether writes to fd must stay within PIPE_BUF to reach the reader whole
 * (a pipe or a socket; a regular file takes any O_APPEND write whole).
 */
bool querylog_is_pipe(int fd);

/** Close what querylog_open returned (standard output stays open). */
void querylog_close(int fd);

/**
 * Add one line. JSON leaves out queries that got no reply (AWS logs
 * answers); text logs them with the reason.
 */
void querylog_write(struct querylog_buf *b, const struct querylog_entry *e);

/** Write what the buffer holds. */
void querylog_flush(struct querylog_buf *b);

/** The JSON field names, in the order written (for tests and the man page). */
extern const char *const querylog_json_fields[];

#endif /* DNSD_QUERYLOG_H */
