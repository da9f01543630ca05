/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_out.c - answer signed queries of secondaries: SOA, AXFR and IXFR streams (RFC 5936, RFC 1995), TSIG errors. */
#include "config.h"
#include "xfr_out.h"

#include "log.h"
#include "netaddr.h"
#include "snapshot.h"
#include "tsig.h"
#include "wire.h"
#include "xfr.h"
#include "xfr_config.h"
#include "xfr_journal.h"
#include "xfr_msg.h"
#include "xfr_rr.h"
#include "zonedb.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OPT_SIZE 11
/* room after the records: an OPT and the largest TSIG (owner, fixed
 * part, algorithm name, timers, MAC, other data) */
#define TRAILER_ROOM (OPT_SIZE + DNAME_MAX + 10 + 13 + 16 + TSIG_MAX_MAC + 6)

static uint64_t
wall_seconds(void)
{
	return (uint64_t)time(NULL);
}

/* ---- single replies ---- */

/* Header and question of a reply to pkt. */
static size_t
reply_start(const uint8_t *pkt, const struct query_info *qi, uint8_t *out, uint16_t flags,
	uint8_t rcode)
{
	memcpy(out, pkt, 2);
	wire_put16(out + 2, (uint16_t)(DNS_FLAG_QR | (wire_flags(pkt) & (DNS_OPCODE_MASK |
		DNS_FLAG_RD)) | flags | rcode));
	wire_put16(out + 4, 1);
	memset(out + 6, 0, 6);
	memcpy(out + DNS_HEADER_SIZE, qi->question, qi->question_len);
	return DNS_HEADER_SIZE + qi->question_len;
}

static size_t
put_opt(const struct query_env *env, const struct query_info *qi, uint8_t *out, size_t len)
{
	if (!qi->edns)
		return len;
	len += query_put_opt(env, qi, out + len, 0);
	wire_put16(out + 10, (uint16_t)(wire_get16(out + 10) + 1));
	return len;
}

/* A signed reply with only an rcode (NOTAUTH, REFUSED). */
static enum query_action
reply_signed(struct query_env *env, const uint8_t *pkt, struct query_info *qi,
	struct tsig_signer *s, uint8_t rcode, uint16_t tsig_error, const char *why, uint8_t *out,
	size_t out_cap, size_t *out_len)
{
	qi->rcode = rcode;
	qi->why = why;
	size_t len = reply_start(pkt, qi, out, 0, rcode);
	len = put_opt(env, qi, out, len);
	*out_len = tsig_sign(s, out, len, out_cap, wall_seconds(), tsig_error);
	return *out_len ? QUERY_SEND : QUERY_DROP;
}

/* NOTAUTH with an unsigned TSIG saying BADSIG (RFC 8945 §5.2.2). */
static enum query_action
reply_badsig(struct query_env *env, const uint8_t *pkt, struct query_info *qi,
	const struct tsig_rr *t, uint8_t *out, size_t out_cap, size_t *out_len)
{
	qi->rcode = DNS_RCODE_NOTAUTH;
	qi->why = "TSIG: the MAC does not verify (BADSIG)";
	if (!query_ratelimit_take(env))
		return QUERY_DROP;
	size_t len = reply_start(pkt, qi, out, 0, DNS_RCODE_NOTAUTH);
	len = put_opt(env, qi, out, len);
	*out_len = tsig_append_error(t, out, len, out_cap, TSIG_BADSIG);
	return *out_len ? QUERY_SEND : QUERY_DROP;
}

static enum query_action
reply_formerr(struct query_env *env, const uint8_t *pkt, struct query_info *qi, uint8_t *out,
	size_t *out_len)
{
	qi->rcode = DNS_RCODE_FORMERR;
	qi->why = "TSIG MAC shorter than RFC 8945 §5.2.2.1 allows";
	if (!query_ratelimit_take(env))
		return QUERY_DROP;
	memcpy(out, pkt, 2);
	wire_put16(out + 2, (uint16_t)(DNS_FLAG_QR | (wire_flags(pkt) & DNS_OPCODE_MASK) |
		DNS_RCODE_FORMERR));
	memset(out + 4, 0, 8);
	*out_len = DNS_HEADER_SIZE;
	return QUERY_SEND;
}

