/* SPDX-License-Identifier: BSD-3-Clause */
/* src/tcp.h - answer DNS over TCP: connections, framing, idle and slow-sender timers, limits. */
#ifndef DNSD_TCP_H
#define DNSD_TCP_H

#include <stddef.h>
#include <stdint.h>

struct fwd_dest;
struct tcp_pool;
struct tcp_socket;
struct worker;

/**
 * The fixed pool of a worker's TCP connections (--tcp-max-connections).
 * @return NULL when out of memory.
 */
struct tcp_pool *tcp_pool_create(struct worker *w, unsigned max_conns);

/** Connections open now. */
unsigned tcp_pool_open(const struct tcp_pool *p);

/** Close every connection and free. NULL is allowed. */
void tcp_pool_free(struct tcp_pool *p);

/**
 * Accept connections on a listening TCP socket, which is taken over.
 * @return the socket, or NULL when out of memory (fd is closed).
 */
struct tcp_socket *tcp_socket_start(struct worker *w, int fd, int listener);

/** Stop accepting, close and free. NULL is allowed. */
void tcp_socket_stop(struct tcp_socket *ts);

/**
 * Send a forwarded query's answer on its connection, if that is still
 * open (an upstream_deliver_fn; ctx is the worker).
 */
void tcp_deliver(void *ctx, const struct fwd_dest *d, const uint8_t *msg, size_t len);

#endif /* DNSD_TCP_H */
