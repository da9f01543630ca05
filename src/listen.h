/* SPDX-License-Identifier: BSD-3-Clause */
/* src/listen.h - open the UDP and TCP sockets that dnsd answers on. */
#ifndef DNSD_LISTEN_H
#define DNSD_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct netaddr;

/** One address dnsd answers on: a UDP and a TCP socket per worker. */
struct listener {
	const char *vpc;		/**< bound VPC id, or NULL */
	struct sockaddr_storage addr;	/**< the port is filled in once bound */
	socklen_t addr_len;
	bool wildcard;			/**< 0.0.0.0 or ::: replies need the destination address */
	bool inbound;			/**< an inbound resolver endpoint's address */
	const char *endpoint_id;	/**< then that endpoint's id (query logs' srcids) */
	char *owned;			/**< what vpc points to when the listener owns it */
};

/** A growing list of listeners (no limit but memory). */
struct listener_set {
	struct listener *v;
	unsigned n, cap;
};

/**
 * Append a zeroed listener. Pointers to earlier ones may move.
 * @return it, or NULL when out of memory.
 */
struct listener *listener_set_add(struct listener_set *set);

/** Take listener i out of the set, keeping the order of the others. */
void listener_set_remove(struct listener_set *set, unsigned i);

/** Free the set and what its listeners own. */
void listener_set_free(struct listener_set *set);

/**
 * Parse "ADDR[:PORT][=VPC-ID]". The VPC id is borrowed from spec (which is
 * modified to split it off).
 * @return 0, or -1 with err set.
 */
int listener_parse(struct listener *l, char *spec, char *err, size_t errsz);

/**
 * The listener of an inbound resolver endpoint's address: bound to its
 * VPC (a copy the listener owns), at port.
 * @return 0, or -1 when out of memory.
 */
int listener_inbound(struct listener *l, const struct netaddr *addr, uint16_t port,
	const char *vpc, const char *endpoint_id);

/**
 * Open and close both sockets of a listener, to learn before the start
 * whether it can be bound.
 * @return 0, or -1 with err set and errno from the failing call.
 */
int listener_probe(struct listener *l, char *err, size_t errsz);

/**
 * Open a UDP or TCP socket on the listener's address, non-blocking, with
 * SO_REUSEPORT when reuseport (for several workers). A port of 0 is
 * replaced by the port the kernel picks, so that later sockets share it.
 * @return the socket, or -1 with err set ("address in use", or for a port
 *	below 1024 without the privilege, the ways to get it) and errno kept.
 */
int listener_open(struct listener *l, int type, bool reuseport, char *err, size_t errsz);

/** Set the listener's port (0: let the kernel pick at the next open). */
void listener_set_port(struct listener *l, uint16_t port);

#endif /* DNSD_LISTEN_H */
