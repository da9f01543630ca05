/* SPDX-License-Identifier: BSD-3-Clause */
/* src/upstream.c - send forwarded queries to upstream resolvers and bring the answers back (libevent). */
#include "config.h"
#include "upstream.h"

#include "cache.h"
#include "dns64.h"
#include "firewall.h"
#include "log.h"
#include "scrub.h"
#include "snapshot.h"
#include "stats.h"
#include "wire.h"

#include <errno.h>
#include <stdio.h>
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
#define CAPS_OFF_MS (15 * 60 * 1000)	/* 0x20 off this long (Unbound keeps host data 900 s) */
#define PORT_TRIES 8		/* random source ports tried before the kernel picks */

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
	const struct fwd_targets *targets;	/* in snap, or the defaults */
	struct snapshot *snap;	/* held while the query is out: its rule and targets */
	unsigned target;
	uint16_t id;
	int fd;
	bool tcp;
	bool caps;		/* the name went out with 0x20 case */
	bool case_mismatch;	/* a reply came back in another case */
	bool caps_retry;	/* asking this target again without it */
	uint8_t sent[DNAME_MAX];	/* the query name as sent */
	struct event ev;
	struct event timer;
	uint8_t query[DNAME_MAX + 64];
	size_t query_len;
	size_t tcp_sent;
	uint8_t *tcp_buf;	/* TCP reply, allocated for the rare TCP retry */
	size_t tcp_got;
	uint64_t sent_us;	/* when this try went out (latency) */
};

struct upstream {
	struct event_base *base;
	struct upstream_config cfg;
	struct fwd_targets defaults;	/* a copy, with its own arrays */
	struct query_env *env;
	upstream_deliver_fn deliver;
	void *ctx;
	struct pending *pool;
	struct pending *free_list;
	struct pending *by_key[PENDING_BUCKETS];
	struct waiter waiter_pool[MAX_WAITERS];
	struct waiter *free_waiters;
	struct cache *cache;
	struct scrub *scrub;
	struct upstream_stats stats;
	struct stats_target *targets;	/* per target, open addressing by address */
	unsigned target_mask, n_targets;
	struct stats_target other;	/* targets past UPSTREAM_MAX_TARGETS */
	struct fwd_recent ids, ports;	/* lately drawn: not drawn again soon */
	uint16_t port_lo, port_hi;
	struct fwd_caps_memory no_caps;	/* upstreams that lose the case */
	uint8_t rx[DNS_MAX_MESSAGE];
	uint8_t tx[DNS_MAX_MESSAGE];
	uint8_t scrubbed[DNS_MAX_MESSAGE];	/* what the cache keeps */
	uint8_t aged[DNS_MAX_MESSAGE];		/* a cached reply, TTLs counted down */
	uint8_t viewed[DNS_MAX_MESSAGE];	/* without what the client's view serves */
	uint8_t local[DNS_MAX_MESSAGE];		/* dnsd's own reply for a chain's last name */
	uint8_t chased[DNS_MAX_MESSAGE];	/* a chain joined with that reply */
};

static void attempt(struct pending *p);
static void move_on(struct pending *p);

/* The kernel's ephemeral range: source ports are drawn from it, so they
 * stay clear of ports services are configured on. */
static void
port_range(struct upstream *u)
{
	unsigned lo = 32768, hi = 60999;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	if (f) {
		unsigned a, b;
		if (fscanf(f, "%u %u", &a, &b) == 2 && a >= 1024 && a < b && b <= 65535) {
			lo = a;
			hi = b;
		}
		fclose(f);
	}
	u->port_lo = (uint16_t)lo;
	u->port_hi = (uint16_t)hi;
}

static bool
copy_defaults(struct upstream *u, const struct fwd_targets *t)
{
	if (!t || t->n == 0)
		return true;
	u->defaults = *t;
	u->defaults.addr = calloc(t->n, sizeof(*t->addr));
	u->defaults.len = calloc(t->n, sizeof(*t->len));
	if (!u->defaults.addr || !u->defaults.len)
		return false;
	memcpy(u->defaults.addr, t->addr, t->n * sizeof(*t->addr));
	memcpy(u->defaults.len, t->len, t->n * sizeof(*t->len));
	return true;
}

