/* SPDX-License-Identifier: BSD-3-Clause */
/* src/explain.c - why dnsd answers a name as it does: view, deciding zone or rule, ENIs, the answer. */
#include "config.h"
#include "explain.h"

#include "dname.h"
#include "forward.h"
#include "health.h"
#include "hiddenzone.h"
#include "log.h"
#include "query.h"
#include "rrtext.h"
#include "sbuf.h"
#include "snapshot.h"
#include "topology.h"
#include "wire.h"
#include "zonedb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_MATCHES 8		/* endpoint names shown for one query name */

/* Where the client lands. */
struct placement {
	uint16_t view;
	const struct topo_vpc *vpc;	/* NULL: the public view */
	struct netaddr addr;		/* the address the answer path sees */
	bool by_vpc;			/* --vpc: placed by a listener binding, not an address */
};

/* One endpoint name that is the query name (or a name it is an alias to). */
struct match {
	const struct topo_endpoint *ep;
	char text[DNAME_MAX * 4 + 2];
	const char *az;
	bool private_name;
	int view;
};

struct find {
	const char *name;		/* lowercase, without the final dot */
	const struct placement *pl;
	struct match m[MAX_MATCHES];
	unsigned n;
};

static const char *
src_text(const struct src *s, char *buf, size_t size)
{
	if (s->file && s->line)
		snprintf(buf, size, "%s:%u", s->file, s->line);
	else
		snprintf(buf, size, "%s", s->file ? s->file : "(generated)");
	return buf;
}

/* ---- the client's view ---- */

static const struct topo_vpc *
vpc_of_view(const struct topology *t, int view)
{
	for (const struct topo_vpc *v = t->vpcs; v; v = v->next)
		if (v->view == view)
			return v;
	return NULL;
}

/* The VPC block that holds the address (the longest). */
static const struct netprefix *
block_of(const struct topo_vpc *v, const struct netaddr *a)
{
	const struct netprefix *best = NULL;
	for (unsigned i = 0; v && i < v->n_cidrs; i++)
		if (netprefix_contains(&v->cidrs[i], a) && (!best || v->cidrs[i].len > best->len))
			best = &v->cidrs[i];
	return best;
}

static void
why_default(const struct topology *t, const struct topo_vpc *v, struct sbuf *out)
{
	char where[300];
	if (t->default_vpc)
		sbuf_printf(out, "Dnsd DefaultVpc at %s", src_text(&t->default_vpc_src, where,
			sizeof(where)));
	else if (v->is_default)
		sbuf_printf(out, "IsDefault: true at %s", src_text(&v->src, where, sizeof(where)));
	else
		sbuf_printf(out, "the only VPC of the definitions");
}

static int
place_by_vpc(const struct snapshot *s, const struct topology *t, const char *id,
	struct placement *pl, struct sbuf *out, char *err, size_t errsz)
{
	const struct topo_vpc *v = strmap_get(&t->vpc_by_id, id);
	if (!v || v->view < 0) {
		struct sbuf known = SBUF_INIT;
		for (unsigned i = 0; i < s->n_vpc_views; i++)
			sbuf_printf(&known, "%s%s", i ? ", " : "", s->vpcs[i].id);
		snprintf(err, errsz, "--vpc %s: no such VPC in the definitions (VPCs: %s)", id,
			known.len ? sbuf_text(&known) : "none");
		sbuf_free(&known);
		return -1;
	}
	pl->vpc = v;
	pl->view = (uint16_t)v->view;
	pl->by_vpc = true;
	netaddr_parse("127.0.0.1", &pl->addr);
	sbuf_printf(out, "view:     %s: a client of that VPC (--vpc)\n", v->id);
	return 0;
}