/* The zone's SOA, authoritative and signed; TC when the client's size
 * does not take it (RFC 2181 §9). */
static enum query_action
reply_soa(struct query_env *env, const uint8_t *pkt, struct query_info *qi,
	struct tsig_signer *s, const struct xfr_zone *z, bool tcp, uint8_t *out, size_t out_cap,
	size_t *out_len)
{
	size_t limit = query_reply_limit(env, qi, tcp);
	if (limit > out_cap)
		limit = out_cap;
	size_t len = reply_start(pkt, qi, out, DNS_FLAG_AA, DNS_RCODE_NOERROR);
	size_t trailer = (qi->edns ? OPT_SIZE : 0) + s->key->name_len + 10 + 16 + 13 +
		tsig_mac_size(s->key->alg);
	qi->rcode = DNS_RCODE_NOERROR;
	if (len + 12 + z->soa_len + trailer <= limit) {
		uint8_t *p = out + len;
		wire_put16(p, 0xc000 | DNS_HEADER_SIZE);
		wire_put16(p + 2, DNS_TYPE_SOA);
		wire_put16(p + 4, DNS_CLASS_IN);
		wire_put32(p + 6, z->soa_ttl);
		wire_put16(p + 10, z->soa_len);
		memcpy(p + 12, z->soa, z->soa_len);
		len += 12 + z->soa_len;
		wire_put16(out + 6, 1);
	} else {
		wire_put16(out + 2, (uint16_t)(wire_get16(out + 2) | DNS_FLAG_TC));
	}
	len = put_opt(env, qi, out, len);
	*out_len = tsig_sign(s, out, len, out_cap, wall_seconds(), TSIG_NOERROR);
	return *out_len ? QUERY_SEND : QUERY_DROP;
}

static bool
client_may_transfer(const struct xfr_secondary *cfg, const struct netaddr *a)
{
	if (cfg->n_allow == 0)
		return true;
	for (unsigned i = 0; i < cfg->n_allow; i++)
		if (netprefix_contains(&cfg->allow[i], a))
			return true;
	return false;
}

/* What a verified query of key k asks for. */
static enum query_action
answer_verified(struct query_env *env, const struct query_client *c, const uint8_t *pkt,
	struct query_info *qi, const struct xfr_key *k, struct tsig_signer *s, uint8_t *out,
	size_t out_cap, size_t *out_len)
{
	const struct xfr *x = env->snap->xfr;
	if (!client_may_transfer(k->cfg, c->addr))
		return reply_signed(env, pkt, qi, s, DNS_RCODE_REFUSED, 0,
			"transfer key used from outside its AllowTransfer", out, out_cap, out_len);
	bool xfr = qi->qtype == DNS_TYPE_AXFR || qi->qtype == DNS_TYPE_IXFR;
	if (qi->qclass != DNS_CLASS_IN || (!xfr && qi->qtype != DNS_TYPE_SOA))
		return reply_signed(env, pkt, qi, s, DNS_RCODE_REFUSED, 0,
			"signed query other than SOA, AXFR or IXFR in class IN", out, out_cap,
			out_len);
	const struct xfr_zone *z = xfr_zone_find(x, k, qi->lname, qi->qname_len);
	if (!z)
		return reply_signed(env, pkt, qi, s, DNS_RCODE_NOTAUTH, 0,
			"no zone of that name in the key's view", out, out_cap, out_len);
	if (qi->qtype == DNS_TYPE_SOA || (qi->qtype == DNS_TYPE_IXFR && !c->tcp))
		return reply_soa(env, pkt, qi, s, z, c->tcp, out, out_cap, out_len);
	if (!c->tcp)
		return reply_signed(env, pkt, qi, s, DNS_RCODE_REFUSED, 0, "AXFR over UDP", out,
			out_cap, out_len);
	qi->rcode = DNS_RCODE_NOERROR;
	return QUERY_XFR;
}

