/* SPDX-License-Identifier: BSD-3-Clause */
/* src/server.h - the daemon's lifecycle: workers and their threads, signals, reloads, stop. */
#ifndef DNSD_SERVER_H
#define DNSD_SERVER_H

#include "forward.h"
#include "listen.h"
#include "netaddr.h"
#include "options.h"

struct server;
struct snapshot;

/**
 * Open every listener for every worker and prepare the event loops.
 * @param snap: the first snapshot; the server takes its reference.
 * @param err: a message when a socket cannot be opened.
 * @return the server, or NULL with err set.
 */
struct server *server_create(const struct options *opt, struct listener *listeners,
	unsigned n_listeners, const struct fwd_targets *upstreams, const struct netprefix *allow,
	unsigned n_allow, struct snapshot *snap, char *err, size_t errsz);

/** Serve until SIGTERM or SIGINT. @return 0, or -1 when the workers cannot start. */
int server_run(struct server *s);

/** Close everything and free. */
void server_free(struct server *s);

#endif /* DNSD_SERVER_H */
