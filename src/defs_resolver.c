/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_resolver.c - the route53resolver family: read Resolver rules, rule associations and endpoints, and link them. */
#include "config.h"
#include "defs.h"

#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "doc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The field tables follow the AWS CLI output (botocore route53resolver
 * 2018-04-01) plus the hand-written additions; anything else gets a warning. */

/* ---- Resolver endpoint addresses ---- */

/** An IpAddresses entry as written. */
struct ip_in {
	const char *v4, *v6, *status;
};

static const struct defs_field ip_fields[] = {
	DEFS_F(struct ip_in, "Ip", DEFS_STR, v4),
	DEFS_F(struct ip_in, "Ipv6", DEFS_STR, v6),
	DEFS_F(struct ip_in, "Status", DEFS_STR, status),
	DEFS_IGNORED("IpId"), DEFS_IGNORED("SubnetId"), DEFS_IGNORED("StatusMessage"),
	DEFS_IGNORED("CreationTime"), DEFS_IGNORED("ModificationTime"),
	DEFS_END
};
static const struct defs_object ip_object = { "an IpAddresses entry", ip_fields };

/* Statuses of an address that no longer (or never did) take queries. */
static bool
ip_status_dead(const char *status)
{
	return status && (strncmp(status, "FAILED", 6) == 0 || strncmp(status, "DELET", 5) == 0 ||
		strcmp(status, "DETACHING") == 0 || strcmp(status, "REMAP_DETACHING") == 0);
}

static void
add_ip(struct netaddr *ips, unsigned *n, const struct netaddr *a)
{
	for (unsigned i = 0; i < *n; i++)
		if (netaddr_cmp(&ips[i], a) == 0)
			return;
	ips[(*n)++] = *a;
}

static void
read_ip(struct reader *r, const struct doc_node *it, struct netaddr *ips, unsigned *n)
{
	struct ip_in in = { NULL, NULL, NULL };
	struct netaddr a;
	if (!defs_read_object(r, it, &ip_object, &in))
		return;
	if (!in.v4 && !in.v6) {
		diag_error(r->d, r->file, it->line, "an IpAddresses entry has no Ip or Ipv6");
		return;
	}
	if (ip_status_dead(in.status)) {
		diag_warn(r->d, r->file, it->line, "address %s is %s: not served",
			in.v4 ? in.v4 : in.v6, in.status);
		return;
	}
	if (in.v4 && defs_parse_addr(r, it->line, in.v4, AF_INET, &a, "a resolver endpoint"))
		add_ip(ips, n, &a);
	if (in.v6 && defs_parse_addr(r, it->line, in.v6, AF_INET6, &a, "a resolver endpoint"))
		add_ip(ips, n, &a);
}

/* IpAddresses: [{Ip, Ipv6, SubnetId, Status, …}] into *ips (two per entry at most). */
static void
read_ips(struct reader *r, const struct doc_node *list, struct netaddr **ips, unsigned *n)
{
	*ips = defs_alloc(r, list, (2 * list->count + 1) * sizeof(**ips));
	*n = 0;
	for (size_t i = 0; *ips && i < list->count; i++)
		read_ip(r, list->items[i], *ips, n);
}

/* ---- Resolver endpoints ---- */

/** A resolver endpoint as written. */
struct endpoint_in {
	struct topo_resolver_endpoint e;
	const struct doc_node *direction, *ips, *protocols;
};