bool
xfr_query(struct query_env *env, const struct query_client *c, const uint8_t *pkt, size_t len,
	uint8_t *out, size_t out_cap, size_t *out_len, struct query_info *qi,
	enum query_action *act)
{
	const struct xfr *x = env->snap->xfr;
	struct tsig_rr t;
	if (!tsig_parse(pkt, len, qi->tsig, &t))
		return false;
	const struct xfr_key *k = xfr_key_find(x, t.key, t.key_len);
	if (!k || tsig_rr_alg(&t) != (int)k->cfg->key.alg)
		return false;
	uint64_t now = wall_seconds();
	int err = tsig_verify(&k->cfg->key, pkt, &t, now);
	struct tsig_signer s;
	tsig_signer_init(&s, &k->cfg->key, &t);
	if (err < 0)
		*act = reply_formerr(env, pkt, qi, out, out_len);
	else if (err == TSIG_BADSIG)
		*act = reply_badsig(env, pkt, qi, &t, out, out_cap, out_len);
	else if (err == TSIG_BADTIME) {
		s.time = t.time;	/* the request's time, ours as Other Data */
		*act = reply_signed(env, pkt, qi, &s, DNS_RCODE_NOTAUTH, TSIG_BADTIME,
			"TSIG time outside the fudge (BADTIME)", out, out_cap, out_len);
	} else
		*act = answer_verified(env, c, pkt, qi, k, &s, out, out_cap, out_len);
	return true;
}

/* ---- transfers ---- */

/* What a stream sends next. */
enum phase {
	P_FIRST_SOA,	/* the zone's SOA */
	P_OLD_SOA,	/* IXFR: the client's version */
	P_DELETED,	/* IXFR: records gone since */
	P_MID_SOA,	/* IXFR: the current SOA, then */
	P_ADDED,	/* IXFR: records new since */
	P_NAMES,	/* AXFR: every name's records */
	P_CATALOG,	/* a catalog: NS, version, members */
	P_LAST_SOA,
	P_DONE
};

struct xfr_stream {
	struct snapshot *snap;
	const struct xfr_zone *z;
	const struct xfr_key *key;
	uint16_t view;
	struct tsig_signer signer;
	uint16_t id;
	uint8_t question[DNAME_MAX + 4];
	size_t question_len;
	bool edns, do_bit, ixfr, incremental;
	int from;		/* IXFR: the client's version in the journal */
	enum phase phase;
	/* where the phase is */
	uint32_t node, jpos, member;
	unsigned catalog_step;
	uint8_t *node_rrs;	/* the current name's records, packed */
	size_t node_rrs_len, node_rrs_cap, node_rr_off;
	struct xfr_rr pending;	/* read, but did not fit the last message */
	bool has_pending;
	uint8_t owner[DNAME_MAX];	/* catalog records' */
	struct xfr_scratch scratch;
	struct xfr_msg msg;
	bool failed;
	/* for the log line */
	char client[64];
	uint64_t records, messages, bytes;
	struct timespec start;
};

static bool
keep_node_rr(void *ctx, const struct xfr_rr *rr)
{
	struct xfr_stream *st = ctx;
	if (st->node_rrs_len + XFR_RR_PACKED_MAX > st->node_rrs_cap) {
		size_t cap = st->node_rrs_cap ? st->node_rrs_cap * 2 : 4096;
		while (cap < st->node_rrs_len + XFR_RR_PACKED_MAX)
			cap *= 2;
		uint8_t *p = realloc(st->node_rrs, cap);
		if (!p)
			return false;
		st->node_rrs = p;
		st->node_rrs_cap = cap;
	}
	st->node_rrs_len += xfr_rr_pack(rr, st->node_rrs + st->node_rrs_len);
	return true;
}

static const struct zonedb *
stream_db(const struct xfr_stream *st)
{
	return &st->snap->db;
}

