/* SPDX-License-Identifier: BSD-3-Clause */
/* src/scrub.c - clean forwarded replies: the answer chain, the bailiwick, names dnsd serves. */
#include "config.h"
#include "scrub.h"

#include "dname.h"
#include "query.h"
#include "snapshot.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>

/* The smallest record is 11 octets (root owner, no RDATA). */
#define MAX_RRS ((DNS_MAX_MESSAGE - DNS_HEADER_SIZE) / 11 + 1)
#define CTAB_SIZE 4096		/* compression targets per message (a power of two) */
#define MAX_SETS (2 * SCRUB_MAX_CHAIN + 2)

/* Types the scrubber knows beyond those in wire.h. */
enum {
	T_MD = 3, T_MF = 4, T_MB = 7, T_MG = 8, T_MR = 9, T_MINFO = 14, T_RP = 17,
	T_AFSDB = 18, T_RT = 21, T_SIG = 24, T_PX = 26, T_NXT = 30, T_NAPTR = 35, T_KX = 36,
	T_DNAME = 39, T_DS = 43, T_RRSIG = 46, T_NSEC = 47, T_NSEC3 = 50
};

enum section { SEC_AN, SEC_NS, SEC_AR };

#define RCODE_YXDOMAIN 6	/* RFC 2136: a DNAME substitution too long (RFC 6672 §2.2) */

/* One record of the reply being scrubbed. */
struct rr_info {
	uint32_t owner, rdata;		/* offsets in the reply */
	uint32_t hash;			/* of the lowercase owner */
	uint32_t ttl;
	uint16_t rdlen, type, rclass;
	uint8_t section;
	bool keep, bad;
};

/* An RRset kept in the answer (its RRSIGs may follow it). */
struct kept_set {
	uint8_t name[DNAME_MAX];
	uint8_t len;
	uint16_t type;			/* DNS_TYPE_ANY: any type (an ANY query) */
};

/* A CNAME dnsd makes for a DNAME step (RFC 6672 §3.4). */
struct synth {
	unsigned after;			/* written after this record */
	uint16_t rclass;
	uint32_t ttl;
	uint8_t owner[DNAME_MAX], target[DNAME_MAX];
	uint8_t olen, tlen;
};

/* A name written to the output that later names may point to. */
struct ctab_entry {
	uint32_t hash, gen;
	uint16_t at;
	uint8_t len;
};

struct scrub {
	struct rr_info rr[MAX_RRS];
	unsigned n;
	struct kept_set sets[MAX_SETS];
	unsigned n_sets;
	struct synth synth[SCRUB_MAX_CHAIN];
	unsigned n_synth;
	uint32_t ref_hash[MAX_RRS];	/* names that additional A/AAAA may belong to */
	unsigned n_refs;
	uint8_t final[DNAME_MAX];	/* the last name of the answer chain */
	size_t final_len;
	bool cut;			/* the chain reached a name dnsd serves */
	struct ctab_entry ctab[CTAB_SIZE];
	uint32_t gen;
	unsigned ctab_used;
};

struct scrub *
scrub_create(void)
{
	return calloc(1, sizeof(struct scrub));
}

void
scrub_free(struct scrub *s)
{
	free(s);
}

/* ---- RDATA layouts ---- */

/*
 * How a type's RDATA holds names: 'c' a name that may be compressed (the
 * RFC 1035 types), 'n' a name written in full (RFC 3597 §4, RFC 4034 §6.2:
 * read compressed, never written so), 's' a character-string, 'r' the rest
 * as it is; a byte below 32 is that many fixed octets. A record must match
 * its layout exactly. Unknown types are opaque.
 */
static const char *
rdata_layout(uint16_t type)
{
	switch (type) {
	case DNS_TYPE_NS: case T_MD: case T_MF: case DNS_TYPE_CNAME: case T_MB: case T_MG:
	case T_MR: case DNS_TYPE_PTR:
		return "c";
	case DNS_TYPE_SOA:
		return "cc\x14";
	case T_MINFO:
		return "cc";
	case DNS_TYPE_MX:
		return "\x02" "c";
	case T_RP:
		return "nn";
	case T_AFSDB: case T_RT: case T_KX:
		return "\x02" "n";
	case T_PX:
		return "\x02" "nn";
	case DNS_TYPE_SRV:
		return "\x06" "n";
	case T_NAPTR:
		return "\x04" "sssn";
	case T_DNAME:
		return "n";
	case T_SIG: case T_RRSIG:
		return "\x12" "nr";
	case T_NXT: case T_NSEC:
		return "nr";
	case DNS_TYPE_A:
		return "\x04";
	case DNS_TYPE_AAAA:
		return "\x10";
	default:
		return "r";
	}
}

