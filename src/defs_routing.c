/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_routing.c - the route53 family's routing policy fields of a record set (Weight, Failover, MultiValueAnswer, Region, GeoLocation, GeoProximityLocation, CidrRoutingConfig, HealthCheckId), checked as Route 53 checks them. */
#include "config.h"
#include "defs_route53.h"

#include "arena.h"
#include "awsregion.h"
#include "diag.h"
#include "doc.h"
#include "wire.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define R53_WEIGHT_MAX 255		/* Values specific for weighted records: 0 to 255 */
#define R53_SET_ID_MAX 128		/* API Reference, ResourceRecordSet: SetIdentifier */
#define R53_HEALTH_CHECK_ID_MAX 64	/* API Reference: HealthCheckId */
#define R53_BIAS_MAX 99			/* API Reference: GeoProximityLocation Bias */
#define R53_CIDR_LOCATION_MAX 16	/* API Reference: CidrRoutingConfig LocationName */

/* The fields that choose a policy, in the order AWS lists them. */
static const char *const policy_field[] = {
	[RRP_WEIGHTED] = "Weight", [RRP_FAILOVER] = "Failover",
	[RRP_MULTIVALUE] = "MultiValueAnswer", [RRP_LATENCY] = "Region",
	[RRP_GEOLOCATION] = "GeoLocation", [RRP_GEOPROXIMITY] = "GeoProximityLocation",
	[RRP_CIDR] = "CidrRoutingConfig",
};

/** A record set being read, for messages. */
struct who {
	struct reader *r;
	const char *name, *type;
};

static void
bad(const struct who *w, const struct doc_node *at, const char *fmt, const char *detail,
	const char *source)
{
	diag_error(w->r->d, w->r->file, at->line, "record set %s %s: %s %s (%s)", w->name, w->type,
		fmt, detail, source);
}

/* ---- one field each ---- */

static bool
read_weight(const struct who *w, const struct doc_node *v, struct topo_routing *p)
{
	uint64_t weight;
	const char *text = doc_str(v);
	if (!doc_uint(v, UINT64_MAX, &weight)) {
		bad(w, v, "Weight must be a whole number from 0 to 255:", text ? text : "?",
			"Developer Guide, \"Values specific for weighted records\"");
		return false;
	}
	if (weight > R53_WEIGHT_MAX) {
		bad(w, v, "Weight is more than Route 53 allows, an integer between 0 and 255:", text,
			"Developer Guide, \"Values specific for weighted records\"");
		return false;
	}
	p->weight = (uint8_t)weight;
	return true;
}

static bool
read_failover(const struct who *w, const struct doc_node *v, struct topo_routing *p)
{
	const char *s = doc_str(v);
	if (s && strcmp(s, "PRIMARY") == 0)
		return true;
	if (s && strcmp(s, "SECONDARY") == 0) {
		p->secondary = true;
		return true;
	}
	bad(w, v, "Failover must be PRIMARY or SECONDARY, not", s ? s : "that",
		"API Reference, ResourceRecordSet: Failover");
	return false;
}

static bool
read_region(const struct who *w, const struct doc_node *v, struct topo_routing *p)
{
	const char *s = doc_str(v);
	if (!s || !awsregion_find(s)) {
		bad(w, v, "Region is not an AWS Region latency records take:", s ? s : "?",
			"API Reference, ResourceRecordSet: Region");
		return false;
	}
	p->region = defs_copy_str(w->r, s);
	return p->region != NULL;
}

/** A GeoLocation as written. */
struct geo_in {
	const char *continent, *country, *subdivision;
};

static const struct defs_field geo_fields[] = {
	DEFS_F(struct geo_in, "ContinentCode", DEFS_STR, continent),
	DEFS_F(struct geo_in, "CountryCode", DEFS_STR, country),
	DEFS_F(struct geo_in, "SubdivisionCode", DEFS_STR, subdivision),
	DEFS_END
};
static const struct defs_object geo_object = { "a GeoLocation", geo_fields };

static bool
geo_valid(const struct who *w, const struct doc_node *v, const struct geo_in *g)
{
	static const char api[] = "API Reference, GeoLocation";
	static const char guide[] = "Developer Guide, \"Values specific for geolocation records\"";
	if (g->continent && (g->country || g->subdivision))
		bad(w, v, "GeoLocation has ContinentCode together with", g->country ?
			"CountryCode: Route 53 returns InvalidInput for that" : "SubdivisionCode: "
			"Route 53 returns InvalidInput for that", api);
	else if (!g->continent && !g->country)
		bad(w, v, "GeoLocation names", "no ContinentCode or CountryCode (CountryCode "
			"\"*\" is the default location)", guide);
	else if (g->continent && !awsregion_continent_valid(g->continent))
		bad(w, v, "ContinentCode is not one of AF, AN, AS, EU, OC, NA or SA:", g->continent,
			api);
	else if (g->country && strcmp(g->country, "*") != 0 &&
		 !awsregion_country_on(g->country, NULL))
		bad(w, v, "CountryCode is not a country Route 53 knows:", g->country, guide);
	else if (g->subdivision && (!g->country || strcmp(g->country, "US") != 0))
		bad(w, v, "SubdivisionCode needs CountryCode US:", g->subdivision, api);
	else
		return true;
	return false;
}

