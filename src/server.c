/* SPDX-License-Identifier: BSD-3-Clause */
/* src/server.c - event loops, workers, signals and snapshot swaps of the running daemon. */
#include "config.h"
#include "server.h"

#include "diag.h"
#include "log.h"
#include "query.h"
#include "querylog.h"
#include "snapshot.h"
#include "upstream.h"
#include "wire.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define UDP_BATCH 32		/* datagrams per recvmmsg/sendmmsg */
#define UDP_ROUNDS 16		/* batches per wakeup before other events get a turn */
#define UDP_RX_SIZE 4096	/* larger datagrams are dropped as truncated */
#define UDP_TX_SIZE 4096	/* --edns-size is at most this */
#define TCP_IN_SIZE (2 + 4096)	/* longest TCP query dnsd reads */
#define TCP_OUT_LIMIT (256 * 1024)	/* stop reading while this much waits to go out */
#define TCP_FRAME_TIMEOUT 3	/* seconds to receive a whole query once it started */
#define CTRL_SIZE 64

struct worker;

/* A TCP connection, from a fixed pool per worker, so a forward finishing
 * after the connection closed finds a slot with a newer generation. */
struct conn {
	struct worker *w;
	int fd;
	int listener;
	uint32_t gen;
	bool open;
	bool eof;
	bool reading;
	bool in_lru;
	struct conn *prev, *next;	/* open connections, most recently active first */
	uint64_t frame_start;		/* ms when the partial query in `in` began */
	struct event ev_read, ev_write, timer;
	struct sockaddr_storage peer;
	struct netaddr peer_addr;
	uint8_t in[TCP_IN_SIZE];
	size_t in_len;
	uint8_t *out;			/* what a short write left, allocated then */
	size_t out_len, out_off, out_cap;
	unsigned pending;		/* forwards not yet answered */
};

struct udp_socket {
	struct worker *w;
	int fd;
	int listener;
	bool wildcard;
	struct event ev;
};