static bool put_name(struct scrub *s, const uint8_t *name, size_t nlen, bool compress,
	uint8_t *out, size_t cap, size_t *pos);

/* Copy (out != NULL) or only check the RDATA of record r by its layout. */
static bool
rdata_walk(struct scrub *s, const uint8_t *in, const struct rr_info *r, uint8_t *out,
	size_t cap, size_t *pos)
{
	size_t p = r->rdata, end = r->rdata + r->rdlen;
	for (const char *l = rdata_layout(r->type); *l; l++) {
		size_t n;
		uint8_t name[DNAME_MAX];
		if (*l == 'c' || *l == 'n') {
			/* pointers lead backwards, so the message up to end bounds them */
			size_t nlen = wire_read_name(in, end, &p, name, false);
			if (!nlen)
				return false;
			if (out && !put_name(s, name, nlen, *l == 'c', out, cap, pos))
				return false;
			continue;
		}
		if (*l == 'r')
			n = end - p;
		else if (*l == 's')
			n = p < end ? (size_t)in[p] + 1 : 1;
		else
			n = (size_t)(unsigned char)*l;
		if (n > end - p)
			return false;
		if (out) {
			if (cap - *pos < n)
				return false;
			memcpy(out + *pos, in + p, n);
			*pos += n;
		}
		p += n;
	}
	return p == end;
}

/* ---- reading the reply ---- */

static size_t
owner_of(const uint8_t *in, size_t len, const struct rr_info *r, uint8_t *name)
{
	size_t p = r->owner;
	return wire_read_name(in, len, &p, name, true);
}

/* The first name in a record's RDATA (after skip octets), lowercase. */
static size_t
rdata_name(const uint8_t *in, const struct rr_info *r, size_t skip, uint8_t *name)
{
	if (r->rdlen <= skip)
		return 0;
	size_t p = r->rdata + skip;
	return wire_read_name(in, r->rdata + r->rdlen, &p, name, true);
}

/* Every record located, its owner hashed and its RDATA checked. */
static bool
collect(struct scrub *s, const uint8_t *in, size_t len, size_t pos)
{
	unsigned counts[3] = { wire_get16(in + 6), wire_get16(in + 8), wire_get16(in + 10) };
	s->n = 0;
	for (uint8_t sec = 0; sec < 3; sec++) {
		for (unsigned i = 0; i < counts[sec]; i++) {
			struct wire_rr w;
			uint8_t name[DNAME_MAX];
			if (s->n >= MAX_RRS || !wire_parse_rr(in, len, &pos, &w))
				return false;
			struct rr_info *r = &s->rr[s->n++];
			r->owner = (uint32_t)w.owner;
			r->rdata = (uint32_t)w.rdata;
			r->rdlen = w.rdlen;
			r->type = w.type;
			r->rclass = w.rclass;
			r->ttl = w.ttl;
			r->section = sec;
			r->keep = false;
			size_t nlen = owner_of(in, len, r, name);
			r->hash = nlen ? dname_hash(name) : 0;
			r->bad = !nlen || (w.type != DNS_TYPE_OPT && !rdata_walk(s, in, r, NULL, 0, NULL));
		}
	}
	return true;
}

/* ---- the answer chain ---- */

static bool
served(const struct scrub_query *q, const uint8_t *name, size_t len)
{
	return q->served && q->served(q->served_ctx, name, len);
}

static bool
in_zone(const struct scrub_query *q, const uint8_t *name, size_t len)
{
	return dname_is_subdomain(name, len, q->zone, q->zone_len);
}

static void
add_set(struct scrub *s, const uint8_t *name, size_t len, uint16_t type)
{
	for (unsigned i = 0; i < s->n_sets; i++)
		if (s->sets[i].type == type && dname_equal(s->sets[i].name, s->sets[i].len, name, len))
			return;
	if (s->n_sets == MAX_SETS)
		return;		/* more than the chain allows: cannot happen */
	memcpy(s->sets[s->n_sets].name, name, len);
	s->sets[s->n_sets].len = (uint8_t)len;
	s->sets[s->n_sets].type = type;
	s->n_sets++;
}

