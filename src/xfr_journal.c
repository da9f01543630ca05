/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_journal.c - IXFR: what the last loads changed in a zone, kept within bounds, condensed per request. */
#include "config.h"
#include "xfr_journal.h"

#include "xfr.h"
#include "xfr_rr.h"
#include "zonedb.h"

#include <stdlib.h>
#include <string.h>

#define ALIVE 0xffffu

/*
 * A journal keeps one entry per record that some kept load added or
 * deleted: the version that added it (0: it was there at the first kept
 * version) and the one that deleted it (ALIVE: still there). The records
 * present at version v and gone now, and those added since, follow from
 * that for any v: no difference is stored twice, and a request from an
 * old serial gets one condensed difference (RFC 1995 §5).
 */
struct jentry {
	const uint8_t *rr;	/* packed record, in data */
	uint16_t born, died;
};

struct jversion {
	uint32_t serial;
	uint32_t soa_ttl;
	const uint8_t *soa;	/* in data */
	uint16_t soa_len;
};

struct xfr_journal {
	int refs;
	unsigned n_versions;
	struct jversion versions[XFR_JOURNAL_VERSIONS + 2];
	struct jentry *entries;
	uint32_t n_entries;
	uint8_t *data;
	size_t data_len;
};

/* ---- a growing list of packed records ---- */

struct rrbuf {
	uint8_t *data;
	size_t len, cap;
	size_t *offs;
	size_t n, cap_offs;
	bool oom;
};

static bool
rrbuf_add(void *ctx, const struct xfr_rr *rr)
{
	struct rrbuf *b = ctx;
	if (b->len + XFR_RR_PACKED_MAX > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		while (cap < b->len + XFR_RR_PACKED_MAX)
			cap *= 2;
		uint8_t *d = realloc(b->data, cap);
		if (!d)
			return !(b->oom = true);
		b->data = d;
		b->cap = cap;
	}
	if (b->n == b->cap_offs) {
		size_t cap = b->cap_offs ? b->cap_offs * 2 : 256;
		size_t *o = realloc(b->offs, cap * sizeof(*o));
		if (!o)
			return !(b->oom = true);
		b->offs = o;
		b->cap_offs = cap;
	}
	b->offs[b->n++] = b->len;
	b->len += xfr_rr_pack(rr, b->data + b->len);
	return true;
}

static void
rrbuf_free(struct rrbuf *b)
{
	free(b->data);
	free(b->offs);
}

/* ---- the difference of two snapshots' zone, name by name ---- */

struct diff {
	struct rrbuf del, add;
	struct rrbuf old_rrs, new_rrs;	/* one name's, to compare */
	struct xfr_scratch *scratch;
	const struct xfr_zone *p, *z;
	const struct zonedb *prev_db, *db;
};

static int
cmp_offs(const void *a, const void *b, void *base)
{
	const uint8_t *d = base;
	return xfr_rr_cmp(d + *(const size_t *)a, d + *(const size_t *)b);
}

static void
rrbuf_sort(struct rrbuf *b)
{
	qsort_r(b->offs, b->n, sizeof(*b->offs), cmp_offs, b->data);
}

static bool
copy_rr(struct rrbuf *to, const uint8_t *packed)
{
	struct xfr_rr rr;
	xfr_rr_unpack(packed, &rr);
	return rrbuf_add(to, &rr);
}

/* The records of one name before and after: the ones only before were
 * deleted, the ones only after added. */
static bool
diff_name(struct diff *f, const struct node *o, const struct node *n)
{
	f->old_rrs.len = f->old_rrs.n = 0;
	f->new_rrs.len = f->new_rrs.n = 0;
	if ((o && !xfr_node_each(o, f->scratch, rrbuf_add, &f->old_rrs)) ||
	    (n && !xfr_node_each(n, f->scratch, rrbuf_add, &f->new_rrs)))
		return false;
	rrbuf_sort(&f->old_rrs);
	rrbuf_sort(&f->new_rrs);
	size_t i = 0, j = 0;
	bool ok = true;
	while (ok && (i < f->old_rrs.n || j < f->new_rrs.n)) {
		const uint8_t *a = i < f->old_rrs.n ? f->old_rrs.data + f->old_rrs.offs[i] : NULL;
		const uint8_t *b = j < f->new_rrs.n ? f->new_rrs.data + f->new_rrs.offs[j] : NULL;
		int c = !a ? 1 : !b ? -1 : xfr_rr_cmp(a, b);
		if (c < 0)
			ok = copy_rr(&f->del, a), i++;
		else if (c > 0)
			ok = copy_rr(&f->add, b), j++;
		else
			i++, j++;
	}
	return ok;
}

/* The node of a name in zone z of a snapshot, or NULL. */
static const struct node *
node_in(const struct zonedb *db, const struct xfr_zone *z, const struct node *like)
{
	const struct node *n = zonedb_find(db, z->view, like->name, like->name_len,
		dname_hash(like->name));
	return n && !(n->flags & NODE_PHANTOM) && n->zone == z->zone ? n : NULL;
}