#define RE(name, kind, m) DEFS_F(struct endpoint_in, name, kind, m)
static const struct defs_field endpoint_fields[] = {
	RE("Id", DEFS_STR, e.id),
	RE("Name", DEFS_STR, e.name),
	DEFS_R(struct endpoint_in, "HostVPCId", DEFS_STR, e.vpc_id),
	RE("Direction", DEFS_NODE, direction),
	RE("IpAddresses", DEFS_SEQ, ips),
	RE("Protocols", DEFS_SEQ, protocols),
	DEFS_IGNORED("CreatorRequestId"), DEFS_IGNORED("Arn"), DEFS_IGNORED("SecurityGroupIds"),
	DEFS_IGNORED("IpAddressCount"), DEFS_IGNORED("Status"), DEFS_IGNORED("StatusMessage"),
	DEFS_IGNORED("CreationTime"), DEFS_IGNORED("ModificationTime"),
	DEFS_IGNORED("OutpostArn"), DEFS_IGNORED("PreferredInstanceType"),
	DEFS_IGNORED("ResolverEndpointType"), DEFS_IGNORED("RniEnhancedMetricsEnabled"),
	DEFS_IGNORED("TargetNameServerMetricsEnabled"), DEFS_IGNORED("Dns64Enabled"),
	DEFS_IGNORED("Ipv6InternetAccessEnabled"),
	DEFS_END
};
#undef RE
static const struct defs_object endpoint_object = { "a resolver endpoint", endpoint_fields };

static const struct src *
resolver_endpoint_src(void *p)
{
	return &((struct topo_resolver_endpoint *)p)->src;
}

/* By hand the id says the direction. */
static bool
direction_of_id(struct reader *r, const struct doc_node *n, const char *id,
	enum resolver_direction *dir)
{
	if (id && strncmp(id, "rslvr-in-", 9) == 0)
		*dir = RESOLVER_INBOUND;
	else if (id && strncmp(id, "rslvr-out-", 10) == 0)
		*dir = RESOLVER_OUTBOUND;
	else {
		diag_error(r->d, r->file, n->line, "a resolver endpoint has no Direction "
			"(INBOUND or OUTBOUND)");
		return false;
	}
	return true;
}

static bool
parse_direction(struct reader *r, const struct doc_node *n, const struct endpoint_in *in,
	enum resolver_direction *dir)
{
	const char *s = in->direction ? defs_str_value(r, in->direction, "Direction",
		"a resolver endpoint") : NULL;
	if (!s)
		return direction_of_id(r, n, in->e.id, dir);
	if (strcasecmp(s, "INBOUND") == 0 || strcasecmp(s, "INBOUND_DELEGATION") == 0)
		*dir = RESOLVER_INBOUND;
	else if (strcasecmp(s, "OUTBOUND") == 0)
		*dir = RESOLVER_OUTBOUND;
	else {
		diag_error(r->d, r->file, in->direction->line, "resolver endpoint: "
			"Direction '%s' is not INBOUND or OUTBOUND", s);
		return false;
	}
	return true;
}

/* Protocols without Do53 cannot be emulated: dnsd speaks Do53 only. */
static void
check_protocols(struct reader *r, const struct doc_node *list, const char *id)
{
	unsigned np = 0;
	const char **protos = list ? defs_strs_value(r, list, "Protocols", NULL, &np,
		"a resolver endpoint") : NULL;
	bool do53 = np == 0;
	for (unsigned i = 0; i < np; i++)
		do53 |= strcmp(protos[i], "Do53") == 0;
	if (!do53)
		diag_warn(r->d, r->file, list->line, "resolver endpoint %s: "
			"only Do53 is served and forwarded", id);
}

static void
read_resolver_endpoint(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	struct topology *t = r->t;
	struct endpoint_in in = { .e = { .id = NULL } };
	(void)doc;
	if (!defs_read_object(r, n, &endpoint_object, &in))
		return;
	struct topo_resolver_endpoint *e = defs_alloc(r, n, sizeof(*e));
	if (!e)
		return;
	*e = in.e;
	e->src = defs_src_at(r, n);
	bool ok = parse_direction(r, n, &in, &e->direction);
	if (in.ips)
		read_ips(r, in.ips, &e->ips, &e->n_ips);
	if (!ok || !e->vpc_id)
		return;
	if (!e->id)
		e->id = topology_stable_id(t, &t->resolver_endpoint_by_id,
			e->direction == RESOLVER_INBOUND ? "rslvr-in-" : "rslvr-out-", e->name,
			e->vpc_id, 0);
	if (!e->id)
		return;
	check_protocols(r, in.protocols, e->id);
	if (!defs_register_id(r, &t->resolver_endpoint_by_id, e->id, e, &e->src,
		    resolver_endpoint_src, "resolver endpoint"))
		return;
	*t->resolver_endpoints_tail = e;
	t->resolver_endpoints_tail = &e->next;
	t->n_resolver_endpoints++;
}