/* The record after i in the answer that is not an RRSIG, or -1. */
static int
next_in_answer(const struct scrub *s, unsigned i)
{
	for (unsigned j = i + 1; j < s->n && s->rr[j].section == SEC_AN; j++)
		if (s->rr[j].type != T_RRSIG)
			return (int)j;
	return -1;
}

/* sname with the DNAME owner's suffix replaced by its target. */
static size_t
dname_alias(const uint8_t *in, const struct rr_info *r, const uint8_t *sname, size_t slen,
	size_t olen, uint8_t *alias)
{
	uint8_t target[DNAME_MAX];
	size_t tlen = rdata_name(in, r, 0, target);
	size_t keep = slen - olen;
	if (!tlen || keep + tlen > DNAME_MAX)
		return 0;
	memcpy(alias, sname, keep);
	memcpy(alias + keep, target, tlen);
	return keep + tlen;
}

/* The CNAME the upstream sent for a DNAME step: kept when it is the one
 * the DNAME makes, else dnsd writes that one itself. */
static bool
dname_cname(struct scrub *s, const uint8_t *in, size_t len, unsigned i, const uint8_t *sname,
	size_t slen, const uint8_t *alias, size_t alen)
{
	int j = next_in_answer(s, i);
	uint8_t owner[DNAME_MAX], target[DNAME_MAX];
	if (j >= 0) {
		struct rr_info *c = &s->rr[j];
		size_t olen = owner_of(in, len, c, owner);
		size_t tlen = rdata_name(in, c, 0, target);
		if (c->type == DNS_TYPE_CNAME && !c->bad && c->rclass == s->rr[i].rclass &&
		    dname_equal(owner, olen, sname, slen) && dname_equal(target, tlen, alias, alen)) {
			c->keep = true;
			add_set(s, sname, slen, DNS_TYPE_CNAME);
			return true;
		}
	}
	if (s->n_synth == SCRUB_MAX_CHAIN)
		return false;
	struct synth *y = &s->synth[s->n_synth++];
	y->after = i;
	y->rclass = s->rr[i].rclass;
	y->ttl = s->rr[i].ttl;	/* RFC 6672 §3.3: the DNAME's TTL */
	memcpy(y->owner, sname, slen);
	y->olen = (uint8_t)slen;
	memcpy(y->target, alias, alen);
	y->tlen = (uint8_t)alen;
	return false;
}

/* State of the walk along the answer chain. */
struct walk {
	uint8_t sname[DNAME_MAX];
	size_t slen;
	unsigned steps;
	bool has_answer;
};

/* A DNAME step: true when the record was used (kept, or ends the walk). */
static int
walk_dname(struct scrub *s, const struct scrub_query *q, const uint8_t *in, size_t len,
	unsigned *i, struct walk *w, const uint8_t *owner, size_t olen, unsigned rcode)
{
	struct rr_info *r = &s->rr[*i];
	if (w->has_answer || w->steps >= SCRUB_MAX_CHAIN)
		return 1;
	uint8_t alias[DNAME_MAX];
	size_t alen = dname_alias(in, r, w->sname, w->slen, olen, alias);
	r->keep = true;
	add_set(s, owner, olen, T_DNAME);
	if (!alen)	/* the alias would be too long: YXDOMAIN (RFC 6672 §2.2) */
		return rcode == RCODE_YXDOMAIN ? 1 : -1;
	w->steps++;
	if (dname_cname(s, in, len, *i, w->sname, w->slen, alias, alen))
		*i = (unsigned)next_in_answer(s, *i);
	memcpy(w->sname, alias, alen);
	w->slen = alen;
	s->cut = served(q, alias, alen);
	return 1;
}

