/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_notify.c - tell secondaries that zones changed: NOTIFY (RFC 1996), signed, retried. */
#include "config.h"
#include "xfr_notify.h"

#include "log.h"
#include "netaddr.h"
#include "snapshot.h"
#include "tsig.h"
#include "wire.h"
#include "xfr.h"
#include "xfr_config.h"
#include "xfr_rr.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#ifdef HAVE_SYS_RANDOM_H
#include <sys/random.h>
#endif
#include <time.h>
#include <unistd.h>

/* A secondary: one Notify address of one key. */
struct target {
	struct tsig_key key;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	unsigned answered, refused, lost;	/* since the queue last ran dry */
};

/* One zone to tell one secondary about. */
struct item {
	struct item *next;	/* waiting, in order */
	uint32_t target;
	uint16_t id;
	uint8_t tries;
	bool in_flight;
	uint64_t due_ms;	/* in flight: when to give up waiting */
	uint8_t mac[TSIG_MAX_MAC];
	size_t mac_len;
	uint8_t apex_len;
	uint8_t apex[];
};

struct xfr_notify {
	struct event_base *base;
	struct target *targets;
	uint32_t n_targets;
	struct item *head, **tail;	/* waiting */
	struct item *flight[XFR_NOTIFY_WINDOW];
	unsigned n_flight;
	int fd[2];			/* IPv4, IPv6 */
	struct event *ev[2];
	struct event *timer;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint16_t
random_id(void)
{
	uint16_t id = 0;
#ifdef HAVE_GETRANDOM
	if (getrandom(&id, sizeof(id), 0) == sizeof(id))
		return id;
#endif
	return (uint16_t)(rand() ^ (int)now_ms());
}

static void on_timer(evutil_socket_t fd, short what, void *arg);
static void on_answer(evutil_socket_t fd, short what, void *arg);

struct xfr_notify *
xfr_notify_create(struct event_base *base)
{
	struct xfr_notify *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->base = base;
	n->tail = &n->head;
	n->fd[0] = n->fd[1] = -1;
	return n;
}

/* The socket of a family, opened the first time it is needed. */
static int
socket_for(struct xfr_notify *n, int family)
{
	int i = family == AF_INET6;
	if (n->fd[i] >= 0)
		return n->fd[i];
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_err("NOTIFY: cannot open a UDP socket: %s", strerror(errno));
		return -1;
	}
	n->ev[i] = event_new(n->base, fd, EV_READ | EV_PERSIST, on_answer, n);
	if (!n->ev[i] || event_add(n->ev[i], NULL) < 0) {
		close(fd);
		return -1;
	}
	n->fd[i] = fd;
	return fd;
}

static const char *
target_text(const struct target *t, char *buf, size_t size)
{
	return netaddr_sockaddr_str((const struct sockaddr *)&t->addr, buf, size);
}

/* ---- the queue ---- */

static void
schedule(struct xfr_notify *n)
{
	uint64_t now = now_ms(), when = UINT64_MAX;
	if (n->head && n->n_flight < XFR_NOTIFY_WINDOW)
		when = now;
	for (unsigned i = 0; i < n->n_flight; i++)
		if (n->flight[i]->due_ms < when)
			when = n->flight[i]->due_ms;
	if (when == UINT64_MAX)
		return;
	if (!n->timer && !(n->timer = evtimer_new(n->base, on_timer, n)))
		return;
	uint64_t ms = when > now ? when - now : 0;
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };
	evtimer_add(n->timer, &tv);
}

static void
enqueue(struct xfr_notify *n, struct item *it)
{
	it->next = NULL;
	*n->tail = it;
	n->tail = &it->next;
}

/* The NOTIFY: opcode NOTIFY, AA, the zone's SOA as the question, signed. */
static size_t
build(const struct target *t, struct item *it, uint8_t *msg, size_t cap)
{
	wire_put16(msg, it->id);
	wire_put16(msg + 2, (uint16_t)(DNS_OPCODE_NOTIFY << 11) | DNS_FLAG_AA);
	wire_put16(msg + 4, 1);
	memset(msg + 6, 0, 6);
	memcpy(msg + DNS_HEADER_SIZE, it->apex, it->apex_len);
	size_t len = DNS_HEADER_SIZE + it->apex_len;
	wire_put16(msg + len, DNS_TYPE_SOA);
	wire_put16(msg + len + 2, DNS_CLASS_IN);
	len += 4;
	return tsig_sign_request(&t->key, msg, len, cap, (uint64_t)time(NULL), it->mac,
		&it->mac_len);
}

