/* SPDX-License-Identifier: BSD-3-Clause */
/* src/tcp.c - answer DNS over TCP: connections, framing, idle and slow-sender timers, limits. */
#include "config.h"
#include "tcp.h"

#include "forward.h"
#include "log.h"
#include "options.h"
#include "query.h"
#include "upstream.h"
#include "wire.h"
#include "worker.h"
#include "xfr_out.h"
#include "zonedb.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TCP_IN_SIZE (2 + 4096)	/* longest TCP query dnsd reads */
#define TCP_OUT_LIMIT (256 * 1024)	/* stop reading while this much waits to go out */
#define TCP_FRAME_TIMEOUT 3	/* seconds to receive a whole query once it started */
#define ACCEPT_BATCH 64		/* connections taken per wakeup */
#define FD_SUMMARY_SECONDS 10	/* closes for lack of descriptors: one log line per interval */

/* A TCP connection, from a fixed pool per worker, so a forward finishing
 * after the connection closed finds a slot with a newer generation. */
struct conn {
	struct tcp_pool *pool;
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
	struct xfr_stream *xfr;		/* a zone transfer being sent, or NULL */
};

struct tcp_pool {
	struct worker *w;
	struct conn *conns;
	unsigned n_conns;
	struct conn *lru_head, *lru_tail;
	struct conn *free_conns;
	unsigned n_open;
	struct event fd_summary;	/* counting closes for lack of descriptors */
	bool fd_summary_on;
	uint64_t fd_closes;		/* since the last line */
	uint8_t tx[2 + DNS_MAX_MESSAGE];
};

struct tcp_socket {
	struct worker *w;
	int fd;
	int listener;
	struct event ev;
	struct event resume;	/* accepting again after running out of descriptors */
};

static void conn_close(struct conn *c);
static void conn_arm_timer(struct conn *c);
static bool conn_frames(struct conn *c);
static void on_fd_summary(evutil_socket_t fd, short what, void *arg);

/* ---- the pool and its least recently used order ---- */

struct tcp_pool *
tcp_pool_create(struct worker *w, unsigned max_conns)
{
	struct tcp_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->w = w;
	p->n_conns = max_conns;
	p->conns = calloc(max_conns, sizeof(*p->conns));
	if (!p->conns) {
		free(p);
		return NULL;
	}
	for (unsigned i = max_conns; i-- > 0;) {
		p->conns[i].pool = p;
		p->conns[i].next = p->free_conns;
		p->free_conns = &p->conns[i];
	}
	evtimer_assign(&p->fd_summary, w->base, on_fd_summary, p);
	return p;
}

void
tcp_pool_free(struct tcp_pool *p)
{
	if (!p)
		return;
	evtimer_del(&p->fd_summary);
	for (unsigned i = 0; i < p->n_conns; i++)
		if (p->conns[i].open)
			conn_close(&p->conns[i]);
	free(p->conns);
	free(p);
}

static void
lru_unlink(struct tcp_pool *p, struct conn *c)
{
	if (!c->in_lru)
		return;
	c->in_lru = false;
	if (c->prev)
		c->prev->next = c->next;
	else
		p->lru_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		p->lru_tail = c->prev;
	c->prev = c->next = NULL;
}

static void
lru_touch(struct tcp_pool *p, struct conn *c)
{
	if (p->lru_head == c)
		return;
	lru_unlink(p, c);
	c->next = p->lru_head;
	c->prev = NULL;
	if (p->lru_head)
		p->lru_head->prev = c;
	p->lru_head = c;
	if (!p->lru_tail)
		p->lru_tail = c;
	c->in_lru = true;
}

/* ---- reading and writing ---- */

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
	return c->eof && c->pending == 0 && c->out_len == c->out_off && !c->xfr;
}