static void
place_by_addr(const struct snapshot *s, const struct topology *t, const struct netaddr *a,
	struct placement *pl, struct sbuf *out)
{
	char addr[64], block[64];
	pl->addr = *a;
	pl->view = snapshot_view_for(s, a);
	pl->vpc = vpc_of_view(t, pl->view);
	netaddr_str(a, addr, sizeof(addr));
	const struct netprefix *p = cidrmap_find(&s->cidrs, a) >= 0 ? block_of(pl->vpc, a) : NULL;
	if (p) {
		sbuf_printf(out, "view:     %s: %s is in its block %s\n", pl->vpc->id, addr,
			netprefix_str(p, block, sizeof(block)));
	} else if (pl->vpc) {
		sbuf_printf(out, "view:     %s: %s is in no VPC's block, so it lands in the "
			"default VPC (", pl->vpc->id, addr);
		why_default(t, pl->vpc, out);
		sbuf_puts(out, ")\n");
	} else {
		sbuf_printf(out, "view:     public: %s is in no VPC's block and there is no default "
			"VPC (Dnsd DefaultVpc): only public names answer, the rest is forwarded\n",
			addr);
	}
}

/* ---- what decides ---- */

static const char *
kind_text(const struct zone *z)
{
	switch (z->kind) {
	case ZONE_LOCAL: return "private zone";
	case ZONE_PUBLIC: return "public endpoint names";
	case ZONE_FORWARD: return "Resolver rule, FORWARD";
	case ZONE_RECURSE: return "Resolver rule, SYSTEM";
	case ZONE_EC2: return "autodefined EC2 hostnames";
	case ZONE_EC2_REVERSE: return "autodefined reverse zone";
	default: return "zone";
	}
}

static void
put_targets(const struct fwd_targets *t, struct sbuf *out)
{
	char buf[80];
	for (unsigned i = 0; t && i < t->n; i++)
		sbuf_printf(out, "%s%s", i ? ", " : "",
			netaddr_sockaddr_str((const struct sockaddr *)&t->addr[i], buf, sizeof(buf)));
	if (!t || t->n == 0)
		sbuf_puts(out, "none (SERVFAIL)");
}

static void
put_forward(const struct explain_env *env, const struct query_lookup *f, struct sbuf *out)
{
	char buf[80];
	const struct fwd_targets *t = f->forward ? f->forward->targets : env->upstreams;
	sbuf_puts(out, "forward:  to ");
	put_targets(t, out);
	sbuf_puts(out, f->forward ? " (the rule's targets, in order)" : " (the upstreams)");
	if (t && t->has_source)
		sbuf_printf(out, ", from %s (the outbound endpoint's address)",
			netaddr_sockaddr_str((const struct sockaddr *)&t->source, buf, sizeof(buf)));
	else
		sbuf_puts(out, ", from an address the kernel picks");
	sbuf_puts(out, "; what comes back is scrubbed, cached and answered\n");
}

static void
put_decider(const struct snapshot *s, const struct query_lookup *f, struct sbuf *out)
{
	const struct zone *z = f->auth;
	if (!z) {
		sbuf_puts(out, "decided:  no zone of the view holds the name and no rule "
			"forwards it: the upstreams resolve it\n");
		return;
	}
	const char *view = z->view < s->db.n_views ? s->db.views[z->view].name : "?";
	char apex[DNAME_MAX * 4 + 2];
	dname_to_text(z->apex, apex, sizeof(apex));
	sbuf_printf(out, "decided:  %s %s in view %s%s\n          from: %s\n", kind_text(z),
		apex, view,
		f->from_public ? " (held once for every client)" : "",
		z->origin && z->origin[0] ? z->origin : "dnsd");
	if (zone_kind_local(z->kind) && !f->node && !f->synth)
		sbuf_puts(out, "          the zone has no such name: NXDOMAIN with its SOA (no "
			"fallthrough to public DNS)\n");
	else if (f->node && f->node->name_len > 1 && f->node->name[0] == 1 &&
		 f->node->name[1] == '*')
		sbuf_puts(out, "          matched by the zone's wildcard\n");
}

/* ---- Resolver rules ---- */

static bool
assoc_in_effect(const struct topo_rule_assoc *as)
{
	return !as->status || !strcmp(as->status, "COMPLETE") || !strcmp(as->status, "CREATING");
}

