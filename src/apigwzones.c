/* SPDX-License-Identifier: BSD-3-Clause */
/* src/apigwzones.c - the names API Gateway publishes for private REST APIs: {rest-api-id}-{vpce-id}.execute-api.{region}.amazonaws.com. */
#include "config.h"
#include "apigwzones.h"

#include "diag.h"
#include "dname.h"
#include "hiddenzone.h"
#include "strmap.h"
#include "topology.h"
#include "wire.h"
#include "zonebuild.h"

#include <stdio.h>
#include <string.h>

struct apigw {
	struct topology *t;
	struct zb *b;
	struct diag *d;
};

/* The public zone of a Region's execute-api names: it answers the names
 * it holds and leaves the rest (public APIs) to recursion. */
static struct zb_zone *
region_zone(struct apigw *g, const char *region)
{
	char text[128];
	uint8_t apex[DNAME_MAX];
	snprintf(text, sizeof(text), "execute-api.%s.amazonaws.com", region);
	int len = dname_from_text(text, apex, NULL);
	if (len < 0)
		return NULL;
	struct zb_zone *z = zb_zone_find(g->b, 0, apex, (size_t)len, ZONE_PUBLIC);
	if (z)
		return z;
	z = zb_zone_add(g->b, 0, apex, (size_t)len, ZONE_PUBLIC, "API Gateway private API names");
	uint8_t soa[2 * DNAME_MAX + 20];
	uint32_t ttl;
	unsigned soa_len = hiddenzone_soa(soa, sizeof(soa), &ttl, true);
	if (!z || zb_zone_set_soa(g->b, z, ttl, soa, (uint16_t)soa_len, false) < 0)
		return NULL;
	return z;
}

/* Where copy_record puts an alias's records. */
struct alias_to {
	struct apigw *g;
	struct zb_zone *z;
	const uint8_t *owner;
	size_t len;
	int failed;
};

static void
copy_record(void *ctx, int alt, uint16_t type, uint32_t ttl, const uint8_t *rdata,
	uint16_t rdlen)
{
	struct alias_to *a = ctx;
	(void)alt;
	if (zb_rr_add(a->g->b, a->z, a->owner, a->len, type, ttl, rdata, rdlen, NULL) < 0)
		a->failed++;
}

static bool
is_execute_api(const struct topo_endpoint *ep)
{
	size_t n = ep->service_name ? strlen(ep->service_name) : 0;
	return n > 12 && strcmp(ep->service_name + n - 12, ".execute-api") == 0;
}

/* The alias name of one API and endpoint: the records of the endpoint's
 * regional name, which the public view holds (an alias takes them and
 * their TTL). */
static void
add_alias(struct apigw *g, const struct topo_rest_api *api, const struct topo_endpoint *ep)
{
	const char *region = ep->region ? ep->region : ep->vpc ? ep->vpc->region : NULL;
	char name[300], regional[600];
	uint8_t owner[DNAME_MAX], target[DNAME_MAX];
	if (!region || !hiddenzone_endpoint_serves(ep))
		return;	/* an endpoint without names: none for the API either */
	snprintf(name, sizeof(name), "%s-%s.execute-api.%s.amazonaws.com", api->id, ep->id, region);
	snprintf(regional, sizeof(regional), "%s-%s.%s", ep->id, ep->suffix, ep->base_domain);
	int ol = dname_from_text(name, owner, NULL), tl = dname_from_text(regional, target, NULL);
	struct zb_zone *z = ol > 0 && tl > 0 ? region_zone(g, region) : NULL;
	if (!z) {
		diag_error(g->d, api->src.file, api->src.line, "REST API %s: '%s' is not a name "
			"dnsd can serve", api->id, name);
		return;
	}
	struct alias_to a = { g, z, owner, (size_t)ol, 0 };
	zb_rrset_each(g->b, 0, target, (size_t)tl, DNS_TYPE_A, copy_record, &a, NULL);
	zb_rrset_each(g->b, 0, target, (size_t)tl, DNS_TYPE_AAAA, copy_record, &a, NULL);
	if (a.failed)
		diag_error(g->d, api->src.file, api->src.line, "REST API %s: %s: out of memory",
			api->id, name);
}

int
apigwzones_build(struct topology *t, struct zb *b, struct diag *d)
{
	struct apigw g = { t, b, d };
	unsigned before = d->errors;
	for (const struct topo_rest_api *api = t->rest_apis; api; api = api->next) {
		if (!api->id || !api->private_api)
			continue;
		for (unsigned i = 0; i < api->n_vpce_ids; i++) {
			const struct topo_endpoint *ep = strmap_get(&t->endpoint_by_id,
				api->vpce_ids[i]);
			if (ep && is_execute_api(ep))
				add_alias(&g, api, ep);
		}
	}
	return d->errors > before ? -1 : 0;
}