static void
report(struct target *t)
{
	char addr[80], key[DNAME_TEXT_MAX];
	if (!t->lost && !t->refused) {
		if (t->answered)
			verbose(VERB_DETAIL, "NOTIFY: %s answered for %u zone%s",
				target_text(t, addr, sizeof(addr)), t->answered, log_s(t->answered));
	} else {
		dname_to_text(t->key.name, key, sizeof(key));
		log_warn("NOTIFY to %s (key %s): %u zone%s acknowledged, %u refused, %u without an "
			"answer after %d tries", target_text(t, addr, sizeof(addr)), key, t->answered,
			log_s(t->answered), t->refused, t->lost, XFR_NOTIFY_TRIES);
	}
	t->answered = t->refused = t->lost = 0;
}

static void
send_item(struct xfr_notify *n, struct item *it, uint64_t now)
{
	struct target *t = &n->targets[it->target];
	uint8_t msg[DNS_HEADER_SIZE + DNAME_MAX + 4 + 512];
	int fd = socket_for(n, t->addr.ss_family);
	it->id = random_id();
	it->tries++;
	/* 1, 2, 4, 8, 16 s: RFC 1996 §3.6 asks for retries with a backoff */
	it->due_ms = now + (1000ull << (it->tries - 1));
	it->in_flight = true;
	n->flight[n->n_flight++] = it;
	size_t len = build(t, it, msg, sizeof(msg));
	if (fd < 0 || !len || sendto(fd, msg, len, 0, (struct sockaddr *)&t->addr, t->addr_len) < 0)
		verbose(VERB_DETAIL, "NOTIFY: cannot send to a secondary: %s", strerror(errno));
}

static void
flight_remove(struct xfr_notify *n, unsigned i)
{
	n->flight[i]->in_flight = false;
	n->flight[i] = n->flight[--n->n_flight];
}

static void
report_all_when_idle(struct xfr_notify *n)
{
	if (n->head || n->n_flight)
		return;
	for (uint32_t i = 0; i < n->n_targets; i++)
		report(&n->targets[i]);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct xfr_notify *n = arg;
	uint64_t now = now_ms();
	(void)fd;
	(void)what;
	for (unsigned i = 0; i < n->n_flight;) {
		struct item *it = n->flight[i];
		if (it->due_ms > now) {
			i++;
			continue;
		}
		flight_remove(n, i);
		if (it->tries < XFR_NOTIFY_TRIES) {
			enqueue(n, it);	/* again, after what waits */
		} else {
			n->targets[it->target].lost++;
			free(it);
		}
	}
	while (n->head && n->n_flight < XFR_NOTIFY_WINDOW) {
		struct item *it = n->head;
		n->head = it->next;
		if (!n->head)
			n->tail = &n->head;
		send_item(n, it, now);
	}
	report_all_when_idle(n);
	schedule(n);
}

/* The answer to one in flight: same ID and address, opcode NOTIFY, and
 * a TSIG that verifies; an error rcode ends it too (the secondary said). */
