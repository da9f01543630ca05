/* SPDX-License-Identifier: BSD-3-Clause */
/* src/firewall.c - Route 53 Resolver DNS Firewall: rule groups compiled for the answer path, and their verdicts. */
#include "config.h"
#include "firewall.h"

#include "arena.h"
#include "diag.h"
#include "snapshot.h"
#include "strmap.h"
#include "wire.h"
#include "zonebuild.h"
#include "zonedb.h"

#include <stdlib.h>
#include <string.h>

/*
 * How DNS Firewall decides (Route 53 Developer Guide, "How Route 53
 * Resolver DNS Firewall filters DNS queries"): the rule groups associated
 * with the client's VPC in the order of their association priority, the
 * rules of each in their priority order; the first rule whose domain list
 * holds the query name (and whose Qtype, if any, is the query's) decides,
 * ALLOW and ALERT as much as BLOCK. Names a CNAME or DNAME leads to are
 * inspected in turn when the rule that let the query name pass (or none)
 * says INSPECT_REDIRECTION_DOMAIN; only INSPECT rules see those names.
 */

/** One name of a policy's table with the rules whose lists hold it. */
struct fw_name {
	const uint8_t *wire;
	uint8_t len;
	uint32_t n_exact;	/**< rules listing the name itself */
	uint32_t n_wild;	/**< rules listing "*." and the name */
	uint32_t ids[];		/**< rule indexes: the exact ones, then the wildcard ones, ascending */
};

/* ---- the table ---- */

/* Slot of a hash: the high bits of a multiplication (the low bits of the
 * suffix hash's last multiply are weak). */
static inline uint32_t
slot_of(const struct fw_policy *p, uint32_t hash)
{
	return (uint32_t)(((uint64_t)hash * 0x9e3779b97f4a7c15ull) >> 32) & p->mask;
}

static inline const struct fw_name *
table_find(const struct fw_policy *p, const uint8_t *name, size_t len, uint32_t hash)
{
	for (uint32_t i = slot_of(p, hash);; i = (i + 1) & p->mask) {
		const struct fw_slot *s = &p->slots[i];
		if (!s->name)
			return NULL;
		if (s->hash == hash && s->name->len == len && memcmp(s->name->wire, name, len) == 0)
			return s->name;
	}
}

static inline uint64_t
label_bit(unsigned labels)
{
	return 1ull << (labels < 63 ? labels : 63);
}

/* The first rule (lowest index below best) of ids that applies. */
static inline uint32_t
first_applying(const struct fw_policy *p, const uint32_t *ids, uint32_t n, uint32_t best,
	uint16_t qtype, bool chain)
{
	for (uint32_t k = 0; k < n && ids[k] < best; k++) {
		const struct fw_rule *r = &p->rules[ids[k]];
		if ((r->qtype && r->qtype != qtype) || (chain && !r->inspect))
			continue;
		return ids[k];
	}
	return best;
}

/* The rules a suffix of the name (i labels off its front) brings in. */
static inline uint32_t
probe(const struct fw_policy *p, const uint8_t *lname, size_t len, const uint8_t *label_off,
	const uint32_t *hashes, unsigned i, uint32_t best, uint16_t qtype, bool chain)
{
	const struct fw_name *n = table_find(p, lname + label_off[i], len - label_off[i],
		hashes[i]);
	if (!n)
		return best;
	if (i == 0)
		return first_applying(p, n->ids, n->n_exact, best, qtype, chain);
	return first_applying(p, n->ids + n->n_exact, n->n_wild, best, qtype, chain);
}

const struct fw_rule *
firewall_match(const struct fw_policy *p, const uint8_t *lname, const uint8_t *label_off,
	unsigned n_labels, const uint32_t *hashes, uint16_t qtype, bool chain)
{
	uint32_t best = UINT32_MAX;
	size_t len = (size_t)label_off[n_labels] + 1;
	/* the name itself against exact entries; the suffixes above it
	 * against wildcards ("*.example.com" holds the names below
	 * example.com), only those whose label count some wildcard has:
	 * most names cost a few bit operations and no probe */
	if (p->exact_labels & label_bit(n_labels))
		best = probe(p, lname, len, label_off, hashes, 0, best, qtype, chain);
	uint64_t wild = p->wild_labels;
	if (n_labels < 64)
		wild &= (1ull << n_labels) - 1;	/* suffixes shorter than the name */
	while (wild) {
		unsigned bits = (unsigned)__builtin_ctzll(wild);
		wild &= wild - 1;
		if (bits < 63) {
			best = probe(p, lname, len, label_off, hashes, n_labels - bits, best, qtype,
				chain);
			continue;
		}
		for (unsigned i = 1; i + 63 <= n_labels; i++)	/* 63 labels and more */
			best = probe(p, lname, len, label_off, hashes, i, best, qtype, chain);
	}
	return best == UINT32_MAX ? NULL : &p->rules[best];
}