static const char *
rule_type_text(enum rule_type t)
{
	return t == RULE_FORWARD ? "FORWARD" : t == RULE_SYSTEM ? "SYSTEM" :
		t == RULE_RECURSIVE ? "RECURSIVE" : "DELEGATE";
}

/* Where a FORWARD rule's queries leave from: its outbound endpoint's
 * address when this host has it (what the forwarder was built with). */
static void
put_outbound(const struct topology *t, const struct topo_rule *rule,
	const struct fwd_targets *ft, struct sbuf *out)
{
	char buf[80];
	const struct topo_resolver_endpoint *e = rule->endpoint_id ?
		strmap_get(&t->resolver_endpoint_by_id, rule->endpoint_id) : NULL;
	if (!e)
		return;
	sbuf_printf(out, "; outbound endpoint %s", e->id);
	if (ft && ft->has_source) {
		sbuf_printf(out, ", source %s", netaddr_sockaddr_str((const struct sockaddr *)
			&ft->source, buf, sizeof(buf)));
		return;
	}
	sbuf_puts(out, e->n_ips ? " (" : " (no addresses");
	for (unsigned i = 0; i < e->n_ips; i++)
		sbuf_printf(out, "%s%s", i ? ", " : "", netaddr_str(&e->ips[i], buf, sizeof(buf)));
	sbuf_puts(out, e->n_ips ? ": not on this host, so the kernel picks the source)" : ")");
}

/* Every rule of the client's VPC whose domain holds the name, most
 * specific first: the most specific one decides (a SYSTEM one hands the
 * name back to private zones and recursion). */
static void
put_rules(const struct topology *t, const uint8_t *lname, size_t len,
	const struct placement *pl, const struct query_lookup *f, struct sbuf *out)
{
	const struct topo_rule *found[16];
	unsigned labels[16], n = 0;
	char where[300];
	for (const struct topo_rule_assoc *as = t->rule_assocs; as && pl->vpc; as = as->next) {
		const struct topo_rule *rule = strmap_get(&t->rule_by_id, as->rule_id);
		uint8_t dwire[DNAME_MAX], dl[DNAME_MAX];
		int dlen = rule && rule->domain ? dname_from_text(rule->domain, dwire, NULL) : -1;
		if (dlen < 0 || strcmp(as->vpc_id, pl->vpc->id) != 0 || !assoc_in_effect(as) ||
		    n == 16 || rule->type == RULE_RECURSIVE)
			continue;
		dname_lower_copy(dl, dwire, (size_t)dlen);
		if (!dname_is_subdomain(lname, len, dl, (size_t)dlen))
			continue;
		unsigned k = n++;
		for (; k > 0 && labels[k - 1] < dname_label_count(dl); k--) {
			found[k] = found[k - 1];
			labels[k] = labels[k - 1];
		}
		found[k] = rule;
		labels[k] = dname_label_count(dl);
	}
	for (unsigned i = 0; i < n; i++) {
		const struct topo_rule *rule = found[i];
		sbuf_printf(out, "rule:     %s %s %s (%s)", rule->id, rule_type_text(rule->type),
			rule->domain, src_text(&rule->src, where, sizeof(where)));
		if (rule->type == RULE_FORWARD)
			put_outbound(t, rule, f->forward && i == 0 ? f->forward->targets : NULL, out);
		if (i == 0 && rule->type == RULE_SYSTEM)
			sbuf_puts(out, ": the most specific; a SYSTEM rule takes the name back from "
				"the rules above it");
		else if (i > 0)
			sbuf_puts(out, ": less specific");
		sbuf_puts(out, "\n");
	}
}

/* ---- endpoints and their ENIs ---- */

