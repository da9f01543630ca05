/* SPDX-License-Identifier: BSD-3-Clause */
/* src/udp.h - answer UDP queries in batches (recvmmsg/sendmmsg) from the address they came to. */
#ifndef DNSD_UDP_H
#define DNSD_UDP_H

#include <stdbool.h>

struct udp_io;
struct udp_socket;
struct worker;

/** The batch buffers of one worker. @return NULL when out of memory. */
struct udp_io *udp_io_create(void);

/** Free what udp_io_create made. NULL is allowed. */
void udp_io_free(struct udp_io *io);

/**
 * Start answering on a bound UDP socket, which is taken over.
 * @param listener: index of its listener (the query's view may depend on it).
 * @param wildcard: bound to 0.0.0.0 or ::, so replies name their source.
 * @return the socket, or NULL when out of memory (fd is closed).
 */
struct udp_socket *udp_socket_start(struct worker *w, int fd, int listener, bool wildcard);

/** Stop answering, close and free. NULL is allowed. */
void udp_socket_stop(struct udp_socket *us);

#endif /* DNSD_UDP_H */
