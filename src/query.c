/* SPDX-License-Identifier: BSD-3-Clause */
/* src/query.c - the answer path: check a query, pick its view, copy out the prepared answer. */
#include "config.h"
#include "query.h"

#include "dns64.h"
#include "firewall.h"
#include "policy.h"
#include "snapshot.h"
#include "wire.h"
#include "xfr_out.h"
#include "zonedb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_SYS_RANDOM_H
#include <sys/random.h>
#endif
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define OPT_RR_SIZE 11

/* What dnsd answers CHAOS-class version and identity queries with (RFC 4892). */
static const char chaos_version[] = PACKAGE_NAME " " PACKAGE_VERSION;
static const char chaos_id[] = PACKAGE_NAME;

/* ---- error replies ---- */

static void
ratelimit_key(struct query_ratelimit *rl)
{
	size_t got = 0;
#ifdef HAVE_GETRANDOM
	while (got < sizeof(rl->key)) {
		ssize_t n = getrandom((uint8_t *)rl->key + got, sizeof(rl->key) - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
#endif
	if (got < sizeof(rl->key)) {
		/* no getrandom: a key an attacker cannot read off the wire */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		rl->key[0] ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uintptr_t)rl;
		rl->key[1] ^= (uint64_t)ts.tv_sec * 0xc2b2ae3d27d4eb4full ^ (uint64_t)getpid();
	}
	rl->keyed = true;
}

/* The client's /24 (IPv4, also IPv4-mapped) or /56 (IPv6), with its family. */
static uint64_t
client_prefix(const struct netaddr *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	uint64_t p = 0;
	if (!a)
		return 0;
	if (a->family == AF_INET6 && memcmp(a->bytes, mapped, 12) != 0) {
		for (int i = 0; i < 7; i++)
			p = p << 8 | a->bytes[i];
		return p << 8 | 6;
	}
	const uint8_t *v4 = a->family == AF_INET ? a->bytes : a->bytes + 12;
	return ((uint64_t)v4[0] << 24 | (uint64_t)v4[1] << 16 | (uint64_t)v4[2] << 8) | 4;
}

static uint32_t
ratelimit_bucket(const struct query_ratelimit *rl, uint64_t prefix, int row)
{
	uint64_t h = (prefix ^ rl->key[row]) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (uint32_t)h & (QUERY_RL_BUCKETS - 1);
}

static bool
ratelimit_take(struct query_env *env)
{
	struct query_ratelimit *rl = &env->errors;
	if (rl->per_second == 0)
		return true;
	if (!rl->keyed)
		ratelimit_key(rl);
	uint64_t prefix = client_prefix(env->client);
	uint32_t now = (uint32_t)env->now_seconds, least = UINT32_MAX;
	uint32_t *used[2];
	for (int row = 0; row < 2; row++) {
		uint32_t b = ratelimit_bucket(rl, prefix, row);
		if (rl->bucket[row][b].second != now) {
			rl->bucket[row][b].second = now;
			rl->bucket[row][b].used = 0;
		}
		used[row] = &rl->bucket[row][b].used;
		if (*used[row] < least)
			least = *used[row];
	}
	if (least >= rl->per_second)
		return false;
	/* conservative update: only the counts at the minimum grow */
	for (int row = 0; row < 2; row++)
		if (*used[row] == least)
			(*used[row])++;
	return true;
}

bool
query_ratelimit_take(struct query_env *env)
{
	return ratelimit_take(env);
}

/*
 * FORMERR, NOTIMP, REFUSED and BADVERS replies: the ID and opcode kept;
 * RD copied when the opcode is QUERY, the only one that defines it (RFC
 * 1035 §4.1.1 "copied into the response"; genreport's "nord" and "rd"
 * checks); every other flag but QR clear, never TC (a client would retry
 * over TCP); rate-limited per client prefix, like NSD's and Unbound's.
 */
static enum query_action
reply_error(struct query_env *env, const uint8_t *pkt, struct query_info *qi, uint8_t rcode,
	bool with_question, const char *why, uint8_t *out, size_t *out_len)
{
	qi->rcode = rcode;
	qi->why = why;
	if (!ratelimit_take(env)) {
		qi->why = "error replies over the rate limit";
		return QUERY_DROP;
	}
	uint16_t flags = wire_flags(pkt);
	uint16_t rflags = DNS_FLAG_QR | (flags & DNS_OPCODE_MASK) | (rcode & DNS_RCODE_MASK);
	if (wire_opcode(pkt) == DNS_OPCODE_QUERY)
		rflags |= flags & DNS_FLAG_RD;
	memcpy(out, pkt, 2);
	wire_put16(out + 2, rflags);
	memset(out + 4, 0, 8);
	size_t len = DNS_HEADER_SIZE;
	if (with_question) {
		wire_put16(out + 4, 1);
		memcpy(out + len, qi->question, qi->question_len);
		len += qi->question_len;
	}
	/* an OPT answers an OPT (RFC 6891 §7), and carries BADVERS */
	if (rcode >= 16 || qi->edns) {
		wire_put16(out + 10, 1);
		len += query_put_opt(env, qi, out + len, (uint8_t)(rcode >> 4));
	}
	*out_len = len;
	return QUERY_SEND;
}

/*
 * A signed query: dnsd knows no keys, so the answer is NOTAUTH with an
 * unsigned TSIG saying BADKEY (RFC 8945 §5.2): key and algorithm names,
 * time, fudge and original ID copied, no MAC.
 */
static enum query_action
reply_tsig_badkey(struct query_env *env, const uint8_t *pkt, size_t len, struct query_info *qi,
	uint8_t *out, size_t out_cap, size_t *out_len)
{
	uint8_t key[DNAME_MAX], alg[DNAME_MAX];
	size_t pos = qi->tsig;
	size_t klen = wire_read_name(pkt, len, &pos, key, false);
	struct wire_rr rr;
	size_t rpos = qi->tsig;
	if (!klen || !wire_parse_rr(pkt, len, &rpos, &rr))
		return reply_error(env, pkt, qi, DNS_RCODE_FORMERR, false, "bad TSIG", out, out_len);
	size_t p = rr.rdata;
	size_t alen = wire_read_name(pkt, rr.end, &p, alg, false);
	if (!alen || rr.end - p < 10)
		return reply_error(env, pkt, qi, DNS_RCODE_FORMERR, false, "bad TSIG", out, out_len);
	const uint8_t *time_fudge = pkt + p;	/* 6 + 2 bytes */
	size_t mac = wire_get16(pkt + p + 8);
	if (rr.end - p - 10 < mac + 2)
		return reply_error(env, pkt, qi, DNS_RCODE_FORMERR, false, "bad TSIG", out, out_len);
	uint16_t orig_id = wire_get16(pkt + p + 10 + mac);
	size_t need = DNS_HEADER_SIZE + qi->question_len + klen + 10 + alen + 16;
	if (need > out_cap || !ratelimit_take(env))
		return QUERY_DROP;
	qi->rcode = DNS_RCODE_NOTAUTH;
	qi->why = "TSIG with a key dnsd does not know";
	memcpy(out, pkt, 2);
	wire_put16(out + 2, DNS_FLAG_QR | (wire_flags(pkt) & (DNS_OPCODE_MASK | DNS_FLAG_RD)) |
		DNS_RCODE_NOTAUTH);
	wire_put16(out + 4, 1);
	wire_put16(out + 6, 0);
	wire_put16(out + 8, 0);
	wire_put16(out + 10, 1);
	uint8_t *o = out + DNS_HEADER_SIZE;
	memcpy(o, qi->question, qi->question_len);
	o += qi->question_len;
	memcpy(o, key, klen);
	o += klen;
	wire_put16(o, DNS_TYPE_TSIG);
	wire_put16(o + 2, DNS_CLASS_ANY);
	wire_put32(o + 4, 0);
	wire_put16(o + 8, (uint16_t)(alen + 16));
	o += 10;
	memcpy(o, alg, alen);
	o += alen;
	memcpy(o, time_fudge, 8);
	wire_put16(o + 8, 0);		/* MAC size */
	wire_put16(o + 10, orig_id);
	wire_put16(o + 12, 17);		/* BADKEY */
	wire_put16(o + 14, 0);		/* other len */
	o += 16;
	*out_len = (size_t)(o - out);
	return QUERY_SEND;
}

/* Not an open resolver (RFC 5358): clients of a VPC (by address or by
 * listener) and the --allow prefixes only. */
static bool
client_allowed(const struct query_env *env, const struct query_client *c)
{
	if (env->n_allow == 0)
		return true;
	const struct snapshot *s = env->snap;
	if (c->listener >= 0 && (unsigned)c->listener < s->n_listeners &&
	    s->listener_views[c->listener] >= 0)
		return true;
	for (unsigned i = 0; i < env->n_allow; i++)
		if (netprefix_contains(&env->allow[i], c->addr))
			return true;
	return cidrmap_find(&s->cidrs, c->addr) >= 0;
}

/* ---- parsing ---- */

/* The query name must be plain labels: nothing precedes it that a
 * pointer could lead to (RFC 1035 §4.1.4). */
static bool
parse_qname(const uint8_t *pkt, size_t len, struct query_info *qi, uint8_t *label_off,
	unsigned *n_labels)
{
	size_t p = DNS_HEADER_SIZE, o = 0;
	unsigned n = 0;
	for (;;) {
		if (p >= len)
			return false;
		uint8_t c = pkt[p];
		if (c & 0xc0)
			return false;
		if (o + c + 1 > DNAME_MAX)
			return false;
		if (p + 1 + c > len)
			return false;
		if (c == 0) {
			o++;
			break;
		}
		label_off[n++] = (uint8_t)o;
		o += (size_t)c + 1;
		p += (size_t)c + 1;
	}
	/* no compression: the name is the o bytes after the header */
	dname_lower_copy(qi->lname, pkt + DNS_HEADER_SIZE, o);
	label_off[n] = (uint8_t)(o - 1);
	*n_labels = n;
	qi->qname_len = o;
	return true;
}

/* EDNS options must fit their RDATA exactly (RFC 6891 §6.1.2). */
static bool
opt_options_ok(const uint8_t *pkt, const struct wire_rr *rr)
{
	size_t p = rr->rdata, end = rr->end;
	while (p < end) {
		if (end - p < 4)
			return false;
		size_t olen = wire_get16(pkt + p + 2);
		if (end - p - 4 < olen)
			return false;
		p += 4 + olen;
	}
	return true;
}

/* Walk the additional section: one OPT at most, owned by the root; a
 * TSIG only as the last record (RFC 8945 §5.1). */
static const char *
parse_additional(const uint8_t *pkt, size_t len, size_t *pos, unsigned arcount,
	struct query_info *qi, unsigned *edns_version)
{
	for (unsigned i = 0; i < arcount; i++) {
		struct wire_rr rr;
		if (!wire_parse_rr(pkt, len, pos, &rr))
			return "additional record overruns the message";
		if (rr.type == DNS_TYPE_TSIG) {
			if (i != arcount - 1)
				return "TSIG is not the last record (RFC 8945 §5.1)";
			qi->tsig = rr.owner;
			continue;
		}
		if (rr.type != DNS_TYPE_OPT)
			continue;
		if (qi->edns)
			return "more than one OPT record (RFC 6891 §6.1.1)";
		if (pkt[rr.owner] != 0)
			return "OPT owner is not the root (RFC 6891 §6.1.2)";
		if (!opt_options_ok(pkt, &rr))
			return "EDNS option overruns the OPT record";
		qi->edns = true;
		qi->udp_size = rr.rclass < 512 ? 512 : rr.rclass;
		*edns_version = (rr.ttl >> 16) & 0xff;
		qi->do_bit = (rr.ttl & EDNS_FLAG_DO) != 0;
	}
	return NULL;
}

/* An IXFR carries the client's SOA as its one authority record (RFC
 * 1995 §3): step over it when dnsd serves transfers. */
static bool
ixfr_authority(const struct query_env *env, const uint8_t *pkt, size_t len, size_t *pos,
	const struct query_info *qi)
{
	struct wire_rr rr;
	return env->snap->xfr && qi->qtype == DNS_TYPE_IXFR && wire_get16(pkt + 8) == 1 &&
		wire_parse_rr(pkt, len, pos, &rr) && rr.type == DNS_TYPE_SOA;
}

static bool
meta_qtype(uint16_t t)
{
	return t == DNS_TYPE_OPT || (t >= 128 && t <= 254 && t != DNS_TYPE_IXFR &&
		t != DNS_TYPE_AXFR);
}

/* ---- replies ---- */

size_t
query_put_opt(const struct query_env *env, const struct query_info *qi, uint8_t *p,
	uint8_t ext_rcode)
{
	p[0] = 0;
	wire_put16(p + 1, DNS_TYPE_OPT);
	wire_put16(p + 3, env->max_udp);
	p[5] = ext_rcode;
	p[6] = 0;	/* version 0 */
	wire_put16(p + 7, qi->do_bit ? EDNS_FLAG_DO : 0);
	wire_put16(p + 9, 0);
	return OPT_RR_SIZE;
}

size_t
query_reply_limit(const struct query_env *env, const struct query_info *qi, bool tcp)
{
	if (tcp)
		return DNS_MAX_MESSAGE;
	if (!qi->edns)
		return 512;
	return qi->udp_size < env->max_udp ? qi->udp_size : env->max_udp;
}

static void
put_header(uint8_t *out, const struct query_info *qi, uint8_t rcode, bool tc)
{
	uint16_t f = DNS_FLAG_QR | DNS_FLAG_RA | (qi->flags & (DNS_FLAG_RD | DNS_FLAG_CD)) |
		(rcode & DNS_RCODE_MASK);
	if (tc)
		f |= DNS_FLAG_TC;
	wire_put16(out, qi->id);
	wire_put16(out + 2, f);
	wire_put16(out + 4, 1);
	memset(out + 6, 0, 6);
}

size_t
query_reply_empty(const struct query_env *env, const struct query_info *qi, uint8_t rcode,
	bool tc, uint8_t *out, size_t out_cap)
{
	size_t need = DNS_HEADER_SIZE + qi->question_len + (qi->edns ? OPT_RR_SIZE : 0);
	if (out_cap < need)
		return 0;
	put_header(out, qi, rcode, tc);
	memcpy(out + DNS_HEADER_SIZE, qi->question, qi->question_len);
	size_t len = DNS_HEADER_SIZE + qi->question_len;
	if (qi->edns) {
		wire_put16(out + 10, 1);
		len += query_put_opt(env, qi, out + len, 0);
	}
	return len;
}

/* Each worker counts on its own (NSD round_robin_off): no shared writes. */
static uint32_t
rotation(const struct query_env *env, const struct answer *a)
{
	if (a->rot_counter >= env->n_rot)
		return 0;
	return env->rot[a->rot_counter]++ % a->rot_n;
}

/* Each worker its own random numbers for routing policies (never 0). */
static void
rng_seed(struct query_env *env)
{
	uint64_t seed = 0;
#ifdef HAVE_GETRANDOM
	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		seed = 0;
#endif
	if (!seed) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = ((uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec ^ (uintptr_t)env) *
			0x9e3779b97f4a7c15ull;
	}
	env->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

int
query_env_set_snapshot(struct query_env *env, const struct snapshot *snap)
{
	uint32_t n = snap ? snap->db.n_rot : 0;
	if (!env->rng)
		rng_seed(env);
	env->snap = snap;
	if (n > env->n_rot || !env->rot) {
		free(env->rot);
		env->rot = calloc(n ? n : 1, sizeof(*env->rot));
		if (!env->rot) {
			env->n_rot = 0;
			return -1;
		}
	}
	memset(env->rot, 0, (n ? n : 1) * sizeof(*env->rot));
	env->n_rot = n;
	return 0;
}

void
query_env_fini(struct query_env *env)
{
	free(env->rot);
	env->rot = NULL;
	env->n_rot = 0;
}

/* Copy a prepared answer behind the question: rotate its run, patch the
 * pointers that depend on the query name's length. */
static size_t
put_block(const struct query_env *env, const struct answer *a, const struct query_info *qi,
	uint8_t *dst)
{
	if (a->rot_n > 1 && a->rot_size) {
		uint32_t k = rotation(env, a);
		size_t run = (size_t)a->rot_n * a->rot_size;
		size_t first = (size_t)k * a->rot_size;
		memcpy(dst, a->block, a->rot_off);
		memcpy(dst + a->rot_off, a->block + a->rot_off + first, run - first);
		memcpy(dst + a->rot_off + run - first, a->block + a->rot_off, first);
		memcpy(dst + a->rot_off + run, a->block + a->rot_off + run,
			a->len - a->rot_off - run);
	} else {
		memcpy(dst, a->block, a->len);
	}
	for (unsigned i = 0; i < a->n_reloc; i++) {
		uint16_t v = a->relocs[i].value;
		size_t target = (v & RELOC_QNAME_SUFFIX) ?
			DNS_HEADER_SIZE + qi->qname_len - (v & ~RELOC_QNAME_SUFFIX) :
			DNS_HEADER_SIZE + qi->question_len + v;
		wire_put16(dst + a->relocs[i].at, (uint16_t)(0xc000 | target));
	}
	return a->len;
}

static enum query_action
reply_answer(struct query_env *env, const struct query_info *qi, const struct answer *a,
	bool tcp, uint8_t *out, size_t out_cap, size_t *out_len)
{
	size_t limit = query_reply_limit(env, qi, tcp);
	if (limit > out_cap)
		limit = out_cap;
	size_t need = DNS_HEADER_SIZE + qi->question_len + a->len + (qi->edns ? OPT_RR_SIZE : 0);
	if (need > limit) {
		/* does not fit: header, question and OPT with TC=1 (RFC 2181 §9) */
		*out_len = query_reply_empty(env, qi, a->rcode, true, out, out_cap);
		return *out_len ? QUERY_SEND : QUERY_DROP;
	}
	put_header(out, qi, a->rcode, false);
	wire_put16(out + 6, a->ancount);
	wire_put16(out + 8, a->nscount);
	wire_put16(out + 10, (uint16_t)(a->arcount + (qi->edns ? 1 : 0)));
	memcpy(out + DNS_HEADER_SIZE, qi->question, qi->question_len);
	size_t len = DNS_HEADER_SIZE + qi->question_len;
	len += put_block(env, a, qi, out + len);
	if (qi->edns)
		len += query_put_opt(env, qi, out + len, 0);
	*out_len = len;
	return QUERY_SEND;
}

enum query_action
query_reply_prepared(struct query_env *env, struct query_info *qi, const struct answer *a,
	bool tcp, uint8_t *out, size_t out_cap, size_t *out_len)
{
	qi->rcode = a->rcode;
	return reply_answer(env, qi, a, tcp, out, out_cap, out_len);
}

/* Header, question and OPT with TC=1: what does not fit (RFC 2181 §9). */
static enum query_action
reply_empty_tc(struct query_env *env, const struct query_info *qi, uint8_t *out, size_t out_cap,
	size_t *out_len)
{
	*out_len = query_reply_empty(env, qi, DNS_RCODE_NOERROR, true, out, out_cap);
	return *out_len ? QUERY_SEND : QUERY_DROP;
}

/* CH TXT version.bind/version.server, id.server/hostname.bind (RFC 4892). */
static enum query_action
reply_chaos(struct query_env *env, const uint8_t *pkt, struct query_info *qi, bool tcp,
	uint8_t *out, size_t out_cap, size_t *out_len)
{
	static const uint8_t version_bind[] = "\007version\004bind";
	static const uint8_t version_server[] = "\007version\006server";
	static const uint8_t id_server[] = "\002id\006server";
	static const uint8_t hostname_bind[] = "\010hostname\004bind";
	const char *text = NULL;
#define IS(n) (qi->qname_len == sizeof(n) && memcmp(qi->lname, n, sizeof(n)) == 0)
	if (IS(version_bind) || IS(version_server))
		text = chaos_version;
	else if (IS(id_server) || IS(hostname_bind))
		text = chaos_id;
#undef IS
	if (!text || (qi->qtype != DNS_TYPE_TXT && qi->qtype != DNS_TYPE_ANY))
		return reply_error(env, pkt, qi, DNS_RCODE_REFUSED, true, "CHAOS query", out,
			out_len);
	size_t tlen = strlen(text);
	size_t need = DNS_HEADER_SIZE + qi->question_len + 12 + 1 + tlen + OPT_RR_SIZE;
	if (need > query_reply_limit(env, qi, tcp) || need > out_cap)
		return QUERY_DROP;
	put_header(out, qi, DNS_RCODE_NOERROR, false);
	wire_put16(out + 2, (uint16_t)(wire_flags(out) | DNS_FLAG_AA));
	wire_put16(out + 6, 1);
	memcpy(out + DNS_HEADER_SIZE, qi->question, qi->question_len);
	uint8_t *p = out + DNS_HEADER_SIZE + qi->question_len;
	wire_put16(p, 0xc000 | DNS_HEADER_SIZE);
	wire_put16(p + 2, DNS_TYPE_TXT);
	wire_put16(p + 4, DNS_CLASS_CH);
	wire_put32(p + 6, 0);
	wire_put16(p + 10, (uint16_t)(tlen + 1));
	p[12] = (uint8_t)tlen;
	memcpy(p + 13, text, tlen);
	p += 13 + tlen;
	if (qi->edns) {
		wire_put16(out + 10, 1);
		p += query_put_opt(env, qi, p, 0);
	}
	*out_len = (size_t)(p - out);
	qi->rcode = DNS_RCODE_NOERROR;
	return QUERY_SEND;
}

/* ---- lookup ---- */

static const struct answer *
node_answer_for(const struct node *n, uint16_t qtype)
{
	if (qtype == DNS_TYPE_ANY)	/* minimal ANY answer: one RRset (RFC 8482 §4.2) */
		return n->n_answers ? &n->answers[0] : &n->zone->nodata;
	return node_answer(n, qtype);
}

/* What one view's table says about a name. */
struct walk {
	const struct zone *auth;	/* the deciding zone, NULL: none in this view */
	const struct node *exact;	/* the name's own node in that zone */
	const struct node *ce;		/* else its closest encloser there */
};

/*
 * Walk the name's suffixes in one view, most specific first. The first
 * node found names the deciding zone; the closest encloser is the first
 * real (not phantom) node of that zone.
 */
static void
walk_view(const struct zonedb *db, uint16_t view, const uint8_t *lname, size_t qname_len,
	const uint8_t *label_off, unsigned n_labels, const uint32_t *hashes, struct walk *w)
{
	w->auth = NULL;
	w->exact = w->ce = NULL;
	for (unsigned i = 0; i <= n_labels; i++) {
		const uint8_t *name = lname + label_off[i];
		size_t len = qname_len - label_off[i];
		const struct node *n = zonedb_find(db, view, name, len, hashes[i]);
		if (!n)
			continue;
		if (!w->auth)
			w->auth = n->zone;
		if (n->flags & NODE_PHANTOM || n->zone != w->auth)
			continue;
		if (i == 0)
			w->exact = n;
		else
			w->ce = n;
		return;
	}
}

/*
 * The common cases in one or two probes: the name's own node in the
 * view, or, where the view holds nothing at the name, a public endpoint
 * name in a zone no VPC view overlaps (zone.shadowed): then no zone or
 * rule of the view can decide instead (zonebuild.c mark_shadowed).
 */
static inline __attribute__((always_inline)) bool
quick_find(const struct zonedb *db, uint16_t view, const uint8_t *lname, size_t len,
	uint32_t hash, struct walk *w)
{
	const struct node *n = zonedb_find(db, view, lname, len, hash);
	if (!n && view != 0) {
		n = zonedb_find(db, 0, lname, len, hash);
		if (n && (n->zone->kind != ZONE_PUBLIC || n->zone->shadowed))
			return false;
	}
	if (!n || (n->flags & NODE_PHANTOM))
		return false;
	w->auth = n->zone;
	w->exact = n;
	w->ce = NULL;
	return true;
}

/*
 * Find what answers the name in a view. The view's own zones and rules
 * decide first; where the view holds nothing for the name (or leaves it
 * to recursion), the public endpoint names of view 0 answer: they are
 * held once, not copied into every view (issue 12). An exact node
 * answers; else the closest encloser decides: its wildcard, the zone's
 * rule, or NXDOMAIN. Phantom nodes only say which zone decides.
 */
static inline __attribute__((always_inline)) void
lookup(const struct zonedb *db, uint16_t view, const uint8_t *lname, size_t qname_len,
	uint16_t qtype, const uint8_t *label_off, unsigned n_labels, const uint32_t *hashes,
	struct query_lookup *f)
{
	f->node = NULL;
	f->answer = NULL;
	f->synth = NULL;
	f->forward = NULL;
	struct walk w;
	if (!quick_find(db, view, lname, qname_len, hashes[0], &w)) {
		walk_view(db, view, lname, qname_len, label_off, n_labels, hashes, &w);
		if (view != 0 && (!w.auth || w.auth->view != view))
			walk_view(db, 0, lname, qname_len, label_off, n_labels, hashes, &w);
	}
	const struct zone *auth = w.auth;
	f->auth = auth;
	f->from_public = auth && auth->view != view;
	if (w.exact && (zone_kind_local(auth->kind) || auth->kind == ZONE_PUBLIC)) {
		f->node = w.exact;
		f->answer = node_answer_for(w.exact, qtype);
		return;
	}
	if (!auth || auth->kind == ZONE_RECURSE || auth->kind == ZONE_FORWARD) {
		f->forward = auth && auth->kind == ZONE_FORWARD ? auth : NULL;
		return;
	}
	if (w.ce && w.ce->wildcard) {
		f->node = w.ce->wildcard;
		f->answer = node_answer_for(w.ce->wildcard, qtype);
	} else if (auth->kind == ZONE_EC2 || auth->kind == ZONE_EC2_REVERSE) {
		f->synth = auth;
	} else if (auth->kind == ZONE_LOCAL) {
		f->answer = &auth->nxdomain;
	}
	/* else a public zone: it holds only the names it has; forward */
}

void
query_lookup_name(const struct zonedb *db, uint16_t view, const uint8_t *lname, size_t len,
	uint16_t qtype, struct query_lookup *out)
{
	uint8_t label_off[DNAME_MAX_LABELS + 1];
	unsigned n = 0;
	for (size_t pos = 0; pos + 1 < len && n < DNAME_MAX_LABELS; pos += (size_t)lname[pos] + 1)
		label_off[n++] = (uint8_t)pos;
	label_off[n] = (uint8_t)(len - 1);
	uint32_t hashes[DNAME_MAX_LABELS + 1];
	dname_suffix_hashes(lname, label_off, n, hashes);
	lookup(db, view, lname, len, qtype, label_off, n, hashes, out);
}

/* ---- EC2 hostnames, made up per query (a /16 holds 65,536 of them) ---- */

static bool
in_cidrs(const struct zone *z, const struct netaddr *a)
{
	for (unsigned i = 0; i < z->n_cidrs; i++)
		if (netprefix_contains(&z->cidrs[i], a))
			return true;
	return false;
}

/* A prefix of `octets` leading bytes overlaps one of the blocks. */
static bool
overlaps_cidrs(const struct zone *z, const struct netaddr *a, unsigned octets)
{
	for (unsigned i = 0; i < z->n_cidrs; i++) {
		const struct netprefix *p = &z->cidrs[i];
		if (p->addr.family != AF_INET)
			continue;
		if (p->len <= octets * 8) {
			if (netprefix_contains(p, a))
				return true;
		} else if (memcmp(p->addr.bytes, a->bytes, octets) == 0) {
			return true;
		}
	}
	return false;
}

/* The first `octets` bytes of a lie in (or, fewer than 4, overlap) the
 * RFC 1918 ranges: IP names of instances in other VPCs of the Region
 * resolve when their address is there (VPC User Guide, "DNS hostnames":
 * "Private IP DNS name (IPv4 only)"). */
static bool
rfc1918(const struct netaddr *a, unsigned octets)
{
	const uint8_t *b = a->bytes;
	return b[0] == 10 || (b[0] == 172 && (octets < 2 || (b[1] & 0xf0) == 16)) ||
		(b[0] == 192 && (octets < 2 || b[1] == 168));
}

/* A decimal octet label: "0".."255", no leading zeros. */
static bool
octet_label(const uint8_t *label, uint8_t *out)
{
	unsigned n = label[0], v = 0;
	if (n == 0 || n > 3 || (n > 1 && label[1] == '0'))
		return false;
	for (unsigned i = 1; i <= n; i++) {
		if (label[i] < '0' || label[i] > '9')
			return false;
		v = v * 10 + (unsigned)(label[i] - '0');
	}
	if (v > 255)
		return false;
	*out = (uint8_t)v;
	return true;
}

/* "ip-10-0-1-5" to 10.0.1.5 (the form EC2 IP names take). */
static bool
ip_label(const uint8_t *label, struct netaddr *a)
{
	unsigned n = label[0], octet = 0, v = 0, digits = 0;
	if (n < 10 || n > 18 || memcmp(label + 1, "ip-", 3) != 0)
		return false;
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	for (unsigned i = 4; i <= n + 1; i++) {
		uint8_t c = i <= n ? label[i] : '-';
		if (c >= '0' && c <= '9') {
			if ((digits > 0 && v == 0) || ++digits > 3)
				return false;
			v = v * 10 + (unsigned)(c - '0');
			continue;
		}
		if (c != '-' || digits == 0 || v > 255 || octet == 4)
			return false;
		a->bytes[octet++] = (uint8_t)v;
		v = digits = 0;
	}
	return octet == 4;
}

static size_t
put_ec2_label(uint8_t *p, const struct netaddr *a)
{
	char text[24];
	int n = snprintf(text, sizeof(text), "ip-%u-%u-%u-%u", a->bytes[0], a->bytes[1],
		a->bytes[2], a->bytes[3]);
	p[0] = (uint8_t)n;
	memcpy(p + 1, text, (size_t)n);
	return (size_t)n + 1;
}

/* One record owned by the query name, after the question. */
static enum query_action
reply_synth(struct query_env *env, const struct query_info *qi, uint16_t type,
	const uint8_t *rdata, size_t rdlen, bool tcp, uint8_t *out, size_t out_cap,
	size_t *out_len)
{
	size_t need = DNS_HEADER_SIZE + qi->question_len + 12 + rdlen + (qi->edns ? OPT_RR_SIZE : 0);
	if (need > query_reply_limit(env, qi, tcp) || need > out_cap) {
		*out_len = query_reply_empty(env, qi, DNS_RCODE_NOERROR, true, out, out_cap);
		return *out_len ? QUERY_SEND : QUERY_DROP;
	}
	put_header(out, qi, DNS_RCODE_NOERROR, false);
	wire_put16(out + 6, 1);
	memcpy(out + DNS_HEADER_SIZE, qi->question, qi->question_len);
	uint8_t *p = out + DNS_HEADER_SIZE + qi->question_len;
	wire_put16(p, 0xc000 | DNS_HEADER_SIZE);
	wire_put16(p + 2, type);
	wire_put16(p + 4, DNS_CLASS_IN);
	wire_put32(p + 6, EC2_NAME_TTL);
	wire_put16(p + 10, (uint16_t)rdlen);
	memcpy(p + 12, rdata, rdlen);
	p += 12 + rdlen;
	if (qi->edns) {
		wire_put16(out + 10, 1);
		p += query_put_opt(env, qi, p, 0);
	}
	*out_len = (size_t)(p - out);
	return QUERY_SEND;
}

/*
 * ip-a-b-c-d.<region>.compute.internal answers A for any address of the
 * VPC's blocks and of the RFC 1918 ranges (other VPCs' instances), never
 * AAAA (EC2 User Guide, "Amazon EC2 instance hostname types": an IP name
 * "will only return the private IPv4 address (A record)"); d.c.b.a.in-addr.arpa
 * answers PTR to that name. Resource names are records (ec2zones.c);
 * other names of the zones do not exist.
 */
static enum query_action
answer_ec2(struct query_env *env, struct query_info *qi, const struct zone *z,
	const uint8_t *label_off, unsigned n_labels, bool tcp, uint8_t *out, size_t out_cap,
	size_t *out_len)
{
	struct netaddr a;
	unsigned rel = n_labels - dname_label_count(z->apex);
	bool exists = false, data = false;
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	if (z->kind == ZONE_EC2) {
		exists = rel == 1 && ip_label(qi->lname, &a) && (in_cidrs(z, &a) || rfc1918(&a, 4));
		data = exists && (qi->qtype == DNS_TYPE_A || qi->qtype == DNS_TYPE_ANY);
		if (data)
			return reply_synth(env, qi, DNS_TYPE_A, a.bytes, 4, tcp, out, out_cap, out_len);
		if (exists && qi->dns64) {
			uint8_t v6[16];
			memcpy(v6, dns64_prefix, sizeof(dns64_prefix));
			memcpy(v6 + 12, a.bytes, 4);
			return reply_synth(env, qi, DNS_TYPE_AAAA, v6, 16, tcp, out, out_cap, out_len);
		}
	} else {
		/* labels before "in-addr.arpa" are the octets, last first */
		unsigned octets = n_labels >= 2 ? n_labels - 2 : 0;
		bool ok = octets >= 1 && octets <= 4;
		for (unsigned i = 0; ok && i < octets; i++)
			ok = octet_label(qi->lname + label_off[i], &a.bytes[octets - 1 - i]);
		if (ok && octets == 4)
			exists = in_cidrs(z, &a) || rfc1918(&a, 4);
		else if (ok)
			exists = overlaps_cidrs(z, &a, octets) || rfc1918(&a, octets);
		data = exists && octets == 4 &&
			(qi->qtype == DNS_TYPE_PTR || qi->qtype == DNS_TYPE_ANY);
		if (data) {
			uint8_t rdata[DNAME_MAX + 20];
			size_t l = put_ec2_label(rdata, &a);
			if (l + z->ec2_domain_len <= DNAME_MAX) {
				memcpy(rdata + l, z->ec2_domain, z->ec2_domain_len);
				return reply_synth(env, qi, DNS_TYPE_PTR, rdata, l + z->ec2_domain_len,
					tcp, out, out_cap, out_len);
			}
		}
	}
	const struct answer *neg = exists ? &z->nodata : &z->nxdomain;
	qi->rcode = neg->rcode;
	return reply_answer(env, qi, neg, tcp, out, out_cap, out_len);
}

/* ---- DNS64 (RFC 6147; VPC User Guide, "DNS64 and NAT64") ---- */

/* A client in a subnet with EnableDns64 of the VPC whose view it is in;
 * nothing is looked up when no subnet has DNS64. */
static bool
dns64_client(const struct snapshot *s, const struct query_client *c, uint16_t view)
{
	return s->dns64.n_levels && cidrmap_find(&s->dns64, c->addr) == (int32_t)view;
}

/*
 * A name with A records and no AAAA record: the A answer (its CNAME chain
 * included) with every A record made an AAAA record in 64:ff9b::/96, TTL
 * at most the negative TTL of the AAAA answer (RFC 6147 §5.1.7). Without
 * A records the NODATA stands.
 */
static enum query_action
reply_dns64(struct query_env *env, struct query_info *qi, const struct query_lookup *f, bool tcp,
	uint8_t *out, size_t out_cap, size_t *out_len)
{
	const struct answer *a = node_answer(f->node, DNS_TYPE_A);
	if (a->sel)	/* weighted A records: this query's pick */
		a = policy_pick(a->sel, &env->rng, env->client);
	size_t limit = query_reply_limit(env, qi, tcp);
	size_t opt = qi->edns ? OPT_RR_SIZE : 0;
	size_t len = DNS_HEADER_SIZE + qi->question_len + a->len;
	if (a->qtype != DNS_TYPE_A || len > out_cap)
		return reply_answer(env, qi, f->answer, tcp, out, out_cap, out_len);
	if (limit > out_cap)
		limit = out_cap;
	put_header(out, qi, DNS_RCODE_NOERROR, false);
	wire_put16(out + 6, a->ancount);
	memcpy(out + DNS_HEADER_SIZE, qi->question, qi->question_len);
	put_block(env, a, qi, out + DNS_HEADER_SIZE + qi->question_len);
	uint32_t ttl = dns64_negative_ttl(f->answer->block, f->answer->len, f->answer->ancount);
	size_t n = limit > opt ? dns64_synthesize(out, len, limit - opt, ttl) : DNS64_TOO_BIG;
	if (n == DNS64_TOO_BIG)	/* does not fit: TC (RFC 2181 §9) */
		return reply_empty_tc(env, qi, out, out_cap, out_len);
	if (!n)			/* no A record to make one of */
		return reply_answer(env, qi, f->answer, tcp, out, out_cap, out_len);
	if (qi->edns) {
		wire_put16(out + 10, 1);
		n += query_put_opt(env, qi, out + n, 0);
	}
	*out_len = n;
	qi->rcode = DNS_RCODE_NOERROR;
	return QUERY_SEND;
}

static inline __attribute__((always_inline)) uint16_t
pick_view(const struct query_env *env, const struct query_client *c)
{
	const struct snapshot *s = env->snap;
	if (c->listener >= 0 && (unsigned)c->listener < s->n_listeners &&
	    s->listener_views[c->listener] >= 0)
		return (uint16_t)s->listener_views[c->listener];
	return snapshot_view_for(s, c->addr);
}

/*
 * Answer a parsed query in its view: the DNS Firewall first (when filter
 * and the view has rule groups), then dnsd's own data, else forward.
 */
static inline __attribute__((always_inline)) enum query_action
answer_in_view(struct query_env *env, struct query_info *qi, const uint8_t *label_off,
	unsigned n_labels, bool tcp, bool filter, uint8_t *out, size_t out_cap, size_t *out_len)
{
	struct query_lookup f;
	uint32_t hashes[DNAME_MAX_LABELS + 1];
	dname_suffix_hashes(qi->lname, label_off, n_labels, hashes);
	lookup(&env->snap->db, qi->view, qi->lname, qi->qname_len, qi->qtype, label_off, n_labels,
		hashes, &f);
	/* DNS Firewall: off (one test) unless the client's VPC has a rule group;
	 * it gets a copy of f, so that f itself can stay in registers */
	const struct fw_view *fv = filter ? firewall_view(env->snap->firewall, qi->view) : NULL;
	if (fv) {
		/* a routing policy picks first: the firewall sees that answer's chain */
		if (f.answer && f.answer->sel)
			f.answer = policy_pick(f.answer->sel, &env->rng, env->client);
		struct query_lookup seen = f;
		enum query_action fw_action;
		if (firewall_filter(env, qi, fv, &seen, label_off, n_labels, hashes, tcp, out,
			    out_cap, out_len, &fw_action))
			return fw_action;
	}
	if (f.synth)
		return answer_ec2(env, qi, f.synth, label_off, n_labels, tcp, out, out_cap, out_len);
	if (!f.answer) {
		qi->forward_zone = f.forward;
		return QUERY_FORWARD;
	}
	/* a routing policy picks among prepared answers (picked ones have no sel) */
	if (__builtin_expect(f.answer->sel != NULL, 0))
		f.answer = policy_pick(f.answer->sel, &env->rng, env->client);
	qi->rcode = f.answer->rcode;
	if (qi->dns64 && f.node && f.answer->qtype != DNS_TYPE_AAAA &&
	    f.answer->rcode == DNS_RCODE_NOERROR)
		return reply_dns64(env, qi, &f, tcp, out, out_cap, out_len);
	return reply_answer(env, qi, f.answer, tcp, out, out_cap, out_len);
}

enum query_action
query_answer(struct query_env *env, const struct query_client *c, const uint8_t *pkt,
	size_t len, uint8_t *out, size_t out_cap, size_t *out_len, struct query_info *qi)
{
	uint8_t label_off[DNAME_MAX_LABELS + 1];
	unsigned n_labels, edns_version = 0;

	env->client = c->addr;
	qi->edns = false;
	qi->do_bit = false;
	qi->question_len = 0;
	qi->qname_len = 0;
	qi->forward_zone = NULL;
	qi->dns64 = qi->dns64_a = false;
	qi->tsig = 0;
	qi->fw_rule = NULL;
	qi->fw_state = QUERY_FW_OFF;
	qi->fw_chain = false;
	qi->why = NULL;
	qi->rcode = 0;
	qi->qtype = qi->qclass = 0;
	qi->view = QUERY_NO_VIEW;
	if (len < DNS_HEADER_SIZE) {
		qi->why = "shorter than a header";
		return QUERY_DROP;
	}
	qi->id = wire_get16(pkt);
	qi->flags = wire_flags(pkt);
	if (qi->flags & DNS_FLAG_QR) {
		qi->why = "QR set: a response, not a query";
		return QUERY_DROP;
	}
	if (env->snap->silent_views && env->snap->silent_views[pick_view(env, c)]) {
		/* the VPC has enableDnsSupport off: no Resolver there */
		qi->why = "the client's VPC has enableDnsSupport false";
		return QUERY_DROP;
	}
	unsigned opcode = wire_opcode(pkt);
	if (opcode == DNS_OPCODE_NOTIFY)
		return reply_error(env, pkt, qi, DNS_RCODE_REFUSED, false,
			"NOTIFY: dnsd is nobody's secondary", out, out_len);
	if (opcode != DNS_OPCODE_QUERY)
		return reply_error(env, pkt, qi, DNS_RCODE_NOTIMP, false, "opcode not QUERY",
			out, out_len);
	if (wire_get16(pkt + 4) != 1)
		return reply_error(env, pkt, qi, DNS_RCODE_FORMERR, false, "QDCOUNT is not 1",
			out, out_len);
	if (!parse_qname(pkt, len, qi, label_off, &n_labels) ||
	    len < DNS_HEADER_SIZE + qi->qname_len + 4)
		return reply_error(env, pkt, qi, DNS_RCODE_FORMERR, false, "malformed question",
			out, out_len);
	size_t pos = DNS_HEADER_SIZE + qi->qname_len;
	qi->qtype = wire_get16(pkt + pos);
	qi->qclass = wire_get16(pkt + pos + 2);
	qi->question = pkt + DNS_HEADER_SIZE;
	qi->question_len = qi->qname_len + 4;
	pos += 4;
	if (qi->flags & DNS_RCODE_MASK)
		return reply_error(env, pkt, qi, DNS_RCODE_FORMERR, false, "RCODE set in a query",
			out, out_len);
	if (wire_get16(pkt + 6) != 0)
		return reply_error(env, pkt, qi, DNS_RCODE_FORMERR, false, "answer section in a query",
			out, out_len);
	if (wire_get16(pkt + 8) != 0 && !ixfr_authority(env, pkt, len, &pos, qi))
		return reply_error(env, pkt, qi, qi->qtype == DNS_TYPE_IXFR ?
			DNS_RCODE_REFUSED : DNS_RCODE_FORMERR, false,
			"authority section in a query", out, out_len);
	const char *bad = parse_additional(pkt, len, &pos, wire_get16(pkt + 10), qi, &edns_version);
	if (!bad && pos != len)
		bad = "bytes after the last record";
	if (bad) {
		qi->edns = false;	/* a broken message: its OPT counts for nothing */
		return reply_error(env, pkt, qi, DNS_RCODE_FORMERR, false, bad, out, out_len);
	}
	if (!client_allowed(env, c))
		return reply_error(env, pkt, qi, DNS_RCODE_REFUSED, true,
			"client not allowed (--allow)", out, out_len);
	if (qi->edns && edns_version > 0)
		return reply_error(env, pkt, qi, DNS_RCODE_BADVERS, true, "EDNS version above 0",
			out, out_len);
	if (qi->tsig) {
		enum query_action act;
		if (env->snap->xfr && xfr_query(env, c, pkt, len, out, out_cap, out_len, qi, &act))
			return act;
		return reply_tsig_badkey(env, pkt, len, qi, out, out_cap, out_len);
	}
	if (qi->qclass == DNS_CLASS_CH)
		return reply_chaos(env, pkt, qi, c->tcp, out, out_cap, out_len);
	if (qi->qclass != DNS_CLASS_IN && qi->qclass != DNS_CLASS_ANY)
		return reply_error(env, pkt, qi, DNS_RCODE_REFUSED, true, "class not IN", out,
			out_len);
	if (qi->qtype == DNS_TYPE_AXFR || qi->qtype == DNS_TYPE_IXFR)
		return reply_error(env, pkt, qi, DNS_RCODE_REFUSED, true,
			"zone transfer from a resolver", out, out_len);
	if (meta_qtype(qi->qtype))
		return reply_error(env, pkt, qi, DNS_RCODE_FORMERR, false, "meta query type", out,
			out_len);

	qi->view = pick_view(env, c);
	qi->dns64 = qi->qtype == DNS_TYPE_AAAA && dns64_client(env->snap, c, qi->view);
	return answer_in_view(env, qi, label_off, n_labels, c->tcp, true, out, out_cap, out_len);
}

size_t
query_reply_for_name(struct query_env *env, uint16_t view, bool dns64, const uint8_t *lname,
	size_t len, uint16_t qtype, uint8_t *out, size_t cap)
{
	static __thread uint8_t question[DNAME_MAX + 4];
	static __thread struct query_info qi;
	uint8_t label_off[DNAME_MAX_LABELS + 1];
	unsigned n = 0;
	if (!len || len > DNAME_MAX)
		return 0;
	memset(&qi, 0, sizeof(qi));
	memcpy(question, lname, len);
	wire_put16(question + len, qtype);
	wire_put16(question + len + 2, DNS_CLASS_IN);
	memcpy(qi.lname, lname, len);
	qi.flags = DNS_FLAG_RD;
	qi.qtype = qtype;
	qi.qclass = DNS_CLASS_IN;
	qi.qname_len = len;
	qi.question = question;
	qi.question_len = len + 4;
	qi.view = view;
	qi.dns64 = dns64 && qtype == DNS_TYPE_AAAA;
	for (size_t pos = 0; pos + 1 < len && n < DNAME_MAX_LABELS; pos += (size_t)lname[pos] + 1)
		label_off[n++] = (uint8_t)pos;
	label_off[n] = (uint8_t)(len - 1);
	size_t out_len = 0;
	/* no client address here: IP-based records answer their default location */
	env->client = NULL;
	/* as over TCP: whole, the caller fits it to its client */
	if (answer_in_view(env, &qi, label_off, n, true, false, out, cap, &out_len) != QUERY_SEND)
		return 0;
	return out_len;
}