/* "rslvr-in-…" or "rslvr-out-…" written in a path, or NULL. */
static const char *
endpoint_id_in(struct reader *r, const char *path)
{
	static const char *const prefixes[] = { "rslvr-in-", "rslvr-out-" };
	const char *best = NULL;
	size_t best_len = 0;
	for (int k = 0; k < 2; k++) {
		size_t plen = strlen(prefixes[k]);
		for (const char *p = strstr(path, prefixes[k]); p; p = strstr(p + 1, prefixes[k])) {
			size_t n = plen;
			if (p > path && (isalnum((unsigned char)p[-1])))
				continue;
			while ((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'z'))
				n++;
			if (n > plen && (!best || p > best)) {
				best = p;	/* the last one: nearest the file name */
				best_len = n;
			}
		}
	}
	return best ? arena_strndup(r->t->arena, best, best_len) : NULL;
}

/* list-resolver-endpoint-ip-addresses: the endpoint may come later. */
static void
read_ip_list(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v)
{
	struct topology *t = r->t;
	(void)key;
	if (v->kind != DOC_SEQ) {
		if (!doc_is_null(v))
			diag_error(r->d, r->file, v->line, "IpAddresses must be a list");
		return;
	}
	struct topo_ip_list *p = defs_alloc(r, v, sizeof(*p));
	if (!p)
		return;
	p->src = defs_src_at(r, v);
	p->endpoint_id = defs_str_field(r, doc, "ResolverEndpointId", false, "the document");
	if (!p->endpoint_id) {
		const char *base = strrchr(r->file, '/');
		p->endpoint_id = endpoint_id_in(r, base ? base + 1 : r->file);
		p->id_from_file_name = p->endpoint_id != NULL;
	}
	read_ips(r, v, &p->ips, &p->n_ips);
	*t->ip_lists_tail = p;
	t->ip_lists_tail = &p->next;
}

static void
read_endpoint_id(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v)
{
	(void)key;
	if (!doc_get(doc, "IpAddresses"))
		diag_warn(r->d, r->file, v->line, "ResolverEndpointId says which "
			"endpoint IpAddresses belong to; there are none here, ignored");
}

/* ---- Resolver rules ---- */

/** A target of a rule as written. */
struct target_in {
	const char *v4, *v6, *protocol;
	const struct doc_node *port;
};

static const struct defs_field target_fields[] = {
	DEFS_F(struct target_in, "Ip", DEFS_STR, v4),
	DEFS_F(struct target_in, "Ipv6", DEFS_STR, v6),
	DEFS_F(struct target_in, "Protocol", DEFS_STR, protocol),
	DEFS_F(struct target_in, "Port", DEFS_NODE, port),
	DEFS_IGNORED("ServerNameIndication"),
	DEFS_END
};
static const struct defs_object target_object = { "a target", target_fields };

/** A rule as written. */
struct rule_in {
	struct topo_rule rule;
	const struct doc_node *domain, *delegation, *type, *targets, *vpcs;
};

