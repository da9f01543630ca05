/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_resolver.c - read Route 53 Resolver rules, rule associations and endpoints into the topology. */
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

/* Fields of the AWS CLI output (botocore route53resolver 2018-04-01) and
 * of the hand-written additions; anything else gets a warning. */
static const char *const endpoint_fields[] = {
	"Id", "CreatorRequestId", "Arn", "Name", "SecurityGroupIds", "Direction",
	"IpAddressCount", "HostVPCId", "Status", "StatusMessage", "CreationTime",
	"ModificationTime", "OutpostArn", "PreferredInstanceType", "ResolverEndpointType",
	"Protocols", "RniEnhancedMetricsEnabled", "TargetNameServerMetricsEnabled",
	"Dns64Enabled", "Ipv6InternetAccessEnabled", "IpAddresses", NULL
};
static const char *const ip_fields[] = {
	"IpId", "SubnetId", "Ip", "Ipv6", "Status", "StatusMessage", "CreationTime",
	"ModificationTime", NULL
};
static const char *const rule_fields[] = {
	"Id", "CreatorRequestId", "Arn", "DomainName", "Status", "StatusMessage", "RuleType",
	"Name", "TargetIps", "ResolverEndpointId", "OwnerId", "ShareStatus", "CreationTime",
	"ModificationTime", "DelegationRecord", "VPCIds", NULL
};
static const char *const target_fields[] = {
	"Ip", "Port", "Ipv6", "Protocol", "ServerNameIndication", NULL
};
static const char *const assoc_fields[] = {
	"Id", "ResolverRuleId", "Name", "VPCId", "Status", "StatusMessage", NULL
};

/** list-resolver-endpoint-ip-addresses output waiting for its endpoint. */
struct pending_ips {
	struct pending_ips *next;
	const char *endpoint_id;	/**< ResolverEndpointId, or from the file name */
	bool from_name;
	struct netaddr *ips;
	unsigned n_ips;
	struct src src;
};

/** Reading state that outlives one file (in the topology's arena). */
struct resolver_state {
	struct pending_ips *ips, **ips_tail;
};

static struct resolver_state *
resolver_state(struct topology *t)
{
	struct resolver_state *s = t->resolver_state;
	if (s)
		return s;
	s = arena_zalloc(t->arena, sizeof(*s));
	if (!s)
		return NULL;
	s->ips_tail = &s->ips;
	t->resolver_state = s;
	return s;
}

/* ---- Resolver endpoints ---- */

static const struct src *
resolver_endpoint_src(void *p)
{
	return &((struct topo_resolver_endpoint *)p)->src;
}

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

/* IpAddresses: [{Ip, Ipv6, SubnetId, Status, …}] into *ips (two per entry at most). */
static void
read_ips(struct reader *r, const struct doc_node *list, struct netaddr **ips, unsigned *n)
{
	*ips = arena_zalloc(r->t->arena, (2 * list->count + 1) * sizeof(**ips));
	*n = 0;
	if (!*ips)
		return;
	for (size_t i = 0; i < list->count; i++) {
		const struct doc_node *it = list->items[i];
		struct netaddr a;
		if (!defs_expect_map(r, it, "an IpAddresses entry"))
			continue;
		defs_check_fields(r, it, ip_fields, "an IpAddresses entry");
		const char *v4 = defs_str_field(r, it, "Ip", false, "an IpAddresses entry");
		const char *v6 = defs_str_field(r, it, "Ipv6", false, "an IpAddresses entry");
		const char *status = defs_str_field(r, it, "Status", false, "an IpAddresses entry");
		if (!v4 && !v6) {
			diag_error(r->d, r->file, it->line, "an IpAddresses entry has no Ip or Ipv6");
			continue;
		}
		if (ip_status_dead(status)) {
			diag_warn(r->d, r->file, it->line, "address %s is %s: not served",
				v4 ? v4 : v6, status);
			continue;
		}
		if (v4 && defs_parse_addr(r, it->line, v4, AF_INET, &a, "a resolver endpoint"))
			add_ip(*ips, n, &a);
		if (v6 && defs_parse_addr(r, it->line, v6, AF_INET6, &a, "a resolver endpoint"))
			add_ip(*ips, n, &a);
	}
}

