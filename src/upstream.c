/* SPDX-License-Identifier: BSD-3-Clause */
/* src/upstream.c - send forwarded queries to upstream resolvers and bring the answers back (libevent). */
#include "config.h"
#include "upstream.h"

#include "cache.h"
#include "log.h"
#include "wire.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_WAITERS 1024	/* clients waiting on another's identical query */
#define PENDING_BUCKETS 1024

/* A client whose query is already out for another client: it gets the
 * same answer (RFC 5452 §5: one upstream query, not one per client). */
struct waiter {
	struct waiter *next;
	struct fwd_question fq;
	struct fwd_dest dest;
};

/* One query out to an upstream, from a fixed pool: nothing is allocated
 * per forward, and the pool bounds what dnsd keeps in flight. */
struct pending {
	struct upstream *u;
	struct pending *next_free;
	struct pending *hnext;		/* in-flight queries by key */
	uint32_t key_hash;
	uint32_t targets_hash;
	bool in_use;
	struct fwd_question fq;
	struct fwd_dest dest;
	struct waiter *waiters;
	struct fwd_targets targets;
	unsigned target;
	uint16_t id;
	int fd;
	bool tcp;
	bool tcp_connected;
	struct event ev;
	struct event timer;
	uint8_t query[DNAME_MAX + 64];
	size_t query_len;
	size_t tcp_sent;
	uint8_t *tcp_buf;	/* TCP reply, allocated for the rare TCP retry */
	size_t tcp_got;
};

struct upstream {
	struct event_base *base;
	struct upstream_config cfg;
	struct fwd_targets defaults;
	struct query_env *env;
	upstream_deliver_fn deliver;
	void *ctx;
	struct pending *pool;
	struct pending *free_list;
	struct pending *by_key[PENDING_BUCKETS];
	struct waiter waiter_pool[MAX_WAITERS];
	struct waiter *free_waiters;
	struct cache *cache;
	struct upstream_stats stats;
	uint8_t rx[DNS_MAX_MESSAGE];
	uint8_t tx[DNS_MAX_MESSAGE];
	uint8_t stripped[DNS_MAX_MESSAGE];
};

static void attempt(struct pending *p);

struct upstream *
upstream_create(struct event_base *base, const struct upstream_config *cfg,
	struct query_env *env, upstream_deliver_fn deliver, void *ctx)
{
	struct upstream *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->base = base;
	u->cfg = *cfg;
	if (cfg->defaults)
		u->defaults = *cfg->defaults;
	u->env = env;
	u->deliver = deliver;
	u->ctx = ctx;
	u->pool = calloc(cfg->max_pending, sizeof(*u->pool));
	u->cache = cache_create(cfg->cache_bytes);
	if (!u->pool || !u->cache) {
		cache_free(u->cache);
		free(u->pool);
		free(u);
		return NULL;
	}
	for (unsigned i = 0; i < MAX_WAITERS; i++) {
		u->waiter_pool[i].next = u->free_waiters;
		u->free_waiters = &u->waiter_pool[i];
	}
	for (unsigned i = cfg->max_pending; i-- > 0;) {
		u->pool[i].u = u;
		u->pool[i].fd = -1;
		u->pool[i].next_free = u->free_list;
		u->free_list = &u->pool[i];
	}
	return u;
}

static void
release_socket(struct pending *p)
{
	if (p->fd >= 0) {
		event_del(&p->ev);
		close(p->fd);
		p->fd = -1;
	}
	evtimer_del(&p->timer);
}

static void
finish(struct pending *p)
{
	struct upstream *u = p->u;
	release_socket(p);
	free(p->tcp_buf);
	p->tcp_buf = NULL;
	p->in_use = false;
	struct pending **pp = &u->by_key[p->key_hash % PENDING_BUCKETS];
	while (*pp && *pp != p)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = p->hnext;
	while (p->waiters) {
		struct waiter *w = p->waiters;
		p->waiters = w->next;
		w->next = u->free_waiters;
		u->free_waiters = w;
	}
	p->next_free = u->free_list;
	u->free_list = p;
}

void
upstream_free(struct upstream *u)
{
	if (!u)
		return;
	for (unsigned i = 0; i < u->cfg.max_pending; i++)
		if (u->pool[i].in_use)
			finish(&u->pool[i]);
	free(u->pool);
	cache_free(u->cache);
	free(u);
}

