/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_firewall.c - the DNS Firewall part of route53resolver: read domain lists, rule groups, rules, associations and configs, link and check them. */
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
 * 2018-04-01: ListFirewallDomainLists, ListFirewallDomains,
 * ListFirewallRuleGroups, ListFirewallRules,
 * ListFirewallRuleGroupAssociations, ListFirewallConfigs and the get-*
 * forms) plus the hand-written additions (Domains in a list, FirewallRules
 * in a group, Healthy in a config); anything else gets a warning. */

#define PRIORITY_MAX 2147483647u	/* the API's Integer */
#define TTL_MAX 2147483647u		/* RFC 2181 §8 */

/* The model's lists, ready for appending. */
static struct topo_firewall *
fw_of(struct topology *t)
{
	struct topo_firewall *fw = &t->fw;
	if (!fw->init) {
		fw->lists_tail = &fw->lists;
		fw->domains_tail = &fw->domains;
		fw->groups_tail = &fw->groups;
		fw->rules_tail = &fw->rules;
		fw->assocs_tail = &fw->assocs;
		fw->configs_tail = &fw->configs;
		fw->init = true;
	}
	return fw;
}

/* A Priority (or TTL): a whole number from 0 to max, quoted or not. */
static bool
read_number(struct reader *r, const struct doc_node *v, uint64_t max, const char *key,
	const char *what, uint32_t *out)
{
	uint64_t n;
	if (!v)
		return false;
	if (!doc_uint(v, max, &n)) {
		diag_error(r->d, r->file, v->line, "%s: %s must be a whole number from 0 to %llu",
			what, key, (unsigned long long)max);
		return false;
	}
	*out = (uint32_t)n;
	return true;
}

/* One of names (case as AWS prints it, any case accepted), or -1 (reported). */
static int
read_enum(struct reader *r, const struct doc_node *v, const char *key, const char *what,
	const char *const *names, const char *expect)
{
	const char *s = defs_str_value(r, v, key, what);
	for (int i = 0; s && names[i]; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	if (s)
		diag_error(r->d, r->file, v->line, "%s: %s '%s' is not %s", what, key, s, expect);
	return -1;
}

/* ---- domain specifications ---- */

/*
 * A domain specification as AWS accepts it ("Managing your own domain
 * lists": an optional leading *, then letters, digits, hyphens and dots;
 * 1 to 255 characters), a trailing dot (the CLI prints one) and upper
 * case allowed: into wire form. "*" alone matches every name.
 */
static bool
parse_domain(const char *text, struct topo_fw_domain *out, uint8_t *wire, const char **why)
{
	size_t n = strlen(text);
	const char *name = text;
	if (n == 0 || n > 255) {
		*why = "it must be 1 to 255 characters long";
		return false;
	}
	out->wildcard = text[0] == '*';
	if (out->wildcard) {
		if (text[1] && text[1] != '.') {
			*why = "a wildcard is '*' alone or '*.' and a domain";
			return false;
		}
		name = text[1] ? text + 2 : ".";
	}
	for (const char *p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.') {
			*why = *p == '*' ? "'*' may only start it" :
				"only letters, digits, '-', '.' and a leading '*' are allowed";
			return false;
		}
	}
	int len = dname_from_text(name, wire, why);
	if (len < 0)
		return false;
	if (out->wildcard && len + 2 > DNAME_MAX) {
		*why = "the names below it would be longer than 255 octets";
		return false;
	}
	out->len = (uint8_t)len;
	return true;
}