/* One answer record against the chain so far. -1: the reply is unusable. */
static int
walk_record(struct scrub *s, const struct scrub_query *q, const uint8_t *in, size_t len,
	unsigned *i, struct walk *w, unsigned rcode)
{
	struct rr_info *r = &s->rr[*i];
	uint8_t owner[DNAME_MAX], target[DNAME_MAX];
	if (r->bad || r->rclass != q->qclass || r->type == T_RRSIG)
		return 0;
	size_t olen = owner_of(in, len, r, owner);
	if (r->type == T_DNAME && olen < w->slen &&
	    dname_is_subdomain(w->sname, w->slen, owner, olen) && in_zone(q, owner, olen))
		return walk_dname(s, q, in, len, i, w, owner, olen, rcode);
	if (!dname_equal(owner, olen, w->sname, w->slen))
		return 0;
	if (r->type == DNS_TYPE_CNAME) {
		if (w->has_answer || w->steps >= SCRUB_MAX_CHAIN)
			return 0;
		size_t tlen = rdata_name(in, r, 0, target);
		r->keep = true;
		add_set(s, w->sname, w->slen, DNS_TYPE_CNAME);
		w->steps++;
		memcpy(w->sname, target, tlen);
		w->slen = tlen;
		s->cut = served(q, target, tlen);
		return 1;
	}
	if (q->qtype != DNS_TYPE_ANY && r->type != q->qtype)
		return 0;
	r->keep = true;
	w->has_answer = true;
	add_set(s, w->sname, w->slen, q->qtype);
	return 1;
}

/* RRSIGs in a section kept when they cover a kept RRset there. */
static void
keep_sigs(struct scrub *s, const uint8_t *in, size_t len, uint8_t sec, bool answer_sets)
{
	for (unsigned i = 0; i < s->n; i++) {
		struct rr_info *g = &s->rr[i];
		if (g->section != sec || g->type != T_RRSIG || g->bad || g->rdlen < 2)
			continue;
		uint16_t covered = wire_get16(in + g->rdata);
		uint8_t owner[DNAME_MAX], other[DNAME_MAX];
		size_t olen = owner_of(in, len, g, owner);
		if (answer_sets) {
			for (unsigned k = 0; k < s->n_sets && !g->keep; k++)
				g->keep = (s->sets[k].type == covered ||
					   s->sets[k].type == DNS_TYPE_ANY) &&
					dname_equal(s->sets[k].name, s->sets[k].len, owner, olen);
			continue;
		}
		for (unsigned k = 0; k < s->n && !g->keep; k++) {
			const struct rr_info *r = &s->rr[k];
			if (!r->keep || r->section != sec || r->type != covered || r->hash != g->hash)
				continue;
			g->keep = dname_equal(other, owner_of(in, len, r, other), owner, olen);
		}
	}
}

/* The answer section: the chain from the question name (Unbound's
 * scrub_normalize, with the chain kept whole: dnsd caches replies per
 * question, so a chain cannot poison another name). */
static bool
scrub_answer(struct scrub *s, const struct scrub_query *q, const uint8_t *in, size_t len,
	unsigned rcode)
{
	struct walk w;
	memcpy(w.sname, q->qname, q->qname_len);
	w.slen = q->qname_len;
	w.steps = 0;
	w.has_answer = false;
	s->cut = served(q, w.sname, w.slen);
	for (unsigned i = 0; i < s->n && s->rr[i].section == SEC_AN && !s->cut; i++) {
		if (walk_record(s, q, in, len, &i, &w, rcode) < 0)
			return false;
	}
	memcpy(s->final, w.sname, w.slen);
	s->final_len = w.slen;
	keep_sigs(s, in, len, SEC_AN, true);
	return true;
}

/* ---- authority and additional ---- */

static bool
soa_in_authority(const struct scrub *s)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->rr[i].section == SEC_NS && s->rr[i].type == DNS_TYPE_SOA)
			return true;
	return false;
}

/* Names that A and AAAA in additional may belong to: the targets of
 * kept NS, MX, SRV, KX, MB, MD and MF records. */
static void
add_refs(struct scrub *s, const uint8_t *in, const struct rr_info *r)
{
	size_t skip;
	switch (r->type) {
	case DNS_TYPE_NS: case T_MB: case T_MD: case T_MF:
		skip = 0;
		break;
	case DNS_TYPE_MX: case T_KX:
		skip = 2;
		break;
	case DNS_TYPE_SRV:
		skip = 6;
		break;
	default:
		return;
	}
	uint8_t name[DNAME_MAX];
	if (rdata_name(in, r, skip, name) && s->n_refs < MAX_RRS)
		s->ref_hash[s->n_refs++] = dname_hash(name);
}