#define RR(name, kind, m) DEFS_F(struct rule_in, name, kind, m)
static const struct defs_field rule_fields[] = {
	RR("Id", DEFS_STR, rule.id),
	RR("Name", DEFS_STR, rule.name),
	RR("ResolverEndpointId", DEFS_STR, rule.endpoint_id),
	RR("DomainName", DEFS_NODE, domain),
	RR("DelegationRecord", DEFS_NODE, delegation),
	RR("RuleType", DEFS_NODE, type),
	RR("TargetIps", DEFS_NODE, targets),
	RR("VPCIds", DEFS_NODE, vpcs),
	DEFS_IGNORED("CreatorRequestId"), DEFS_IGNORED("Arn"), DEFS_IGNORED("Status"),
	DEFS_IGNORED("StatusMessage"), DEFS_IGNORED("OwnerId"), DEFS_IGNORED("ShareStatus"),
	DEFS_IGNORED("CreationTime"), DEFS_IGNORED("ModificationTime"),
	DEFS_END
};
#undef RR
static const struct defs_object rule_object = { "a resolver rule", rule_fields };

static const struct src *
rule_src(void *p)
{
	return &((struct topo_rule *)p)->src;
}

static bool
parse_rule_type(struct reader *r, const struct rule_in *in, struct topo_rule *rule)
{
	static const struct {
		const char *name;
		enum rule_type type;
	} types[] = {
		{ "FORWARD", RULE_FORWARD }, { "SYSTEM", RULE_SYSTEM },
		{ "RECURSIVE", RULE_RECURSIVE }, { "DELEGATE", RULE_DELEGATE },
	};
	if (!in->type) {
		/* by hand: targets make a forwarding rule */
		rule->type = in->targets ? RULE_FORWARD : RULE_SYSTEM;
		return true;
	}
	const char *s = defs_str_value(r, in->type, "RuleType", "a resolver rule");
	for (size_t i = 0; s && i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcasecmp(s, types[i].name) == 0) {
			rule->type = types[i].type;
			return true;
		}
	}
	if (s)
		diag_error(r->d, r->file, in->type->line, "resolver rule: RuleType '%s' "
			"is not FORWARD, SYSTEM, RECURSIVE or DELEGATE", s);
	return false;
}

static void
read_target(struct reader *r, const struct doc_node *n, struct topo_rule *rule,
	const char *what)
{
	uint64_t port = 53;
	struct target_in in = { NULL, NULL, NULL, NULL };
	if (!defs_read_object(r, n, &target_object, &in))
		return;
	if (!in.v4 && !in.v6) {
		diag_error(r->d, r->file, n->line, "%s: a target has no Ip or Ipv6", what);
		return;
	}
	if (in.port && (!doc_uint(in.port, 65535, &port) || port == 0)) {
		diag_error(r->d, r->file, in.port->line, "%s: Port must be a number from 1 to 65535",
			what);
		return;
	}
	if (in.protocol && strcmp(in.protocol, "Do53") != 0)
		diag_warn(r->d, r->file, doc_get(n, "Protocol")->line, "%s: target %s uses %s: "
			"only Do53 is forwarded", what, in.v4 ? in.v4 : in.v6, in.protocol);
	const char *addrs[2] = { in.v4, in.v6 };
	for (int i = 0; i < 2; i++) {
		struct topo_target *tg = &rule->targets[rule->n_targets];
		if (addrs[i] && defs_parse_addr(r, n->line, addrs[i], i ? AF_INET6 : AF_INET,
			    &tg->addr, what)) {
			tg->port = (uint16_t)port;
			rule->n_targets++;
		}
	}
}

static void
add_assoc(struct topology *t, const char *rule_id, const char *vpc_id, const char *status,
	struct src src)
{
	struct topo_rule_assoc *a = arena_zalloc(t->arena, sizeof(*a));
	if (!a)
		return;
	a->rule_id = rule_id;
	a->vpc_id = vpc_id;
	a->status = status ? status : "COMPLETE";
	a->src = src;
	*t->rule_assocs_tail = a;
	t->rule_assocs_tail = &a->next;
}

/* DomainName (or DelegationRecord), as Route 53 prints names; false
 * (reported) when the rule has none that is valid. */