/* Domains: ["…", …] into a new batch (reported when not all are valid). */
static struct topo_fw_domains *
read_domains(struct reader *r, const struct doc_node *v, const char *what)
{
	const struct doc_node *seq = defs_seq_value(r, v, "Domains", what);
	struct topo_fw_domains *p = seq ? defs_alloc(r, seq, sizeof(*p)) : NULL;
	if (!p)
		return NULL;
	p->src = defs_src_at(r, seq);
	p->d = seq->count ? defs_alloc(r, seq, seq->count * sizeof(*p->d)) : NULL;
	for (size_t i = 0; p->d && i < seq->count; i++) {
		const char *s = doc_str(seq->items[i]), *why = NULL;
		uint8_t wire[DNAME_MAX];
		struct topo_fw_domain *dom = &p->d[p->n];
		if (!s || seq->items[i]->kind != DOC_SCALAR) {
			diag_error(r->d, r->file, seq->items[i]->line, "%s: Domains holds a %s where "
				"a domain belongs", what, doc_kind_name(seq->items[i]->kind));
		} else if (!parse_domain(s, dom, wire, &why)) {
			diag_error(r->d, r->file, seq->items[i]->line, "%s: '%s' is not a domain "
				"specification DNS Firewall accepts: %s", what, s, why);
		} else if ((dom->wire = arena_memdup(r->t->arena, wire, dom->len)) != NULL) {
			p->n++;
		}
	}
	return p;
}

/* "rslvr-fdl-…" written in a path (the last one), or NULL. */
static const char *
list_id_in(struct reader *r, const char *path)
{
	static const char prefix[] = "rslvr-fdl-";
	const char *base = strrchr(path, '/'), *best = NULL;
	size_t best_len = 0;
	base = base ? base + 1 : path;
	for (const char *p = strstr(base, prefix); p; p = strstr(p + 1, prefix)) {
		size_t n = sizeof(prefix) - 1;
		if (p > base && isalnum((unsigned char)p[-1]))
			continue;
		while (isalnum((unsigned char)p[n]))
			n++;
		if (n > sizeof(prefix) - 1) {
			best = p;
			best_len = n;
		}
	}
	return best ? arena_strndup(r->t->arena, best, best_len) : NULL;
}

/* list-firewall-domains output: its list is named by FirewallDomainListId
 * (dnsd's addition to the document) or the file name, and may come later. */
static void
read_domains_doc(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v)
{
	struct topo_firewall *fw = fw_of(r->t);
	(void)key;
	if (doc_is_null(v))
		return;
	struct topo_fw_domains *p = read_domains(r, v, "list-firewall-domains output");
	if (!p)
		return;
	p->list_id = defs_str_field(r, doc, "FirewallDomainListId", false, "the document");
	if (!p->list_id) {
		p->list_id = list_id_in(r, r->file);
		p->id_from_file_name = p->list_id != NULL;
	}
	*fw->domains_tail = p;
	fw->domains_tail = &p->next;
}

static void
read_list_id_key(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v)
{
	(void)key;
	if (!doc_get(doc, "Domains"))
		diag_warn(r->d, r->file, v->line, "FirewallDomainListId says which domain list "
			"Domains belong to; there are none here, ignored");
}

/* ---- domain lists ---- */

/** A FirewallDomainLists entry as written. */
struct list_in {
	struct topo_fw_list l;
	const struct doc_node *domains;
};

#define L(name, kind, m) DEFS_F(struct list_in, name, kind, m)
static const struct defs_field list_fields[] = {
	DEFS_R(struct list_in, "Id", DEFS_STR, l.id),
	L("Name", DEFS_STR, l.name),
	L("ManagedOwnerName", DEFS_STR, l.managed_owner),
	L("Domains", DEFS_NODE, domains),
	DEFS_IGNORED("Arn"), DEFS_IGNORED("CreatorRequestId"), DEFS_IGNORED("DomainCount"),
	DEFS_IGNORED("Status"), DEFS_IGNORED("StatusMessage"), DEFS_IGNORED("CreationTime"),
	DEFS_IGNORED("ModificationTime"),
	DEFS_END
};
#undef L
static const struct defs_object list_object = { "a firewall domain list", list_fields };

static const struct src *
list_src(void *p)
{
	return &((struct topo_fw_list *)p)->src;
}

static bool
list_add_part(struct topology *t, struct topo_fw_list *l, struct topo_fw_domains *p)
{
	if (l->n_parts == l->cap_parts) {
		unsigned cap = l->cap_parts ? l->cap_parts * 2 : 4;
		struct topo_fw_domains **parts = arena_alloc(t->arena, cap * sizeof(*parts));
		if (!parts)
			return false;
		if (l->n_parts)
			memcpy(parts, l->parts, l->n_parts * sizeof(*parts));
		l->parts = parts;
		l->cap_parts = cap;
	}
	l->parts[l->n_parts++] = p;
	l->n_domains += p->n;
	return true;
}