static void
answered(struct xfr_notify *n, const uint8_t *msg, size_t len, const struct sockaddr *from)
{
	if (len < DNS_HEADER_SIZE || !(wire_flags(msg) & DNS_FLAG_QR) ||
	    wire_opcode(msg) != DNS_OPCODE_NOTIFY)
		return;
	for (unsigned i = 0; i < n->n_flight; i++) {
		struct item *it = n->flight[i];
		struct target *t = &n->targets[it->target];
		if (it->id != wire_get16(msg) ||
		    !netaddr_sockaddr_equal(from, (const struct sockaddr *)&t->addr))
			continue;
		unsigned rcode = wire_flags(msg) & DNS_RCODE_MASK;
		bool signed_ok = tsig_verify_response(&t->key, it->mac, it->mac_len, msg, len,
			(uint64_t)time(NULL));
		if (rcode == DNS_RCODE_NOERROR && !signed_ok) {
			verbose(VERB_DETAIL, "NOTIFY: an answer whose TSIG does not verify: ignored");
			return;
		}
		if (rcode == DNS_RCODE_NOERROR) {
			t->answered++;
		} else {
			char zone[DNAME_TEXT_MAX], addr[80];
			dname_to_text(it->apex, zone, sizeof(zone));
			verbose(VERB_DETAIL, "NOTIFY of %s: %s answered rcode %u", zone,
				target_text(t, addr, sizeof(addr)), rcode);
			t->refused++;
		}
		flight_remove(n, i);
		free(it);
		report_all_when_idle(n);
		schedule(n);
		return;
	}
}

static void
on_answer(evutil_socket_t fd, short what, void *arg)
{
	struct xfr_notify *n = arg;
	uint8_t msg[4096];
	(void)what;
	for (int k = 0; k < 64; k++) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t r = recvfrom(fd, msg, sizeof(msg), 0, (struct sockaddr *)&from, &flen);
		if (r < 0)
			return;
		answered(n, msg, (size_t)r, (struct sockaddr *)&from);
	}
}

/* ---- a new snapshot ---- */

static bool
same_target(const struct target *a, const struct target *b)
{
	return dname_equal(a->key.name, a->key.name_len, b->key.name, b->key.name_len) &&
		netaddr_sockaddr_equal((const struct sockaddr *)&a->addr,
			(const struct sockaddr *)&b->addr);
}

/* Every Notify address of every key of x, in key order. */
static struct target *
targets_of(const struct xfr *x, uint32_t *count)
{
	uint32_t n = 0, m = 0;
	for (uint32_t k = 0; x && k < x->n_keys; k++)
		n += x->keys[k].cfg->n_notify;
	struct target *t = calloc(n + 1, sizeof(*t));
	for (uint32_t k = 0; t && x && k < x->n_keys; k++) {
		const struct xfr_secondary *s = x->keys[k].cfg;
		for (unsigned i = 0; i < s->n_notify; i++, m++) {
			t[m].key = s->key;
			t[m].addr = s->notify[i];
			t[m].addr_len = s->notify[i].ss_family == AF_INET6 ?
				sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		}
	}
	*count = m;
	return t;
}

/* Items follow their target to its new index (map), or go with it (UINT32_MAX). */
static void
remap_items(struct xfr_notify *n, const uint32_t *map)
{
	struct item **pp = &n->head;
	n->tail = &n->head;
	while (*pp) {
		struct item *it = *pp;
		if (map[it->target] == UINT32_MAX) {
			*pp = it->next;
			free(it);
			continue;
		}
		it->target = map[it->target];
		n->tail = &it->next;
		pp = &it->next;
	}
	for (unsigned i = 0; i < n->n_flight;) {
		struct item *it = n->flight[i];
		if (map[it->target] == UINT32_MAX) {
			flight_remove(n, i);
			free(it);
			continue;
		}
		it->target = map[it->target];
		i++;
	}
}

/* The snapshot's secondaries replace the old ones; what was queued for a
 * secondary that stays (same key name and address) stays, with its counts. */
static bool
take_targets(struct xfr_notify *n, const struct xfr *x)
{
	uint32_t m;
	struct target *t = targets_of(x, &m);
	uint32_t *map = calloc(n->n_targets + 1, sizeof(*map));
	if (!t || !map) {
		free(t);
		free(map);
		return false;
	}
	for (uint32_t o = 0; o < n->n_targets; o++) {
		map[o] = UINT32_MAX;
		for (uint32_t i = 0; i < m && map[o] == UINT32_MAX; i++)
			if (same_target(&n->targets[o], &t[i]))
				map[o] = i;
		if (map[o] != UINT32_MAX) {
			t[map[o]].answered = n->targets[o].answered;
			t[map[o]].refused = n->targets[o].refused;
			t[map[o]].lost = n->targets[o].lost;
		}
	}
	remap_items(n, map);
	free(n->targets);
	free(map);
	n->targets = t;
	n->n_targets = m;
	return true;
}