static bool
rule_domain(struct reader *r, const struct doc_node *n, const struct rule_in *in,
	struct topo_rule *rule)
{
	char text[NAME_TEXT_MAX];
	uint8_t wire[DNAME_MAX];
	size_t wlen;
	const char *why = NULL;
	const char *key = in->domain || !in->delegation ? "DomainName" : "DelegationRecord";
	const struct doc_node *v = in->domain ? in->domain : in->delegation;
	const char *domain = v ? defs_str_value(r, v, key, "a resolver rule") : NULL;
	if (!v)
		diag_error(r->d, r->file, n->line, "a resolver rule has no %s", key);
	bool ok = parse_rule_type(r, in, rule);
	if (domain && !defs_r53_name(domain, wire, &wlen, text, &why)) {
		diag_error(r->d, r->file, v->line, "resolver rule: %s '%s' is not a "
			"domain name (%s)", key, domain, why);
		return false;
	}
	if (!domain || !ok || !(rule->domain = arena_strdup(r->t->arena, text)))
		return false;
	if (!rule->id)
		rule->id = topology_stable_id(r->t, &r->t->rule_by_id, "rslvr-rr-", rule->domain,
			rule->name, 0);
	return rule->id != NULL;
}

/* TargetIps, and whether the rule's type allows them. */
static void
rule_targets(struct reader *r, const struct doc_node *n, const struct rule_in *in,
	struct topo_rule *rule, const char *what)
{
	const struct doc_node *targets = in->targets ?
		defs_seq_value(r, in->targets, "TargetIps", what) : NULL;
	if (targets && targets->count) {
		rule->targets = defs_alloc(r, targets, 2 * targets->count * sizeof(*rule->targets));
		for (size_t i = 0; rule->targets && i < targets->count; i++)
			read_target(r, targets->items[i], rule, what);
	}
	if (rule->type == RULE_FORWARD && rule->n_targets == 0 && !(targets && targets->count))
		diag_error(r->d, r->file, n->line, "%s (%s) is FORWARD but has no TargetIps", what,
			rule->domain);
	if ((rule->type == RULE_SYSTEM || rule->type == RULE_RECURSIVE) && targets &&
	    targets->count)
		diag_error(r->d, r->file, targets->line, "%s (%s) is %s: it cannot have TargetIps",
			what, rule->domain, rule->type == RULE_SYSTEM ? "SYSTEM" : "RECURSIVE");
}

/* VPCIds: associations written on the rule. */
static void
rule_vpcs(struct reader *r, const struct rule_in *in, const struct topo_rule *rule,
	const char *what)
{
	const struct doc_node *vpcs = in->vpcs ? defs_seq_value(r, in->vpcs, "VPCIds", what) : NULL;
	for (size_t i = 0; vpcs && i < vpcs->count; i++) {
		const char *vpc = doc_str(vpcs->items[i]);
		if (!vpc || !*vpc)
			diag_error(r->d, r->file, vpcs->items[i]->line, "%s: VPCIds holds a %s where "
				"a VPC id belongs", what, doc_kind_name(vpcs->items[i]->kind));
		else
			add_assoc(r->t, rule->id, defs_copy_str(r, vpc), NULL,
				defs_src_at(r, vpcs->items[i]));
	}
}

static void
read_rule(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	struct topology *t = r->t;
	struct rule_in in = { .rule = { .id = NULL } };
	(void)doc;
	if (!defs_read_object(r, n, &rule_object, &in))
		return;
	struct topo_rule *rule = defs_alloc(r, n, sizeof(*rule));
	if (!rule)
		return;
	*rule = in.rule;
	rule->src = defs_src_at(r, n);
	if (!rule_domain(r, n, &in, rule))
		return;
	char *what = arena_printf(t->arena, "resolver rule %s", rule->id);
	rule_targets(r, n, &in, rule, what);
	if (!defs_register_id(r, &t->rule_by_id, rule->id, rule, &rule->src, rule_src,
		    "resolver rule"))
		return;
	*t->rules_tail = rule;
	t->rules_tail = &rule->next;
	t->n_rules++;
	rule_vpcs(r, &in, rule, what);
}