static bool
read_geolocation(const struct who *w, const struct doc_node *v, struct topo_routing *p)
{
	struct geo_in g = { NULL, NULL, NULL };
	if (!defs_read_object(w->r, v, &geo_object, &g) || !geo_valid(w, v, &g))
		return false;
	p->continent = g.continent;
	p->country = g.country;
	p->subdivision = g.subdivision;
	return true;
}

/* A signed decimal with at most `decimals` digits after the point, within
 * [-limit, limit]. */
static bool
parse_decimal(const char *s, unsigned decimals, double limit, double *out)
{
	char *end;
	if (!s || !*s || isspace((unsigned char)*s))
		return false;
	const char *dot = strchr(s, '.');
	if (dot && strlen(dot + 1) > decimals)
		return false;
	errno = 0;
	double d = strtod(s, &end);
	if (errno || *end || d < -limit || d > limit)
		return false;
	*out = d;
	return true;
}

/** GeoProximityLocation as written. */
struct geoprox_in {
	const char *region, *zone_group, *bias;
	const struct doc_node *coordinates;
};

static const struct defs_field geoprox_fields[] = {
	DEFS_F(struct geoprox_in, "AWSRegion", DEFS_STR, region),
	DEFS_F(struct geoprox_in, "LocalZoneGroup", DEFS_STR, zone_group),
	DEFS_F(struct geoprox_in, "Coordinates", DEFS_MAP, coordinates),
	DEFS_F(struct geoprox_in, "Bias", DEFS_STR, bias),
	DEFS_END
};
static const struct defs_object geoprox_object = { "a GeoProximityLocation", geoprox_fields };

/** Coordinates as written. */
struct coords_in {
	const char *lat, *lon;
};

static const struct defs_field coords_fields[] = {
	DEFS_R(struct coords_in, "Latitude", DEFS_STR, lat),
	DEFS_R(struct coords_in, "Longitude", DEFS_STR, lon),
	DEFS_END
};
static const struct defs_object coords_object = { "Coordinates", coords_fields };

static bool
read_coordinates(const struct who *w, const struct doc_node *v, struct topo_routing *p)
{
	static const char api[] = "API Reference, Coordinates";
	struct coords_in c = { NULL, NULL };
	if (!defs_read_object(w->r, v, &coords_object, &c) || !c.lat || !c.lon)
		return false;
	if (!parse_decimal(c.lat, 2, 90, &p->latitude)) {
		bad(w, v, "Latitude must be -90 to 90 with up to two decimals:", c.lat, api);
		return false;
	}
	if (!parse_decimal(c.lon, 2, 180, &p->longitude)) {
		bad(w, v, "Longitude must be -180 to 180 with up to two decimals:", c.lon, api);
		return false;
	}
	p->has_coordinates = true;
	return true;
}

static bool
geoprox_where(const struct who *w, const struct doc_node *v, const struct geoprox_in *g,
	struct topo_routing *p)
{
	static const char api[] = "API Reference, GeoProximityLocation";
	unsigned n = !!g->region + !!g->zone_group + !!g->coordinates;
	if (n != 1) {
		bad(w, v, "GeoProximityLocation must name exactly one of AWSRegion, LocalZoneGroup "
			"and Coordinates;", n ? "it names more" : "it names none", api);
		return false;
	}
	if (g->region && !awsregion_find(g->region)) {
		bad(w, v, "AWSRegion is not an AWS Region dnsd knows:", g->region, api);
		return false;
	}
	if (g->zone_group && !awsregion_of_local_zone_group(g->zone_group)) {
		bad(w, v, "LocalZoneGroup does not start with an AWS Region's code:", g->zone_group,
			api);
		return false;
	}
	p->geo_region = g->region;
	p->local_zone_group = g->zone_group;
	return !g->coordinates || read_coordinates(w, g->coordinates, p);
}