struct upstream *
upstream_create(struct event_base *base, const struct upstream_config *cfg,
	struct query_env *env, upstream_deliver_fn deliver, void *ctx)
{
	struct upstream *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->base = base;
	u->cfg = *cfg;
	u->env = env;
	u->deliver = deliver;
	u->ctx = ctx;
	port_range(u);
	u->pool = calloc(cfg->max_pending, sizeof(*u->pool));
	u->cache = cache_create(cfg->cache_bytes);
	u->scrub = scrub_create();
	if (!copy_defaults(u, cfg->defaults) || !u->pool || !u->cache || !u->scrub) {
		upstream_free(u);
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
	snapshot_unref(p->snap);
	p->snap = NULL;
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
	for (unsigned i = 0; u->pool && i < u->cfg.max_pending; i++)
		if (u->pool[i].in_use)
			finish(&u->pool[i]);
	free(u->pool);
	free(u->targets);
	cache_free(u->cache);
	scrub_free(u->scrub);
	free(u->defaults.addr);
	free(u->defaults.len);
	free(u);
}

const struct upstream_stats *
upstream_stats(const struct upstream *u)
{
	return &u->stats;
}

const struct cache_stats *
upstream_cache_stats(const struct upstream *u)
{
	return cache_stats(u->cache);
}

size_t
upstream_flush(struct upstream *u, const uint8_t *qname, size_t len)
{
	return cache_flush(u->cache, qname, len);
}

void
upstream_each_target(const struct upstream *u, void (*fn)(void *ctx,
	const struct stats_target *t), void *ctx)
{
	for (unsigned i = 0; u->targets && i <= u->target_mask; i++)
		if (u->targets[i].len)
			fn(ctx, &u->targets[i]);
	uint64_t other = u->other.timeouts + u->other.errors;
	for (unsigned b = 0; b < STATS_N_BUCKETS; b++)
		other += u->other.buckets[b];
	if (other)
		fn(ctx, &u->other);
}

/* ---- counters per target ---- */

static uint32_t
target_hash(const struct sockaddr_storage *a, socklen_t len)
{
	const uint8_t *b = (const uint8_t *)a;
	size_t off = a->ss_family == AF_INET ? offsetof(struct sockaddr_in, sin_port) :
		offsetof(struct sockaddr_in6, sin6_port);
	size_t end = a->ss_family == AF_INET ? offsetof(struct sockaddr_in, sin_zero) :
		offsetof(struct sockaddr_in6, sin6_scope_id);
	uint32_t h = 2166136261u ^ a->ss_family;
	for (size_t i = off; i < end && i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h ^ (h >> 15);
}

static bool
targets_grow(struct upstream *u)
{
	unsigned cap = u->targets ? (u->target_mask + 1) * 2 : 16;
	struct stats_target *t = calloc(cap, sizeof(*t));
	if (!t)
		return false;
	for (unsigned i = 0; u->targets && i <= u->target_mask; i++) {
		if (!u->targets[i].len)
			continue;
		unsigned k = target_hash(&u->targets[i].addr, u->targets[i].len) & (cap - 1);
		while (t[k].len)
			k = (k + 1) & (cap - 1);
		t[k] = u->targets[i];
	}
	free(u->targets);
	u->targets = t;
	u->target_mask = cap - 1;
	return true;
}

/* The counters of the target a query is at (allocated the first time a
 * target is seen: on the forwarding path, not the answer path). */
static struct stats_target *
target_stats(struct upstream *u, const struct pending *p)
{
	const struct sockaddr_storage *a = &p->targets->addr[p->target];
	socklen_t len = p->targets->len[p->target];
	for (int pass = 0; pass < 2; pass++) {
		if (u->targets) {
			unsigned k = target_hash(a, len) & u->target_mask;
			for (; u->targets[k].len; k = (k + 1) & u->target_mask)
				if (netaddr_sockaddr_equal((const struct sockaddr *)&u->targets[k].addr,
					    (const struct sockaddr *)a))
					return &u->targets[k];
			if (u->n_targets < UPSTREAM_MAX_TARGETS &&
			    2 * (u->n_targets + 1) <= u->target_mask + 1) {
				memcpy(&u->targets[k].addr, a, len);
				u->targets[k].len = len;
				u->n_targets++;
				return &u->targets[k];
			}
		}
		if (u->n_targets >= UPSTREAM_MAX_TARGETS || !targets_grow(u))
			break;
	}
	return &u->other;
}

static uint64_t
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void
target_answered(struct pending *p)
{
	struct stats_target *t = target_stats(p->u, p);
	uint64_t us = now_us() - p->sent_us;
	t->buckets[stats_bucket_index(us)]++;
	t->sum_us += us;
}

static void
target_failed(struct pending *p, bool timeout)
{
	if (p->target >= p->targets->n)
		return;
	struct stats_target *t = target_stats(p->u, p);
	if (timeout) {
		t->timeouts++;
	} else {
		t->errors++;
		p->u->stats.errors++;
	}
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

/* The zone a query was forwarded for: the rule's domain, or the root
 * for the default upstreams. It bounds what the reply may say. */
static const uint8_t *
bailiwick(const struct fwd_question *fq, size_t *len)
{
	const struct zone *z = fq->qi.forward_zone;
	*len = z ? z->apex_len : 1;
	return z ? z->apex : (const uint8_t *)"";
}

static void
scrub_query_of(const struct fwd_question *fq, const struct fwd_question *zone_from,
	struct scrub_query *q)
{
	memset(q, 0, sizeof(*q));
	q->qname = fq->qi.lname;
	q->qname_len = fq->qi.qname_len;
	q->qtype = fq->qi.qtype;
	q->qclass = fq->qi.qclass;
	q->zone = bailiwick(zone_from, &q->zone_len);
}

/* A reply as one client's view may see it: nothing owned by a name dnsd
 * serves in that view (a forged private name). NULL: nothing usable.
 * snap: the snapshot the client's view number belongs to. */
static const uint8_t *
for_view(struct upstream *u, const struct snapshot *snap, const struct fwd_question *fq,
	const struct fwd_question *zone_from, const uint8_t *msg, size_t *len)
{
	struct scrub_view v = { snap, fq->qi.view };
	struct scrub_query q;
	unsigned removed = 0;
	scrub_query_of(fq, zone_from, &q);
	q.served = scrub_served_in_view;
	q.served_ctx = &v;
	if (!scrub_mentions_served(&q, msg, *len))
		return msg;
	*len = scrub_reply(u->scrub, &q, msg, *len, u->viewed, sizeof(u->viewed), &removed);
	u->stats.scrubbed += removed;
	verbose(VERB_QUERY, "left out %u records an upstream sent for names dnsd serves",
		removed);
	return *len ? u->viewed : NULL;
}

/*
 * A chain the scrubber cut at a name dnsd serves goes on in dnsd's own
 * data, in the client's view, as the VPC resolver resolves a CNAME's
 * target with the VPC's private zones (RFC 1034 §4.3.2): a public name
 * that is a CNAME to an endpoint's private name gets the endpoint's
 * addresses. On another snapshot than the client's view number's, or when
 * it does not fit, the chain stays as it is.
 */
static const uint8_t *
chase_served(struct upstream *u, const struct snapshot *snap, const struct fwd_question *fq,
	const uint8_t *msg, size_t *len)
{
	uint8_t end[DNAME_MAX];
	struct scrub_view v = { snap, fq->qi.view };
	size_t elen = snap == u->env->snap ? scrub_chain_end(msg, *len, end) : 0;
	if (!elen || !scrub_served_in_view(&v, end, elen))
		return msg;
	size_t llen = query_reply_for_name(u->env, fq->qi.view, fq->qi.dns64, end, elen,
		fq->qi.qtype, u->local, sizeof(u->local));
	size_t n = llen ? scrub_splice(u->scrub, msg, *len, u->local, llen, u->chased,
		sizeof(u->chased)) : 0;
	if (!n)
		return msg;
	u->stats.chased++;
	*len = n;
	return u->chased;
}

/*
 * DNS64 for a forwarded name (RFC 6147 §5.1.1; VPC User Guide, "DNS64 and
 * NAT64"): the AAAA answer a DNS64 client gets holds no address, so the
 * same name is asked for A, for this client, and its answer is rewritten
 * into AAAA records in 64:ff9b::/96 (dns64_to_client). True when that
 * query is under way (the client is answered then).
 */
static bool
dns64_ask_a(struct upstream *u, const struct snapshot *snap, const struct fwd_question *fq,
	const struct fwd_dest *d, const uint8_t *msg, size_t len)
{
	uint32_t neg_ttl;
	if (!fq->qi.dns64 || fq->qi.dns64_a || snap != u->env->snap ||
	    !dns64_wanted(msg, len, &neg_ttl))
		return false;
	struct query_info qi = fq->qi;
	qi.qtype = DNS_TYPE_A;	/* the client's question (AAAA) stays in qi.question */
	qi.dns64_a = true;
	qi.dns64_ttl = neg_ttl;
	u->stats.dns64++;
	upstream_start(u, &qi, qi.forward_zone ? qi.forward_zone->targets : NULL, d);
	return true;
}

/* The client's reply to an A query made for DNS64, its A records made
 * AAAA records: the length, or a TC=1 reply's when it would not fit. */
static size_t
dns64_to_client(struct upstream *u, const struct fwd_question *fq, bool tcp, size_t len)
{
	const struct query_info *qi = &fq->qi;
	size_t opt = qi->edns ? 11 : 0, limit = query_reply_limit(u->env, qi, tcp);
	if (limit > sizeof(u->tx))
		limit = sizeof(u->tx);
	size_t n = dns64_synthesize(u->tx, len - opt, limit - opt, qi->dns64_ttl);
	if (n == DNS64_TOO_BIG)
		return query_reply_empty(u->env, qi, DNS_RCODE_NOERROR, true, u->tx, sizeof(u->tx));
	if (!n)
		return len;	/* no A record either: NODATA or NXDOMAIN as it is */
	if (qi->edns) {
		wire_put16(u->tx + 10, 1);
		n += query_put_opt(u->env, qi, u->tx + n, 0);
	}
	return n;
}

/* The answer (NULL: SERVFAIL) for one client, in its own terms: its ID,
 * question case, EDNS and size limit, its view; cached TTLs counted down. */
static void
answer_client(struct upstream *u, const struct snapshot *snap, const struct fwd_question *fq,
	const struct fwd_question *zone_from, const struct fwd_dest *d, const uint8_t *msg,
	size_t len, const void *cached, uint64_t now)
{
	size_t out = 0;
	if (msg && cached) {
		memcpy(u->aged, msg, len);
		cache_age_ttls(cached, u->aged, len, now);
		msg = u->aged;
	}
	if (msg)
		msg = for_view(u, snap, fq, zone_from, msg, &len);
	if (msg)
		msg = chase_served(u, snap, fq, msg, &len);
	const struct query_info *qi = &fq->qi;
	struct query_info qi_fw;
	if (msg && dns64_ask_a(u, snap, fq, d, msg, len))
		return;
	if (msg) {
		out = forward_make_reply(u->env, fq, msg, len, d->tcp, u->tx, sizeof(u->tx));
		if (out && fq->qi.dns64_a && !(wire_flags(u->tx) & DNS_FLAG_TC))
			out = dns64_to_client(u, fq, d->tcp, out);
		/* DNS Firewall: the names the reply's chain leads to, per client */
		if (out && fq->qi.fw_chain && firewall_forwarded(u->env, snap, &fq->qi, &qi_fw,
			    d->tcp, u->tx, sizeof(u->tx), &out))
			qi = &qi_fw;
	} else {
		out = query_reply_empty(u->env, &fq->qi, DNS_RCODE_SERVFAIL, false, u->tx,
			sizeof(u->tx));
	}
	deliver_to(u, d, u->tx, out);
	if (out && u->cfg.answered)
		u->cfg.answered(u->ctx, snap, qi, d, u->tx, out, cached != NULL);
}

/* Answer the client and everyone who waits on the same query. */
static void
complete(struct pending *p, const uint8_t *msg, size_t len)
{
	struct upstream *u = p->u;
	answer_client(u, p->snap, &p->fq, &p->fq, &p->dest, msg, len, NULL, 0);
	for (struct waiter *w = p->waiters; w; w = w->next)
		answer_client(u, p->snap, &w->fq, &p->fq, &w->dest, msg, len, NULL, 0);
	finish(p);
}

static void
next_target(struct pending *p)
{
	target_failed(p, false);
	move_on(p);
}

static void
fail_servfail(struct pending *p)
{
	p->u->stats.servfail++;
	complete(p, NULL, 0);
}

/* This target failed (unreachable, an unusable reply): the next one. */
static void
move_on(struct pending *p)
{
	release_socket(p);
	p->target++;
	p->tcp = false;
	p->caps_retry = false;
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

/* A usable answer: scrub it, keep it, rewrite it for each client and send it. */
static void
accept_reply(struct pending *p, const uint8_t *msg, size_t len)
{
	struct upstream *u = p->u;
	struct scrub_query q;
	unsigned removed = 0;
	scrub_query_of(&p->fq, &p->fq, &q);
	size_t slen = scrub_reply(u->scrub, &q, msg, len, u->scrubbed, sizeof(u->scrubbed),
		&removed);
	if (!slen) {
		verbose(VERB_QUERY, "upstream %u: a reply dnsd cannot use (a DNAME step too long, "
			"or too large once rewritten)", p->target);
		next_target(p);
		return;
	}
	if (removed) {
		u->stats.scrubbed += removed;
		verbose(VERB_QUERY, "left out %u records of an upstream reply (not on the chain "
			"from the question, or outside the zone forwarded)", removed);
	}
	u->stats.answered++;
	target_answered(p);
	struct cache_key k;
	key_of(&p->fq, p->targets_hash, &k);
	cache_store(u->cache, &k, u->scrubbed, slen, now_ms());
	complete(p, u->scrubbed, slen);
}

/* Asked again without 0x20, the upstream answered: it loses the case,
 * so it is asked without 0x20 for a while (as Unbound's caps fallback). */
static void
caps_remember(struct upstream *u, const struct pending *p)
{
	const struct sockaddr_storage *a = &p->targets->addr[p->target];
	char text[80];
	forward_caps_remember(&u->no_caps, a, p->targets->len[p->target], now_ms() + CAPS_OFF_MS);
	u->stats.caps_fallbacks++;
	log_warn("upstream %s does not echo the letter case of query names (0x20); asking it "
		"without for %d minutes", netaddr_sockaddr_str((const struct sockaddr *)a, text,
		sizeof(text)), CAPS_OFF_MS / 60000);
}

/* The same upstream again, without 0x20. */
static void
caps_fallback(struct pending *p)
{
	release_socket(p);
	p->caps_retry = true;
	attempt(p);
}

/* Our question in another case: a forgery, or an upstream that loses
 * the case. Never used. Over UDP dnsd keeps waiting for the real answer
 * (a forger cannot turn 0x20 off); only when none comes does the timeout
 * ask again without it. A TCP connection has no second answer. */
static void
caps_mismatch(struct pending *p)
{
	p->u->stats.caps_mismatches++;
	p->case_mismatch = true;
	verbose(VERB_QUERY, "upstream %u: ignored a reply with the question in another letter "
		"case (0x20)", p->target);
	if (p->tcp)
		caps_fallback(p);
}

/* TC=1, or records cut off without TC: the same upstream over TCP. */
static void
retry_tcp(struct pending *p)
{
	if (p->tcp) {
		next_target(p);
		return;
	}
	p->u->stats.tcp_retries++;
	release_socket(p);
	p->tcp = true;
	attempt(p);
}

static void
judge(struct pending *p, const uint8_t *msg, size_t len)
{
	enum fwd_verdict v = forward_check_reply(&p->fq, p->id, p->caps ? p->sent : NULL, msg,
		len);
	if (p->tcp && v == FWD_IGNORE)
		v = FWD_FAIL;	/* the one reply on this connection is not ours */
	switch (v) {
	case FWD_ACCEPT:
		if (p->caps_retry)
			caps_remember(p->u, p);
		accept_reply(p, msg, len);
		return;
	case FWD_CASE:
		caps_mismatch(p);
		return;
	case FWD_CUT:
		verbose(VERB_QUERY, "upstream %u: records cut off without TC; asking over TCP",
			p->target);
		retry_tcp(p);
		return;
	case FWD_TRUNCATED:
		retry_tcp(p);
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
	judge(p, p->tcp_buf + 2, want);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	(void)fd;
	(void)what;
	p->u->stats.timeouts++;
	target_failed(p, true);
	verbose(VERB_DETAIL, "upstream %u timed out", p->target);
	if (p->case_mismatch && p->caps && !p->caps_retry)
		caps_fallback(p);
	else
		move_on(p);
}

static void
set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/*
 * The local address: the outbound endpoint's, else any. Over UDP the port
 * is dnsd's draw from the ephemeral range, none of the last thousands
 * used (RFC 5452 §9.2); the kernel's own choice repeats sooner (974
 * distinct in 1,000). TCP leaves the port to the kernel.
 */
static int
bind_local(struct pending *p, int fd, const struct sockaddr *to)
{
	const struct fwd_targets *t = p->targets;
	struct sockaddr_storage local;
	socklen_t len;
	bool source = t->has_source && t->source.ss_family == to->sa_family;
	memset(&local, 0, sizeof(local));
	if (source) {
		local = t->source;
		len = t->source_len;
	} else {
		local.ss_family = to->sa_family;
		len = to->sa_family == AF_INET ? sizeof(struct sockaddr_in) :
			sizeof(struct sockaddr_in6);
	}
	for (int i = 0; !p->tcp && i < PORT_TRIES; i++) {
		set_port(&local, forward_draw(&p->u->ports, p->u->port_lo, p->u->port_hi));
		if (bind(fd, (struct sockaddr *)&local, len) == 0)
			return 0;
		if (errno != EADDRINUSE)
			break;
	}
	if (!source && !p->tcp)
		verbose(VERB_DETAIL, "no free random source port: the kernel picks one");
	set_port(&local, 0);
	return source || !p->tcp ? bind(fd, (struct sockaddr *)&local, len) : 0;
}

static int
open_socket(struct pending *p, const struct sockaddr *to, socklen_t to_len)
{
	int type = p->tcp ? SOCK_STREAM : SOCK_DGRAM;
	int fd = socket(to->sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind_local(p, fd, to) < 0) {
		close(fd);
		return -1;
	}
	/* connect: the kernel drops datagrams from any other address (RFC 5452 §9.1) */
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
	while (p->target < p->targets->n) {
		const struct sockaddr *to = (const struct sockaddr *)&p->targets->addr[p->target];
		p->id = forward_draw(&u->ids, 0, 65535);
		p->case_mismatch = false;
		p->caps = !p->caps_retry && !forward_caps_off(&u->no_caps, &p->targets->addr[p->target],
			p->targets->len[p->target], now_ms());
		if (p->caps)
			forward_caps(&p->fq, p->sent);
		else
			memcpy(p->sent, p->fq.qi.lname, p->fq.qi.qname_len);
		p->query_len = forward_make_query(&p->fq, p->id, u->cfg.edns_size, p->sent,
			p->query, sizeof(p->query));
		p->fd = open_socket(p, to, p->targets->len[p->target]);
		p->sent_us = now_us();
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
		target_failed(p, false);
		p->target++;
		p->tcp = false;
		p->caps_retry = false;
	}
	fail_servfail(p);
}

/* Where a query goes and what its reply may say: the targets and the
 * bailiwick, so that queries differing in either share no answer. */
static uint32_t
targets_hash(const struct fwd_targets *t, const struct fwd_question *fq)
{
	size_t zlen;
	const uint8_t *zone = bailiwick(fq, &zlen);
	uint32_t h = dname_hash(zone);
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

/* An identical query already out: wait for its answer instead. Only one
 * started on the same snapshot: a client's view number is that snapshot's. */
static bool
join_pending(struct upstream *u, const struct query_info *qi, const struct cache_key *k,
	uint32_t h, const struct fwd_dest *dest)
{
	for (struct pending *p = u->by_key[h % PENDING_BUCKETS]; p; p = p->hnext) {
		struct cache_key pk;
		key_of(&p->fq, p->targets_hash, &pk);
		if (p->key_hash != h || p->snap != u->env->snap || pk.targets != k->targets ||
		    pk.qtype != k->qtype ||
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
	uint32_t th = targets_hash(t, &fq);
	key_of(&fq, th, &k);
	const void *hit = cache_lookup(u->cache, &k, now, &msg, &len);
	if (hit) {
		u->stats.cache_hits++;
		answer_client(u, u->env->snap, &fq, &fq, dest, msg, len, hit, now);
		return;
	}
	uint32_t h = pending_hash(&k);
	if (join_pending(u, qi, &k, h, dest))
		return;
	struct pending *p = u->free_list;
	if (!p) {
		/* too much in flight: answer at once rather than queue */
		u->stats.servfail++;
		answer_client(u, u->env->snap, &fq, &fq, dest, NULL, 0, NULL, 0);
		return;
	}
	u->free_list = p->next_free;
	p->in_use = true;
	p->fq = fq;
	p->fq.qi.question = p->fq.buf;
	p->dest = *dest;
	p->targets = t;
	/* the reference count is the one part of a snapshot that changes */
	p->snap = (struct snapshot *)u->env->snap;
	snapshot_ref(p->snap);
	p->targets_hash = th;
	p->key_hash = h;
	p->hnext = u->by_key[h % PENDING_BUCKETS];
	u->by_key[h % PENDING_BUCKETS] = p;
	p->waiters = NULL;
	p->target = 0;
	p->tcp = false;
	p->caps_retry = false;
	p->fd = -1;
	p->tcp_got = 0;
	evtimer_assign(&p->timer, u->base, on_timeout, p);
	attempt(p);
}