struct tcp_socket {
	struct worker *w;
	int fd;
	int listener;
	struct event ev;
	struct event resume;	/* accepting again after running out of descriptors */
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

struct worker {
	struct server *s;
	unsigned index;
	struct event_base *base;
	pthread_t thread;
	struct snapshot *snap;
	struct query_env env;
	struct upstream *up;
	struct udp_socket *udp;
	struct tcp_socket *tcp;
	unsigned n_sockets;
	struct conn *conns;
	struct conn *lru_head, *lru_tail;
	struct conn *free_conns;
	unsigned n_open;
	struct udp_io *io;
	uint8_t tcp_tx[2 + DNS_MAX_MESSAGE];
	uint64_t queries, answers, forwards, drops;
};

struct server {
	const struct options *opt;
	struct listener *listeners;
	unsigned n_listeners;
	struct fwd_targets upstreams;
	const struct netprefix *allow;
	unsigned n_allow;
	struct worker *workers;
	unsigned n_workers;
	pthread_mutex_t lock;		/* guards current while a reference is taken */
	struct snapshot *current;
	struct event_base *base;	/* worker 0's, which also handles signals */
	struct event *ev_hup, *ev_term, *ev_int, *ev_reload_done;
	pthread_t reload_thread;
	bool reloading, reload_again;
	struct snapshot *reload_result;
	unsigned reload_errors;
	struct snapshot_listener *bindings;
};

/* ---- snapshots ---- */

static void
worker_sync_snapshot(struct worker *w)
{
	struct snapshot *cur = __atomic_load_n(&w->s->current, __ATOMIC_ACQUIRE);
	if (cur == w->snap)
		return;
	pthread_mutex_lock(&w->s->lock);
	cur = w->s->current;
	snapshot_ref(cur);
	pthread_mutex_unlock(&w->s->lock);
	snapshot_unref(w->snap);
	w->snap = cur;
	w->env.snap = cur;
}

static uint64_t
now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- UDP ---- */

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

/* What the query log calls a query answered or dropped on the spot. */
static enum querylog_source
log_source(enum query_action act, const struct query_info *qi)
{
	if (act != QUERY_SEND)
		return QL_DROP;
	return qi->why ? QL_ERROR : QL_LOCAL;
}

static void
handle_datagram(struct udp_socket *us, unsigned i, unsigned *n_out)
{
	struct worker *w = us->w;
	struct udp_io *io = w->io;
	struct msghdr *mh = &io->in[i].msg_hdr;
	size_t len = io->in[i].msg_len;
	struct fwd_dest dest;
	struct query_info qi;
	struct netaddr src;
	size_t out_len = 0;

	w->queries++;
	memset(&dest, 0, sizeof(dest));
	if ((mh->msg_flags & MSG_TRUNC) ||
	    !netaddr_from_sockaddr((struct sockaddr *)&io->addr[i], &src)) {
		w->drops++;
		verbose(VERB_QUERY, "dropped a datagram larger than %d bytes", UDP_RX_SIZE);
		return;
	}
	if (us->wildcard)
		local_from_ctrl(mh, &dest);
	struct query_client client = { &src, us->listener, false };
	unsigned k = *n_out;
	enum query_action act = query_answer(&w->env, &client, io->rx[i], len, io->tx[k],
		w->env.max_udp < UDP_TX_SIZE ? w->env.max_udp : UDP_TX_SIZE, &out_len, &qi);
	if (act == QUERY_SEND) {
		w->answers++;
		io->out_iov[k].iov_base = io->tx[k];
		io->out_iov[k].iov_len = out_len;
		struct msghdr *oh = &io->out[k].msg_hdr;
		memset(oh, 0, sizeof(*oh));
		oh->msg_name = &io->addr[i];
		oh->msg_namelen = mh->msg_namelen;
		oh->msg_iov = &io->out_iov[k];
		oh->msg_iovlen = 1;
		set_reply_source(oh, io->out_ctrl[k], &dest);
		(*n_out)++;
	} else if (act == QUERY_FORWARD) {
		w->forwards++;
		dest.udp_fd = us->fd;
		memcpy(&dest.client, &io->addr[i], mh->msg_namelen);
		dest.client_len = mh->msg_namelen;
		upstream_start(w->up, &qi, qi.forward_zone ? qi.forward_zone->targets : NULL, &dest);
	} else {
		w->drops++;
		verbose(VERB_QUERY, "dropped a query: %s", qi.why ? qi.why : "?");
	}
	if (w->s->opt->query_log && act != QUERY_FORWARD)	/* forwarded: when answered */
		querylog_line(w->snap, (struct sockaddr *)&io->addr[i], false, &qi,
			log_source(act, &qi), out_len);
}

static void
on_udp(evutil_socket_t fd, short what, void *arg)
{
	struct udp_socket *us = arg;
	struct worker *w = us->w;
	(void)what;
	worker_sync_snapshot(w);
	w->env.now_seconds = now_seconds();
	for (unsigned round = 0; round < UDP_ROUNDS; round++) {
		udp_prepare_in(w->io, us->wildcard);
		int n = recvmmsg(fd, w->io->in, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		unsigned n_out = 0;
		for (unsigned i = 0; i < (unsigned)n; i++)
			handle_datagram(us, i, &n_out);
		if (n_out)
			send_batch(fd, w->io, n_out);
		if (n < UDP_BATCH)
			return;
	}
}

/* ---- TCP ---- */

static void conn_close(struct conn *c);
static void conn_arm_timer(struct conn *c);

static void
lru_unlink(struct worker *w, struct conn *c)
{
	if (!c->in_lru)
		return;
	c->in_lru = false;
	if (c->prev)
		c->prev->next = c->next;
	else
		w->lru_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		w->lru_tail = c->prev;
	c->prev = c->next = NULL;
}

static void
lru_touch(struct worker *w, struct conn *c)
{
	if (w->lru_head == c)
		return;
	lru_unlink(w, c);
	c->next = w->lru_head;
	c->prev = NULL;
	if (w->lru_head)
		w->lru_head->prev = c;
	w->lru_head = c;
	if (!w->lru_tail)
		w->lru_tail = c;
	c->in_lru = true;
}

static void
conn_set_reading(struct conn *c, bool on)
{
	if (on == c->reading || c->eof)
		return;
	c->reading = on;
	if (on)
		event_add(&c->ev_read, NULL);
	else
		event_del(&c->ev_read);
}

static bool
conn_done(const struct conn *c)
{
	return c->eof && c->pending == 0 && c->out_len == c->out_off;
}

/* Queue bytes after what is waiting; try to write at once when nothing waits. */
static bool
conn_write(struct conn *c, const uint8_t *data, size_t len)
{
	size_t sent = 0;
	if (c->out_len == c->out_off) {
		ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return false;
		sent = n > 0 ? (size_t)n : 0;
		if (sent == len)
			return true;
		c->out_len = c->out_off = 0;
	}
	size_t rest = len - sent;
	if (c->out_len + rest > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		while (cap < c->out_len + rest)
			cap *= 2;
		uint8_t *p = realloc(c->out, cap);
		if (!p)
			return false;
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, data + sent, rest);
	c->out_len += rest;
	event_add(&c->ev_write, NULL);
	if (c->out_len - c->out_off > TCP_OUT_LIMIT)
		conn_set_reading(c, false);	/* the client reads slower than it asks */
	return true;
}

static void
on_conn_write(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	(void)what;
	while (c->out_off < c->out_len) {
		ssize_t n = send(fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			conn_close(c);
			return;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	event_del(&c->ev_write);
	if (conn_done(c)) {
		conn_close(c);
		return;
	}
	conn_set_reading(c, true);
	conn_arm_timer(c);
}

/* The query log line of a forwarded query, with what the client got. */
static void
log_forwarded(void *ctx, const struct query_info *qi, const struct fwd_dest *d,
	const uint8_t *reply, size_t len, bool from_cache)
{
	struct worker *w = ctx;
	struct query_info logged = *qi;
	logged.rcode = reply[3] & 0x0f;
	querylog_line(w->snap, (const struct sockaddr *)&d->client, d->tcp, &logged,
		from_cache ? QL_CACHE : QL_FORWARD, len);
}

static void
deliver_tcp(void *ctx, const struct fwd_dest *d, const uint8_t *msg, size_t len)
{
	struct conn *c = d->conn;
	(void)ctx;
	if (!c->open || c->gen != d->conn_gen)
		return;	/* the connection is gone */
	c->pending--;
	uint8_t len2[2];
	wire_put16(len2, (uint16_t)len);
	if (!conn_write(c, len2, 2) || !conn_write(c, msg, len)) {
		conn_close(c);
		return;
	}
	if (conn_done(c))
		conn_close(c);
	else
		conn_arm_timer(c);
}

/* Answer one whole query from the input buffer; false closes the connection. */
static bool
conn_query(struct conn *c, const uint8_t *msg, size_t len)
{
	struct worker *w = c->w;
	struct query_info qi;
	size_t out_len = 0;
	w->queries++;
	struct query_client client = { &c->peer_addr, c->listener, true };
	enum query_action act = query_answer(&w->env, &client, msg, len, w->tcp_tx + 2,
		DNS_MAX_MESSAGE, &out_len, &qi);
	if (w->s->opt->query_log && act != QUERY_FORWARD)	/* forwarded: when answered */
		querylog_line(w->snap, (struct sockaddr *)&c->peer, true, &qi,
			log_source(act, &qi), out_len);
	if (act == QUERY_SEND) {
		w->answers++;
		wire_put16(w->tcp_tx, (uint16_t)out_len);
		return conn_write(c, w->tcp_tx, out_len + 2);
	}
	if (act == QUERY_FORWARD) {
		struct fwd_dest dest;
		memset(&dest, 0, sizeof(dest));
		dest.tcp = true;
		memcpy(&dest.client, &c->peer, sizeof(c->peer));
		dest.client_len = sizeof(c->peer);
		dest.conn = c;
		dest.conn_gen = c->gen;
		c->pending++;
		w->forwards++;
		upstream_start(w->up, &qi, qi.forward_zone ? qi.forward_zone->targets : NULL, &dest);
		return c->open;
	}
	w->drops++;
	verbose(VERB_QUERY, "closing a TCP connection after a query dnsd drops: %s",
		qi.why ? qi.why : "?");
	return false;
}

/* Take every complete frame out of the input buffer (RFC 7766 §8). */
static bool
conn_frames(struct conn *c)
{
	size_t off = 0;
	while (c->in_len - off >= 2) {
		size_t flen = wire_get16(c->in + off);
		if (flen < DNS_HEADER_SIZE) {
			verbose(VERB_QUERY, "TCP frame of %zu bytes: closing", flen);
			return false;
		}
		if (flen + 2 > TCP_IN_SIZE) {
			verbose(VERB_QUERY, "TCP query over %d bytes: closing", TCP_IN_SIZE - 2);
			return false;
		}
		if (c->in_len - off < 2 + flen)
			break;
		if (!conn_query(c, c->in + off + 2, flen))
			return false;
		off += 2 + flen;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	return true;
}

static void
on_conn_read(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct worker *w = c->w;
	(void)what;
	worker_sync_snapshot(w);
	w->env.now_seconds = now_seconds();
	ssize_t n = recv(fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		conn_close(c);
		return;
	}
	if (n == 0) {
		/* the client is done sending (RFC 7766 §6.2.4): answer what it
		 * asked, then close */
		c->eof = true;
		event_del(&c->ev_read);
		c->reading = false;
		if (c->in_len || conn_done(c)) {
			conn_close(c);
			return;
		}
		conn_arm_timer(c);
		return;
	}
	bool fresh = c->in_len == 0;
	c->in_len += (size_t)n;
	lru_touch(w, c);
	size_t before = c->in_len;
	if (!conn_frames(c)) {
		conn_close(c);
		return;
	}
	/* a query's clock starts with its first byte, not the latest one */
	if (c->in_len && (fresh || c->in_len != before))
		c->frame_start = now_ms();
	conn_arm_timer(c);
}

/* Idle connections close after --tcp-idle-timeout; a query that started
 * must arrive whole within TCP_FRAME_TIMEOUT (slow senders, RFC 7766 §6.2.3). */
static void
conn_arm_timer(struct conn *c)
{
	uint64_t ms = (uint64_t)c->w->s->opt->tcp_idle_timeout * 1000;
	if (c->in_len) {
		uint64_t spent = now_ms() - c->frame_start;
		uint64_t left = spent < TCP_FRAME_TIMEOUT * 1000 ? TCP_FRAME_TIMEOUT * 1000 - spent : 0;
		if (left < ms)
			ms = left;
	}
	if (c->pending || c->out_len > c->out_off)
		ms += (uint64_t)c->w->s->opt->forward_timeout * FWD_MAX_TARGETS + 1000;
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };
	evtimer_add(&c->timer, &tv);
}

static void
on_conn_timer(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	(void)fd;
	(void)what;
	verbose(VERB_DETAIL, "closing a TCP connection: %s", c->in_len ? "query too slow" : "idle");
	conn_close(c);
}

static void
conn_close(struct conn *c)
{
	struct worker *w = c->w;
	if (!c->open)
		return;
	event_del(&c->ev_read);
	event_del(&c->ev_write);
	evtimer_del(&c->timer);
	close(c->fd);
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = c->out_cap = 0;
	c->open = false;
	c->gen++;
	lru_unlink(w, c);
	c->next = w->free_conns;
	w->free_conns = c;
	w->n_open--;
}

static void
on_accept_resume(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_socket *ts = arg;
	(void)fd;
	(void)what;
	event_add(&ts->ev, NULL);
}

/* No descriptor and nothing to close: stop accepting for a moment. */
static void
accept_pause(struct tcp_socket *ts)
{
	struct timeval tv = { 0, 100 * 1000 };
	event_del(&ts->ev);
	evtimer_assign(&ts->resume, ts->w->base, on_accept_resume, ts);
	evtimer_add(&ts->resume, &tv);
}

static void
on_accept(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_socket *ts = arg;
	struct worker *w = ts->w;
	(void)what;
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int cfd = accept4(fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0 && (errno == EMFILE || errno == ENFILE) && w->lru_tail) {
			/* out of descriptors: the longest idle connection makes room,
			 * else the listening socket would wake us forever */
			log_warn("out of file descriptors: closing the longest idle TCP connection");
			conn_close(w->lru_tail);
			continue;
		}
		if (cfd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				accept_pause(ts);
			return;
		}
		if (!w->free_conns && w->lru_tail) {
			/* full: the longest idle connection makes room (RFC 7766 §6.2.3) */
			verbose(VERB_DETAIL, "TCP connection limit: closing the longest idle one");
			conn_close(w->lru_tail);
		}
		struct conn *c = w->free_conns;
		if (!c) {
			close(cfd);
			continue;
		}
		w->free_conns = c->next;
		c->next = c->prev = NULL;
		c->fd = cfd;
		c->listener = ts->listener;
		c->open = true;
		c->eof = false;
		c->reading = true;
		c->in_lru = false;
		c->in_len = 0;
		c->pending = 0;
		memcpy(&c->peer, &peer, plen);
		netaddr_from_sockaddr((struct sockaddr *)&peer, &c->peer_addr);
		int one = 1;
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		event_assign(&c->ev_read, w->base, cfd, EV_READ | EV_PERSIST, on_conn_read, c);
		event_assign(&c->ev_write, w->base, cfd, EV_WRITE | EV_PERSIST, on_conn_write, c);
		evtimer_assign(&c->timer, w->base, on_conn_timer, c);
		event_add(&c->ev_read, NULL);
		w->n_open++;
		lru_touch(w, c);
		conn_arm_timer(c);
	}
}

/* ---- workers ---- */

static int
worker_open_sockets(struct worker *w, char *err, size_t errsz)
{
	struct server *s = w->s;
	bool reuse = s->n_workers > 1;
	w->udp = calloc(s->n_listeners, sizeof(*w->udp));
	w->tcp = calloc(s->n_listeners, sizeof(*w->tcp));
	if (!w->udp || !w->tcp) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < s->n_listeners; i++) {
		w->udp[i].fd = w->tcp[i].fd = -1;
	}
	for (unsigned i = 0; i < s->n_listeners; i++) {
		struct listener *l = &s->listeners[i];
		/* port 0: the kernel picks a free UDP port, which TCP may have in
		 * use; pick again (the first worker fixes the port for the rest) */
		bool auto_port = w->index == 0 && netaddr_sockaddr_port((struct sockaddr *)&l->addr) == 0;
		int ufd = -1, tfd = -1;
		for (int tries = 0; tries < 64; tries++) {
			ufd = listener_open(l, SOCK_DGRAM, reuse, err, errsz);
			if (ufd < 0)
				return -1;
			tfd = listener_open(l, SOCK_STREAM, reuse, err, errsz);
			if (tfd >= 0 || !auto_port || errno != EADDRINUSE)
				break;
			close(ufd);
			ufd = -1;
			listener_set_port(l, 0);
		}
		if (tfd < 0) {
			if (ufd >= 0)
				close(ufd);
			return -1;
		}
		w->udp[i].w = w;
		w->udp[i].fd = ufd;
		w->udp[i].listener = (int)i;
		w->udp[i].wildcard = l->wildcard;
		w->tcp[i].w = w;
		w->tcp[i].fd = tfd;
		w->tcp[i].listener = (int)i;
		w->n_sockets = i + 1;
		event_assign(&w->udp[i].ev, w->base, ufd, EV_READ | EV_PERSIST, on_udp, &w->udp[i]);
		event_assign(&w->tcp[i].ev, w->base, tfd, EV_READ | EV_PERSIST, on_accept, &w->tcp[i]);
		event_add(&w->udp[i].ev, NULL);
		event_add(&w->tcp[i].ev, NULL);
	}
	return 0;
}

static int
worker_init(struct server *s, struct worker *w, unsigned index, char *err, size_t errsz)
{
	const struct options *o = s->opt;
	w->s = s;
	w->index = index;
	w->base = index == 0 ? s->base : event_base_new();
	w->io = calloc(1, sizeof(*w->io));
	w->conns = calloc(o->tcp_max_conns, sizeof(*w->conns));
	if (!w->base || !w->io || !w->conns) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (unsigned i = o->tcp_max_conns; i-- > 0;) {
		w->conns[i].w = w;
		w->conns[i].next = w->free_conns;
		w->free_conns = &w->conns[i];
	}
	snapshot_ref(s->current);
	w->snap = s->current;
	w->env.snap = w->snap;
	w->env.max_udp = (uint16_t)o->edns_size;
	w->env.errors.per_second = o->error_rate;
	w->env.threads = s->n_workers > 1;
	w->env.allow = s->allow;
	w->env.n_allow = s->n_allow;
	struct upstream_config ucfg = { &s->upstreams, o->forward_timeout, 1024,
		(uint16_t)o->edns_size, (size_t)o->cache_size << 20,
		o->query_log ? log_forwarded : NULL };
	w->up = upstream_create(w->base, &ucfg, &w->env, deliver_tcp, w);
	if (!w->up) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return worker_open_sockets(w, err, errsz);
}

static void
worker_fini(struct worker *w)
{
	if (!w->s)
		return;
	for (unsigned i = 0; w->conns && i < w->s->opt->tcp_max_conns; i++)
		if (w->conns[i].open)
			conn_close(&w->conns[i]);
	upstream_free(w->up);
	for (unsigned i = 0; i < w->n_sockets; i++) {
		event_del(&w->udp[i].ev);
		event_del(&w->tcp[i].ev);
		if (event_initialized(&w->tcp[i].resume))
			evtimer_del(&w->tcp[i].resume);
		close(w->udp[i].fd);
		close(w->tcp[i].fd);
	}
	free(w->udp);
	free(w->tcp);
	free(w->conns);
	free(w->io);
	snapshot_unref(w->snap);
	if (w->index != 0 && w->base)
		event_base_free(w->base);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	event_base_dispatch(w->base);
	return NULL;
}

/* ---- reload ---- */

static void *
reload_main(void *arg)
{
	struct server *s = arg;
	struct diag d;
	struct snapshot_config cfg = { s->opt->zones, s->bindings, s->n_listeners };
	diag_init(&d, stderr);
	s->reload_result = snapshot_load(&cfg, &d, NULL);
	s->reload_errors = d.errors;
	event_active(s->ev_reload_done, 0, 0);
	return NULL;
}

static void
reload_start(struct server *s)
{
	if (s->reloading) {
		s->reload_again = true;
		return;
	}
	log_info("reloading %s", s->opt->zones);
	s->reloading = true;
	if (pthread_create(&s->reload_thread, NULL, reload_main, s) != 0) {
		log_err("reload: cannot start a thread: %s", strerror(errno));
		s->reloading = false;
	}
}

/* The new snapshot replaces the old in one pointer store; workers switch
 * at their next event and the old one is freed with its last user. */
static void
on_reload_done(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	(void)fd;
	(void)what;
	pthread_join(s->reload_thread, NULL);
	s->reloading = false;
	struct snapshot *next = s->reload_result;
	s->reload_result = NULL;
	if (!next) {
		log_err("reload failed with %u error%s; still serving the previous definitions",
			s->reload_errors, s->reload_errors == 1 ? "" : "s");
	} else {
		pthread_mutex_lock(&s->lock);
		struct snapshot *old = s->current;
		__atomic_store_n(&s->current, next, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&s->lock);
		snapshot_unref(old);
		worker_sync_snapshot(&s->workers[0]);
		log_info("reloaded: %u VPCs, %u endpoints from %u files in %.3f s",
			next->n_vpcs, next->n_endpoints, next->n_files, next->load_seconds);
	}
	if (s->reload_again) {
		s->reload_again = false;
		reload_start(s);
	}
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	(void)what;
	if (sig == SIGHUP) {
		reload_start(s);
		return;
	}
	log_info("stopping on signal %d", (int)sig);
	for (unsigned i = 0; i < s->n_workers; i++)
		event_base_loopbreak(s->workers[i].base);
}

/* ---- server ---- */

struct server *
server_create(const struct options *opt, struct listener *listeners, unsigned n_listeners,
	const struct fwd_targets *upstreams, const struct netprefix *allow, unsigned n_allow,
	struct snapshot *snap, char *err, size_t errsz)
{
	struct server *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errsz, "out of memory");
		snapshot_unref(snap);
		return NULL;
	}
	evthread_use_pthreads();
	s->opt = opt;
	s->listeners = listeners;
	s->n_listeners = n_listeners;
	s->upstreams = *upstreams;
	s->allow = allow;
	s->n_allow = n_allow;
	s->current = snap;
	s->n_workers = opt->workers;
	pthread_mutex_init(&s->lock, NULL);
	s->bindings = calloc(n_listeners + 1, sizeof(*s->bindings));
	s->workers = calloc(s->n_workers, sizeof(*s->workers));
	s->base = event_base_new();
	if (!s->bindings || !s->workers || !s->base) {
		snprintf(err, errsz, "out of memory");
		server_free(s);
		return NULL;
	}
	for (unsigned i = 0; i < n_listeners; i++)
		s->bindings[i] = (struct snapshot_listener){ listeners[i].vpc, listeners[i].inbound };
	for (unsigned i = 0; i < s->n_workers; i++) {
		if (worker_init(s, &s->workers[i], i, err, errsz) < 0) {
			server_free(s);
			return NULL;
		}
	}
	s->ev_hup = evsignal_new(s->base, SIGHUP, on_signal, s);
	s->ev_term = evsignal_new(s->base, SIGTERM, on_signal, s);
	s->ev_int = evsignal_new(s->base, SIGINT, on_signal, s);
	s->ev_reload_done = event_new(s->base, -1, 0, on_reload_done, s);
	if (!s->ev_hup || !s->ev_term || !s->ev_int || !s->ev_reload_done) {
		snprintf(err, errsz, "out of memory");
		server_free(s);
		return NULL;
	}
	evsignal_add(s->ev_hup, NULL);
	evsignal_add(s->ev_term, NULL);
	evsignal_add(s->ev_int, NULL);
	return s;
}