static bool
read_geoproximity(const struct who *w, const struct doc_node *v, struct topo_routing *p)
{
	struct geoprox_in g = { NULL, NULL, NULL, NULL };
	if (!defs_read_object(w->r, v, &geoprox_object, &g) || !geoprox_where(w, v, &g, p))
		return false;
	if (!g.bias)
		return true;
	char *end;
	errno = 0;
	long bias = strtol(g.bias, &end, 10);
	if (errno || *end || !*g.bias || bias < -R53_BIAS_MAX || bias > R53_BIAS_MAX) {
		bad(w, v, "Bias must be an integer from -99 to 99:", g.bias,
			"API Reference, GeoProximityLocation");
		return false;
	}
	p->bias = (int)bias;
	return true;
}

/* 8-4-4-4-12 lowercase hex, as CIDR collection ids are. */
static bool
is_uuid(const char *s)
{
	static const unsigned groups[] = { 8, 4, 4, 4, 12 };
	for (unsigned g = 0; g < 5; g++) {
		for (unsigned i = 0; i < groups[g]; i++, s++)
			if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
				return false;
		if (*s != (g < 4 ? '-' : 0))
			return false;
		s += g < 4;
	}
	return true;
}

/** CidrRoutingConfig as written. */
struct cidr_in {
	const char *collection, *location;
};

static const struct defs_field cidr_fields[] = {
	DEFS_R(struct cidr_in, "CollectionId", DEFS_STR, collection),
	DEFS_R(struct cidr_in, "LocationName", DEFS_STR, location),
	DEFS_END
};
static const struct defs_object cidr_object = { "a CidrRoutingConfig", cidr_fields };

static bool
location_name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > R53_CIDR_LOCATION_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '*')
			return false;
	return true;
}

static bool
read_cidr(const struct who *w, const struct doc_node *v, struct topo_routing *p)
{
	static const char api[] = "API Reference, CidrRoutingConfig";
	struct cidr_in c = { NULL, NULL };
	if (!defs_read_object(w->r, v, &cidr_object, &c) || !c.collection || !c.location)
		return false;
	if (!is_uuid(c.collection)) {
		bad(w, v, "CollectionId is not a CIDR collection id (a UUID):", c.collection, api);
		return false;
	}
	if (!location_name_valid(c.location)) {
		bad(w, v, "LocationName must be 1 to 16 of letters, digits, _, - and *:",
			c.location, api);
		return false;
	}
	p->cidr_collection = c.collection;
	p->cidr_location = c.location;
	return true;
}

/* ---- the set ---- */

/* Which policy fields a set has: the count, and the first two. */
static unsigned
policies_given(const struct defs_routing_in *in, enum rr_policy *first, enum rr_policy *second)
{
	const bool given[] = {
		[RRP_WEIGHTED] = in->weight != NULL, [RRP_FAILOVER] = in->failover != NULL,
		[RRP_MULTIVALUE] = in->multivalue != NULL, [RRP_LATENCY] = in->region != NULL,
		[RRP_GEOLOCATION] = in->geo != NULL, [RRP_GEOPROXIMITY] = in->geoprox != NULL,
		[RRP_CIDR] = in->cidr != NULL,
	};
	unsigned n = 0;
	for (unsigned k = RRP_WEIGHTED; k <= RRP_CIDR; k++) {
		if (!given[k])
			continue;
		if (n == 0)
			*first = (enum rr_policy)k;
		else if (n == 1)
			*second = (enum rr_policy)k;
		n++;
	}
	return n;
}

static bool
read_policy_value(const struct who *w, const struct defs_routing_in *in, struct topo_routing *p)
{
	switch (p->policy) {
	case RRP_WEIGHTED:
		return read_weight(w, in->weight, p);
	case RRP_FAILOVER:
		return read_failover(w, in->failover, p);
	case RRP_LATENCY:
		return read_region(w, in->region, p);
	case RRP_GEOLOCATION:
		return read_geolocation(w, in->geo, p);
	case RRP_GEOPROXIMITY:
		return read_geoproximity(w, in->geoprox, p);
	case RRP_CIDR:
		return read_cidr(w, in->cidr, p);
	case RRP_MULTIVALUE:
	case RRP_SIMPLE:
		break;
	}
	return true;
}

/* MultiValueAnswer: false is no policy at all. */
static bool
multivalue_given(const struct who *w, struct defs_routing_in *in)
{
	bool b;
	if (!in->multivalue)
		return true;
	if (!doc_bool(in->multivalue, &b)) {
		bad(w, in->multivalue, "MultiValueAnswer must be", "true or false",
			"API Reference, ResourceRecordSet");
		return false;
	}
	if (!b)
		in->multivalue = NULL;
	return true;
}