/* The next record of the zone's names that the key's view sees. */
static bool
next_name_rr(struct xfr_stream *st, struct xfr_rr *rr)
{
	const struct xfr_zone *z = st->z;
	while (st->node_rr_off >= st->node_rrs_len) {
		if (st->node >= z->n_nodes)
			return false;
		const struct node *n = z->nodes[st->node++];
		st->node_rrs_len = st->node_rr_off = 0;
		if (!xfr_owner_visible(stream_db(st), st->view, z, n->name, n->name_len))
			continue;
		if (!xfr_node_each(n, &st->scratch, keep_node_rr, st)) {
			log_err("transfer of a zone: cannot read back the answers of a name (a bug)");
			st->failed = true;
			return false;
		}
	}
	st->node_rr_off += xfr_rr_unpack(st->node_rrs + st->node_rr_off, rr);
	return true;
}

static bool
next_journal_rr(struct xfr_stream *st, bool adds, struct xfr_rr *rr)
{
	while (xfr_journal_each(st->z->journal, st->from, adds, &st->jpos, rr))
		if (xfr_owner_visible(stream_db(st), st->view, st->z, rr->owner, rr->owner_len))
			return true;
	return false;
}

/* Catalog zone records (RFC 9432): NS, version "2", one PTR per member
 * under a label made from the member's name. */
static bool
next_catalog_rr(struct xfr_stream *st, struct xfr_rr *rr)
{
	const struct xfr_zone *z = st->z;
	size_t n = 0;
	if (st->catalog_step == 0) {
		st->catalog_step++;
		memcpy(st->owner, z->apex, z->apex_len);
		*rr = (struct xfr_rr){ st->owner, z->apex_len, DNS_TYPE_NS, 0,
			(const uint8_t *)"\007invalid", 9 };
		return true;
	}
	if (st->catalog_step == 1 && z->apex_len + 8 <= DNAME_MAX) {
		st->catalog_step++;
		memcpy(st->owner, "\007version", 8);
		memcpy(st->owner + 8, z->apex, z->apex_len);
		*rr = (struct xfr_rr){ st->owner, (uint8_t)(z->apex_len + 8), DNS_TYPE_TXT, 0,
			(const uint8_t *)"\0012", 2 };
		return true;
	}
	const struct xfr *x = st->snap->xfr;
	while (st->member < z->n_members) {
		const struct xfr_zone *m = &x->zones[z->members[st->member++]];
		if (z->apex_len + 23 > DNAME_MAX)
			return false;
		uint8_t lower[DNAME_MAX];
		dname_lower_copy(lower, m->apex, m->apex_len);
		uint64_t h = xfr_hash_bytes(0xcbf29ce484222325ull, lower, m->apex_len);
		st->owner[n++] = 16;
		for (int i = 15; i >= 0; i--)
			st->owner[n++] = (uint8_t)"0123456789abcdef"[(h >> (4 * i)) & 15];
		memcpy(st->owner + n, "\005zones", 6);
		memcpy(st->owner + n + 6, z->apex, z->apex_len);
		*rr = (struct xfr_rr){ st->owner, (uint8_t)(n + 6 + z->apex_len), DNS_TYPE_PTR, 0,
			m->apex, m->apex_len };
		return true;
	}
	return false;
}

static void
soa_rr(const struct xfr_stream *st, struct xfr_rr *rr, uint32_t ttl, const uint8_t *soa,
	uint16_t len)
{
	*rr = (struct xfr_rr){ st->z->apex, st->z->apex_len, DNS_TYPE_SOA, ttl, soa, len };
}

/* The phase after this one, for the kind of transfer. */
static enum phase
phase_after(const struct xfr_stream *st, enum phase p)
{
	switch (p) {
	case P_FIRST_SOA:
		if (st->ixfr && !st->incremental && st->from == -2)
			return P_DONE;	/* up to date: the one SOA */
		if (st->incremental)
			return P_OLD_SOA;
		return st->z->kind == XFR_KIND_CATALOG ? P_CATALOG : P_NAMES;
	case P_OLD_SOA: return P_DELETED;
	case P_DELETED: return P_MID_SOA;
	case P_MID_SOA: return P_ADDED;
	case P_ADDED:
	case P_NAMES:
	case P_CATALOG: return P_LAST_SOA;
	default: return P_DONE;
	}
}

