/* SPDX-License-Identifier: BSD-3-Clause */
/* src/udp.c - answer UDP queries in batches (recvmmsg/sendmmsg) from the address they came to. */
#include "config.h"
#include "udp.h"

#include "log.h"
#include "query.h"
#include "upstream.h"
#include "worker.h"
#include "zonedb.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define UDP_BATCH 32		/* datagrams per recvmmsg/sendmmsg */
#define UDP_ROUNDS 16		/* batches per wakeup before other events get a turn */
#define UDP_RX_SIZE 4096	/* larger datagrams are dropped as truncated */
#define UDP_TX_SIZE 4096	/* --edns-size is at most this */
#define CTRL_SIZE 64

struct udp_socket {
	struct worker *w;
	int fd;
	int listener;
	bool wildcard;
	struct event ev;
};

/* recvmmsg/sendmmsg buffers of one worker */
struct udp_io {
	struct mmsghdr in[UDP_BATCH];
	struct iovec in_iov[UDP_BATCH];
	struct sockaddr_storage addr[UDP_BATCH];
	uint8_t in_ctrl[UDP_BATCH][CTRL_SIZE];
	uint8_t rx[UDP_BATCH][UDP_RX_SIZE];
	struct mmsghdr out[UDP_BATCH];
	struct iovec out_iov[UDP_BATCH];
	uint8_t out_ctrl[UDP_BATCH][CTRL_SIZE];
	uint8_t tx[UDP_BATCH][UDP_TX_SIZE];
};

struct udp_io *
udp_io_create(void)
{
	return calloc(1, sizeof(struct udp_io));
}

void
udp_io_free(struct udp_io *io)
{
	free(io);
}

static void
local_from_ctrl(struct msghdr *mh, struct fwd_dest *d)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			d->has_local = true;
			d->local.family = AF_INET;
			memcpy(d->local.bytes, &pi.ipi_addr, 4);
			d->ifindex = pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			d->has_local = true;
			d->local.family = AF_INET6;
			memcpy(d->local.bytes, &pi.ipi6_addr, 16);
			d->ifindex = (int)pi.ipi6_ifindex;
		}
	}
}