const struct upstream_stats *
upstream_stats(const struct upstream *u)
{
	return &u->stats;
}

bool
upstream_send_udp(const struct fwd_dest *d, const uint8_t *msg, size_t len)
{
	struct iovec iov = { (void *)msg, len };
	struct msghdr mh = { 0 };
	union {
		char v4[CMSG_SPACE(sizeof(struct in_pktinfo))];
		char v6[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	mh.msg_name = (void *)&d->client;
	mh.msg_namelen = d->client_len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (d->has_local) {
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = &cbuf;
		struct cmsghdr *c;
		if (d->local.family == AF_INET) {
			mh.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo));
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
			struct in_pktinfo pi = { 0 };
			memcpy(&pi.ipi_spec_dst, d->local.bytes, 4);
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		} else {
			mh.msg_controllen = CMSG_SPACE(sizeof(struct in6_pktinfo));
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
			struct in6_pktinfo pi = { 0 };
			memcpy(&pi.ipi6_addr, d->local.bytes, 16);
			pi.ipi6_ifindex = (unsigned)d->ifindex;
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
	}
	return sendmsg(d->udp_fd, &mh, 0) >= 0;
}

static void
deliver_to(struct upstream *u, const struct fwd_dest *d, const uint8_t *msg, size_t len)
{
	if (!len)
		return;
	if (d->tcp)
		u->deliver(u->ctx, d, msg, len);
	else if (!upstream_send_udp(d, msg, len))
		verbose(VERB_DETAIL, "cannot send a forwarded answer: %s", strerror(errno));
}

/* The answer (NULL: SERVFAIL) for one client, in its own terms: its ID,
 * question case, EDNS and size limit; cached TTLs counted down. */
static void
answer_client(struct upstream *u, const struct fwd_question *fq, const struct fwd_dest *d,
	const uint8_t *msg, size_t len, const void *cached, uint64_t now)
{
	size_t out;
	if (msg) {
		out = forward_make_reply(u->env, fq, msg, len, d->tcp, u->tx, sizeof(u->tx));
		if (out && cached)
			cache_age_ttls(cached, u->tx, out, now);
	} else {
		out = query_reply_empty(u->env, &fq->qi, DNS_RCODE_SERVFAIL, false, u->tx,
			sizeof(u->tx));
	}
	deliver_to(u, d, u->tx, out);
	if (out && u->cfg.answered)
		u->cfg.answered(u->ctx, &fq->qi, d, u->tx, out, cached != NULL);
}

/* Answer the client and everyone who waits on the same query. */
static void
complete(struct pending *p, const uint8_t *msg, size_t len)
{
	struct upstream *u = p->u;
	answer_client(u, &p->fq, &p->dest, msg, len, NULL, 0);
	for (struct waiter *w = p->waiters; w; w = w->next)
		answer_client(u, &w->fq, &w->dest, msg, len, NULL, 0);
	finish(p);
}

static void
fail_servfail(struct pending *p)
{
	p->u->stats.servfail++;
	complete(p, NULL, 0);
}

static void
next_target(struct pending *p)
{
	release_socket(p);
	p->target++;
	p->tcp = false;
	attempt(p);
}

/* The cache's clock: whole seconds would expire an entry up to 1 s early. */
static uint64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
key_of(const struct fwd_question *fq, uint32_t targets, struct cache_key *k)
{
	k->targets = targets;
	k->qtype = fq->qi.qtype;
	k->qclass = fq->qi.qclass;
	k->do_bit = fq->qi.do_bit;
	k->cd_bit = (fq->qi.flags & DNS_FLAG_CD) != 0;
	k->qname_len = (uint8_t)fq->qi.qname_len;
	k->qname = fq->qi.lname;
}

/* A usable answer: keep it, rewrite it for each client and send it. */
static void
accept_reply(struct pending *p, const uint8_t *msg, size_t len)
{
	struct upstream *u = p->u;
	size_t slen = forward_strip_opt(msg, len, u->stripped);
	if (!slen) {
		next_target(p);
		return;
	}
	u->stats.answered++;
	struct cache_key k;
	key_of(&p->fq, p->targets_hash, &k);
	cache_store(u->cache, &k, u->stripped, slen, now_ms());
	complete(p, u->stripped, slen);
}

static void
judge(struct pending *p, const uint8_t *msg, size_t len)
{
	switch (forward_check_reply(&p->fq, p->id, msg, len)) {
	case FWD_ACCEPT:
		accept_reply(p, msg, len);
		return;
	case FWD_TRUNCATED:
		if (p->tcp) {
			next_target(p);
			return;
		}
		p->u->stats.tcp_retries++;
		release_socket(p);
		p->tcp = true;
		attempt(p);
		return;
	case FWD_FAIL:
		next_target(p);
		return;
	case FWD_IGNORE:
		p->u->stats.unwanted++;
		verbose(VERB_DETAIL, "ignored an upstream reply that does not match the query");
		return;
	}
}

static void
on_udp(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	struct upstream *u = p->u;
	(void)what;
	for (int i = 0; i < 16 && p->in_use && p->fd == fd; i++) {
		ssize_t n = recv(fd, u->rx, sizeof(u->rx), 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			/* ICMP unreachable on the connected socket: no one there */
			next_target(p);
			return;
		}
		judge(p, u->rx, (size_t)n);
	}
}

static void
on_tcp(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	(void)what;
	if (p->tcp_sent < p->query_len + 2) {
		uint8_t len2[2];
		wire_put16(len2, (uint16_t)p->query_len);
		struct iovec iov[2] = { { len2, 2 }, { p->query, p->query_len } };
		size_t skip = p->tcp_sent;
		int idx = 0;
		if (skip >= 2) {
			idx = 1;
			iov[1].iov_base = p->query + (skip - 2);
			iov[1].iov_len = p->query_len - (skip - 2);
		} else {
			iov[0].iov_base = len2 + skip;
			iov[0].iov_len = 2 - skip;
		}
		ssize_t n = writev(fd, iov + idx, 2 - idx);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				next_target(p);
			return;
		}
		p->tcp_sent += (size_t)n;
		if (p->tcp_sent == p->query_len + 2) {
			event_del(&p->ev);
			event_assign(&p->ev, p->u->base, fd, EV_READ | EV_PERSIST, on_tcp, p);
			event_add(&p->ev, NULL);
		}
		return;
	}
	if (!p->tcp_buf && !(p->tcp_buf = malloc(2 + DNS_MAX_MESSAGE))) {
		next_target(p);
		return;
	}
	ssize_t n = read(fd, p->tcp_buf + p->tcp_got, 2 + DNS_MAX_MESSAGE - p->tcp_got);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		next_target(p);
		return;
	}
	p->tcp_got += (size_t)n;
	if (p->tcp_got < 2)
		return;
	size_t want = wire_get16(p->tcp_buf);
	if (p->tcp_got < 2 + want)
		return;
	enum fwd_verdict v = forward_check_reply(&p->fq, p->id, p->tcp_buf + 2, want);
	if (v == FWD_ACCEPT)
		accept_reply(p, p->tcp_buf + 2, want);
	else
		next_target(p);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	(void)fd;
	(void)what;
	p->u->stats.timeouts++;
	verbose(VERB_DETAIL, "upstream %u timed out", p->target);
	next_target(p);
}

