/* SPDX-License-Identifier: BSD-3-Clause */
/* src/ctlsock.h - the control channel's transport: a unix socket that dnsd-control talks to (libevent). */
#ifndef DNSD_CTLSOCK_H
#define DNSD_CTLSOCK_H

#include <stdbool.h>
#include <stddef.h>

struct ctlsock;
struct event_base;
struct server;

/**
 * Listen on a unix socket (mode 0660) for control requests (ctlproto.h).
 * A stale socket file is replaced; one that another dnsd answers on is
 * not. When the path was not given (required false), a missing parent
 * directory is created (0755); failures are warnings then.
 * @return the listener, or NULL with err set.
 */
struct ctlsock *ctlsock_create(struct event_base *base, struct server *s, const char *path,
	bool required, char *err, size_t errsz);

/** The socket's path, or NULL (c NULL). */
const char *ctlsock_path(const struct ctlsock *c);

/** Close every connection and the socket, and remove its file. NULL is allowed. */
void ctlsock_free(struct ctlsock *c);

#endif /* DNSD_CTLSOCK_H */
