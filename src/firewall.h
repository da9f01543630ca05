/* SPDX-License-Identifier: BSD-3-Clause */
/* src/firewall.h - Route 53 Resolver DNS Firewall: rule groups compiled for the answer path, and their verdicts. */
#ifndef DNSD_FIREWALL_H
#define DNSD_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "query.h"
#include "topology.h"

struct arena;
struct diag;
struct node;
struct snapshot;
struct zb;

/** A rule as compiled: its place in the VPC's evaluation order, and what
 * the query log, metrics and explanations say about it. */
struct fw_rule {
	const char *group_id;		/**< FirewallRuleGroupId */
	const char *group_name;
	const char *name;		/**< the rule's Name */
	const char *list_id;		/**< FirewallDomainListId */
	const char *list_name;
	uint32_t group_priority;	/**< of the rule group's association with the VPC */
	uint32_t priority;		/**< of the rule in its group */
	uint16_t qtype;			/**< 0: every query type */
	uint8_t action;			/**< enum fw_action */
	uint8_t block;			/**< enum fw_block */
	bool inspect;			/**< INSPECT_REDIRECTION_DOMAIN: chain names count too */
	const char *override_domain;	/**< OVERRIDE: BlockOverrideDomain, as text */
	const uint8_t *override_wire;	/**< and in wire form */
	uint8_t override_len;
	uint32_t override_ttl;
	const char *file;		/**< where the rule was defined */
	unsigned line;
};

struct fw_name;

/** One slot of a policy's name table. */
struct fw_slot {
	uint32_t hash;			/**< dname suffix hash of the name */
	const struct fw_name *name;	/**< NULL: empty */
};

/**
 * The rules of a VPC in evaluation order (rule groups by association
 * priority, rules by priority) and every domain of their lists in one
 * name table: a query name is looked up once per suffix, whatever the
 * number of rules and domains. VPCs with the same rule groups share one.
 */
struct fw_policy {
	const struct fw_rule *rules;
	unsigned n_rules;
	struct fw_slot *slots;
	uint32_t mask;			/**< slots - 1 */
	uint64_t exact_labels;		/**< bit n: some exact entry has n labels (63: more) */
	uint64_t wild_labels;		/**< bit n: some wildcard's parent has n labels */
	unsigned n_names;		/**< distinct names in the table */
};

/** DNS Firewall as one view (a VPC, or its inbound endpoints) sees it. */
struct fw_view {
	const struct fw_policy *policy;
	const struct node **override;	/**< per rule: the OVERRIDE answer in this view, or NULL */
	const char *vpc_id;
	bool fail_open;			/**< FirewallFailOpen ENABLED */
	bool impaired;			/**< dnsd's Healthy: false: the firewall "fails" */
};

/** DNS Firewall of a snapshot. */
struct firewall {
	const struct fw_view **views;	/**< per view: NULL when its VPC has no rule group */
	uint16_t n_views;
	unsigned n_policies, n_rules, n_names;
};

/** The view's DNS Firewall, or NULL: what the answer path tests first. */
static inline const struct fw_view *
firewall_view(const struct firewall *fw, uint16_t view)
{
	return fw && view < fw->n_views ? fw->views[view] : NULL;
}

/**
 * Compile the DNS Firewall of the model into arena: a policy for each
 * set of rule groups some VPC has, and OVERRIDE answers per view (added
 * to b, which zb_finish compiles). Views must be assigned (hiddenzone_build).
 * @param out: NULL when no VPC has a rule group.
 * @return 0, or -1 (reported) when out of memory.
 */
int firewall_build(const struct topology *t, struct zb *b, struct arena *arena,
	const struct firewall **out, struct diag *d);

/**
 * The first rule of the policy whose domain list holds the name (lowercase
 * wire form; label_off and hashes as dname_suffix_hashes gives them) and
 * whose Qtype is qtype or unset. For a name reached through a redirection
 * (chain), only INSPECT_REDIRECTION_DOMAIN rules count.
 * @return the rule, or NULL when none matches.
 */
const struct fw_rule *firewall_match(const struct fw_policy *p, const uint8_t *lname,
	const uint8_t *label_off, unsigned n_labels, const uint32_t *hashes, uint16_t qtype,
	bool chain);

/** firewall_match for a name alone (explanations, tests, a chain's names). */
const struct fw_rule *firewall_match_name(const struct fw_policy *p, const uint8_t *lname,
	size_t len, uint16_t qtype, bool chain);

/**
 * DNS Firewall's part in answering a query, after the lookup: the query
 * name against the rules, then the redirection chain of a prepared CNAME
 * answer. Sets qi's fw_ fields (fw_chain for a forward).
 * @return true when it wrote the reply (a block response, or SERVFAIL when
 *	it fails closed): *action says what to do; false: answer as usual
 *	(out may hold a draft the caller overwrites).
 */
bool firewall_filter(struct query_env *env, struct query_info *qi, const struct fw_view *fv,
	const struct query_lookup *f, const uint8_t *label_off, unsigned n_labels,
	const uint32_t *hashes, bool tcp, uint8_t *out, size_t out_cap, size_t *out_len,
	enum query_action *action);

/**
 * Inspect the redirection chain of a forwarded reply as it goes to one
 * client (qi->fw_chain set by firewall_filter; snap: the snapshot the
 * client's view number belongs to). A BLOCK rewrites msg (room: cap)
 * into the block response.
 * @param qi_out: qi with the rule that decided, when it returns true.
 * @return true when something matched (qi_out and maybe msg, *len changed).
 */
bool firewall_forwarded(struct query_env *env, const struct snapshot *snap,
	const struct query_info *qi, struct query_info *qi_out, bool tcp, uint8_t *msg,
	size_t cap, size_t *len);

/** "ALLOW", "BLOCK" or "ALERT" (firewall_rule_action of the query log). */
const char *firewall_action_name(unsigned action);

/** "NODATA", "NXDOMAIN", "OVERRIDE" or "-". */
const char *firewall_block_name(unsigned block);

/** Print each VPC's rules in evaluation order as comment lines (--check). */
void firewall_export(const struct topology *t, FILE *out);

#endif /* DNSD_FIREWALL_H */