static void
read_list(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	struct topology *t = r->t;
	struct topo_firewall *fw = fw_of(t);
	struct list_in in = { .l = { .id = NULL } };
	(void)doc;
	if (!defs_read_object(r, n, &list_object, &in) || !in.l.id)
		return;
	struct topo_fw_list *l = defs_alloc(r, n, sizeof(*l));
	if (!l)
		return;
	*l = in.l;
	l->src = defs_src_at(r, n);
	if (!defs_register_id(r, &fw->list_by_id, l->id, l, &l->src, list_src,
		    "firewall domain list"))
		return;
	*fw->lists_tail = l;
	fw->lists_tail = &l->next;
	fw->n_lists++;
	if (in.domains && !doc_is_null(in.domains)) {
		struct topo_fw_domains *p = read_domains(r, in.domains, "a firewall domain list");
		if (p && !list_add_part(t, l, p))
			diag_error(r->d, r->file, n->line, "out of memory");
	}
}

/* ---- rules ---- */

/** A FirewallRules entry as written. */
struct rule_in {
	struct topo_fw_rule rule;
	const struct doc_node *priority, *action, *block, *domain, *type, *ttl, *redirect,
		*qtype, *threat;
};

#define R(name, kind, m) DEFS_F(struct rule_in, name, kind, m)
static const struct defs_field rule_fields[] = {
	DEFS_RA(struct rule_in, "FirewallRuleGroupId", DEFS_STR, rule.group_id),
	R("FirewallDomainListId", DEFS_STR, rule.list_id),
	R("Name", DEFS_STR, rule.name),
	DEFS_R(struct rule_in, "Priority", DEFS_NODE, priority),
	DEFS_R(struct rule_in, "Action", DEFS_NODE, action),
	R("BlockResponse", DEFS_NODE, block),
	R("BlockOverrideDomain", DEFS_NODE, domain),
	R("BlockOverrideDnsType", DEFS_NODE, type),
	R("BlockOverrideTtl", DEFS_NODE, ttl),
	R("FirewallDomainRedirectionAction", DEFS_NODE, redirect),
	R("Qtype", DEFS_NODE, qtype),
	R("FirewallThreatProtectionId", DEFS_NODE, threat),
	DEFS_IGNORED("DnsThreatProtection"), DEFS_IGNORED("ConfidenceThreshold"),
	DEFS_IGNORED("CreatorRequestId"), DEFS_IGNORED("CreationTime"),
	DEFS_IGNORED("ModificationTime"),
	DEFS_END
};
#undef R
static const struct defs_object rule_object = { "a firewall rule", rule_fields };

/* Qtype: the types the API lists by name, or TYPEnnn (Route 53 Developer
 * Guide, "Rule settings in DNS Firewall", Query type). */