/* Keep what a short write left, growing the buffer as needed. */
static bool
conn_queue(struct conn *c, const uint8_t *data, size_t len)
{
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		while (cap < c->out_len + len)
			cap *= 2;
		uint8_t *p = realloc(c->out, cap);
		if (!p)
			return false;
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	event_add(&c->ev_write, NULL);
	if (c->out_len - c->out_off > TCP_OUT_LIMIT)
		conn_set_reading(c, false);	/* the client reads slower than it asks */
	return true;
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
	return conn_queue(c, data + sent, len - sent);
}

/*
 * Send a zone transfer message by message, each made when the socket has
 * taken the one before (xfr_stream_next), so a transfer holds one message
 * at a time whatever the zone's size; the connection reads no queries
 * meanwhile. @return false to close (the transfer failed).
 */
static bool
conn_xfr_pump(struct conn *c)
{
	struct tcp_pool *p = c->pool;
	while (c->xfr && c->out_len == c->out_off) {
		size_t n = xfr_stream_next(c->xfr, p->tx + 2, DNS_MAX_MESSAGE);
		if (n == 0) {
			bool ok = xfr_stream_ok(c->xfr);
			xfr_stream_free(c->xfr);
			c->xfr = NULL;
			if (!ok)
				return false;
			conn_set_reading(c, true);
			break;
		}
		wire_put16(p->tx, (uint16_t)n);
		if (!conn_write(c, p->tx, n + 2))
			return false;
	}
	return true;
}

static bool
conn_xfr_start(struct conn *c, const uint8_t *msg, size_t len, const struct query_info *qi)
{
	c->xfr = xfr_stream_create(c->pool->w->snap, msg, len, qi, &c->peer_addr);
	if (!c->xfr) {
		log_warn("out of memory for a zone transfer: closing its connection");
		return false;
	}
	conn_set_reading(c, false);
	return conn_xfr_pump(c);
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
	if (c->xfr && (!conn_xfr_pump(c) || (!c->xfr && !conn_frames(c)))) {
		conn_close(c);	/* failed, or a query that waited behind it */
		return;
	}
	if (conn_done(c)) {
		conn_close(c);
		return;
	}
	if (!c->xfr)
		conn_set_reading(c, true);
	conn_arm_timer(c);
}

void
tcp_deliver(void *ctx, const struct fwd_dest *d, const uint8_t *msg, size_t len)
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

static void
conn_forward(struct conn *c, const struct query_info *qi)
{
	struct worker *w = c->pool->w;
	struct fwd_dest dest;
	memset(&dest, 0, sizeof(dest));
	dest.tcp = true;
	memcpy(&dest.client, &c->peer, sizeof(c->peer));
	dest.client_len = sizeof(c->peer);
	dest.conn = c;
	dest.conn_gen = c->gen;
	dest.listener = c->listener;
	c->pending++;
	upstream_start(w->up, qi, qi->forward_zone ? qi->forward_zone->targets : NULL, &dest);
}

/* Answer one whole query from the input buffer; false closes the connection. */
static bool
conn_query(struct conn *c, const uint8_t *msg, size_t len)
{
	struct tcp_pool *p = c->pool;
	struct worker *w = p->w;
	struct query_info qi;
	size_t out_len = 0;
	struct query_client client = { &c->peer_addr, c->listener, true };
	enum query_action act = query_answer(&w->env, &client, msg, len, p->tx + 2,
		DNS_MAX_MESSAGE, &out_len, &qi);
	worker_account(w, (struct sockaddr *)&c->peer, true, c->listener, act, &qi, p->tx + 2,
		out_len);
	if (act == QUERY_SEND) {
		wire_put16(p->tx, (uint16_t)out_len);
		return conn_write(c, p->tx, out_len + 2);
	}
	if (act == QUERY_FORWARD) {
		conn_forward(c, &qi);
		return c->open;
	}
	if (act == QUERY_XFR)
		return conn_xfr_start(c, msg, len, &qi);
	verbose(VERB_QUERY, "closing a TCP connection after a query dnsd drops: %s",
		qi.why ? qi.why : "?");
	return false;
}