static bool
diff_zone(struct diff *f)
{
	for (uint32_t i = 0; i < f->z->n_nodes; i++) {
		const struct node *n = f->z->nodes[i];
		const struct node *o = node_in(f->prev_db, f->p, n);
		if (o && xfr_node_same(o, n))
			continue;
		if (!diff_name(f, o, n))
			return false;
	}
	for (uint32_t i = 0; i < f->p->n_nodes; i++) {
		const struct node *o = f->p->nodes[i];
		if (!node_in(f->db, f->z, o) && !diff_name(f, o, NULL))
			return false;
	}
	rrbuf_sort(&f->del);
	rrbuf_sort(&f->add);
	return !f->del.oom && !f->add.oom;
}

/* ---- building the next journal ---- */

static int
cmp_entries(const void *a, const void *b)
{
	const struct jentry *x = a, *y = b;
	int c = xfr_rr_cmp(x->rr, y->rr);
	if (c)
		return c;
	return x->born < y->born ? -1 : x->born > y->born;
}

static size_t
packed_size(const uint8_t *rr)
{
	struct xfr_rr r;
	return xfr_rr_unpack(rr, &r);
}

/* Entries of the old journal, the deletions and the additions, sorted;
 * a deletion closes the live entry of its record, or records that it was
 * there before the first kept version. */
static struct jentry *
merge(const struct xfr_journal *old, const struct diff *f, uint16_t v, uint32_t *n_out)
{
	size_t n_old = old ? old->n_entries : 0;
	size_t n = n_old + f->del.n + f->add.n;
	struct jentry *e = malloc((n + 1) * sizeof(*e));
	if (!e)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n_old; i++)
		e[k++] = old->entries[i];
	for (size_t i = 0; i < f->add.n; i++)
		e[k++] = (struct jentry){ f->add.data + f->add.offs[i], v, ALIVE };
	/* deletions marked born = ALIVE until matched */
	for (size_t i = 0; i < f->del.n; i++)
		e[k++] = (struct jentry){ f->del.data + f->del.offs[i], ALIVE, v };
	qsort(e, k, sizeof(*e), cmp_entries);
	size_t w = 0;
	for (size_t i = 0; i < k; i++) {
		if (e[i].born != ALIVE) {
			e[w++] = e[i];
			continue;
		}
		/* a deletion: the live entry of the same record sorts before it */
		size_t j = w;
		while (j > 0 && xfr_rr_cmp(e[j - 1].rr, e[i].rr) == 0 && e[j - 1].died != ALIVE)
			j--;
		if (j > 0 && xfr_rr_cmp(e[j - 1].rr, e[i].rr) == 0 && e[j - 1].died == ALIVE)
			e[j - 1].died = v;
		else
			e[w++] = (struct jentry){ e[i].rr, 0, v };
	}
	qsort(e, w, sizeof(*e), cmp_entries);
	*n_out = (uint32_t)w;
	return e;
}

/* Forget the oldest version: what it deleted, and when the others were born. */
static void
drop_oldest(struct xfr_journal *j)
{
	uint32_t w = 0;
	for (uint32_t i = 0; i < j->n_entries; i++) {
		struct jentry e = j->entries[i];
		if (e.died != ALIVE && e.died <= 1)
			continue;
		e.born = e.born <= 1 ? 0 : (uint16_t)(e.born - 1);
		if (e.died != ALIVE)
			e.died--;
		j->entries[w++] = e;
	}
	j->n_entries = w;
	memmove(j->versions, j->versions + 1, (j->n_versions - 1) * sizeof(j->versions[0]));
	j->n_versions--;
}

static size_t
entries_bytes(const struct xfr_journal *j)
{
	size_t s = 0;
	for (uint32_t i = 0; i < j->n_entries; i++)
		s += packed_size(j->entries[i].rr);
	return s;
}

/* Copy what the entries and versions point to into the journal's own data. */
static bool
own_data(struct xfr_journal *j)
{
	size_t need = entries_bytes(j);
	for (unsigned v = 0; v < j->n_versions; v++)
		need += j->versions[v].soa_len;
	j->data = malloc(need ? need : 1);
	if (!j->data)
		return false;
	uint8_t *p = j->data;
	for (uint32_t i = 0; i < j->n_entries; i++) {
		size_t s = packed_size(j->entries[i].rr);
		memcpy(p, j->entries[i].rr, s);
		j->entries[i].rr = p;
		p += s;
	}
	for (unsigned v = 0; v < j->n_versions; v++) {
		memcpy(p, j->versions[v].soa, j->versions[v].soa_len);
		j->versions[v].soa = p;
		p += j->versions[v].soa_len;
	}
	j->data_len = need;
	return true;
}

