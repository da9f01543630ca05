/* SPDX-License-Identifier: BSD-3-Clause */
/* src/listen.h - open the UDP and TCP sockets that dnsd answers on. */
#ifndef DNSD_LISTEN_H
#define DNSD_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/** One --listen address: a UDP and a TCP socket per worker. */
struct listener {
	const char *spec;		/**< as given, for messages */
	const char *vpc;		/**< bound VPC id, or NULL */
	struct sockaddr_storage addr;	/**< the port is filled in once bound */
	socklen_t addr_len;
	bool wildcard;			/**< 0.0.0.0 or ::: replies need the destination address */
	bool optional;			/**< a default one: skipped when its address is missing */
	bool inbound;			/**< an inbound resolver endpoint's address */
	char text[128];			/**< the spec, when dnsd made it up */
};

/**
 * Parse "ADDR[:PORT][=VPC-ID]". The VPC id and address text are borrowed
 * from spec (which is modified to split them).
 * @return 0, or -1 with err set.
 */
int listener_parse(struct listener *l, char *spec, char *err, size_t errsz);

/**
 * Open a UDP or TCP socket on the listener's address, non-blocking, with
 * SO_REUSEPORT when reuseport (for several workers). A port of 0 is
 * replaced by the port the kernel picks, so that later sockets share it.
 * @return the socket, or -1 with err set ("address in use" and the like).
 */
int listener_open(struct listener *l, int type, bool reuseport, char *err, size_t errsz);

/** Set the listener's port (0: let the kernel pick at the next open). */
void listener_set_port(struct listener *l, uint16_t port);

#endif /* DNSD_LISTEN_H */