unsigned
tcp_pool_open(const struct tcp_pool *p)
{
	return p->n_open;
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
		if (c->xfr)
			break;	/* the rest waits until the transfer is sent */
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	return true;
}

/* The client is done sending (RFC 7766 §6.2.4): answer what it asked, then close. */
static void
conn_eof(struct conn *c)
{
	c->eof = true;
	event_del(&c->ev_read);
	c->reading = false;
	if (c->in_len || conn_done(c)) {
		conn_close(c);
		return;
	}
	conn_arm_timer(c);
}

static void
on_conn_read(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct worker *w = c->pool->w;
	(void)what;
	w->env.now_seconds = worker_now_seconds();
	ssize_t n = recv(fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	/* after the read: what came in after a swap sees the new snapshot */
	worker_sync_snapshot(w);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		conn_close(c);
		return;
	}
	if (n == 0) {
		conn_eof(c);
		return;
	}
	bool fresh = c->in_len == 0;
	c->in_len += (size_t)n;
	lru_touch(c->pool, c);
	size_t before = c->in_len;
	worker_batch_begin(w);
	bool ok = conn_frames(c);
	worker_batch_end(w);
	if (!ok) {
		conn_close(c);
		return;
	}
	/* a query's clock starts with its first byte, not the latest one */
	if (c->in_len && (fresh || c->in_len != before))
		c->frame_start = worker_now_ms();
	conn_arm_timer(c);
}

/* ---- timers ---- */

/* Idle connections close after --tcp-idle-timeout; a query that started
 * must arrive whole within TCP_FRAME_TIMEOUT (slow senders, RFC 7766 §6.2.3). */
static void
conn_arm_timer(struct conn *c)
{
	const struct options *o = c->pool->w->opt;
	uint64_t ms = (uint64_t)o->tcp_idle_timeout * 1000;
	if (c->xfr) {
		/* a transfer: closed when the client takes nothing for that long */
		struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };
		evtimer_add(&c->timer, &tv);
		return;
	}
	if (c->in_len) {
		uint64_t spent = worker_now_ms() - c->frame_start;
		uint64_t left = spent < TCP_FRAME_TIMEOUT * 1000 ? TCP_FRAME_TIMEOUT * 1000 - spent : 0;
		if (left < ms)
			ms = left;
	}
	if (c->pending) {
		/* every forward ends, with an answer or a SERVFAIL once its
		 * targets are tried, and re-arms the timer: however many targets
		 * a rule has, the connection waits (it used to close after 8
		 * targets' worth of timeouts) */
		evtimer_del(&c->timer);
		return;
	}
	if (c->out_len > c->out_off)
		ms += 1000;	/* a little longer for a client still reading */
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };
	evtimer_add(&c->timer, &tv);
}

static void
on_conn_timer(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	(void)fd;
	(void)what;
	verbose(VERB_DETAIL, "closing a TCP connection: %s", c->xfr ?
		"the client stopped reading a zone transfer" : c->in_len ? "query too slow" : "idle");
	conn_close(c);
}

static void
conn_close(struct conn *c)
{
	struct tcp_pool *p = c->pool;
	if (!c->open)
		return;
	event_del(&c->ev_read);
	event_del(&c->ev_write);
	evtimer_del(&c->timer);
	close(c->fd);
	xfr_stream_free(c->xfr);
	c->xfr = NULL;
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = c->out_cap = 0;
	c->open = false;
	c->gen++;
	lru_unlink(p, c);
	c->next = p->free_conns;
	p->free_conns = c;
	p->n_open--;
}

/* ---- accepting ---- */

/* While descriptors run short, each interval gets one line with the count
 * of connections closed in it; the first close of a shortage is told at once. */