/* Label offsets of a lowercase wire name, as query.c finds them. */
static unsigned
labels_of(const uint8_t *name, size_t len, uint8_t *label_off)
{
	unsigned n = 0;
	for (size_t pos = 0; pos + 1 < len && n < DNAME_MAX_LABELS; pos += (size_t)name[pos] + 1)
		label_off[n++] = (uint8_t)pos;
	label_off[n] = (uint8_t)(len - 1);
	return n;
}

const struct fw_rule *
firewall_match_name(const struct fw_policy *p, const uint8_t *lname, size_t len, uint16_t qtype,
	bool chain)
{
	uint8_t label_off[DNAME_MAX_LABELS + 1];
	uint32_t hashes[DNAME_MAX_LABELS + 1];
	unsigned n = labels_of(lname, len, label_off);
	dname_suffix_hashes(lname, label_off, n, hashes);
	return firewall_match(p, lname, label_off, n, hashes, qtype, chain);
}

/* ---- verdicts on the answer path ---- */

const char *
firewall_action_name(unsigned action)
{
	static const char *const names[] = { "ALLOW", "BLOCK", "ALERT" };
	return action < 3 ? names[action] : "?";
}

const char *
firewall_block_name(unsigned block)
{
	static const char *const names[] = { "-", "NODATA", "NXDOMAIN", "OVERRIDE" };
	return block < 4 ? names[block] : "?";
}

/*
 * The block response ("Rule actions in DNS Firewall"): NODATA (NOERROR,
 * no records), NXDOMAIN, or OVERRIDE: a CNAME from the query name to
 * BlockOverrideDomain with BlockOverrideTtl, followed inside dnsd's data
 * as dnsd's own CNAMEs are (prepared per view when the definitions load).
 */
static enum query_action
reply_block(struct query_env *env, struct query_info *qi, const struct fw_view *fv,
	const struct fw_rule *r, bool tcp, uint8_t *out, size_t out_cap, size_t *out_len)
{
	const struct node *n = r->block == FW_BLOCK_OVERRIDE ?
		fv->override[r - fv->policy->rules] : NULL;
	if (n)
		return query_reply_prepared(env, qi, node_answer(n, qi->qtype), tcp, out, out_cap,
			out_len);
	qi->rcode = r->block == FW_BLOCK_NXDOMAIN ? DNS_RCODE_NXDOMAIN : DNS_RCODE_NOERROR;
	*out_len = query_reply_empty(env, qi, qi->rcode, false, out, out_cap);
	return *out_len ? QUERY_SEND : QUERY_DROP;
}

/*
 * The names a reply's answer section redirects to (each CNAME's target;
 * a DNAME step comes with its synthesized CNAME, which the scrubber
 * ensures for forwarded replies), in order, against the INSPECT rules:
 * the first BLOCK decides; the first ALERT is remembered.
 */
static const struct fw_rule *
chain_verdict(const struct fw_policy *p, const uint8_t *msg, size_t len, uint16_t qtype,
	const struct fw_rule **alert)
{
	size_t pos = DNS_HEADER_SIZE;
	if (len < DNS_HEADER_SIZE || wire_get16(msg + 4) != 1 || !wire_skip_name(msg, len, &pos) ||
	    len - pos < 4)
		return NULL;
	pos += 4;
	for (unsigned i = 0, an = wire_get16(msg + 6); i < an; i++) {
		struct wire_rr rr;
		uint8_t name[DNAME_MAX];
		if (!wire_parse_rr(msg, len, &pos, &rr))
			return NULL;
		size_t rp = rr.rdata;
		size_t n = rr.type == DNS_TYPE_CNAME ? wire_read_name(msg, rr.end, &rp, name, true) : 0;
		const struct fw_rule *r = n ? firewall_match_name(p, name, n, qtype, true) : NULL;
		if (r && r->action == FW_BLOCK)
			return r;
		if (r && r->action == FW_ALERT && !*alert)
			*alert = r;
	}
	return NULL;
}