/* Authority records a reply may keep, by owner; then by type below. */
static bool
authority_owner_ok(const struct scrub_query *q, const uint8_t *in, size_t len,
	const struct rr_info *r, uint8_t *owner, size_t *olen)
{
	if (r->section != SEC_NS || r->bad || r->rclass != q->qclass || r->type == T_RRSIG)
		return false;
	*olen = owner_of(in, len, r, owner);
	return in_zone(q, owner, *olen) && !served(q, owner, *olen);
}

/* The SOA to keep: of the zone closest to the chain's last name (one
 * SOA says where a negative answer comes from), or -1. */
static int
best_soa(struct scrub *s, const struct scrub_query *q, const uint8_t *in, size_t len)
{
	int best = -1;
	size_t best_len = 0;
	for (unsigned i = 0; i < s->n; i++) {
		uint8_t owner[DNAME_MAX];
		size_t olen;
		if (s->rr[i].type != DNS_TYPE_SOA || !authority_owner_ok(q, in, len, &s->rr[i],
			owner, &olen))
			continue;
		if (dname_is_subdomain(s->final, s->final_len, owner, olen) && olen > best_len) {
			best = (int)i;
			best_len = olen;
		}
	}
	return best;
}

/* One authority record (Unbound: type allowed there, inside the zone,
 * the SOA of the last name, NS only in a referral, NSEC not reaching out). */
static bool
authority_ok(struct scrub *s, const struct scrub_query *q, const uint8_t *in,
	const struct rr_info *r, const uint8_t *owner, size_t olen, bool referral,
	bool is_soa, uint8_t *ns_owner, size_t *ns_len)
{
	uint8_t next[DNAME_MAX];
	switch (r->type) {
	case DNS_TYPE_SOA:
		return is_soa;
	case DNS_TYPE_NS:
		if (!referral || !dname_is_subdomain(s->final, s->final_len, owner, olen) ||
		    (*ns_len && !dname_equal(ns_owner, *ns_len, owner, olen)))
			return false;
		memcpy(ns_owner, owner, olen);
		*ns_len = olen;
		return true;
	case T_NSEC: {
		size_t nlen = rdata_name(in, r, 0, next);
		return nlen && in_zone(q, next, nlen);
	}
	case T_DS: case T_NSEC3:
		return true;
	default:
		return false;
	}
}

static void
scrub_authority(struct scrub *s, const struct scrub_query *q, const uint8_t *in, size_t len,
	unsigned rcode, bool answered)
{
	bool referral = rcode == DNS_RCODE_NOERROR && !answered && !soa_in_authority(s);
	int soa = best_soa(s, q, in, len);
	uint8_t ns_owner[DNAME_MAX], owner[DNAME_MAX];
	size_t ns_len = 0, olen;
	for (unsigned i = 0; i < s->n; i++) {
		struct rr_info *r = &s->rr[i];
		if (!authority_owner_ok(q, in, len, r, owner, &olen))
			continue;
		r->keep = authority_ok(s, q, in, r, owner, olen, referral, (int)i == soa, ns_owner,
			&ns_len);
		if (r->keep)
			add_refs(s, in, r);
	}
	keep_sigs(s, in, len, SEC_NS, false);
}

static void
scrub_additional(struct scrub *s, const struct scrub_query *q, const uint8_t *in, size_t len)
{
	uint8_t owner[DNAME_MAX];
	for (unsigned i = 0; i < s->n; i++) {
		struct rr_info *r = &s->rr[i];
		if (r->section != SEC_AR || r->bad || r->rclass != q->qclass ||
		    (r->type != DNS_TYPE_A && r->type != DNS_TYPE_AAAA))
			continue;
		size_t olen = owner_of(in, len, r, owner);
		if (!in_zone(q, owner, olen) || served(q, owner, olen))
			continue;
		for (unsigned k = 0; k < s->n_refs && !r->keep; k++)
			r->keep = s->ref_hash[k] == r->hash;
	}
	keep_sigs(s, in, len, SEC_AR, false);
}

/* ---- writing, with names compressed again ---- */