static int
open_socket(struct pending *p, const struct sockaddr *to, socklen_t to_len)
{
	int type = p->tcp ? SOCK_STREAM : SOCK_DGRAM;
	int fd = socket(to->sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (p->targets.has_source && p->targets.source.ss_family == to->sa_family &&
	    bind(fd, (struct sockaddr *)&p->targets.source, p->targets.source_len) < 0) {
		close(fd);
		return -1;
	}
	/* connect: the kernel picks a random source port and drops datagrams
	 * from any other address (RFC 5452 §9.1) */
	if (connect(fd, to, to_len) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
attempt(struct pending *p)
{
	struct upstream *u = p->u;
	while (p->target < p->targets.n) {
		const struct sockaddr *to = (const struct sockaddr *)&p->targets.addr[p->target];
		p->id = (uint16_t)forward_random32();
		p->query_len = forward_make_query(&p->fq, p->id, u->cfg.edns_size, p->query,
			sizeof(p->query));
		p->fd = open_socket(p, to, p->targets.len[p->target]);
		if (p->fd >= 0 && p->query_len) {
			struct timeval tv = { u->cfg.timeout_ms / 1000, (u->cfg.timeout_ms % 1000) * 1000 };
			evtimer_assign(&p->timer, u->base, on_timeout, p);
			evtimer_add(&p->timer, &tv);
			if (p->tcp) {
				p->tcp_sent = 0;
				p->tcp_got = 0;
				event_assign(&p->ev, u->base, p->fd, EV_WRITE | EV_PERSIST, on_tcp, p);
				event_add(&p->ev, NULL);
				return;
			}
			if (send(p->fd, p->query, p->query_len, 0) == (ssize_t)p->query_len) {
				event_assign(&p->ev, u->base, p->fd, EV_READ | EV_PERSIST, on_udp, p);
				event_add(&p->ev, NULL);
				return;
			}
			evtimer_del(&p->timer);
		}
		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
		p->target++;
		p->tcp = false;
	}
	fail_servfail(p);
}

static uint32_t
targets_hash(const struct fwd_targets *t)
{
	uint32_t h = 2166136261u;
	for (unsigned i = 0; i < t->n; i++) {
		const uint8_t *b = (const uint8_t *)&t->addr[i];
		for (socklen_t k = 0; k < t->len[i]; k++)
			h = (h ^ b[k]) * 16777619u;
	}
	return h;
}

static uint32_t
pending_hash(const struct cache_key *k)
{
	return dname_hash(k->qname) ^ k->targets ^ ((uint32_t)k->qtype << 8) ^ k->qclass ^
		(k->do_bit ? 0x100000u : 0) ^ (k->cd_bit ? 0x200000u : 0);
}

/* An identical query already out: wait for its answer instead. */
static bool
join_pending(struct upstream *u, const struct query_info *qi, const struct cache_key *k,
	uint32_t h, const struct fwd_dest *dest)
{
	for (struct pending *p = u->by_key[h % PENDING_BUCKETS]; p; p = p->hnext) {
		struct cache_key pk;
		key_of(&p->fq, p->targets_hash, &pk);
		if (p->key_hash != h || pk.targets != k->targets || pk.qtype != k->qtype ||
		    pk.qclass != k->qclass || pk.do_bit != k->do_bit || pk.cd_bit != k->cd_bit ||
		    !dname_equal(pk.qname, pk.qname_len, k->qname, k->qname_len))
			continue;
		struct waiter *w = u->free_waiters;
		if (!w)
			return false;
		u->free_waiters = w->next;
		forward_keep(&w->fq, qi);
		w->dest = *dest;
		w->next = p->waiters;
		p->waiters = w;
		u->stats.joined++;
		return true;
	}
	return false;
}

void
upstream_start(struct upstream *u, const struct query_info *qi,
	const struct fwd_targets *targets, const struct fwd_dest *dest)
{
	const struct fwd_targets *t = targets ? targets : &u->defaults;
	struct fwd_question fq;
	struct cache_key k;
	const uint8_t *msg;
	size_t len;
	uint64_t now = now_ms();

	u->stats.started++;
	forward_keep(&fq, qi);
	uint32_t th = targets_hash(t);
	key_of(&fq, th, &k);
	const void *hit = cache_lookup(u->cache, &k, now, &msg, &len);
	if (hit) {
		u->stats.cache_hits++;
		answer_client(u, &fq, dest, msg, len, hit, now);
		return;
	}
	uint32_t h = pending_hash(&k);
	if (join_pending(u, qi, &k, h, dest))
		return;
	struct pending *p = u->free_list;
	if (!p) {
		/* too much in flight: answer at once rather than queue */
		u->stats.servfail++;
		answer_client(u, &fq, dest, NULL, 0, NULL, 0);
		return;
	}
	u->free_list = p->next_free;
	p->in_use = true;
	p->fq = fq;
	p->fq.qi.question = p->fq.buf;
	p->dest = *dest;
	p->targets = *t;
	p->targets_hash = th;
	p->key_hash = h;
	p->hnext = u->by_key[h % PENDING_BUCKETS];
	u->by_key[h % PENDING_BUCKETS] = p;
	p->waiters = NULL;
	p->target = 0;
	p->tcp = false;
	p->fd = -1;
	p->tcp_got = 0;
	evtimer_assign(&p->timer, u->base, on_timeout, p);
	attempt(p);
}