/** A rule association as written. */
struct assoc_in {
	const char *rule, *vpc, *status;
};

static const struct defs_field assoc_fields[] = {
	DEFS_R(struct assoc_in, "ResolverRuleId", DEFS_STR, rule),
	DEFS_R(struct assoc_in, "VPCId", DEFS_STR, vpc),
	DEFS_F(struct assoc_in, "Status", DEFS_STR, status),
	DEFS_IGNORED("Id"), DEFS_IGNORED("Name"), DEFS_IGNORED("StatusMessage"),
	DEFS_END
};
static const struct defs_object assoc_object = { "a resolver rule association", assoc_fields };

static void
read_rule_assoc(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	struct assoc_in in = { NULL, NULL, NULL };
	(void)doc;
	if (defs_read_object(r, n, &assoc_object, &in) && in.rule && in.vpc)
		add_assoc(r->t, in.rule, in.vpc, in.status, defs_src_at(r, n));
}

/* ---- linking and checks ---- */

static void
attach_ip_list(struct topology *t, const struct topo_ip_list *p, struct diag *d)
{
	struct topo_resolver_endpoint *e = p->endpoint_id ?
		strmap_get(&t->resolver_endpoint_by_id, p->endpoint_id) : NULL;
	if (!p->endpoint_id) {
		diag_error(d, p->src.file, p->src.line, "cannot tell which resolver endpoint "
			"these addresses belong to: add ResolverEndpointId: … or put the id "
			"in the file name");
		return;
	}
	if (!e) {
		diag_error(d, p->src.file, p->src.line, "addresses of resolver endpoint %s "
			"(from the %s), which is not defined", p->endpoint_id,
			p->id_from_file_name ? "file name" : "ResolverEndpointId");
		return;
	}
	struct netaddr *ips = arena_alloc(t->arena, (e->n_ips + p->n_ips + 1) * sizeof(*ips));
	unsigned n = e->n_ips;
	if (!ips) {
		diag_error(d, p->src.file, p->src.line, "out of memory");
		return;
	}
	if (e->n_ips)
		memcpy(ips, e->ips, e->n_ips * sizeof(*ips));
	for (unsigned i = 0; i < p->n_ips; i++)
		add_ip(ips, &n, &p->ips[i]);
	e->ips = ips;
	e->n_ips = n;
}

static void
check_resolver_endpoints(struct topology *t, struct diag *d)
{
	for (struct topo_resolver_endpoint *e = t->resolver_endpoints; e; e = e->next) {
		if (!strmap_get(&t->vpc_by_id, e->vpc_id))
			diag_error(d, e->src.file, e->src.line, "resolver endpoint %s: HostVPCId %s "
				"is not defined", e->id, e->vpc_id);
		if (e->direction == RESOLVER_INBOUND && !e->n_ips)
			diag_warn(d, e->src.file, e->src.line, "inbound resolver endpoint %s has no "
				"addresses (add IpAddresses or list-resolver-endpoint-ip-addresses "
				"output), so it answers nothing", e->id);
	}
}

static void
check_rules(struct topology *t, struct diag *d)
{
	for (struct topo_rule *rule = t->rules; rule; rule = rule->next) {
		if (!rule->endpoint_id)
			continue;
		struct topo_resolver_endpoint *e =
			strmap_get(&t->resolver_endpoint_by_id, rule->endpoint_id);
		if (!e)
			diag_error(d, rule->src.file, rule->src.line, "resolver rule %s: "
				"ResolverEndpointId %s is not defined", rule->id, rule->endpoint_id);
		else if (e->direction != RESOLVER_OUTBOUND)
			diag_error(d, rule->src.file, rule->src.line, "resolver rule %s: %s is an "
				"inbound endpoint; rules forward through an OUTBOUND one", rule->id,
				e->id);
	}
}

