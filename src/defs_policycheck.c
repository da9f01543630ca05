/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_policycheck.c - the route53 family's checks of a group of record sets with one name and type: one routing policy, unique SetIdentifiers, one record per Region or location, with Route 53's rules. */
#include "config.h"
#include "defs_route53.h"

#include "diag.h"
#include "strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Developer Guide, "Quotas": "Geolocation, latency, multivalue answer,
 * weighted, and IP-based records: 100 records that have the same name
 * and type"; "Geoproximity records: 30". */
#define R53_GROUP_MAX 100
#define R53_GEOPROXIMITY_MAX 30

static const char *
policy_name(enum rr_policy p)
{
	static const char *const names[] = {
		[RRP_SIMPLE] = "simple", [RRP_WEIGHTED] = "weighted", [RRP_FAILOVER] = "failover",
		[RRP_MULTIVALUE] = "multivalue answer", [RRP_LATENCY] = "latency",
		[RRP_GEOLOCATION] = "geolocation", [RRP_GEOPROXIMITY] = "geoproximity",
		[RRP_CIDR] = "IP-based",
	};
	return names[p];
}

const char *
defs_policy_name(enum rr_policy p)
{
	return policy_name(p);
}

static bool
same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const char *
place_rule(enum rr_policy p)
{
	switch (p) {
	case RRP_FAILOVER:
		return "a failover group has one PRIMARY and one SECONDARY record set "
			"(API Reference, ResourceRecordSet: Failover)";
	case RRP_LATENCY:
		return "\"You can only create one latency record for each Amazon EC2 Region\" "
			"(Developer Guide, \"Values specific for latency records\")";
	case RRP_GEOLOCATION:
		return "\"You can't create two geolocation resource record sets that specify the "
			"same geographic location\" (API Reference, ResourceRecordSet: GeoLocation)";
	default:
		return "one record set per CIDR location of the collection (Developer Guide, "
			"\"IP-based routing\")";
	}
}

/* The group: one policy (and one CIDR collection). */
static bool
check_policy(const struct topo_rrset *const *sets, size_t n, struct diag *d)
{
	const struct topo_rrset *first = sets[0];
	char tb[16];
	const char *type = defs_rr_type_name(first->type, tb, sizeof(tb));
	for (size_t i = 1; i < n; i++) {
		const struct topo_rrset *s = sets[i];
		if (s->policy->policy != first->policy->policy) {
			diag_error(d, s->src.file, s->src.line, "record set %s %s is %s, but the "
				"one at %s:%u is %s: a name and type have one routing policy (\"You "
				"can't create non-%s records that have the same values for Record "
				"name and Record type as %s records\", Developer Guide)", s->name,
				type, policy_name(s->policy->policy), first->src.file,
				first->src.line, policy_name(first->policy->policy),
				policy_name(first->policy->policy), policy_name(first->policy->policy));
			return false;
		}
		if (s->policy->policy == RRP_CIDR &&
		    !same(s->policy->cidr_collection, first->policy->cidr_collection)) {
			diag_error(d, s->src.file, s->src.line, "record set %s %s names CIDR "
				"collection %s, but the one at %s:%u names %s: \"all resource record "
				"sets for the same record set name and type must reference the same "
				"collection\" (Developer Guide, \"IP-based routing\")", s->name, type,
				s->policy->cidr_collection, first->src.file, first->src.line,
				first->policy->cidr_collection);
			return false;
		}
	}
	return true;
}

/* What makes a set's place in its group: "" when nothing does. */
static void
place_key(const struct topo_routing *p, char *buf, size_t size)
{
	switch (p->policy) {
	case RRP_FAILOVER:
		snprintf(buf, size, "%s", p->secondary ? "SECONDARY" : "PRIMARY");
		break;
	case RRP_LATENCY:
		snprintf(buf, size, "%s", p->region);
		break;
	case RRP_GEOLOCATION:
		snprintf(buf, size, "%s/%s/%s", p->continent ? p->continent : "",
			p->country ? p->country : "", p->subdivision ? p->subdivision : "");
		break;
	case RRP_CIDR:
		snprintf(buf, size, "%s", p->cidr_location);
		break;
	default:
		buf[0] = 0;
	}
}

#define PLACE_MAX 64