static bool
name_matches(const char *pattern, const char *name)
{
	size_t pl = strlen(pattern), nl = strlen(name);
	if (pl && pattern[pl - 1] == '.')
		pl--;
	if (pl >= 2 && pattern[0] == '*' && pattern[1] == '.')	/* a wildcard: strictly below */
		return nl > pl - 1 && name[nl - (pl - 1) - 1] != 0 &&
			!strncasecmp(name + nl - (pl - 1), pattern + 1, pl - 1) &&
			name[nl - (pl - 1)] == '.';
	return nl == pl && !strncasecmp(pattern, name, pl);
}

static int
find_name(void *ctx, const struct topo_endpoint *ep, const struct endpoint_name *n)
{
	struct find *fd = ctx;
	const struct topo_vpc *v = fd->pl->vpc;
	bool seen = n->view == 0 || (v && (n->view == v->view || n->view == v->inbound_view));
	if (!seen || fd->n >= MAX_MATCHES || !name_matches(n->text, fd->name))
		return 0;
	struct match *m = &fd->m[fd->n++];
	m->ep = ep;
	snprintf(m->text, sizeof(m->text), "%s", n->text);
	m->az = n->az;
	m->private_name = n->private_name;
	m->view = n->view;
	return 0;
}

static void
health_text(const struct topo_health_verdict *v, const struct topo_eni *e, struct sbuf *out)
{
	char where[300], since[32], what[128];
	switch (v->reason) {
	case TOPO_HEALTH_STATUS:
		sbuf_printf(out, "Status is %s, not in-use (%s)", e->status,
			src_text(&e->src, where, sizeof(where)));
		break;
	case TOPO_HEALTH_RUNTIME:
		health_override_describe(v->override, what, sizeof(what));
		sbuf_printf(out, "dnsd-control health %s, since %s", what,
			log_utc_text(v->override->since, since, sizeof(since)));
		break;
	case TOPO_HEALTH_FIELD:
		sbuf_printf(out, "its Healthy: false (%s)", src_text(&e->src, where, sizeof(where)));
		break;
	case TOPO_HEALTH_ENTRY:
		sbuf_printf(out, "Health entry %s%s%s%s%s%s at %s",
			v->entry->az ? "AvailabilityZone " : "", v->entry->az ? v->entry->az : "",
			v->entry->eni_id ? " NetworkInterfaceId " : "",
			v->entry->eni_id ? v->entry->eni_id : "",
			v->entry->endpoint_id ? " VpcEndpointId " : "",
			v->entry->endpoint_id ? v->entry->endpoint_id : "",
			src_text(&v->entry->src, where, sizeof(where)));
		break;
	case TOPO_HEALTH_DEFAULT:
		sbuf_puts(out, "in-use, nothing marks it down");
		break;
	}
}

static void
put_addrs(const struct topo_eni *e, struct sbuf *out)
{
	char buf[64];
	struct sbuf a = SBUF_INIT;
	for (unsigned k = 0; k < e->n_v4; k++)
		sbuf_printf(&a, "%s%s", a.len ? "," : "", netaddr_str(&e->v4[k], buf, sizeof(buf)));
	for (unsigned k = 0; k < e->n_v6; k++)
		sbuf_printf(&a, "%s%s", a.len ? "," : "", netaddr_str(&e->v6[k], buf, sizeof(buf)));
	sbuf_printf(out, "%-16s", a.len ? sbuf_text(&a) : "-");
	sbuf_free(&a);
}