static bool
parse_qtype(const char *s, uint16_t *out)
{
	static const struct {
		const char *name;
		uint16_t type;
	} types[] = {
		{ "A", 1 }, { "AAAA", 28 }, { "CAA", 257 }, { "CNAME", 5 }, { "DS", 43 },
		{ "MX", 15 }, { "NAPTR", 35 }, { "NS", 2 }, { "PTR", 12 }, { "SOA", 6 },
		{ "SPF", 99 }, { "SRV", 33 }, { "TXT", 16 },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcasecmp(s, types[i].name) == 0) {
			*out = types[i].type;
			return true;
		}
	}
	if (strncasecmp(s, "TYPE", 4) != 0 || !s[4] || strlen(s + 4) > 5)
		return false;
	unsigned long v = 0;
	for (const char *p = s + 4; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

static void
rule_qtype(struct reader *r, const struct rule_in *in, struct topo_fw_rule *rule,
	const char *what)
{
	const char *s = in->qtype ? defs_str_value(r, in->qtype, "Qtype", what) : NULL;
	if (s && !parse_qtype(s, &rule->qtype))
		diag_error(r->d, r->file, in->qtype->line, "%s: Qtype '%s' is not a query type "
			"DNS Firewall takes (A, AAAA, CAA, CNAME, DS, MX, NAPTR, NS, PTR, SOA, SPF, "
			"SRV, TXT, or TYPE and a number from 1 to 65535)", what, s);
}

static void
rule_action(struct reader *r, const struct rule_in *in, struct topo_fw_rule *rule,
	const char *what)
{
	static const char *const actions[] = { "ALLOW", "BLOCK", "ALERT", NULL };
	static const char *const redirects[] = { "INSPECT_REDIRECTION_DOMAIN",
		"TRUST_REDIRECTION_DOMAIN", NULL };
	int a = in->action ? read_enum(r, in->action, "Action", what, actions,
		"ALLOW, BLOCK or ALERT") : -1;
	rule->action = a < 0 ? FW_ALLOW : (enum fw_action)a;
	/* left out by rules made before the setting existed: the default */
	int redirect = in->redirect ? read_enum(r, in->redirect,
		"FirewallDomainRedirectionAction", what, redirects,
		"INSPECT_REDIRECTION_DOMAIN or TRUST_REDIRECTION_DOMAIN") : 0;
	rule->inspect = redirect != 1;
}

/* OVERRIDE: a CNAME to BlockOverrideDomain with BlockOverrideTtl ("Rule
 * actions in DNS Firewall"); NODATA and NXDOMAIN need nothing else. */
static void
rule_override(struct reader *r, const struct doc_node *n, const struct rule_in *in,
	struct topo_fw_rule *rule, const char *what)
{
	static const char *const types[] = { "CNAME", NULL };
	char text[NAME_TEXT_MAX];
	uint8_t wire[DNAME_MAX];
	size_t wlen;
	const char *why = NULL;
	const char *domain = in->domain ? defs_str_value(r, in->domain, "BlockOverrideDomain",
		what) : NULL;
	if (!in->domain) {
		diag_error(r->d, r->file, n->line, "%s: BlockResponse OVERRIDE needs a "
			"BlockOverrideDomain (the CNAME target blocked queries get)", what);
		return;
	}
	if (in->type)
		read_enum(r, in->type, "BlockOverrideDnsType", what, types, "CNAME (the only "
			"type AWS allows)");
	if (in->ttl)
		read_number(r, in->ttl, TTL_MAX, "BlockOverrideTtl", what, &rule->override_ttl);
	if (domain && !defs_r53_name(domain, wire, &wlen, text, &why)) {
		diag_error(r->d, r->file, in->domain->line, "%s: BlockOverrideDomain '%s' is not "
			"a domain name (%s)", what, domain, why);
		return;
	}
	if (domain) {
		rule->override_domain = arena_strdup(r->t->arena, text);
		rule->override_wire = arena_memdup(r->t->arena, wire, wlen);
		rule->override_len = (uint8_t)wlen;
	}
}

static void
rule_block(struct reader *r, const struct doc_node *n, const struct rule_in *in,
	struct topo_fw_rule *rule, const char *what)
{
	static const char *const blocks[] = { "NODATA", "NXDOMAIN", "OVERRIDE", NULL };
	if (rule->action != FW_BLOCK) {
		if (in->block || in->domain)
			diag_warn(r->d, r->file, (in->block ? in->block : in->domain)->line,
				"%s: a block response on an %s rule does nothing", what,
				rule->action == FW_ALLOW ? "ALLOW" : "ALERT");
		return;
	}
	if (!in->block) {
		diag_error(r->d, r->file, n->line, "%s: a BLOCK rule needs a BlockResponse "
			"(NODATA, NXDOMAIN or OVERRIDE)", what);
		return;
	}
	int b = read_enum(r, in->block, "BlockResponse", what, blocks,
		"NODATA, NXDOMAIN or OVERRIDE");
	if (b < 0)
		return;
	rule->block = (enum fw_block)(FW_BLOCK_NODATA + b);
	if (rule->block == FW_BLOCK_OVERRIDE)
		rule_override(r, n, in, rule, what);
}

/* A rule's name in messages: its Name, else its place. */
static const char *
rule_what(struct reader *r, const struct topo_fw_rule *rule)
{
	if (rule->name)
		return arena_printf(r->t->arena, "firewall rule %s", rule->name);
	return arena_printf(r->t->arena, "firewall rule (priority %u)", rule->priority);
}

/* A rule; group: the group it is written in, or NULL. */
static void
read_rule_of(struct reader *r, const struct doc_node *n, const struct topo_fw_group *group)
{
	struct topo_firewall *fw = fw_of(r->t);
	struct rule_in in = { .rule = { .group_id = group ? group->id : NULL } };
	if (!defs_read_object(r, n, &rule_object, &in))
		return;
	struct topo_fw_rule *rule = defs_alloc(r, n, sizeof(*rule));
	if (!rule)
		return;
	*rule = in.rule;
	rule->src = defs_src_at(r, n);
	bool ok = read_number(r, in.priority, PRIORITY_MAX, "Priority", "a firewall rule",
		&rule->priority);
	const char *what = rule_what(r, rule);
	if (!what)
		return;
	const struct doc_node *gid = group ? doc_get(n, "FirewallRuleGroupId") : NULL;
	if (gid && (!doc_str(gid) || strcmp(doc_str(gid), group->id) != 0))
		diag_error(r->d, r->file, gid->line, "%s is written in firewall rule group %s "
			"but says FirewallRuleGroupId %s", what, group->id,
			doc_str(gid) ? doc_str(gid) : "(not a string)");
	rule_action(r, &in, rule, what);
	rule_block(r, n, &in, rule, what);
	rule_qtype(r, &in, rule, what);
	rule->advanced = in.threat != NULL;
	if (!rule->list_id && !rule->advanced)
		diag_error(r->d, r->file, n->line, "%s has no FirewallDomainListId", what);
	if (!ok || !in.action || !rule->group_id || (!rule->list_id && !rule->advanced))
		return;
	*fw->rules_tail = rule;
	fw->rules_tail = &rule->next;
	fw->n_rules++;
}

static void
read_rule(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	(void)doc;
	read_rule_of(r, n, NULL);
}

/* ---- rule groups ---- */

/** A FirewallRuleGroups entry as written. */
struct group_in {
	struct topo_fw_group g;
	const struct doc_node *rules;
};

#define G(name, kind, m) DEFS_F(struct group_in, name, kind, m)
static const struct defs_field group_fields[] = {
	DEFS_R(struct group_in, "Id", DEFS_STR, g.id),
	G("Name", DEFS_STR, g.name),
	G("FirewallRules", DEFS_SEQ, rules),
	DEFS_IGNORED("Arn"), DEFS_IGNORED("OwnerId"), DEFS_IGNORED("CreatorRequestId"),
	DEFS_IGNORED("ShareStatus"), DEFS_IGNORED("RuleCount"), DEFS_IGNORED("Status"),
	DEFS_IGNORED("StatusMessage"), DEFS_IGNORED("CreationTime"),
	DEFS_IGNORED("ModificationTime"),
	DEFS_END
};
#undef G
static const struct defs_object group_object = { "a firewall rule group", group_fields };

static const struct src *
group_src(void *p)
{
	return &((struct topo_fw_group *)p)->src;
}

/* Rules written inside their group take its Id. */
static void
read_group_rules(struct reader *r, const struct topo_fw_group *g, const struct doc_node *rules)
{
	bool nested = r->nested;
	r->nested = true;
	for (size_t i = 0; i < rules->count; i++)
		read_rule_of(r, rules->items[i], g);
	r->nested = nested;
}

static void
read_group(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	struct topo_firewall *fw = fw_of(r->t);
	struct group_in in = { .g = { .id = NULL } };
	(void)doc;
	if (!defs_read_object(r, n, &group_object, &in) || !in.g.id)
		return;
	struct topo_fw_group *g = defs_alloc(r, n, sizeof(*g));
	if (!g)
		return;
	*g = in.g;
	g->src = defs_src_at(r, n);
	if (!defs_register_id(r, &fw->group_by_id, g->id, g, &g->src, group_src,
		    "firewall rule group"))
		return;
	*fw->groups_tail = g;
	fw->groups_tail = &g->next;
	fw->n_groups++;
	if (in.rules)
		read_group_rules(r, g, in.rules);
}

/* ---- associations and configs ---- */

/** A FirewallRuleGroupAssociations entry as written. */
struct assoc_in {
	struct topo_fw_assoc a;
	const struct doc_node *priority, *status;
};

#define A(name, kind, m) DEFS_F(struct assoc_in, name, kind, m)
static const struct defs_field assoc_fields[] = {
	A("Id", DEFS_STR, a.id),
	DEFS_R(struct assoc_in, "FirewallRuleGroupId", DEFS_STR, a.group_id),
	DEFS_R(struct assoc_in, "VpcId", DEFS_STR, a.vpc_id),
	DEFS_R(struct assoc_in, "Priority", DEFS_NODE, priority),
	A("Status", DEFS_NODE, status),
	DEFS_IGNORED("Arn"), DEFS_IGNORED("Name"), DEFS_IGNORED("MutationProtection"),
	DEFS_IGNORED("ManagedOwnerName"), DEFS_IGNORED("StatusMessage"),
	DEFS_IGNORED("CreatorRequestId"), DEFS_IGNORED("CreationTime"),
	DEFS_IGNORED("ModificationTime"),
	DEFS_END
};
#undef A
static const struct defs_object assoc_object = { "a firewall rule group association",
	assoc_fields };

static void
read_assoc(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	static const char *const statuses[] = { "COMPLETE", "UPDATING", "DELETING", NULL };
	struct topo_firewall *fw = fw_of(r->t);
	struct assoc_in in = { .a = { .id = NULL } };
	(void)doc;
	if (!defs_read_object(r, n, &assoc_object, &in))
		return;
	bool ok = read_number(r, in.priority, PRIORITY_MAX, "Priority",
		"a firewall rule group association", &in.a.priority);
	int status = in.status ? read_enum(r, in.status, "Status",
		"a firewall rule group association", statuses, "COMPLETE, UPDATING or DELETING") : 0;
	if (!ok || !in.a.group_id || !in.a.vpc_id || status < 0)
		return;
	struct topo_fw_assoc *a = defs_alloc(r, n, sizeof(*a));
	if (!a)
		return;
	*a = in.a;
	a->active = status != 2;	/* DELETING: the VPC is being let go */
	a->src = defs_src_at(r, n);
	*fw->assocs_tail = a;
	fw->assocs_tail = &a->next;
	fw->n_assocs++;
}

/** A FirewallConfigs entry as written. */
struct config_in {
	const char *vpc_id;
	const struct doc_node *fail_open;
	int healthy;
};

static const struct defs_field config_fields[] = {
	DEFS_R(struct config_in, "ResourceId", DEFS_STR, vpc_id),
	DEFS_F(struct config_in, "FirewallFailOpen", DEFS_NODE, fail_open),
	DEFS_F(struct config_in, "Healthy", DEFS_BOOL, healthy),
	DEFS_IGNORED("Id"), DEFS_IGNORED("OwnerId"),
	DEFS_END
};
static const struct defs_object config_object = { "a firewall config", config_fields };

static void
read_config(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	/* USE_LOCAL_RESOURCE_SETTING (Firewall Manager): the VPC's own, which
	 * a capture does not show: the default, closed */
	static const char *const modes[] = { "DISABLED", "ENABLED", "USE_LOCAL_RESOURCE_SETTING",
		NULL };
	struct topo_firewall *fw = fw_of(r->t);
	struct config_in in = { NULL, NULL, TRI_UNSET };
	(void)doc;
	if (!defs_read_object(r, n, &config_object, &in) || !in.vpc_id)
		return;
	int mode = in.fail_open ? read_enum(r, in.fail_open, "FirewallFailOpen",
		"a firewall config", modes, "ENABLED, DISABLED or USE_LOCAL_RESOURCE_SETTING") : 0;
	struct topo_fw_config *c = mode >= 0 ? defs_alloc(r, n, sizeof(*c)) : NULL;
	if (!c)
		return;
	c->vpc_id = in.vpc_id;
	c->fail_open = mode == 1;
	c->impaired = in.healthy == TRI_NO;
	c->src = defs_src_at(r, n);
	*fw->configs_tail = c;
	fw->configs_tail = &c->next;
}

/* ---- linking and checks ---- */

static void
attach_domains(struct topology *t, struct diag *d)
{
	struct topo_firewall *fw = &t->fw;
	for (struct topo_fw_domains *p = fw->domains; p; p = p->next) {
		struct topo_fw_list *l = p->list_id ? strmap_get(&fw->list_by_id, p->list_id) : NULL;
		if (!p->list_id)
			diag_error(d, p->src.file, p->src.line, "cannot tell which firewall domain "
				"list these domains belong to: add FirewallDomainListId: … to the "
				"document or put the list id (rslvr-fdl-…) in the file name");
		else if (!l)
			diag_error(d, p->src.file, p->src.line, "domains of firewall domain list %s "
				"(from the %s), which is not defined (list-firewall-domain-lists)",
				p->list_id, p->id_from_file_name ? "file name" : "FirewallDomainListId");
		else if (!list_add_part(t, l, p))
			diag_error(d, p->src.file, p->src.line, "out of memory");
	}
}

/* The rules of one group must differ in priority and in domain list (AWS
 * names a rule by its group and list: UpdateFirewallRule). */
static void
check_rule_pair(const struct topo_fw_rule *a, const struct topo_fw_rule *b, struct diag *d)
{
	if (a->group != b->group)
		return;
	if (a->priority == b->priority)
		diag_error(d, b->src.file, b->src.line, "firewall rule group %s has two rules "
			"with Priority %u (the other at %s:%u): priorities are unique in a group",
			b->group->id, b->priority, a->src.file, a->src.line);
	if (a->list_id && b->list_id && strcmp(a->list_id, b->list_id) == 0)
		diag_error(d, b->src.file, b->src.line, "firewall rule group %s uses domain list "
			"%s in two rules (the other at %s:%u): a group has one rule per list",
			b->group->id, b->list_id, a->src.file, a->src.line);
}

static void
link_rule(struct topology *t, struct topo_fw_rule *rule, struct diag *d)
{
	struct topo_firewall *fw = &t->fw;
	rule->group = strmap_get(&fw->group_by_id, rule->group_id);
	if (!rule->group)
		diag_error(d, rule->src.file, rule->src.line, "firewall rule: FirewallRuleGroupId "
			"%s is not defined (list-firewall-rule-groups)", rule->group_id);
	if (rule->advanced) {
		diag_warn(d, rule->src.file, rule->src.line, "firewall rule %s is a DNS Firewall "
			"Advanced rule (FirewallThreatProtectionId): dnsd cannot detect threats, "
			"so it never matches", rule->name ? rule->name : "");
		return;
	}
	rule->list = strmap_get(&fw->list_by_id, rule->list_id);
	if (!rule->list)
		diag_error(d, rule->src.file, rule->src.line, "firewall rule: FirewallDomainListId "
			"%s is not defined (list-firewall-domain-lists)", rule->list_id);
}

static void
check_rules(struct topology *t, struct diag *d)
{
	struct topo_firewall *fw = &t->fw;
	struct strmap by_key = STRMAP_INIT;
	for (struct topo_fw_rule *rule = fw->rules; rule; rule = rule->next)
		link_rule(t, rule, d);
	/* pairs by group and priority, and by group and list, through one map */
	for (struct topo_fw_rule *rule = fw->rules; rule; rule = rule->next) {
		if (!rule->group)
			continue;
		for (int k = 0; k < 2; k++) {
			char *key = k == 0 ?
				arena_printf(t->arena, "p %s %u", rule->group_id, rule->priority) :
				rule->list_id ? arena_printf(t->arena, "l %s %s", rule->group_id,
					rule->list_id) : NULL;
			const struct topo_fw_rule *first = key ? strmap_put(&by_key, key, rule) : NULL;
			if (first && first != rule)
				check_rule_pair(first, rule, d);
		}
	}
	strmap_clear(&by_key);
}

static void
warn_empty_lists(struct topology *t, struct diag *d)
{
	for (struct topo_fw_list *l = t->fw.lists; l; l = l->next) {
		if (l->n_parts)
			continue;
		if (l->managed_owner)
			diag_warn(d, l->src.file, l->src.line, "firewall domain list %s is managed by "
				"%s: AWS does not list its domains, so dnsd's rules with it match "
				"nothing", l->id, l->managed_owner);
		else
			diag_warn(d, l->src.file, l->src.line, "firewall domain list %s has no "
				"domains (add list-firewall-domains output, or Domains: [...])", l->id);
	}
}

/* Associations: a known group and VPC, one association per group and
 * VPC, unique priorities in a VPC. */
static void
check_assocs(struct topology *t, struct diag *d)
{
	struct strmap seen = STRMAP_INIT;
	for (struct topo_fw_assoc *a = t->fw.assocs; a; a = a->next) {
		a->group = strmap_get(&t->fw.group_by_id, a->group_id);
		if (!a->group)
			diag_error(d, a->src.file, a->src.line, "firewall rule group association: "
				"FirewallRuleGroupId %s is not defined", a->group_id);
		if (!strmap_get(&t->vpc_by_id, a->vpc_id))
			diag_error(d, a->src.file, a->src.line, "firewall rule group association: "
				"VPC %s is not defined", a->vpc_id);
		if (!a->active)
			continue;
		for (int k = 0; k < 2; k++) {
			char *key = k == 0 ? arena_printf(t->arena, "g %s %s", a->vpc_id, a->group_id) :
				arena_printf(t->arena, "p %s %u", a->vpc_id, a->priority);
			const struct topo_fw_assoc *first = key ? strmap_put(&seen, key, a) : NULL;
			if (!first || first == a)
				continue;
			if (k == 0)
				diag_error(d, a->src.file, a->src.line, "firewall rule group %s is "
					"associated with %s twice (the other at %s:%u)", a->group_id,
					a->vpc_id, first->src.file, first->src.line);
			else
				diag_error(d, a->src.file, a->src.line, "firewall rule groups %s and %s "
					"(%s:%u) are both associated with %s at Priority %u: a VPC's "
					"rule groups need distinct priorities", a->group_id,
					first->group_id, first->src.file, first->src.line, a->vpc_id,
					a->priority);
		}
	}
	strmap_clear(&seen);
}

/* Configs: one per VPC; those of VPCs dnsd does not know are left out
 * (list-firewall-configs prints every VPC of the account). */
static void
check_configs(struct topology *t, struct diag *d)
{
	struct strmap seen = STRMAP_INIT;
	for (struct topo_fw_config *c = t->fw.configs; c; c = c->next) {
		const struct topo_fw_config *first = strmap_put(&seen, c->vpc_id, c);
		if (first && first != c)
			diag_error(d, c->src.file, c->src.line, "VPC %s has two firewall configs "
				"(the other at %s:%u)", c->vpc_id, first->src.file, first->src.line);
		else if (!strmap_get(&t->vpc_by_id, c->vpc_id))
			diag_warn(d, c->src.file, c->src.line, "firewall config of %s, a VPC the "
				"definitions do not describe: ignored", c->vpc_id);
	}
	strmap_clear(&seen);
}

static void
firewall_resolve(struct topology *t, struct diag *d)
{
	if (!t->fw.init)
		return;
	attach_domains(t, d);
	check_rules(t, d);
	warn_empty_lists(t, d);
	check_assocs(t, d);
	check_configs(t, d);
}

static const struct defs_key firewall_keys[] = {
	{ "FirewallDomainLists", read_list, NULL, true },
	{ "FirewallDomainList", read_list, NULL, false },
	{ "Domains", NULL, read_domains_doc, true },
	{ "FirewallDomainListId", NULL, read_list_id_key, false },
	{ "FirewallRuleGroups", read_group, NULL, true },
	{ "FirewallRuleGroup", read_group, NULL, false },
	{ "FirewallRules", read_rule, NULL, true },
	{ "FirewallRule", read_rule, NULL, false },
	{ "FirewallRuleGroupAssociations", read_assoc, NULL, true },
	{ "FirewallRuleGroupAssociation", read_assoc, NULL, false },
	{ "FirewallConfigs", read_config, NULL, true },
	{ "FirewallConfig", read_config, NULL, false },
	{ NULL, NULL, NULL, false }
};

const struct defs_family defs_family_firewall = {
	.name = "route53resolver (DNS Firewall)",
	.keys = firewall_keys,
	.resolve = firewall_resolve,
};