static void
ctab_reset(struct scrub *s)
{
	if (++s->gen == 0) {
		memset(s->ctab, 0, sizeof(s->ctab));
		s->gen = 1;
	}
	s->ctab_used = 0;
}

/* An earlier name in out equal to this lowercase suffix: its offset, or -1. */
static int
ctab_find(const struct scrub *s, uint32_t hash, const uint8_t *suffix, size_t slen,
	const uint8_t *out, size_t pos)
{
	for (uint32_t i = hash & (CTAB_SIZE - 1);; i = (i + 1) & (CTAB_SIZE - 1)) {
		const struct ctab_entry *e = &s->ctab[i];
		if (e->gen != s->gen)
			return -1;
		if (e->hash != hash || e->len != slen)
			continue;
		uint8_t name[DNAME_MAX];
		size_t p = e->at;
		size_t n = wire_read_name(out, pos, &p, name, true);
		if (n == slen && memcmp(name, suffix, slen) == 0)
			return e->at;
	}
}

static void
ctab_add(struct scrub *s, uint32_t hash, size_t slen, size_t at)
{
	if (at >= 0x4000 || s->ctab_used >= CTAB_SIZE * 3 / 4)
		return;		/* a pointer cannot reach it, or the table is full enough */
	uint32_t i = hash & (CTAB_SIZE - 1);
	while (s->ctab[i].gen == s->gen)
		i = (i + 1) & (CTAB_SIZE - 1);
	s->ctab[i] = (struct ctab_entry){ hash, s->gen, (uint16_t)at, (uint8_t)slen };
	s->ctab_used++;
}

/*
 * Write a name (uncompressed, any case): the labels up to the longest
 * suffix written before, then a pointer to it (when compress); the
 * labels written out become targets for later names.
 */
static bool
put_name(struct scrub *s, const uint8_t *name, size_t nlen, bool compress, uint8_t *out,
	size_t cap, size_t *pos)
{
	uint8_t lower[DNAME_MAX], off[DNAME_MAX_LABELS + 1];
	uint32_t hashes[DNAME_MAX_LABELS + 1];
	unsigned n = 0, match;
	int target = -1;
	for (size_t p = 0; name[p]; p += (size_t)name[p] + 1)
		off[n++] = (uint8_t)p;
	off[n] = (uint8_t)(nlen - 1);
	dname_lower_copy(lower, name, nlen);
	dname_suffix_hashes(lower, off, n, hashes);
	for (match = 0; compress && match < n; match++) {
		target = ctab_find(s, hashes[match], lower + off[match], nlen - off[match], out,
			*pos);
		if (target >= 0)
			break;
	}
	if (target < 0)
		match = n;
	size_t literal = target >= 0 ? off[match] : nlen;
	if (cap - *pos < literal + (target >= 0 ? 2 : 0))
		return false;
	memcpy(out + *pos, name, literal);
	for (unsigned i = 0; i < match; i++)	/* names in full are targets too */
		ctab_add(s, hashes[i], nlen - off[i], *pos + off[i]);
	*pos += literal;
	if (target >= 0) {
		wire_put16(out + *pos, (uint16_t)(0xc000 | target));
		*pos += 2;
	}
	return true;
}

/* Owner, type, class, TTL, then RDATA with its names rewritten. */
static bool
put_record(struct scrub *s, const uint8_t *owner, size_t olen, uint16_t type, uint16_t rclass,
	uint32_t ttl, uint8_t *out, size_t cap, size_t *pos)
{
	if (!put_name(s, owner, olen, true, out, cap, pos) || cap - *pos < 10)
		return false;
	wire_put16(out + *pos, type);
	wire_put16(out + *pos + 2, rclass);
	wire_put32(out + *pos + 4, ttl);
	*pos += 10;
	return true;
}

static bool
emit(struct scrub *s, const uint8_t *in, size_t len, unsigned i, uint8_t *out, size_t cap,
	size_t *pos)
{
	const struct rr_info *r = &s->rr[i];
	uint8_t owner[DNAME_MAX];
	size_t p = r->owner;
	size_t olen = wire_read_name(in, len, &p, owner, false);
	if (!put_record(s, owner, olen, r->type, r->rclass, r->ttl, out, cap, pos))
		return false;
	size_t start = *pos;
	if (!rdata_walk(s, in, r, out, cap, pos) || *pos - start > UINT16_MAX)
		return false;
	wire_put16(out + start - 2, (uint16_t)(*pos - start));
	return true;
}