/* A policy that the set's kind rules out. */
static bool
policy_fits(const struct who *w, const struct doc_node *n, const struct topo_routing *p,
	uint16_t type, bool alias)
{
	if (p->policy != RRP_MULTIVALUE)
		return true;
	if (type == DNS_TYPE_CNAME || type == DNS_TYPE_NS) {
		bad(w, n, "a multivalue answer record set can be of any type", "except NS or CNAME",
			"Developer Guide, \"Values specific for multivalue answer records\"");
		return false;
	}
	if (alias) {
		bad(w, n, "multivalue answer alias records", "are not supported by Route 53",
			"Developer Guide, \"Values specific for multivalue answer records\"");
		return false;
	}
	return true;
}

static bool
set_id_valid(const struct who *w, const struct doc_node *n, const struct defs_routing_in *in,
	enum rr_policy first)
{
	if (!in->set_id) {
		diag_error(w->r->d, w->r->file, n->line, "record set %s %s has %s but no "
			"SetIdentifier: Route 53 tells the record sets of one name and type apart by "
			"it (API Reference, ResourceRecordSet: SetIdentifier)", w->name, w->type,
			policy_field[first]);
		return false;
	}
	if (strlen(in->set_id) > R53_SET_ID_MAX) {
		bad(w, n, "SetIdentifier is longer than 128 characters:", in->set_id,
			"API Reference, ResourceRecordSet: SetIdentifier");
		return false;
	}
	return true;
}

/* Exactly one policy, a SetIdentifier, and a value Route 53 takes. */
static bool
routing_valid(const struct who *w, const struct doc_node *n, struct defs_routing_in *in,
	struct topo_routing *p)
{
	enum rr_policy first = RRP_SIMPLE, second = RRP_SIMPLE;
	unsigned count = policies_given(in, &first, &second);
	if (count == 0) {
		diag_error(w->r->d, w->r->file, n->line, "record set %s %s has a SetIdentifier "
			"but no routing policy (Weight, Failover, MultiValueAnswer, Region, "
			"GeoLocation, GeoProximityLocation or CidrRoutingConfig): Route 53 takes "
			"SetIdentifier only for record sets \"that have a routing policy other than "
			"simple\" (API Reference, ResourceRecordSet)", w->name, w->type);
		return false;
	}
	if (count > 1) {
		diag_error(w->r->d, w->r->file, n->line, "record set %s %s has both %s and %s: a "
			"record set has one routing policy (API Reference, ResourceRecordSet: Route 53 "
			"returns InvalidInput)", w->name, w->type, policy_field[first],
			policy_field[second]);
		return false;
	}
	p->policy = first;
	return set_id_valid(w, n, in, first) && read_policy_value(w, in, p);
}

static bool
health_check_valid(const struct who *w, const struct defs_routing_in *in,
	struct topo_routing *p)
{
	if (!in->health_check)
		return true;
	const char *s = doc_str(in->health_check);
	if (!s || !*s || strlen(s) > R53_HEALTH_CHECK_ID_MAX) {
		bad(w, in->health_check, "HealthCheckId must be a health check id of up to 64 "
			"characters:", s ? s : "?", "API Reference, ResourceRecordSet");
		return false;
	}
	p->health_check_id = defs_copy_str(w->r, s);
	p->health_check_src = defs_src_at(w->r, in->health_check);
	return p->health_check_id != NULL;
}

bool
defs_routing_read(struct reader *r, const struct doc_node *n, struct defs_routing_in *in,
	const char *given_name, const char *type_name, struct topo_rrset *set)
{
	struct who w = { r, given_name, type_name };
	if (in->traffic_policy)
		diag_warn(r->d, r->file, in->traffic_policy->line, "record set %s %s was made by "
			"a traffic policy instance: dnsd does not model Route 53 traffic flow and "
			"serves the set as written", given_name, type_name);
	if (!multivalue_given(&w, in))
		return false;
	bool any = in->set_id || in->weight || in->failover || in->multivalue || in->region ||
		in->geo || in->geoprox || in->cidr;
	if (!any) {
		if (in->health_check)
			diag_warn(r->d, r->file, in->health_check->line, "record set %s %s: a "
				"health check on a simple record set plays no part: Route 53 uses "
				"it only to choose between record sets (API Reference, "
				"ResourceRecordSet: HealthCheckId)", given_name, type_name);
		return true;
	}
	struct topo_routing *p = defs_alloc(r, n, sizeof(*p));
	if (!p)
		return false;
	p->set_id = in->set_id;
	p->evaluate_target_health = in->evaluate_target_health == TRI_YES;
	if (!routing_valid(&w, n, in, p) || !health_check_valid(&w, in, p) ||
	    !policy_fits(&w, n, p, set->type, set->alias))
		return false;
	set->routing = true;
	set->policy = p;
	return true;
}