/* Unique SetIdentifiers, and one set per Region, location or failover role. */
static void
check_unique(const struct topo_rrset *const *sets, size_t n, struct diag *d)
{
	struct strmap ids = STRMAP_INIT, places = STRMAP_INIT;
	char *keys = malloc(n * PLACE_MAX);
	char tb[16];
	const char *type = defs_rr_type_name(sets[0]->type, tb, sizeof(tb));
	for (size_t i = 0; keys && i < n; i++) {
		const struct topo_rrset *s = sets[i], *first;
		char *key = keys + i * PLACE_MAX;
		first = strmap_put(&ids, s->policy->set_id, (void *)s);
		if (first && first != s) {
			diag_error(d, s->src.file, s->src.line, "record set %s %s: SetIdentifier "
				"'%s' is used twice (first at %s:%u): \"In a group of resource record "
				"sets that have the same name and type, the value of SetIdentifier "
				"must be unique\" (API Reference, ResourceRecordSet)", s->name, type,
				s->policy->set_id, first->src.file, first->src.line);
			continue;
		}
		place_key(s->policy, key, PLACE_MAX);
		first = *key ? strmap_put(&places, key, (void *)s) : NULL;
		if (first && first != s)
			diag_error(d, s->src.file, s->src.line, "record set %s %s (SetIdentifier "
				"%s) is in the same place as the one at %s:%u (%s): %s", s->name, type,
				s->policy->set_id, first->src.file, first->src.line, key,
				place_rule(s->policy->policy));
	}
	if (!keys)
		diag_error(d, sets[0]->src.file, sets[0]->src.line, "out of memory");
	strmap_clear(&ids);
	strmap_clear(&places);
	free(keys);
}

static void
check_counts(const struct topo_rrset *const *sets, size_t n, struct diag *d)
{
	const struct topo_rrset *first = sets[0];
	enum rr_policy p = first->policy->policy;
	char tb[16];
	const char *type = defs_rr_type_name(first->type, tb, sizeof(tb));
	size_t max = p == RRP_GEOPROXIMITY ? R53_GEOPROXIMITY_MAX : R53_GROUP_MAX;
	if (p != RRP_FAILOVER && n > max)
		diag_warn(d, first->src.file, first->src.line, "%s %s has %zu %s record sets; AWS "
			"allows %zu with the same name and type (Developer Guide, \"Quotas\"); dnsd "
			"serves all of them", first->name, type, n, policy_name(p), max);
	if (p == RRP_FAILOVER && n == 1)
		diag_warn(d, first->src.file, first->src.line, "%s %s has only a %s failover "
			"record set: \"For failover to function correctly, you must create one "
			"primary and one secondary failover record\" (Developer Guide, \"Values "
			"specific for failover records\")", first->name, type,
			first->policy->secondary ? "SECONDARY" : "PRIMARY");
}

/* A record without a routing policy beside routing record sets. */
static void
mixed(const struct topo_rr *plain, const struct topo_rrset *other, struct diag *d)
{
	char tb[16];
	diag_error(d, plain->src.file, plain->src.line, "RRSet with DNS name %s, type %s cannot "
		"be created as other RRSets exist with the same name and type: this %s has no "
		"routing policy, the record set at %s:%u is %s (Route 53 ChangeResourceRecordSets; "
		"\"You can't create non-%s records that have the same values for Record name and "
		"Record type as %s records\", Developer Guide)", plain->name,
		defs_rr_type_name(plain->type, tb, sizeof(tb)), plain->set ? "record set" :
		"record", other->src.file, other->src.line, policy_name(other->policy->policy),
		policy_name(other->policy->policy), policy_name(other->policy->policy));
}

void
defs_policycheck(const struct topo_rr *const *firsts, size_t n, struct diag *d)
{
	const struct topo_rr *plain = NULL;
	const struct topo_rrset **sets = malloc((n ? n : 1) * sizeof(*sets));
	size_t n_sets = 0;
	if (!sets) {
		diag_error(d, firsts[0]->src.file, firsts[0]->src.line, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (firsts[i]->set && firsts[i]->set->policy)
			sets[n_sets++] = firsts[i]->set;
		else if (!plain)
			plain = firsts[i];
	}
	if (n_sets && plain)
		mixed(plain, sets[0], d);
	else if (n_sets && check_policy(sets, n_sets, d)) {
		check_unique(sets, n_sets, d);
		check_counts(sets, n_sets, d);
	}
	free(sets);
}