int
server_run(struct server *s)
{
	sigset_t block, old;
	/* only worker 0's thread takes signals */
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (unsigned i = 1; i < s->n_workers; i++)
		pthread_create(&s->workers[i].thread, NULL, worker_main, &s->workers[i]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	event_base_dispatch(s->base);
	for (unsigned i = 1; i < s->n_workers; i++) {
		event_base_loopbreak(s->workers[i].base);
		pthread_join(s->workers[i].thread, NULL);
	}
	if (s->reloading) {
		pthread_join(s->reload_thread, NULL);
		snapshot_free(s->reload_result);
		s->reload_result = NULL;
		s->reloading = false;
	}
	uint64_t q = 0, a = 0, f = 0, d = 0;
	for (unsigned i = 0; i < s->n_workers; i++) {
		q += s->workers[i].queries;
		a += s->workers[i].answers;
		f += s->workers[i].forwards;
		d += s->workers[i].drops;
	}
	log_info("stopped: %llu queries, %llu answered locally, %llu forwarded, %llu dropped",
		(unsigned long long)q, (unsigned long long)a, (unsigned long long)f,
		(unsigned long long)d);
	return 0;
}

void
server_free(struct server *s)
{
	if (!s)
		return;
	for (unsigned i = 0; s->workers && i < s->n_workers; i++)
		worker_fini(&s->workers[i]);
	if (s->ev_hup)
		event_free(s->ev_hup);
	if (s->ev_term)
		event_free(s->ev_term);
	if (s->ev_int)
		event_free(s->ev_int);
	if (s->ev_reload_done)
		event_free(s->ev_reload_done);
	if (s->base)
		event_base_free(s->base);
	snapshot_unref(s->current);
	pthread_mutex_destroy(&s->lock);
	free(s->workers);
	free(s->bindings);
	free(s);
}