/* What the query log says decided: a BLOCK, else an ALERT over an ALLOW. */
static void
note_alert(struct query_info *qi, const struct fw_rule *alert)
{
	if (alert && (!qi->fw_rule || qi->fw_rule->action == FW_ALLOW)) {
		qi->fw_rule = alert;
		qi->fw_state = QUERY_FW_MATCH;
	}
}

/*
 * A prepared answer that is a CNAME chain: written to see its chain (the
 * names in it are those of every variant of the answer: DNS64 or not),
 * and when a name of it is blocked, overwritten with the block response.
 * @return true when blocked (the reply is written).
 */
static bool
chain_blocked(struct query_env *env, struct query_info *qi, const struct fw_view *fv,
	const struct answer *a, bool tcp, uint8_t *out, size_t out_cap, size_t *out_len,
	enum query_action *action)
{
	const struct fw_rule *alert = NULL;
	if (query_reply_prepared(env, qi, a, tcp, out, out_cap, out_len) != QUERY_SEND)
		return false;
	const struct fw_rule *r = chain_verdict(fv->policy, out, *out_len, qi->qtype, &alert);
	if (!r) {
		note_alert(qi, alert);
		return false;
	}
	qi->fw_rule = r;
	qi->fw_state = QUERY_FW_MATCH;
	*action = reply_block(env, qi, fv, r, tcp, out, out_cap, out_len);
	return true;
}

bool
firewall_filter(struct query_env *env, struct query_info *qi, const struct fw_view *fv,
	const struct query_lookup *f, const uint8_t *label_off, unsigned n_labels,
	const uint32_t *hashes, bool tcp, uint8_t *out, size_t out_cap, size_t *out_len,
	enum query_action *action)
{
	if (fv->impaired) {
		/* "DNS Firewall VPC configuration": closed answers SERVFAIL */
		qi->fw_state = fv->fail_open ? QUERY_FW_FAILED_OPEN : QUERY_FW_FAILED_CLOSED;
		if (fv->fail_open)
			return false;
		qi->rcode = DNS_RCODE_SERVFAIL;
		*out_len = query_reply_empty(env, qi, DNS_RCODE_SERVFAIL, false, out, out_cap);
		*action = *out_len ? QUERY_SEND : QUERY_DROP;
		return true;
	}
	const struct fw_rule *r = firewall_match(fv->policy, qi->lname, label_off, n_labels,
		hashes, qi->qtype, false);
	qi->fw_rule = r;
	qi->fw_state = r ? QUERY_FW_MATCH : QUERY_FW_NO_MATCH;
	if (r && r->action == FW_BLOCK) {
		*action = reply_block(env, qi, fv, r, tcp, out, out_cap, out_len);
		return true;
	}
	if (r && !r->inspect)
		return false;	/* TRUST_REDIRECTION_DOMAIN: the chain is trusted */
	if (f->answer && f->node && (f->node->flags & NODE_CNAME))
		return chain_blocked(env, qi, fv, f->answer, tcp, out, out_cap, out_len, action);
	qi->fw_chain = !f->answer && !f->synth;
	return false;
}

bool
firewall_forwarded(struct query_env *env, const struct snapshot *snap,
	const struct query_info *qi, struct query_info *qi_out, bool tcp, uint8_t *msg,
	size_t cap, size_t *len)
{
	const struct fw_view *fv = qi->fw_chain ? firewall_view(snap->firewall, qi->view) : NULL;
	const struct fw_rule *alert = NULL;
	if (!fv)
		return false;
	const struct fw_rule *r = chain_verdict(fv->policy, msg, *len, qi->qtype, &alert);
	if (!r && !alert)
		return false;
	*qi_out = *qi;
	if (!r) {
		note_alert(qi_out, alert);
		return true;
	}
	qi_out->fw_rule = r;
	qi_out->fw_state = QUERY_FW_MATCH;
	if (reply_block(env, qi_out, fv, r, tcp, msg, cap, len) != QUERY_SEND)
		*len = 0;
	return true;
}