static bool
parse_direction(struct reader *r, const struct doc_node *n, const char *id,
	enum resolver_direction *dir)
{
	const char *s = defs_str_field(r, n, "Direction", false, "a resolver endpoint");
	if (!s) {
		/* by hand: the id says it */
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
	if (strcasecmp(s, "INBOUND") == 0 || strcasecmp(s, "INBOUND_DELEGATION") == 0)
		*dir = RESOLVER_INBOUND;
	else if (strcasecmp(s, "OUTBOUND") == 0)
		*dir = RESOLVER_OUTBOUND;
	else {
		diag_error(r->d, r->file, doc_get(n, "Direction")->line, "resolver endpoint: "
			"Direction '%s' is not INBOUND or OUTBOUND", s);
		return false;
	}
	return true;
}

/* Protocols without Do53 cannot be emulated: dnsd speaks Do53 only. */
static void
check_protocols(struct reader *r, const struct doc_node *n, const char *id)
{
	unsigned np = 0;
	const char **protos = defs_str_list(r, n, "Protocols", NULL, &np, "a resolver endpoint");
	bool do53 = np == 0;
	for (unsigned i = 0; i < np; i++)
		do53 |= strcmp(protos[i], "Do53") == 0;
	if (!do53)
		diag_warn(r->d, r->file, doc_get(n, "Protocols")->line, "resolver endpoint %s: "
			"only Do53 is served and forwarded", id);
}

static void
read_resolver_endpoint(struct reader *r, const struct doc_node *n, const struct doc_node *u)
{
	struct topology *t = r->t;
	(void)u;
	if (!defs_expect_map(r, n, "a resolver endpoint"))
		return;
	defs_check_fields(r, n, endpoint_fields, "a resolver endpoint");
	struct topo_resolver_endpoint *e = arena_zalloc(t->arena, sizeof(*e));
	if (!e)
		return;
	e->src = defs_src_at(r, n);
	e->id = defs_str_field(r, n, "Id", false, "a resolver endpoint");
	e->name = defs_str_field(r, n, "Name", false, "a resolver endpoint");
	e->vpc_id = defs_str_field(r, n, "HostVPCId", true, "a resolver endpoint");
	bool ok = parse_direction(r, n, e->id, &e->direction);
	const struct doc_node *ips = defs_seq_field(r, n, "IpAddresses", "a resolver endpoint");
	if (ips)
		read_ips(r, ips, &e->ips, &e->n_ips);
	if (!ok || !e->vpc_id)
		return;
	if (!e->id)
		e->id = topology_stable_id(t, &t->resolver_endpoint_by_id,
			e->direction == RESOLVER_INBOUND ? "rslvr-in-" : "rslvr-out-", e->name,
			e->vpc_id, 0);
	if (!e->id)
		return;
	check_protocols(r, n, e->id);
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
read_pending_ips(struct reader *r, const struct doc_node *doc, const struct doc_node *v)
{
	struct resolver_state *st = resolver_state(r->t);
	if (v->kind != DOC_SEQ) {
		if (!doc_is_null(v))
			diag_error(r->d, r->file, v->line, "IpAddresses must be a list");
		return;
	}
	struct pending_ips *p = st ? arena_zalloc(r->t->arena, sizeof(*p)) : NULL;
	if (!p) {
		diag_error(r->d, r->file, v->line, "out of memory");
		return;
	}
	p->src = defs_src_at(r, v);
	p->endpoint_id = defs_str_field(r, doc, "ResolverEndpointId", false, "the document");
	if (!p->endpoint_id) {
		const char *base = strrchr(r->file, '/');
		p->endpoint_id = endpoint_id_in(r, base ? base + 1 : r->file);
		p->from_name = p->endpoint_id != NULL;
	}
	read_ips(r, v, &p->ips, &p->n_ips);
	*st->ips_tail = p;
	st->ips_tail = &p->next;
}

/* ---- Resolver rules ---- */

static const struct src *
rule_src(void *p)
{
	return &((struct topo_rule *)p)->src;
}

static bool
parse_rule_type(struct reader *r, const struct doc_node *n, struct topo_rule *rule)
{
	static const struct {
		const char *name;
		enum rule_type type;
	} types[] = {
		{ "FORWARD", RULE_FORWARD }, { "SYSTEM", RULE_SYSTEM },
		{ "RECURSIVE", RULE_RECURSIVE }, { "DELEGATE", RULE_DELEGATE },
	};
	const char *s = defs_str_field(r, n, "RuleType", false, "a resolver rule");
	if (!s) {
		/* by hand: targets make a forwarding rule */
		rule->type = doc_get(n, "TargetIps") ? RULE_FORWARD : RULE_SYSTEM;
		return true;
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcasecmp(s, types[i].name) == 0) {
			rule->type = types[i].type;
			return true;
		}
	}
	diag_error(r->d, r->file, doc_get(n, "RuleType")->line, "resolver rule: RuleType '%s' "
		"is not FORWARD, SYSTEM, RECURSIVE or DELEGATE", s);
	return false;
}

static void
read_target(struct reader *r, const struct doc_node *n, struct topo_rule *rule,
	const char *what)
{
	uint64_t port = 53;
	if (!defs_expect_map(r, n, "a target"))
		return;
	defs_check_fields(r, n, target_fields, "a target");
	const char *v4 = defs_str_field(r, n, "Ip", false, "a target");
	const char *v6 = defs_str_field(r, n, "Ipv6", false, "a target");
	const char *proto = defs_str_field(r, n, "Protocol", false, "a target");
	const struct doc_node *pn = doc_get(n, "Port");
	if (!v4 && !v6) {
		diag_error(r->d, r->file, n->line, "%s: a target has no Ip or Ipv6", what);
		return;
	}
	if (pn && !doc_is_null(pn) && (!doc_uint(pn, 65535, &port) || port == 0)) {
		diag_error(r->d, r->file, pn->line, "%s: Port must be a number from 1 to 65535",
			what);
		return;
	}
	if (proto && strcmp(proto, "Do53") != 0)
		diag_warn(r->d, r->file, doc_get(n, "Protocol")->line, "%s: target %s uses %s: "
			"only Do53 is forwarded", what, v4 ? v4 : v6, proto);
	const char *addrs[2] = { v4, v6 };
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

static void
read_rule(struct reader *r, const struct doc_node *n, const struct doc_node *u)
{
	struct topology *t = r->t;
	char text[NAME_TEXT_MAX];
	uint8_t wire[DNAME_MAX];
	size_t wlen;
	const char *why = NULL;
	(void)u;
	if (!defs_expect_map(r, n, "a resolver rule"))
		return;
	defs_check_fields(r, n, rule_fields, "a resolver rule");
	struct topo_rule *rule = arena_zalloc(t->arena, sizeof(*rule));
	if (!rule)
		return;
	rule->src = defs_src_at(r, n);
	rule->id = defs_str_field(r, n, "Id", false, "a resolver rule");
	rule->name = defs_str_field(r, n, "Name", false, "a resolver rule");
	rule->endpoint_id = defs_str_field(r, n, "ResolverEndpointId", false, "a resolver rule");
	const char *key = doc_get(n, "DomainName") || !doc_get(n, "DelegationRecord") ?
		"DomainName" : "DelegationRecord";
	const char *domain = defs_str_field(r, n, key, true, "a resolver rule");
	bool ok = parse_rule_type(r, n, rule);
	if (domain && !defs_r53_name(domain, wire, &wlen, text, &why)) {
		diag_error(r->d, r->file, doc_get(n, key)->line, "resolver rule: %s '%s' is not a "
			"domain name (%s)", key, domain, why);
		ok = false;
	}
	if (!domain || !ok)
		return;
	rule->domain = arena_strdup(t->arena, text);
	if (!rule->id)
		rule->id = topology_stable_id(t, &t->rule_by_id, "rslvr-rr-", rule->domain,
			rule->name, 0);
	if (!rule->id || !rule->domain)
		return;
	char *what = arena_printf(t->arena, "resolver rule %s", rule->id);
	const struct doc_node *targets = defs_seq_field(r, n, "TargetIps", what);
	if (targets && targets->count) {
		rule->targets = arena_zalloc(t->arena, 2 * targets->count * sizeof(*rule->targets));
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
	if (!defs_register_id(r, &t->rule_by_id, rule->id, rule, &rule->src, rule_src,
		    "resolver rule"))
		return;
	*t->rules_tail = rule;
	t->rules_tail = &rule->next;
	t->n_rules++;
	const struct doc_node *vpcs = defs_seq_field(r, n, "VPCIds", what);
	for (size_t i = 0; vpcs && i < vpcs->count; i++) {
		const char *vpc = doc_str(vpcs->items[i]);
		if (!vpc || !*vpc)
			diag_error(r->d, r->file, vpcs->items[i]->line, "%s: VPCIds holds a %s where "
				"a VPC id belongs", what, doc_kind_name(vpcs->items[i]->kind));
		else
			add_assoc(t, rule->id, defs_copy_str(r, vpc), NULL,
				defs_src_at(r, vpcs->items[i]));
	}
}

static void
read_rule_assoc(struct reader *r, const struct doc_node *n, const struct doc_node *u)
{
	(void)u;
	if (!defs_expect_map(r, n, "a resolver rule association"))
		return;
	defs_check_fields(r, n, assoc_fields, "a resolver rule association");
	const char *rule = defs_str_field(r, n, "ResolverRuleId", true,
		"a resolver rule association");
	const char *vpc = defs_str_field(r, n, "VPCId", true, "a resolver rule association");
	const char *status = defs_str_field(r, n, "Status", false, "a resolver rule association");
	if (rule && vpc)
		add_assoc(r->t, rule, vpc, status, defs_src_at(r, n));
}

/* ---- linking and checks ---- */

static void
attach_ips(struct topology *t, struct resolver_state *st, struct diag *d)
{
	for (struct pending_ips *p = st->ips; p; p = p->next) {
		struct topo_resolver_endpoint *e = p->endpoint_id ?
			strmap_get(&t->resolver_endpoint_by_id, p->endpoint_id) : NULL;
		if (!p->endpoint_id) {
			diag_error(d, p->src.file, p->src.line, "cannot tell which resolver endpoint "
				"these addresses belong to: add ResolverEndpointId: … or put the id "
				"in the file name");
			continue;
		}
		if (!e) {
			diag_error(d, p->src.file, p->src.line, "addresses of resolver endpoint %s "
				"(from the %s), which is not defined", p->endpoint_id,
				p->from_name ? "file name" : "ResolverEndpointId");
			continue;
		}
		struct netaddr *ips = arena_alloc(t->arena, (e->n_ips + p->n_ips + 1) * sizeof(*ips));
		unsigned n = e->n_ips;
		if (!ips)
			continue;
		if (e->n_ips)
			memcpy(ips, e->ips, e->n_ips * sizeof(*ips));
		for (unsigned i = 0; i < p->n_ips; i++)
			add_ip(ips, &n, &p->ips[i]);
		e->ips = ips;
		e->n_ips = n;
	}
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


bool
defs_resolver_member(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *value)
{
	if (!strcmp(key, "ResolverRules") || !strcmp(key, "ResolverRule"))
		defs_read_each(r, value, key, read_rule);
	else if (!strcmp(key, "ResolverRuleAssociations") ||
		 !strcmp(key, "ResolverRuleAssociation"))
		defs_read_each(r, value, key, read_rule_assoc);
	else if (!strcmp(key, "ResolverEndpoints") || !strcmp(key, "ResolverEndpoint"))
		defs_read_each(r, value, key, read_resolver_endpoint);
	else if (!strcmp(key, "IpAddresses"))
		read_pending_ips(r, doc, value);
	else if (!strcmp(key, "ResolverEndpointId")) {
		if (!doc_get(doc, "IpAddresses"))
			diag_warn(r->d, r->file, value->line, "ResolverEndpointId says which "
				"endpoint IpAddresses belong to; there are none here, ignored");
	} else
		return false;
	return true;
}

void
defs_resolver_resolve(struct topology *t, struct diag *d)
{
	struct resolver_state *st = t->resolver_state;
	if (st) {
		attach_ips(t, st, d);
		st->ips = NULL;
		st->ips_tail = &st->ips;
	}
	check_resolver_endpoints(t, d);
	check_rules(t, d);
	check_rule_assocs(t, d);
}