static void
put_endpoint(const struct topology *t, const struct match *m, struct sbuf *out)
{
	const struct topo_endpoint *ep = m->ep;
	char where[300];
	bool any = false;
	sbuf_printf(out, "endpoint: %s (%s), %s, %s (%s)\n", ep->id, ep->service_name, ep->state,
		m->private_name ? "private DNS name" : m->az ? "zonal name" : "regional name",
		src_text(&ep->src, where, sizeof(where)));
	for (unsigned i = 0; i < ep->n_enis; i++)
		any |= topology_eni_healthy(t, ep->enis[i]);
	if (m->az)
		sbuf_printf(out, "          a zonal name answers the ENIs of %s, healthy or not\n",
			m->az);
	else if (any)
		sbuf_puts(out, "          round robin over the healthy ENIs, one position per "
			"response:\n");
	else
		sbuf_puts(out, "          no ENI is healthy: all are answered (Route 53 fails "
			"open):\n");
	for (unsigned i = 0; i < ep->n_enis; i++) {
		const struct topo_eni *e = ep->enis[i];
		struct topo_health_verdict v;
		topology_eni_health(t, e, &v);
		bool in = m->az ? e->az && !strcmp(e->az, m->az) : (v.healthy || !any);
		sbuf_printf(out, "  %-22s %-12s ", e->id ? e->id : "-", e->az ? e->az : "-");
		put_addrs(e, out);
		sbuf_printf(out, " %-3s ", in ? "in" : "out");
		health_text(&v, e, out);
		sbuf_puts(out, "\n");
	}
}

/* Names of the query (or an alias's target) that endpoints give. */
static void
find_endpoints(const struct topology *t, const char *name, const struct placement *pl,
	struct find *fd)
{
	fd->name = name;
	fd->pl = pl;
	fd->n = 0;
	for (const struct topo_endpoint *ep = t->endpoints; ep; ep = ep->next)
		hiddenzone_each_name(ep, NULL, find_name, fd);
}

static bool
vpc_associated(const struct topo_hosted_zone *h, const struct topo_vpc *v)
{
	for (unsigned i = 0; v && i < h->n_vpcs; i++)
		if (!strcmp(h->vpc_ids[i], v->id))
			return true;
	return false;
}

/* The hosted zone records of the name, and the endpoint an alias names. */
static void
put_records(const struct topology *t, const struct zone *z, const uint8_t *lname, size_t len,
	const struct placement *pl, struct sbuf *out)
{
	char where[300], tb[16];
	for (const struct topo_hosted_zone *h = t->zones; h && z; h = h->next) {
		if (!h->wire || h->wlen != z->apex_len || memcmp(h->wire, z->apex, h->wlen) != 0 ||
		    (h->private_zone && !vpc_associated(h, pl->vpc)))
			continue;
		for (const struct topo_rr *rr = h->rrs; rr; rr = rr->next) {
			if (rr->wlen != len || memcmp(rr->wire, lname, len) != 0)
				continue;
			sbuf_printf(out, "record:   %s %s%s%s in hosted zone %s (%s)\n", rr->name,
				rrtext_type(rr->type, tb), rr->alias_target ? ", alias to " : "",
				rr->alias_target ? rr->alias_target : "", h->id ? h->id : h->name,
				src_text(&rr->src, where, sizeof(where)));
			if (!rr->alias_target)
				continue;
			struct find fd;
			char target[DNAME_MAX * 4 + 2];
			snprintf(target, sizeof(target), "%s", rr->alias_target);
			size_t tl = strlen(target);
			if (tl && target[tl - 1] == '.')
				target[tl - 1] = 0;
			find_endpoints(t, target, pl, &fd);
			for (unsigned i = 0; i < fd.n; i++)
				put_endpoint(t, &fd.m[i], out);
		}
	}
}

/* ---- the answer, from the answer path ---- */

static size_t
make_query(const uint8_t *wire, size_t len, uint16_t qtype, uint8_t *pkt)
{
	memset(pkt, 0, DNS_HEADER_SIZE);
	wire_put16(pkt + 2, DNS_FLAG_RD);
	wire_put16(pkt + 4, 1);
	wire_put16(pkt + 10, 1);
	memcpy(pkt + DNS_HEADER_SIZE, wire, len);
	size_t p = DNS_HEADER_SIZE + len;
	wire_put16(pkt + p, qtype);
	wire_put16(pkt + p + 2, DNS_CLASS_IN);
	p += 4;
	static const uint8_t opt[11] = { 0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0 };	/* 4096 */
	memcpy(pkt + p, opt, sizeof(opt));
	return p + sizeof(opt);
}