/* ---- compiling ---- */

/** What a build keeps until the policies are made. */
struct build {
	const struct topology *t;
	struct zb *b;
	struct arena *a;		/* the snapshot's */
	struct arena *scratch;		/* keys, freed at the end */
	struct diag *d;
	const struct topo_fw_assoc **assocs;	/* active, linked, by VPC then priority */
	unsigned n_assocs;
	const struct topo_fw_rule **rules;	/* linked, by group then priority */
	unsigned n_rules;
	struct strmap policies;		/* group ids in order -> policy */
	struct strmap configs;		/* VPC id -> config */
	struct firewall *fw;
};

static int
assoc_cmp(const void *x, const void *y)
{
	const struct topo_fw_assoc *a = *(const struct topo_fw_assoc *const *)x;
	const struct topo_fw_assoc *b = *(const struct topo_fw_assoc *const *)y;
	int c = strcmp(a->vpc_id, b->vpc_id);
	return c ? c : (a->priority > b->priority) - (a->priority < b->priority);
}

static int
rule_cmp(const void *x, const void *y)
{
	const struct topo_fw_rule *a = *(const struct topo_fw_rule *const *)x;
	const struct topo_fw_rule *b = *(const struct topo_fw_rule *const *)y;
	int c = strcmp(a->group_id, b->group_id);
	return c ? c : (a->priority > b->priority) - (a->priority < b->priority);
}

/* The associations and rules that take part, sorted for range lookups. */
static bool
build_sort(struct build *bd)
{
	const struct topo_firewall *fw = &bd->t->fw;
	bd->assocs = malloc((fw->n_assocs + 1) * sizeof(*bd->assocs));
	bd->rules = malloc((fw->n_rules + 1) * sizeof(*bd->rules));
	if (!bd->assocs || !bd->rules)
		return false;
	for (const struct topo_fw_assoc *a = fw->assocs; a; a = a->next)
		if (a->active && a->group)
			bd->assocs[bd->n_assocs++] = a;
	for (const struct topo_fw_rule *r = fw->rules; r; r = r->next)
		if (r->group && r->list && !r->advanced)
			bd->rules[bd->n_rules++] = r;
	qsort(bd->assocs, bd->n_assocs, sizeof(*bd->assocs), assoc_cmp);
	qsort(bd->rules, bd->n_rules, sizeof(*bd->rules), rule_cmp);
	for (const struct topo_fw_config *c = fw->configs; c; c = c->next)
		if (!strmap_put(&bd->configs, c->vpc_id, (void *)c))
			return false;
	return true;
}

/* The first index of a sorted array whose key is not below key. */
#define LOWER_BOUND(arr, n, field, key, out) do { \
	unsigned lo_ = 0, hi_ = (n); \
	while (lo_ < hi_) { \
		unsigned mid_ = (lo_ + hi_) / 2; \
		if (strcmp((arr)[mid_]->field, (key)) < 0) \
			lo_ = mid_ + 1; \
		else \
			hi_ = mid_; \
	} \
	(out) = lo_; \
} while (0)

/* The rules of a group, in priority order: *n of them from the returned one. */
static const struct topo_fw_rule *const *
group_rules(const struct build *bd, const char *group_id, unsigned *n)
{
	unsigned i;
	LOWER_BOUND(bd->rules, bd->n_rules, group_id, group_id, i);
	*n = 0;
	while (i + *n < bd->n_rules && strcmp(bd->rules[i + *n]->group_id, group_id) == 0)
		(*n)++;
	return bd->rules + i;
}

/* A VPC's active associations, by priority. */
static const struct topo_fw_assoc *const *
vpc_assocs(const struct build *bd, const char *vpc_id, unsigned *n)
{
	unsigned i;
	LOWER_BOUND(bd->assocs, bd->n_assocs, vpc_id, vpc_id, i);
	*n = 0;
	while (i + *n < bd->n_assocs && strcmp(bd->assocs[i + *n]->vpc_id, vpc_id) == 0)
		(*n)++;
	return bd->assocs + i;
}

/** A domain of some rule's list, while the table is made. */
struct entry {
	uint32_t hash;
	uint32_t rule;
	const uint8_t *wire;
	uint8_t len;
	bool wild;
};