static struct jversion
version_of(const struct xfr_zone *z)
{
	return (struct jversion){ z->serial, z->soa_ttl, z->soa, z->soa_len };
}

static struct xfr_journal *
assemble(const struct xfr_journal *old, const struct diff *f)
{
	struct xfr_journal *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->refs = 1;
	if (old) {
		j->n_versions = old->n_versions;
		memcpy(j->versions, old->versions, old->n_versions * sizeof(j->versions[0]));
	} else {
		j->versions[j->n_versions++] = version_of(f->p);
	}
	uint16_t v = (uint16_t)j->n_versions;
	j->versions[j->n_versions++] = version_of(f->z);
	j->entries = merge(old, f, v, &j->n_entries);
	if (!j->entries) {
		free(j);
		return NULL;
	}
	size_t limit = f->z->wire_size > XFR_JOURNAL_MIN_BYTES ? f->z->wire_size :
		XFR_JOURNAL_MIN_BYTES;
	while (j->n_versions > 1 &&
	       (j->n_versions > XFR_JOURNAL_VERSIONS + 1 || entries_bytes(j) > limit))
		drop_oldest(j);
	if (j->n_versions < 2 || !own_data(j)) {
		free(j->entries);
		free(j);
		return NULL;
	}
	return j;
}

struct xfr_journal *
xfr_journal_next(const struct xfr_journal *old, const struct xfr_zone *p,
	const struct zonedb *prev_db, const struct xfr_zone *z, const struct zonedb *db)
{
	struct diff f;
	memset(&f, 0, sizeof(f));
	f.p = p;
	f.z = z;
	f.prev_db = prev_db;
	f.db = db;
	f.scratch = malloc(sizeof(*f.scratch));
	struct xfr_journal *j = NULL;
	if (old && old->versions[old->n_versions - 1].serial != p->serial)
		old = NULL;	/* not the journal of that version: start afresh */
	if (f.scratch && diff_zone(&f))
		j = assemble(old, &f);
	rrbuf_free(&f.del);
	rrbuf_free(&f.add);
	rrbuf_free(&f.old_rrs);
	rrbuf_free(&f.new_rrs);
	free(f.scratch);
	return j;
}

struct xfr_journal *
xfr_journal_ref(struct xfr_journal *j)
{
	if (j)
		__atomic_add_fetch(&j->refs, 1, __ATOMIC_RELAXED);
	return j;
}

void
xfr_journal_unref(struct xfr_journal *j)
{
	if (!j || __atomic_sub_fetch(&j->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	free(j->entries);
	free(j->data);
	free(j);
}

int
xfr_journal_version(const struct xfr_journal *j, uint32_t serial)
{
	for (unsigned v = 0; j && v + 1 < j->n_versions; v++)
		if (j->versions[v].serial == serial)
			return (int)v;
	return -1;
}

void
xfr_journal_soa(const struct xfr_journal *j, int version, uint32_t *ttl, const uint8_t **rdata,
	uint16_t *rdlen)
{
	*ttl = j->versions[version].soa_ttl;
	*rdata = j->versions[version].soa;
	*rdlen = j->versions[version].soa_len;
}

static bool
deleted_since(const struct jentry *e, unsigned v)
{
	return e->born <= v && e->died != ALIVE && e->died > v;
}

static bool
added_since(const struct jentry *e, unsigned v)
{
	return e->born > v && e->died == ALIVE;
}

/* A record deleted since v and added again is no change. */
static bool
cancelled(const struct xfr_journal *j, uint32_t i, unsigned v, bool adds)
{
	for (uint32_t k = i; k-- > 0 && xfr_rr_cmp(j->entries[k].rr, j->entries[i].rr) == 0;)
		if (adds ? deleted_since(&j->entries[k], v) : added_since(&j->entries[k], v))
			return true;
	for (uint32_t k = i + 1; k < j->n_entries &&
	     xfr_rr_cmp(j->entries[k].rr, j->entries[i].rr) == 0; k++)
		if (adds ? deleted_since(&j->entries[k], v) : added_since(&j->entries[k], v))
			return true;
	return false;
}

bool
xfr_journal_each(const struct xfr_journal *j, int v, bool adds, uint32_t *pos, struct xfr_rr *rr)
{
	for (uint32_t i = *pos; i < j->n_entries; i++) {
		const struct jentry *e = &j->entries[i];
		bool want = adds ? added_since(e, (unsigned)v) : deleted_since(e, (unsigned)v);
		if (want && !cancelled(j, i, (unsigned)v, adds)) {
			xfr_rr_unpack(e->rr, rr);
			*pos = i + 1;
			return true;
		}
	}
	*pos = j->n_entries;
	return false;
}

size_t
xfr_journal_bytes(const struct xfr_journal *j)
{
	return j ? j->data_len + j->n_entries * sizeof(struct jentry) : 0;
}

unsigned
xfr_journal_versions(const struct xfr_journal *j)
{
	return j ? j->n_versions : 0;
}
