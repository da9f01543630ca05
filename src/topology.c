/* SPDX-License-Identifier: BSD-3-Clause */
/* src/topology.c - the model the definitions describe: create, free, stable ids, and lookups. */
#include "config.h"
#include "topology.h"

#include "arena.h"
#include "health.h"

#include <stdlib.h>
#include <string.h>

struct topology *
topology_create(void)
{
	struct topology *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->arena = arena_create(1 << 20);
	if (!t->arena) {
		free(t);
		return NULL;
	}
	t->vpcs_tail = &t->vpcs;
	t->subnets_tail = &t->subnets;
	t->enis_tail = &t->enis;
	t->endpoints_tail = &t->endpoints;
	t->services_tail = &t->services;
	t->health_tail = &t->health;
	t->secondaries_tail = &t->secondaries;
	t->attrs_tail = &t->attrs;
	t->zones_tail = &t->zones;
	t->resolver_endpoints_tail = &t->resolver_endpoints;
	t->rules_tail = &t->rules;
	t->rule_assocs_tail = &t->rule_assocs;
	t->rr_batches_tail = &t->rr_batches;
	t->ip_lists_tail = &t->ip_lists;
	t->instances_tail = &t->instances;
	t->dhcp_tail = &t->dhcp;
	t->health_checks_tail = &t->health_checks;
	t->cidr_collections_tail = &t->cidr_collections;
	t->rest_apis_tail = &t->rest_apis;
	return t;
}

void
topology_free(struct topology *t)
{
	if (!t)
		return;
	strmap_clear(&t->vpc_by_id);
	strmap_clear(&t->subnet_by_id);
	strmap_clear(&t->eni_by_id);
	strmap_clear(&t->endpoint_by_id);
	strmap_clear(&t->service_by_name);
	strmap_clear(&t->zone_by_id);
	strmap_clear(&t->resolver_endpoint_by_id);
	strmap_clear(&t->rule_by_id);
	strmap_clear(&t->instance_by_id);
	strmap_clear(&t->dhcp_by_id);
	strmap_clear(&t->fw.list_by_id);
	strmap_clear(&t->fw.group_by_id);
	strmap_clear(&t->health_check_by_id);
	strmap_clear(&t->cidr_collection_by_id);
	arena_free(t->arena);
	free(t);
}

/* Stable ids and suffixes for what the definitions leave out, so that a
 * restart gives the same names (FNV-1a over the inputs). */
uint64_t
topology_stable_hash(const char *a, const char *b, unsigned n)
{
	uint64_t h = 1469598103934665603ull;
	const char *parts[2] = { a ? a : "", b ? b : "" };
	for (int i = 0; i < 2; i++) {
		for (const char *s = parts[i]; *s; s++)
			h = (h ^ (uint8_t)*s) * 1099511628211ull;
		h = (h ^ 0xff) * 1099511628211ull;
	}
	h = (h ^ n) * 1099511628211ull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
}

const char *
topology_stable_id(struct topology *t, const struct strmap *taken, const char *prefix,
	const char *a, const char *b, unsigned n)
{
	for (;; n++) {
		uint64_t h1 = topology_stable_hash(a, b, n), h2 = topology_stable_hash(b, a, n + 1);
		char *id = arena_printf(t->arena, "%s%01x%016llx", prefix, (unsigned)(h2 & 0xf),
			(unsigned long long)h1);
		if (!id || !taken || !strmap_get(taken, id))
			return id;
	}
}

struct topo_vpc *
topology_default_vpc(const struct topology *t)
{
	if (t->default_vpc)
		return strmap_get(&t->vpc_by_id, t->default_vpc);
	struct topo_vpc *def = NULL;
	unsigned n_default = 0;
	for (struct topo_vpc *v = t->vpcs; v; v = v->next) {
		if (v->is_default) {
			def = v;
			n_default++;
		}
	}
	if (n_default == 1)
		return def;
	if (n_default == 0 && t->n_vpcs == 1)
		return t->vpcs;
	return NULL;
}

bool
topology_vpc_private_dns(const struct topo_vpc *v)
{
	return v->dns_support == TRI_YES && v->dns_hostnames == TRI_YES;
}

void
topology_eni_health(const struct topology *t, const struct topo_eni *eni,
	struct topo_health_verdict *v)
{
	*v = (struct topo_health_verdict){ false, TOPO_HEALTH_STATUS, NULL, NULL };
	if (eni->status && strcmp(eni->status, "in-use") != 0)
		return;
	v->override = health_set_match(t->runtime_health, eni->id, eni->az);
	if (v->override) {
		v->healthy = v->override->up;
		v->reason = TOPO_HEALTH_RUNTIME;
		return;
	}
	if (eni->healthy == TRI_NO) {
		v->reason = TOPO_HEALTH_FIELD;
		return;
	}
	v->healthy = true;
	v->reason = TOPO_HEALTH_DEFAULT;
	/* later entries win, so a file can mark an AZ down and one ENI up */
	for (const struct topo_health *h = t->health; h; h = h->next) {
		if (h->health_check_id)
			continue;	/* a Route 53 health check's, not an ENI's */
		if (h->az && (!eni->az || strcmp(h->az, eni->az) != 0))
			continue;
		if (h->eni_id && (!eni->id || strcmp(h->eni_id, eni->id) != 0))
			continue;
		if (h->endpoint_id && (!eni->endpoint || !eni->endpoint->id ||
			    strcmp(h->endpoint_id, eni->endpoint->id) != 0))
			continue;
		v->healthy = h->healthy;
		v->reason = TOPO_HEALTH_ENTRY;
		v->entry = h;
	}
}

bool
topology_eni_healthy(const struct topology *t, const struct topo_eni *eni)
{
	struct topo_health_verdict v;
	topology_eni_health(t, eni, &v);
	return v.healthy;
}