static int
entry_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	int c = memcmp(a->wire, b->wire, a->len);
	if (c)
		return c;
	if (a->wild != b->wild)
		return a->wild ? 1 : -1;
	return (a->rule > b->rule) - (a->rule < b->rule);
}

static bool
same_name(const struct entry *a, const struct entry *b)
{
	return a->hash == b->hash && a->len == b->len && memcmp(a->wire, b->wire, a->len) == 0;
}

/* Every domain of every rule's list, sorted by name. */
static struct entry *
entries_collect(const struct topo_fw_rule *const *rules, unsigned n_rules, size_t *n)
{
	size_t total = 0, k = 0;
	for (unsigned i = 0; i < n_rules; i++)
		total += rules[i]->list->n_domains;
	struct entry *e = malloc((total + 1) * sizeof(*e));
	if (!e)
		return NULL;
	for (unsigned i = 0; i < n_rules; i++) {
		const struct topo_fw_list *l = rules[i]->list;
		for (unsigned p = 0; p < l->n_parts; p++) {
			for (unsigned j = 0; j < l->parts[p]->n; j++) {
				const struct topo_fw_domain *dom = &l->parts[p]->d[j];
				e[k++] = (struct entry){ dname_hash(dom->wire), i, dom->wire, dom->len,
					dom->wildcard };
			}
		}
	}
	qsort(e, k, sizeof(*e), entry_cmp);
	*n = k;
	return e;
}

/* One name of the table from its run of sorted entries [e, end). */
static struct fw_name *
name_make(struct arena *a, const struct entry *e, const struct entry *end)
{
	uint32_t n_ids = 0;
	for (const struct entry *x = e; x < end; x++)
		n_ids++;
	struct fw_name *n = arena_alloc(a, sizeof(*n) + n_ids * sizeof(n->ids[0]));
	if (!n || !(n->wire = arena_memdup(a, e->wire, e->len)))
		return NULL;
	n->len = e->len;
	n->n_exact = n->n_wild = 0;
	for (const struct entry *x = e; x < end; x++) {
		const struct entry *prev = x > e ? x - 1 : NULL;
		if (prev && prev->wild == x->wild && prev->rule == x->rule)
			continue;	/* listed twice */
		n->ids[n->n_exact + n->n_wild] = x->rule;
		if (x->wild)
			n->n_wild++;
		else
			n->n_exact++;
	}
	return n;
}

static void
table_put(struct fw_policy *p, uint32_t hash, const struct fw_name *n)
{
	uint32_t i = slot_of(p, hash);
	while (p->slots[i].name)
		i = (i + 1) & p->mask;
	p->slots[i].hash = hash;
	p->slots[i].name = n;
	unsigned labels = dname_label_count(n->wire);
	if (n->n_exact)
		p->exact_labels |= label_bit(labels);
	if (n->n_wild)
		p->wild_labels |= label_bit(labels);
}

/* The name table of a policy from its sorted entries; at most half full. */
static bool
table_make(struct arena *a, struct fw_policy *p, const struct entry *e, size_t n)
{
	size_t names = 0, size = 16;
	for (size_t i = 0; i < n; i++)
		names += i == 0 || !same_name(&e[i - 1], &e[i]);
	while (size < 2 * names)
		size *= 2;
	p->slots = arena_zalloc(a, size * sizeof(*p->slots));
	if (!p->slots)
		return false;
	p->mask = (uint32_t)(size - 1);
	p->n_names = (unsigned)names;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && same_name(&e[i], &e[j]))
			j++;
		struct fw_name *name = name_make(a, &e[i], &e[j]);
		if (!name)
			return false;
		table_put(p, e[i].hash, name);
		i = j;
	}
	return true;
}

static const char *
copy_or(struct arena *a, const char *s, const char *otherwise)
{
	return arena_strdup(a, s ? s : otherwise);
}