static void
on_fd_summary(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_pool *p = arg;
	struct timeval tv = { FD_SUMMARY_SECONDS, 0 };
	(void)fd;
	(void)what;
	if (p->fd_closes == 0) {
		p->fd_summary_on = false;	/* the shortage is over */
		return;
	}
	log_warn("closed %llu TCP connection%s for lack of file descriptors in the last %d s",
		(unsigned long long)p->fd_closes, log_s(p->fd_closes), FD_SUMMARY_SECONDS);
	p->fd_closes = 0;
	evtimer_add(&p->fd_summary, &tv);
}

/* Out of descriptors: the longest idle connection makes room, else the
 * listening socket would wake us forever. */
static void
close_for_descriptor(struct tcp_pool *p)
{
	struct timeval tv = { FD_SUMMARY_SECONDS, 0 };
	p->w->stats.tcp_fd_closes++;
	if (p->fd_summary_on) {
		p->fd_closes++;
	} else {
		log_warn("out of file descriptors: closing the longest idle TCP connection "
			"for a new one (further closes are counted every %d s)", FD_SUMMARY_SECONDS);
		p->fd_summary_on = true;
		evtimer_add(&p->fd_summary, &tv);
	}
	conn_close(p->lru_tail);
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
	evtimer_add(&ts->resume, &tv);
}

static void
conn_open(struct tcp_pool *p, struct conn *c, int fd, int listener,
	const struct sockaddr_storage *peer, socklen_t plen)
{
	struct worker *w = p->w;
	p->free_conns = c->next;
	c->next = c->prev = NULL;
	c->fd = fd;
	c->listener = listener;
	c->open = true;
	c->eof = false;
	c->reading = true;
	c->in_lru = false;
	c->in_len = 0;
	c->pending = 0;
	memcpy(&c->peer, peer, plen);
	netaddr_from_sockaddr((const struct sockaddr *)peer, &c->peer_addr);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	event_assign(&c->ev_read, w->base, fd, EV_READ | EV_PERSIST, on_conn_read, c);
	event_assign(&c->ev_write, w->base, fd, EV_WRITE | EV_PERSIST, on_conn_write, c);
	evtimer_assign(&c->timer, w->base, on_conn_timer, c);
	event_add(&c->ev_read, NULL);
	p->n_open++;
	w->stats.tcp_accepted++;
	lru_touch(p, c);
	conn_arm_timer(c);
}

static void
on_accept(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_socket *ts = arg;
	struct tcp_pool *p = ts->w->tcp_pool;
	(void)what;
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int cfd = accept4(fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0 && (errno == EMFILE || errno == ENFILE) && p->lru_tail) {
			close_for_descriptor(p);
			continue;
		}
		if (cfd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				accept_pause(ts);
			return;
		}
		if (!p->free_conns && p->lru_tail) {
			/* full: the longest idle connection makes room (RFC 7766 §6.2.3) */
			verbose(VERB_DETAIL, "TCP connection limit: closing the longest idle one");
			conn_close(p->lru_tail);
		}
		if (!p->free_conns) {
			close(cfd);
			continue;
		}
		conn_open(p, p->free_conns, cfd, ts->listener, &peer, plen);
	}
}

struct tcp_socket *
tcp_socket_start(struct worker *w, int fd, int listener)
{
	struct tcp_socket *ts = calloc(1, sizeof(*ts));
	if (!ts) {
		close(fd);
		return NULL;
	}
	ts->w = w;
	ts->fd = fd;
	ts->listener = listener;
	event_assign(&ts->ev, w->base, fd, EV_READ | EV_PERSIST, on_accept, ts);
	evtimer_assign(&ts->resume, w->base, on_accept_resume, ts);
	event_add(&ts->ev, NULL);
	return ts;
}

void
tcp_socket_stop(struct tcp_socket *ts)
{
	if (!ts)
		return;
	event_del(&ts->ev);
	evtimer_del(&ts->resume);
	close(ts->fd);
	free(ts);
}