static void
put_answer(const struct explain_env *env, const struct placement *pl, const uint8_t *wire,
	size_t len, uint16_t qtype, const struct query_lookup *f, struct sbuf *out)
{
	const size_t text_size = 256 * 1024;
	uint8_t *reply = malloc(DNS_MAX_MESSAGE);
	char *text = malloc(text_size);
	uint8_t pkt[DNS_HEADER_SIZE + DNAME_MAX + 4 + 11];
	struct snapshot bound = *env->snap;	/* --vpc: a listener bound to the VPC */
	int view = pl->view;
	struct query_env qe;
	struct query_info qi;
	size_t out_len = 0;
	memset(&qe, 0, sizeof(qe));
	if (!reply || !text) {
		sbuf_puts(out, "answer:   (out of memory)\n");
		free(reply);
		free(text);
		return;
	}
	if (pl->by_vpc) {
		bound.listener_views = &view;
		bound.n_listeners = 1;
	}
	qe.max_udp = 4096;
	qe.allow = env->allow;
	qe.n_allow = env->n_allow;
	query_env_set_snapshot(&qe, &bound);
	struct query_client c = { &pl->addr, pl->by_vpc ? 0 : -1, false };
	size_t plen = make_query(wire, len, qtype, pkt);
	enum query_action act = query_answer(&qe, &c, pkt, plen, reply, DNS_MAX_MESSAGE,
		&out_len, &qi);
	query_env_fini(&qe);
	if (act == QUERY_FORWARD) {
		put_forward(env, f, out);
	} else if (act == QUERY_DROP) {
		sbuf_printf(out, "answer:   none: dropped (%s)\n", qi.why ? qi.why : "?");
	} else {
		if (qi.why)
			sbuf_printf(out, "refused:  %s\n", qi.why);
		rrtext_message(reply, out_len, text, text_size);
		sbuf_printf(out, "answer:\n%s", text);
	}
	free(reply);
	free(text);
}

int
explain_query(const struct explain_env *env, const struct explain_query *q, struct sbuf *out,
	char *err, size_t errsz)
{
	const struct snapshot *s = env->snap;
	struct topology *t = snapshot_model_topology(s);
	uint8_t wire[DNAME_MAX], lname[DNAME_MAX];
	char text[DNAME_MAX * 4 + 2], tb[16];
	const char *why;
	struct placement pl;
	struct netaddr local;
	memset(&pl, 0, sizeof(pl));
	if (!t) {
		snprintf(err, errsz, "the definitions were not kept for explanations");
		return -1;
	}
	int len = dname_from_text(q->name, wire, &why);
	if (len < 0) {
		snprintf(err, errsz, "'%s' is not a domain name: %s", q->name, why);
		return -1;
	}
	dname_lower_copy(lname, wire, (size_t)len);
	dname_to_text(lname, text, sizeof(text));
	sbuf_printf(out, "query:    %s IN %s\n", text, rrtext_type(q->qtype, tb));
	netaddr_parse("127.0.0.1", &local);
	t->runtime_health = &s->health;
	if (q->vpc) {
		if (place_by_vpc(s, t, q->vpc, &pl, out, err, errsz) < 0) {
			t->runtime_health = NULL;
			return -1;
		}
	} else {
		place_by_addr(s, t, q->from ? q->from : &local, &pl, out);
	}
	struct query_lookup f;
	query_lookup_name(&s->db, pl.view, lname, (size_t)len, q->qtype, &f);
	put_decider(s, &f, out);
	put_rules(t, lname, (size_t)len, &pl, &f, out);
	put_records(t, f.auth, lname, (size_t)len, &pl, out);
	struct find fd;
	size_t tl = strlen(text);
	if (tl > 1 && text[tl - 1] == '.')
		text[tl - 1] = 0;
	find_endpoints(t, text, &pl, &fd);
	for (unsigned i = 0; i < fd.n; i++)
		put_endpoint(t, &fd.m[i], out);
	put_answer(env, &pl, wire, (size_t)len, q->qtype, &f, out);
	t->runtime_health = NULL;
	return 0;
}