/* Associations that take part in resolution. */
static bool
assoc_active(const char *status)
{
	return !status || strcmp(status, "COMPLETE") == 0 || strcmp(status, "CREATING") == 0;
}

/* Check one association; false when it repeats an earlier one (dropped). */
static bool
check_assoc(struct topology *t, struct topo_rule_assoc *a, struct strmap *pairs,
	struct strmap *domains, struct diag *d)
{
	const struct topo_rule *rule = strmap_get(&t->rule_by_id, a->rule_id);
	bool vpc = strmap_get(&t->vpc_by_id, a->vpc_id) != NULL;
	if (!rule)
		diag_error(d, a->src.file, a->src.line, "rule association: resolver rule %s is "
			"not defined", a->rule_id);
	if (!vpc)
		diag_error(d, a->src.file, a->src.line, "rule association: %s is not defined",
			a->vpc_id);
	if (!rule || !vpc)
		return true;
	char *key = arena_printf(t->arena, "%s %s", a->rule_id, a->vpc_id);
	if (key && strmap_put(pairs, key, a) != a)
		return false;	/* VPCIds on the rule and the association output */
	if (!assoc_active(a->status))
		return true;
	key = arena_printf(t->arena, "%s %s", a->vpc_id, rule->domain);
	const struct topo_rule_assoc *first = key ? strmap_put(domains, key, a) : NULL;
	if (first && first != a)
		diag_error(d, a->src.file, a->src.line, "resolver rules %s and %s (%s:%u) are both "
			"for %s in %s: Cannot associate rules with same domain name with same VPC.",
			a->rule_id, first->rule_id, first->src.file, first->src.line, rule->domain,
			a->vpc_id);
	return true;
}

static void
check_rule_assocs(struct topology *t, struct diag *d)
{
	struct strmap pairs = STRMAP_INIT, domains = STRMAP_INIT;
	struct topo_rule_assoc *a = t->rule_assocs;
	t->rule_assocs = NULL;
	t->rule_assocs_tail = &t->rule_assocs;
	while (a) {
		struct topo_rule_assoc *next = a->next;
		if (check_assoc(t, a, &pairs, &domains, d)) {
			a->next = NULL;
			*t->rule_assocs_tail = a;
			t->rule_assocs_tail = &a->next;
		}
		a = next;
	}
	strmap_clear(&pairs);
	strmap_clear(&domains);
}

static void
resolver_resolve(struct topology *t, struct diag *d)
{
	for (const struct topo_ip_list *p = t->ip_lists; p; p = p->next)
		attach_ip_list(t, p, d);
	t->ip_lists = NULL;
	t->ip_lists_tail = &t->ip_lists;
	check_resolver_endpoints(t, d);
	check_rules(t, d);
	check_rule_assocs(t, d);
}

static const struct defs_key resolver_keys[] = {
	{ "ResolverRules", read_rule, NULL, true },
	{ "ResolverRule", read_rule, NULL, false },
	{ "ResolverRuleAssociations", read_rule_assoc, NULL, true },
	{ "ResolverRuleAssociation", read_rule_assoc, NULL, false },
	{ "ResolverEndpoints", read_resolver_endpoint, NULL, true },
	{ "ResolverEndpoint", read_resolver_endpoint, NULL, false },
	{ "IpAddresses", NULL, read_ip_list, true },
	{ "ResolverEndpointId", NULL, read_endpoint_id, false },
	/* paging fields of the list commands */
	{ "NextToken", NULL, NULL, false }, { "MaxResults", NULL, NULL, false },
	{ NULL, NULL, NULL, false }
};

const struct defs_family defs_family_route53resolver = {
	.name = "route53resolver",
	.keys = resolver_keys,
	.resolve = resolver_resolve,
};