static bool
rule_make(struct arena *a, const struct topo_fw_assoc *as, const struct topo_fw_rule *tr,
	struct fw_rule *r)
{
	r->group_id = copy_or(a, as->group_id, "-");
	r->group_name = copy_or(a, as->group->name, "-");
	r->name = copy_or(a, tr->name, "-");
	r->list_id = copy_or(a, tr->list_id, "-");
	r->list_name = copy_or(a, tr->list->name, "-");
	r->group_priority = as->priority;
	r->priority = tr->priority;
	r->qtype = tr->qtype;
	r->action = (uint8_t)tr->action;
	r->block = (uint8_t)tr->block;
	r->inspect = tr->inspect;
	if (tr->override_wire) {
		r->override_domain = arena_strdup(a, tr->override_domain);
		r->override_wire = arena_memdup(a, tr->override_wire, tr->override_len);
		r->override_len = tr->override_len;
		if (!r->override_domain || !r->override_wire)
			return false;
	}
	r->override_ttl = tr->override_ttl;
	r->file = copy_or(a, tr->src.file, "-");
	r->line = tr->src.line;
	return r->group_id && r->group_name && r->name && r->list_id && r->list_name && r->file;
}

/* The rules of a VPC's rule groups in evaluation order, and their table. */
static const struct fw_policy *
policy_make(struct build *bd, const struct topo_fw_assoc *const *as, unsigned n_as)
{
	struct fw_policy *p = arena_zalloc(bd->a, sizeof(*p));
	const struct topo_fw_rule **order = malloc((bd->n_rules + 1) * sizeof(*order));
	struct fw_rule *rules = NULL;
	struct entry *e = NULL;
	size_t n_e = 0;
	bool ok = p && order;
	for (unsigned i = 0; ok && i < n_as; i++) {
		unsigned n;
		const struct topo_fw_rule *const *gr = group_rules(bd, as[i]->group_id, &n);
		memcpy(order + p->n_rules, gr, n * sizeof(*gr));
		p->n_rules += n;
	}
	ok = ok && (rules = arena_zalloc(bd->a, (p->n_rules + 1) * sizeof(*rules)));
	for (unsigned i = 0, k = 0; ok && i < n_as; i++) {
		unsigned n;
		group_rules(bd, as[i]->group_id, &n);
		for (unsigned j = 0; ok && j < n; j++, k++)
			ok = rule_make(bd->a, as[i], order[k], &rules[k]);
	}
	ok = ok && (e = entries_collect(order, p->n_rules, &n_e)) && table_make(bd->a, p, e, n_e);
	free(order);
	free(e);
	if (!ok)
		return NULL;
	p->rules = rules;
	bd->fw->n_policies++;
	bd->fw->n_rules += p->n_rules;
	bd->fw->n_names += p->n_names;
	return p;
}

/* VPCs with the same rule groups in the same order share a policy. */
static const struct fw_policy *
policy_for(struct build *bd, const struct topo_fw_assoc *const *as, unsigned n_as)
{
	size_t klen = 0;
	for (unsigned i = 0; i < n_as; i++)
		klen += strlen(as[i]->group_id) + 1;
	char *key = arena_alloc(bd->scratch, klen + 1), *k = key;
	if (!key)
		return NULL;
	for (unsigned i = 0; i < n_as; i++)
		k += sprintf(k, "%s\n", as[i]->group_id);
	const struct fw_policy *p = strmap_get(&bd->policies, key);
	if (p)
		return p;
	p = policy_make(bd, as, n_as);
	return p && strmap_put(&bd->policies, key, (void *)p) ? p : NULL;
}

/* DNS Firewall in one view of a VPC: its policy, its OVERRIDE answers. */
static bool
view_make(struct build *bd, const struct topo_vpc *v, int view, const struct fw_policy *p)
{
	const struct topo_fw_config *c = strmap_get(&bd->configs, v->id);
	struct fw_view *fv = arena_zalloc(bd->a, sizeof(*fv));
	if (!fv || !(fv->override = arena_zalloc(bd->a, (p->n_rules + 1) * sizeof(*fv->override))) ||
	    !(fv->vpc_id = arena_strdup(bd->a, v->id)))
		return false;
	fv->policy = p;
	fv->fail_open = c && c->fail_open;
	fv->impaired = c && c->impaired;
	for (unsigned k = 0; k < p->n_rules; k++) {
		const struct fw_rule *r = &p->rules[k];
		if (r->block != FW_BLOCK_OVERRIDE || !r->override_wire)
			continue;
		char *origin = arena_printf(bd->scratch, "DNS Firewall rule %s of %s, OVERRIDE",
			r->name, r->group_id);
		if (!origin || zb_synth_cname(bd->b, (unsigned)view, r->override_wire,
			    r->override_len, r->override_ttl, origin, &fv->override[k]) < 0)
			return false;
	}
	bd->fw->views[view] = fv;
	return true;
}