static bool
emit_synth(struct scrub *s, const struct synth *y, uint8_t *out, size_t cap, size_t *pos)
{
	if (!put_record(s, y->owner, y->olen, DNS_TYPE_CNAME, y->rclass, y->ttl, out, cap, pos))
		return false;
	size_t start = *pos;
	if (!put_name(s, y->target, y->tlen, true, out, cap, pos))
		return false;
	wire_put16(out + start - 2, (uint16_t)(*pos - start));
	return true;
}

/* Header, question, then the kept records of each section in order. */
static size_t
write_reply(struct scrub *s, const uint8_t *in, size_t len, size_t qend, uint16_t flags,
	uint8_t *out, size_t cap)
{
	uint16_t counts[3] = { 0, 0, 0 };
	size_t pos = qend;
	if (cap < qend)
		return 0;
	memcpy(out, in, qend);
	wire_put16(out + 2, flags);
	ctab_reset(s);
	uint8_t qname[DNAME_MAX];
	size_t qp = DNS_HEADER_SIZE, qpos = DNS_HEADER_SIZE;
	size_t qlen = wire_read_name(in, len, &qp, qname, false);
	if (!put_name(s, qname, qlen, false, out, cap, &qpos))	/* registers its suffixes */
		return 0;
	for (unsigned i = 0; i < s->n; i++) {
		if (s->rr[i].keep) {
			if (!emit(s, in, len, i, out, cap, &pos))
				return 0;
			counts[s->rr[i].section]++;
		}
		for (unsigned k = 0; k < s->n_synth; k++) {
			if (s->synth[k].after != i)
				continue;
			if (!emit_synth(s, &s->synth[k], out, cap, &pos))
				return 0;
			counts[SEC_AN]++;
		}
	}
	wire_put16(out + 6, counts[0]);
	wire_put16(out + 8, counts[1]);
	wire_put16(out + 10, counts[2]);
	return pos;
}

size_t
scrub_reply(struct scrub *s, const struct scrub_query *q, const uint8_t *in, size_t len,
	uint8_t *out, size_t cap, unsigned *removed)
{
	size_t pos = DNS_HEADER_SIZE;
	uint8_t qname[DNAME_MAX];
	if (len < DNS_HEADER_SIZE || wire_get16(in + 4) != 1)
		return 0;
	/* the question as sent: written in full, our name */
	size_t qlen = wire_read_name(in, len, &pos, qname, true);
	if (!qlen || pos != DNS_HEADER_SIZE + qlen || len - pos < 4 ||
	    !dname_equal(qname, qlen, q->qname, q->qname_len))
		return 0;
	pos += 4;
	if (!collect(s, in, len, pos))
		return 0;
	uint16_t flags = wire_flags(in);
	unsigned rcode = flags & DNS_RCODE_MASK;
	s->n_sets = s->n_synth = s->n_refs = 0;
	s->cut = false;
	if (rcode == DNS_RCODE_NOERROR || rcode == DNS_RCODE_NXDOMAIN ||
	    rcode == RCODE_YXDOMAIN) {
		if (!scrub_answer(s, q, in, len, rcode))
			return 0;
		bool answered = false;
		for (unsigned i = 0; i < s->n; i++) {
			answered |= s->rr[i].keep;
			if (s->rr[i].keep)
				add_refs(s, in, &s->rr[i]);
		}
		if (s->cut) {
			/* the rest of the chain is dnsd's to answer: what the upstream
			 * said of its end (NXDOMAIN, its SOA) does not hold */
			flags = (uint16_t)(flags & ~DNS_RCODE_MASK);
		} else {
			scrub_authority(s, q, in, len, rcode, answered);
		}
		scrub_additional(s, q, in, len);
	}
	size_t n = write_reply(s, in, len, pos, flags, out, cap);
	if (n && removed) {
		*removed = 0;
		for (unsigned i = 0; i < s->n; i++)
			*removed += !s->rr[i].keep && s->rr[i].type != DNS_TYPE_OPT;
	}
	return n;
}

