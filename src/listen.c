/* SPDX-License-Identifier: BSD-3-Clause */
/* src/listen.c - open the UDP and TCP sockets that dnsd answers on. */
#include "config.h"
#include "listen.h"

#include "netaddr.h"
#include "options.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct listener *
listener_set_add(struct listener_set *set)
{
	if (set->n == set->cap) {
		unsigned cap = set->cap ? set->cap * 2 : 8;
		struct listener *v = realloc(set->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		set->v = v;
		set->cap = cap;
	}
	struct listener *l = &set->v[set->n++];
	memset(l, 0, sizeof(*l));
	return l;
}

void
listener_set_remove(struct listener_set *set, unsigned i)
{
	free(set->v[i].owned);
	memmove(&set->v[i], &set->v[i + 1], (set->n - i - 1) * sizeof(set->v[0]));
	set->n--;
}

void
listener_set_free(struct listener_set *set)
{
	for (unsigned i = 0; i < set->n; i++)
		free(set->v[i].owned);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

int
listener_inbound(struct listener *l, const struct netaddr *addr, uint16_t port, const char *vpc,
	const char *endpoint_id)
{
	memset(l, 0, sizeof(*l));
	if (addr->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&l->addr;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, addr->bytes, 4);
		l->addr_len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&l->addr;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, addr->bytes, 16);
		l->addr_len = sizeof(*sin6);
	}
	listener_set_port(l, port);
	l->inbound = true;
	/* one allocation holds both strings: "vpc\0endpoint" */
	size_t vlen = strlen(vpc) + 1, elen = strlen(endpoint_id) + 1;
	l->owned = malloc(vlen + elen);
	if (!l->owned)
		return -1;
	memcpy(l->owned, vpc, vlen);
	memcpy(l->owned + vlen, endpoint_id, elen);
	l->vpc = l->owned;
	l->endpoint_id = l->owned + vlen;
	return 0;
}

int
listener_parse(struct listener *l, char *spec, char *err, size_t errsz)
{
	memset(l, 0, sizeof(*l));
	char *eq = strchr(spec, '=');
	if (eq) {
		*eq = 0;
		l->vpc = eq + 1;
		if (!*l->vpc) {
			snprintf(err, errsz, "--listen %s=: the VPC id is empty", spec);
			return -1;
		}
	}
	if (!netaddr_parse_sockaddr(spec, DNSD_DEFAULT_PORT, &l->addr, &l->addr_len)) {
		snprintf(err, errsz, "--listen: '%s' is not ADDR[:PORT] (IPv6 as [ADDR]:PORT)", spec);
		return -1;
	}
	struct netaddr a;
	netaddr_from_sockaddr((struct sockaddr *)&l->addr, &a);
	static const uint8_t zero[16];
	l->wildcard = memcmp(a.bytes, zero, netaddr_len(&a)) == 0;
	return 0;
}

void
listener_set_port(struct listener *l, uint16_t port)
{
	if (l->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&l->addr)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&l->addr)->sin6_port = htons(port);
}

/* A burst of queries larger than the default buffer (about 200 KiB) is
 * dropped by the kernel before dnsd sees it. Ask for 4 MiB, beyond
 * net.core.rmem_max when privileged (as NSD's so-rcvbuf does); best effort. */
static void
grow_receive_buffer(int fd)
{
	int size = 4 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* Binding below 1024 takes CAP_NET_BIND_SERVICE (or root): say how to get it. */
static void
explain_privileged(char *err, size_t errsz, const struct listener *l, const char *addr,
	const char *proto)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	snprintf(err, errsz, "cannot listen on %s (%s): permission denied: ports below 1024 "
		"need the CAP_NET_BIND_SERVICE capability; run dnsd as root, give it the "
		"capability (setcap cap_net_bind_service=+ep %s), start it with the systemd "
		"unit dnsd.service (which grants it), or choose a port from 1024 up (%s%d)",
		addr, proto, n > 0 ? exe : "dnsd", l->inbound ? "--inbound-port " : "--listen ADDR:",
		DNSD_DEFAULT_PORT);
}

static int
fail(int fd, char *err, size_t errsz, const struct listener *l, const char *proto,
	const char *what)
{
	char addr[80];
	int e = errno;
	netaddr_sockaddr_str((const struct sockaddr *)&l->addr, addr, sizeof(addr));
	if (e == EADDRINUSE)
		snprintf(err, errsz, "cannot listen on %s (%s): the address is in use by "
			"another program; stop it or choose another with %s", addr, proto,
			l->inbound ? "--inbound-port" : "--listen");
	else if ((e == EACCES || e == EPERM) &&
		 netaddr_sockaddr_port((const struct sockaddr *)&l->addr) < 1024)
		explain_privileged(err, errsz, l, addr, proto);
	else
		snprintf(err, errsz, "cannot listen on %s (%s): %s: %s", addr, proto, what,
			strerror(e));
	if (fd >= 0)
		close(fd);
	errno = e;
	return -1;
}

int
listener_open(struct listener *l, int type, bool reuseport, char *err, size_t errsz)
{
	const char *proto = type == SOCK_DGRAM ? "udp" : "tcp";
	int one = 1;
	int fd = socket(l->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(fd, err, errsz, l, proto, "socket");
	if (l->addr.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		return fail(fd, err, errsz, l, proto, "IPV6_V6ONLY");
	if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		return fail(fd, err, errsz, l, proto, "SO_REUSEADDR");
	if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		return fail(fd, err, errsz, l, proto, "SO_REUSEPORT");
	if (l->wildcard && type == SOCK_DGRAM) {
		/* answer from the address the query was sent to */
		int rc = l->addr.ss_family == AF_INET ?
			setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) :
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
		if (rc < 0)
			return fail(fd, err, errsz, l, proto, "PKTINFO");
	}
	if (type == SOCK_DGRAM)
		grow_receive_buffer(fd);
	if (bind(fd, (struct sockaddr *)&l->addr, l->addr_len) < 0)
		return fail(fd, err, errsz, l, proto, "bind");
	if (type == SOCK_STREAM && listen(fd, 1024) < 0)
		return fail(fd, err, errsz, l, proto, "listen");
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	if (getsockname(fd, (struct sockaddr *)&bound, &blen) == 0)
		listener_set_port(l, netaddr_sockaddr_port((struct sockaddr *)&bound));
	return fd;
}

int
listener_probe(struct listener *l, char *err, size_t errsz)
{
	int u = listener_open(l, SOCK_DGRAM, false, err, errsz);
	if (u < 0)
		return -1;
	int t = listener_open(l, SOCK_STREAM, false, err, errsz);
	int e = errno;
	close(u);
	if (t >= 0)
		close(t);
	errno = e;
	return t < 0 ? -1 : 0;
}