/* The reply leaves from the address the query came to (wildcard sockets). */
static void
set_reply_source(struct msghdr *mh, uint8_t *ctrl, const struct fwd_dest *d)
{
	mh->msg_control = NULL;
	mh->msg_controllen = 0;
	if (!d->has_local)
		return;
	memset(ctrl, 0, CTRL_SIZE);
	mh->msg_control = ctrl;
	struct cmsghdr *c;
	if (d->local.family == AF_INET) {
		struct in_pktinfo pi = { 0 };
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
		c = CMSG_FIRSTHDR(mh);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(&pi.ipi_spec_dst, d->local.bytes, 4);
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi = { 0 };
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
		c = CMSG_FIRSTHDR(mh);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(&pi.ipi6_addr, d->local.bytes, 16);
		pi.ipi6_ifindex = (unsigned)d->ifindex;
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
}

static void
udp_prepare_in(struct udp_io *io, bool wildcard)
{
	for (unsigned i = 0; i < UDP_BATCH; i++) {
		io->in_iov[i].iov_base = io->rx[i];
		io->in_iov[i].iov_len = UDP_RX_SIZE;
		struct msghdr *mh = &io->in[i].msg_hdr;
		mh->msg_name = &io->addr[i];
		mh->msg_namelen = sizeof(io->addr[i]);
		mh->msg_iov = &io->in_iov[i];
		mh->msg_iovlen = 1;
		mh->msg_control = wildcard ? io->in_ctrl[i] : NULL;
		mh->msg_controllen = wildcard ? CTRL_SIZE : 0;
		mh->msg_flags = 0;
	}
}

static void
send_batch(int fd, struct udp_io *io, unsigned n)
{
	unsigned done = 0;
	while (done < n) {
		int r = sendmmsg(fd, io->out + done, n - done, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* a bad destination fails only its own message: skip it */
			verbose(VERB_DETAIL, "sendmmsg: %s", strerror(errno));
			done++;
			continue;
		}
		done += (unsigned)r;
	}
}

/* Queue the reply in slot k of the outgoing batch, to the query's sender. */
static void
queue_reply(struct udp_io *io, unsigned i, unsigned k, size_t len, const struct fwd_dest *dest)
{
	io->out_iov[k].iov_base = io->tx[k];
	io->out_iov[k].iov_len = len;
	struct msghdr *oh = &io->out[k].msg_hdr;
	memset(oh, 0, sizeof(*oh));
	oh->msg_name = &io->addr[i];
	oh->msg_namelen = io->in[i].msg_hdr.msg_namelen;
	oh->msg_iov = &io->out_iov[k];
	oh->msg_iovlen = 1;
	set_reply_source(oh, io->out_ctrl[k], dest);
}

static void
forward(struct udp_socket *us, unsigned i, struct fwd_dest *dest, const struct query_info *qi)
{
	struct worker *w = us->w;
	struct msghdr *mh = &w->io->in[i].msg_hdr;
	dest->tcp = false;
	dest->conn = NULL;
	dest->conn_gen = 0;
	dest->udp_fd = us->fd;
	dest->listener = us->listener;
	memcpy(&dest->client, &w->io->addr[i], mh->msg_namelen);
	dest->client_len = mh->msg_namelen;
	upstream_start(w->up, qi, qi->forward_zone ? qi->forward_zone->targets : NULL, dest);
}

static void
handle_datagram(struct udp_socket *us, unsigned i, unsigned *n_out)
{
	struct worker *w = us->w;
	struct udp_io *io = w->io;
	struct msghdr *mh = &io->in[i].msg_hdr;
	struct fwd_dest dest;
	struct query_info qi;
	struct netaddr src;
	size_t out_len = 0;

	dest.has_local = false;	/* the rest is filled when a query is forwarded */
	if ((mh->msg_flags & MSG_TRUNC) ||
	    !netaddr_from_sockaddr((struct sockaddr *)&io->addr[i], &src)) {
		w->stats.queries[0][STATS_DROPPED]++;
		w->stats.qtypes[STATS_N_QTYPES - 1]++;
		verbose(VERB_QUERY, "dropped a datagram larger than %d bytes", UDP_RX_SIZE);
		return;
	}
	if (us->wildcard)
		local_from_ctrl(mh, &dest);
	struct query_client client = { &src, us->listener, false };
	unsigned k = *n_out;
	enum query_action act = query_answer(&w->env, &client, io->rx[i], io->in[i].msg_len,
		io->tx[k], w->env.max_udp < UDP_TX_SIZE ? w->env.max_udp : UDP_TX_SIZE, &out_len,
		&qi);
	if (act == QUERY_SEND) {
		queue_reply(io, i, k, out_len, &dest);
		(*n_out)++;
	} else if (act == QUERY_FORWARD) {
		forward(us, i, &dest, &qi);
	} else {
		verbose(VERB_QUERY, "dropped a query: %s", qi.why ? qi.why : "?");
	}
	worker_account(w, (struct sockaddr *)&io->addr[i], false, us->listener, act, &qi,
		io->tx[k], out_len);
}

static void
on_udp(evutil_socket_t fd, short what, void *arg)
{
	struct udp_socket *us = arg;
	struct worker *w = us->w;
	(void)what;
	w->env.now_seconds = worker_now_seconds();
	worker_batch_begin(w);
	for (unsigned round = 0; round < UDP_ROUNDS; round++) {
		udp_prepare_in(w->io, us->wildcard);
		int n = recvmmsg(fd, w->io->in, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		/* what came in after a swap is answered from the new snapshot */
		worker_sync_snapshot(w);
		unsigned n_out = 0;
		for (unsigned i = 0; i < (unsigned)n; i++)
			handle_datagram(us, i, &n_out);
		if (n_out)
			send_batch(fd, w->io, n_out);
		if (n < UDP_BATCH)
			break;
	}
	worker_batch_end(w);
}

struct udp_socket *
udp_socket_start(struct worker *w, int fd, int listener, bool wildcard)
{
	struct udp_socket *us = calloc(1, sizeof(*us));
	if (!us) {
		close(fd);
		return NULL;
	}
	us->w = w;
	us->fd = fd;
	us->listener = listener;
	us->wildcard = wildcard;
	event_assign(&us->ev, w->base, fd, EV_READ | EV_PERSIST, on_udp, us);
	event_add(&us->ev, NULL);
	return us;
}

void
udp_socket_stop(struct udp_socket *us)
{
	if (!us)
		return;
	event_del(&us->ev);
	close(us->fd);
	free(us);
}