bool
scrub_mentions_served(const struct scrub_query *q, const uint8_t *msg, size_t len)
{
	size_t pos = DNS_HEADER_SIZE;
	if (!q->served)
		return false;
	if (len < DNS_HEADER_SIZE || !wire_skip_name(msg, len, &pos) || len - pos < 4)
		return true;
	pos += 4;
	unsigned total = (unsigned)wire_get16(msg + 6) + wire_get16(msg + 8) + wire_get16(msg + 10);
	for (unsigned i = 0; i < total; i++) {
		struct wire_rr w;
		uint8_t name[DNAME_MAX];
		if (!wire_parse_rr(msg, len, &pos, &w))
			return true;
		size_t p = w.owner;
		size_t nlen = wire_read_name(msg, len, &p, name, true);
		if (w.type != DNS_TYPE_OPT && served(q, name, nlen))
			return true;
	}
	return false;
}

/* As the answer path decides (query_lookup_name): a name dnsd answers
 * itself, from a private, hidden or EC2 zone or a public name it holds,
 * rather than forwarding it. */
bool
scrub_served_in_view(const void *ctx, const uint8_t *name, size_t len)
{
	const struct scrub_view *v = ctx;
	struct query_lookup f;
	query_lookup_name(&v->snap->db, v->view, name, len, DNS_TYPE_A, &f);
	return f.answer || f.synth;
}

/* Write every record of one message's sections below `upto`, counting
 * them by section; names compressed against what out holds. */
static bool
emit_sections(struct scrub *s, const uint8_t *in, size_t len, uint8_t upto, uint8_t *out,
	size_t cap, size_t *pos, uint16_t *counts)
{
	size_t p = DNS_HEADER_SIZE;
	if (len < DNS_HEADER_SIZE || !wire_skip_name(in, len, &p) || len - p < 4 ||
	    !collect(s, in, len, p + 4))
		return false;
	for (unsigned i = 0; i < s->n; i++) {
		if (s->rr[i].section >= upto || s->rr[i].type == DNS_TYPE_OPT)
			continue;
		if (s->rr[i].bad || !emit(s, in, len, i, out, cap, pos))
			return false;
		counts[s->rr[i].section]++;
	}
	return true;
}

size_t
scrub_splice(struct scrub *s, const uint8_t *up, size_t uplen, const uint8_t *local,
	size_t llen, uint8_t *out, size_t cap)
{
	uint16_t counts[3] = { 0, 0, 0 };
	size_t qend = DNS_HEADER_SIZE;
	uint8_t qname[DNAME_MAX];
	size_t qlen = wire_read_name(up, uplen, &qend, qname, false);
	if (!qlen || uplen - qend < 4 || cap < qend + 4 || llen < DNS_HEADER_SIZE)
		return 0;
	qend += 4;
	memcpy(out, up, qend);
	ctab_reset(s);
	size_t qpos = DNS_HEADER_SIZE, pos = qend;
	if (!put_name(s, qname, qlen, false, out, cap, &qpos) ||	/* registers its suffixes */
	    !emit_sections(s, up, uplen, SEC_NS, out, cap, &pos, counts) ||
	    !emit_sections(s, local, llen, SEC_AR, out, cap, &pos, counts))
		return 0;
	/* the rcode is the chain's last name's (RFC 6604 §2.1) */
	uint16_t flags = (uint16_t)((wire_flags(up) & ~DNS_RCODE_MASK) |
		(wire_flags(local) & DNS_RCODE_MASK));
	wire_put16(out + 2, flags);
	wire_put16(out + 6, counts[SEC_AN]);
	wire_put16(out + 8, counts[SEC_NS]);
	wire_put16(out + 10, 0);
	return pos;
}

size_t
scrub_chain_end(const uint8_t *msg, size_t len, uint8_t *name)
{
	size_t p = DNS_HEADER_SIZE, end = 0;
	if (len < DNS_HEADER_SIZE || !wire_skip_name(msg, len, &p) || len - p < 4)
		return 0;
	p += 4;
	unsigned an = wire_get16(msg + 6);
	for (unsigned i = 0; i < an; i++) {
		struct wire_rr w;
		if (!wire_parse_rr(msg, len, &p, &w))
			return 0;
		size_t rp = w.rdata;
		end = w.type == DNS_TYPE_CNAME ? wire_read_name(msg, w.rdata + w.rdlen, &rp, name,
			true) : 0;
	}
	return end;
}
