/* SPDX-License-Identifier: BSD-3-Clause */
/* src/healthcheck.c - Route 53 health check status as dnsd sees it: the definitions' status, calculated health checks, and overrides layered over them. */
#include "config.h"
#include "healthcheck.h"

#include "health.h"
#include "strmap.h"
#include "topology.h"

#include <stdio.h>
#include <string.h>

/* Calculated health checks monitor others; a chain deeper than this (or a
 * loop, which Route 53 would refuse) counts as healthy. */
#define HEALTHCHECK_MAX_DEPTH 8

/* A dnsd-control override of id (health check ID up|down), or NULL. */
static const struct health_override *
runtime_of(const struct topology *t, const char *id)
{
	return t->runtime_health ? health_set_get(t->runtime_health, HEALTH_CHECK, id) : NULL;
}

/* The last Dnsd Health entry naming id, or NULL. */
static const struct topo_health *
override_of(const struct topology *t, const char *id)
{
	const struct topo_health *last = NULL;
	for (const struct topo_health *h = t->health; h; h = h->next)
		if (h->health_check_id && strcmp(h->health_check_id, id) == 0)
			last = h;
	return last;
}

static bool healthy_at(const struct topology *t, const char *id, unsigned depth);

static unsigned
children_healthy(const struct topology *t, const struct topo_health_check *hc, unsigned depth)
{
	unsigned n = 0;
	for (unsigned i = 0; i < hc->n_children; i++)
		n += healthy_at(t, hc->children[i], depth + 1);
	return n;
}

/* Before Inverted: what the checkers (or children) say. */
static bool
measured(const struct topology *t, const struct topo_health_check *hc, unsigned depth)
{
	if (hc->disabled == TRI_YES)
		return true;	/* "considers the status … to always be healthy" */
	if (hc->type && strcmp(hc->type, "CALCULATED") == 0)
		return children_healthy(t, hc, depth) >= hc->threshold;
	if (hc->observed == 0)
		return true;	/* a new health check is healthy until there's data */
	/* "If more than 18% of health checkers report that an endpoint is
	 * healthy, Route 53 considers it healthy": ok/observed > 18/100 */
	return (unsigned long)hc->observed_ok * 100 > (unsigned long)hc->observed * 18;
}

static bool
healthy_at(const struct topology *t, const char *id, unsigned depth)
{
	const struct health_override *rt = runtime_of(t, id);
	if (rt)
		return rt->up;
	const struct topo_health *o = override_of(t, id);
	if (o)
		return o->healthy;
	const struct topo_health_check *hc = strmap_get(&t->health_check_by_id, id);
	if (!hc || depth > HEALTHCHECK_MAX_DEPTH)
		return true;
	bool up = measured(t, hc, depth);
	return hc->inverted == TRI_YES ? !up : up;
}

bool
healthcheck_healthy(const struct topology *t, const char *id)
{
	return healthy_at(t, id, 0);
}

/* Whether a record set of some hosted zone names id. */
static bool
named_by_record(const struct topology *t, const char *id)
{
	for (const struct topo_hosted_zone *z = t->zones; z; z = z->next)
		for (const struct topo_rr *rr = z->rrs; rr; rr = rr->next)
			if (rr->set && rr->set->policy && rr->set->policy->health_check_id &&
			    strcmp(rr->set->policy->health_check_id, id) == 0)
				return true;
	return false;
}

bool
healthcheck_known(const struct topology *t, const char *id)
{
	return strmap_get(&t->health_check_by_id, id) || named_by_record(t, id);
}

void
healthcheck_describe(const struct topology *t, const char *id, char *buf, unsigned size)
{
	bool up = healthcheck_healthy(t, id);
	const char *state = up ? "healthy" : "unhealthy";
	const struct topo_health *o = override_of(t, id);
	const struct topo_health_check *hc = strmap_get(&t->health_check_by_id, id);
	if (runtime_of(t, id))
		snprintf(buf, size, "%s (dnsd-control override)", state);
	else if (o)
		snprintf(buf, size, "%s (override at %s:%u)", state, o->src.file, o->src.line);
	else if (!hc)
		snprintf(buf, size, "%s (not defined)", state);
	else if (hc->disabled == TRI_YES)
		snprintf(buf, size, "%s (Disabled%s)", state, hc->inverted == TRI_YES ?
			", Inverted" : "");
	else if (hc->type && strcmp(hc->type, "CALCULATED") == 0)
		snprintf(buf, size, "%s (calculated: %u of %u children healthy, %u needed%s)",
			state, children_healthy(t, hc, 0), hc->n_children, hc->threshold,
			hc->inverted == TRI_YES ? ", Inverted" : "");
	else if (hc->observed == 0)
		snprintf(buf, size, "%s (no status: healthy until there is data%s)", state,
			hc->inverted == TRI_YES ? ", Inverted" : "");
	else
		snprintf(buf, size, "%s (%u of %u checkers report Success%s)", state,
			hc->observed_ok, hc->observed, hc->inverted == TRI_YES ? ", Inverted" : "");
}