static bool
build_views(struct build *bd)
{
	for (const struct topo_vpc *v = bd->t->vpcs; v; v = v->next) {
		unsigned n;
		const struct topo_fw_assoc *const *as = vpc_assocs(bd, v->id, &n);
		if (v->view < 0 || n == 0)
			continue;
		const struct fw_policy *p = policy_for(bd, as, n);
		/* queries through the VPC's inbound endpoints are filtered too
		 * ("How Route 53 Resolver DNS Firewall filters DNS queries") */
		if (!p || !view_make(bd, v, v->view, p) ||
		    (v->inbound_view >= 0 && !view_make(bd, v, v->inbound_view, p)))
			return false;
	}
	return true;
}

int
firewall_build(const struct topology *t, struct zb *b, struct arena *arena,
	const struct firewall **out, struct diag *d)
{
	struct build bd = { .t = t, .b = b, .a = arena, .d = d };
	bool ok = false;
	*out = NULL;
	if (!t->fw.init || t->fw.n_assocs == 0)
		return 0;
	bd.scratch = arena_create(64 * 1024);
	bd.fw = arena_zalloc(arena, sizeof(*bd.fw));
	if (!bd.scratch || !bd.fw || !build_sort(&bd))
		goto out;
	bd.fw->n_views = (uint16_t)zb_view_count(b);
	bd.fw->views = arena_zalloc(arena, (bd.fw->n_views + 1u) * sizeof(*bd.fw->views));
	ok = bd.fw->views && build_views(&bd);
	if (ok && bd.fw->n_policies)
		*out = bd.fw;
out:
	if (!ok)
		diag_error(d, "DNS Firewall", 0, "out of memory compiling the rule groups");
	free(bd.assocs);
	free(bd.rules);
	strmap_clear(&bd.policies);
	strmap_clear(&bd.configs);
	arena_free(bd.scratch);
	return ok ? 0 : -1;
}

/* ---- --check ---- */

static void
export_vpc(const struct build *bd, const struct topo_vpc *v, FILE *out)
{
	unsigned n;
	const struct topo_fw_assoc *const *as = vpc_assocs(bd, v->id, &n);
	const struct topo_fw_config *c = strmap_get(&bd->configs, v->id);
	if (n == 0)
		return;
	fprintf(out, "; DNS Firewall of %s: fails %s%s; rules in evaluation order:\n", v->id,
		c && c->fail_open ? "open" : "closed",
		c && c->impaired ? ", and is failing now (Healthy: false)" : "");
	for (unsigned i = 0; i < n; i++) {
		unsigned nr;
		const struct topo_fw_rule *const *gr = group_rules(bd, as[i]->group_id, &nr);
		for (unsigned j = 0; j < nr; j++) {
			const struct topo_fw_rule *r = gr[j];
			char qtype[16] = "every type";
			if (r->qtype)
				snprintf(qtype, sizeof(qtype), "TYPE%u only", r->qtype);
			fprintf(out, ";   group %s (priority %u) rule %s (priority %u): %s%s%s%s%s "
				"list %s (%u domains), %s, redirections %s\n", as[i]->group_id,
				as[i]->priority, r->name ? r->name : "-", r->priority,
				firewall_action_name(r->action), r->block ? " " : "",
				r->block ? firewall_block_name(r->block) : "",
				r->override_domain ? " -> " : "",
				r->override_domain ? r->override_domain : "", r->list_id,
				r->list->n_domains, qtype, r->inspect ? "inspected" : "trusted");
		}
	}
}

void
firewall_export(const struct topology *t, FILE *out)
{
	struct build bd = { .t = t };
	if (!t->fw.init || t->fw.n_assocs == 0)
		return;
	if (build_sort(&bd))
		for (const struct topo_vpc *v = t->vpcs; v; v = v->next)
			export_vpc(&bd, v, out);
	free(bd.assocs);
	free(bd.rules);
	strmap_clear(&bd.configs);
}