/* The items waiting when a snapshot comes, by target and zone: one of
 * them stands for the new serial too, instead of a second NOTIFY. */
struct waiting {
	struct item **slots;
	size_t mask;
};

static size_t
item_hash(uint32_t target, const uint8_t *apex, size_t len)
{
	uint8_t lower[DNAME_MAX];
	dname_lower_copy(lower, apex, len);
	return (size_t)xfr_hash_bytes(xfr_hash_bytes(0xcbf29ce484222325ull, &target,
		sizeof(target)), lower, len);
}

static bool
waiting_build(struct waiting *w, const struct xfr_notify *n)
{
	size_t count = 0, size = 16;
	for (const struct item *it = n->head; it; it = it->next)
		count++;
	while (size < count * 2 + 16)
		size *= 2;
	w->slots = calloc(size, sizeof(*w->slots));
	w->mask = size - 1;
	for (struct item *it = w->slots ? n->head : NULL; it; it = it->next) {
		size_t i = item_hash(it->target, it->apex, it->apex_len) & w->mask;
		while (w->slots[i])
			i = (i + 1) & w->mask;
		w->slots[i] = it;
	}
	return w->slots != NULL;
}

static struct item *
waiting_find(const struct waiting *w, uint32_t target, const struct xfr_zone *z)
{
	if (!w->slots)
		return NULL;
	for (size_t i = item_hash(target, z->apex, z->apex_len) & w->mask; w->slots[i];
	     i = (i + 1) & w->mask) {
		struct item *it = w->slots[i];
		if (it->target == target && dname_equal(it->apex, it->apex_len, z->apex, z->apex_len))
			return it;
	}
	return NULL;
}

static void
queue_zone(struct xfr_notify *n, const struct waiting *w, uint32_t target,
	const struct xfr_zone *z)
{
	struct item *it = waiting_find(w, target, z);
	if (it) {
		it->tries = 0;	/* the secondary asks for the SOA: it gets the new one */
		return;
	}
	it = calloc(1, sizeof(*it) + z->apex_len);
	if (!it) {
		log_err("NOTIFY: out of memory; secondaries learn of changes at their refresh");
		return;
	}
	it->target = target;
	it->apex_len = z->apex_len;
	memcpy(it->apex, z->apex, z->apex_len);
	enqueue(n, it);
}

void
xfr_notify_snapshot(struct xfr_notify *n, struct snapshot *s)
{
	const struct xfr *x = s->xfr;
	struct waiting w = { NULL, 0 };
	if (!n || !take_targets(n, x) || (n->head && !waiting_build(&w, n)))
		return;
	uint32_t first = 0;
	for (uint32_t k = 0; x && k < x->n_keys; k++) {
		const struct xfr_key *key = &x->keys[k];
		const struct xfr_view *v = &x->views[key->view];
		const struct xfr_zone *cat = &x->zones[key->catalog];
		for (unsigned t = 0; t < key->cfg->n_notify; t++) {
			if (cat->changed)	/* first: it tells Knot which zones there are */
				queue_zone(n, &w, first + t, cat);
			for (uint32_t i = 0; i < v->n_zones; i++)
				if (x->zones[v->zones[i]].changed)
					queue_zone(n, &w, first + t, &x->zones[v->zones[i]]);
		}
		first += key->cfg->n_notify;
	}
	free(w.slots);
	schedule(n);
}

void
xfr_notify_free(struct xfr_notify *n)
{
	if (!n)
		return;
	while (n->head) {
		struct item *it = n->head;
		n->head = it->next;
		free(it);
	}
	for (unsigned i = 0; i < n->n_flight; i++)
		free(n->flight[i]);
	for (int i = 0; i < 2; i++) {
		if (n->ev[i])
			event_free(n->ev[i]);
		if (n->fd[i] >= 0)
			close(n->fd[i]);
	}
	if (n->timer)
		event_free(n->timer);
	free(n->targets);
	free(n);
}