/* One record of the phase, or false when the phase is over. */
static bool
phase_rr(struct xfr_stream *st, struct xfr_rr *rr)
{
	const struct xfr_zone *z = st->z;
	uint32_t ttl;
	const uint8_t *soa;
	uint16_t len;
	switch (st->phase) {
	case P_FIRST_SOA:
	case P_MID_SOA:
	case P_LAST_SOA:
		soa_rr(st, rr, z->soa_ttl, z->soa, z->soa_len);
		return true;
	case P_OLD_SOA:
		xfr_journal_soa(z->journal, st->from, &ttl, &soa, &len);
		soa_rr(st, rr, ttl, soa, len);
		return true;
	case P_DELETED: return next_journal_rr(st, false, rr);
	case P_ADDED: return next_journal_rr(st, true, rr);
	case P_NAMES: return next_name_rr(st, rr);
	case P_CATALOG: return next_catalog_rr(st, rr);
	default: return false;
	}
}

/* The next record of the whole transfer. */
static bool
stream_rr(struct xfr_stream *st, struct xfr_rr *rr)
{
	if (st->has_pending) {
		*rr = st->pending;
		st->has_pending = false;
		return true;
	}
	while (st->phase != P_DONE && !st->failed) {
		enum phase p = st->phase;
		bool single = p == P_FIRST_SOA || p == P_OLD_SOA || p == P_MID_SOA || p == P_LAST_SOA;
		bool got = phase_rr(st, rr);
		if (single || !got) {
			st->phase = phase_after(st, p);
			st->jpos = 0;	/* the journal is read once per phase */
		}
		if (got)
			return true;
	}
	return false;
}

/* Records into the message until one does not fit; that one waits for
 * the next message (what it points to stays until then). */
static void
fill_message(struct xfr_stream *st)
{
	struct xfr_rr rr;
	while (stream_rr(st, &rr)) {
		if (xfr_msg_rr(&st->msg, &rr)) {
			st->records++;
			continue;
		}
		st->pending = rr;
		st->has_pending = true;
		if (st->msg.ancount == 0) {
			log_err("transfer: a record does not fit in a message (a bug)");
			st->failed = true;
		}
		return;
	}
}

/* An OPT answers an OPT (RFC 6891 §7): our size, the query's DO. */
static size_t
stream_opt(const struct xfr_stream *st, uint8_t *out, size_t len)
{
	out[len] = 0;
	wire_put16(out + len + 1, DNS_TYPE_OPT);
	wire_put16(out + len + 3, DNS_MAX_UDP_DEFAULT);
	wire_put32(out + len + 5, st->do_bit ? EDNS_FLAG_DO : 0);
	wire_put16(out + len + 9, 0);
	wire_put16(out + 10, 1);
	return len + OPT_SIZE;
}

size_t
xfr_stream_next(struct xfr_stream *st, uint8_t *out, size_t cap)
{
	if (st->phase == P_DONE && !st->has_pending)
		return 0;
	if (cap > DNS_MAX_MESSAGE)
		cap = DNS_MAX_MESSAGE;
	xfr_msg_start(&st->msg, out, cap - TRAILER_ROOM, st->id, DNS_FLAG_QR | DNS_FLAG_AA,
		st->messages == 0 ? st->question : NULL, st->question_len);
	fill_message(st);
	if (st->failed || st->msg.ancount == 0)
		return 0;
	xfr_msg_end(&st->msg);
	size_t len = st->edns ? stream_opt(st, out, st->msg.len) : st->msg.len;
	len = tsig_sign(&st->signer, out, len, cap, wall_seconds(), TSIG_NOERROR);
	if (!len) {
		st->failed = true;
		return 0;
	}
	st->messages++;
	st->bytes += len;
	return len;
}

/* The client's serial: the SOA in the authority section of an IXFR. */
static bool
ixfr_serial(const uint8_t *pkt, size_t len, const struct query_info *qi, uint32_t *serial)
{
	size_t pos = DNS_HEADER_SIZE + qi->question_len;
	struct wire_rr rr;
	if (wire_get16(pkt + 8) != 1 || !wire_parse_rr(pkt, len, &pos, &rr) ||
	    rr.type != DNS_TYPE_SOA || rr.rdlen < 22)
		return false;
	*serial = wire_get32(pkt + rr.end - 20);
	return true;
}

/* IXFR: incremental from the journal, one SOA when up to date, else
 * the whole zone (RFC 1995 §4). */
static void
choose_ixfr(struct xfr_stream *st, const uint8_t *pkt, size_t len, const struct query_info *qi)
{
	uint32_t serial;
	st->from = -1;
	if (!ixfr_serial(pkt, len, qi, &serial))
		return;
	if (serial == st->z->serial || xfr_serial_gt(serial, st->z->serial)) {
		st->from = -2;	/* as new as ours (or newer): nothing to send */
		return;
	}
	st->from = xfr_journal_version(st->z->journal, serial);
	st->incremental = st->from >= 0;
}

struct xfr_stream *
xfr_stream_create(struct snapshot *snap, const uint8_t *pkt, size_t len,
	const struct query_info *qi, const struct netaddr *client)
{
	const struct xfr *x = snap->xfr;
	struct tsig_rr t;
	if (!x || !qi->tsig || !tsig_parse(pkt, len, qi->tsig, &t))
		return NULL;
	const struct xfr_key *k = xfr_key_find(x, t.key, t.key_len);
	const struct xfr_zone *z = k ? xfr_zone_find(x, k, qi->lname, qi->qname_len) : NULL;
	struct xfr_stream *st = z ? calloc(1, sizeof(*st)) : NULL;
	if (!st)
		return NULL;
	snapshot_ref(snap);
	st->snap = snap;
	st->z = z;
	st->key = k;
	st->view = x->views[k->view].view;
	tsig_signer_init(&st->signer, &k->cfg->key, &t);
	st->id = wire_get16(pkt);
	memcpy(st->question, qi->question, qi->question_len);
	st->question_len = qi->question_len;
	st->edns = qi->edns;
	st->do_bit = qi->do_bit;
	st->ixfr = qi->qtype == DNS_TYPE_IXFR;
	if (st->ixfr)
		choose_ixfr(st, pkt, len, qi);
	st->phase = P_FIRST_SOA;
	netaddr_str(client, st->client, sizeof(st->client));
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	return st;
}

bool
xfr_stream_ok(const struct xfr_stream *st)
{
	return !st->failed;
}

void
xfr_stream_free(struct xfr_stream *st)
{
	if (!st)
		return;
	if (log_verbosity >= VERB_DETAIL) {
		struct timespec now;
		char zone[DNAME_TEXT_MAX];
		clock_gettime(CLOCK_MONOTONIC, &now);
		dname_to_text(st->z->apex, zone, sizeof(zone));
		double s = (double)(now.tv_sec - st->start.tv_sec) +
			(double)(now.tv_nsec - st->start.tv_nsec) / 1e9;
		log_verbose_("%s %s %s (view %s, serial %u) to %s with key %s: %llu records in %llu "
			"messages, %llu bytes, %.3f s", st->phase == P_DONE && !st->failed ?
			"sent" : "stopped", !st->ixfr ? "AXFR" : st->incremental ? "IXFR" :
			st->from == -2 ? "IXFR (up to date)" : "IXFR as AXFR", zone,
			st->z->view_name, st->z->serial, st->client, st->key->cfg->key_text,
			(unsigned long long)st->records, (unsigned long long)st->messages,
			(unsigned long long)st->bytes, s);
	}
	snapshot_unref(st->snap);
	free(st->node_rrs);
	free(st);
}
