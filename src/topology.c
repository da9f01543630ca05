/* SPDX-License-Identifier: BSD-3-Clause */
/* src/topology.c - link, derive and check the VPC model the definitions describe. */
#include "config.h"
#include "topology.h"

#include "arena.h"
#include "catalog.h"
#include "diag.h"
#include "defs.h"
#include "dname.h"

#include <stdio.h>
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
	t->attrs_tail = &t->attrs;
	t->zones_tail = &t->zones;
	t->resolver_endpoints_tail = &t->resolver_endpoints;
	t->rules_tail = &t->rules;
	t->rule_assocs_tail = &t->rule_assocs;
	t->zone_files_tail = &t->zone_files;
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
	strmap_clear(&t->enis_by_description);
	strmap_clear(&t->zone_by_id);
	strmap_clear(&t->resolver_endpoint_by_id);
	strmap_clear(&t->rule_by_id);
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

/* The 8-character [a-z0-9] suffix of endpoint names (facts §1: random-looking). */
static const char *
stable_suffix(struct topology *t, const char *endpoint_id)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint64_t h = topology_stable_hash(endpoint_id, "suffix", 0);
	char s[9];
	for (int i = 0; i < 8; i++) {
		s[i] = digits[h % 36];
		h /= 36;
	}
	s[8] = 0;
	return arena_strdup(t->arena, s);
}

/* Region of an AZ name: the longest known region it starts with
 * ("us-east-2a" -> "us-east-2", "us-west-2-lax-1a" -> "us-west-2"),
 * else the name without its trailing zone letters. */
static const char *
region_of_az(struct topology *t, const char *az)
{
	size_t n = strlen(az), best = 0;
	char *buf = arena_strdup(t->arena, az);	/* cut at each '-' in turn */
	if (n < 2 || !buf)
		return NULL;
	for (size_t len = 1; len < n; len++) {
		if (az[len] != '-' && len != n - 1)
			continue;
		buf[len] = 0;
		if (catalog_region_known(buf))
			best = len;
		buf[len] = az[len];
	}
	if (!best) {
		best = n;
		while (best > 0 && az[best - 1] >= 'a' && az[best - 1] <= 'z')
			best--;
	}
	buf[best] = 0;
	return best ? buf : NULL;
}

/* Region of a ServiceName: com.amazonaws.<r>.x, com.amazonaws.vpce.<r>.vpce-svc-x, aws.x.<r>.y */
static const char *
region_of_service(struct topology *t, const char *name)
{
	char region[CATALOG_REGION_SIZE];
	if (catalog_find(name, region, sizeof(region)))
		return arena_strdup(t->arena, region);
	const char *p = name;
	if (strncmp(p, "com.amazonaws.vpce.", 19) == 0)
		p += 19;
	else if (strncmp(p, "com.amazonaws.", 14) == 0)
		p += 14;
	else
		return NULL;
	const char *dot = strchr(p, '.');
	if (!dot || dot == p)
		return NULL;
	return arena_strndup(t->arena, p, (size_t)(dot - p));
}

static bool
set_vpc_region(struct topo_vpc *v, const char *region, const char *kind, const char *id,
	const struct src *from, struct diag *d)
{
	if (!region)
		return true;
	if (!v->region) {
		v->region = region;
		v->region_src = *from;
		return true;
	}
	if (strcmp(v->region, region) == 0)
		return true;
	diag_error(d, from->file, from->line,
		"%s %s is in region %s, but VPC %s is in %s (from %s:%u)", kind, id, region,
		v->id, v->region, v->region_src.file, v->region_src.line);
	return false;
}

static void
apply_attributes(struct topology *t, struct diag *d)
{
	for (struct topo_attr *a = t->attrs; a; a = a->next) {
		struct topo_vpc *v = strmap_get(&t->vpc_by_id, a->vpc_id);
		if (!v) {
			diag_error(d, a->src.file, a->src.line,
				"VPC attribute for %s, which no definition describes", a->vpc_id);
			continue;
		}
		if (a->dns_support != TRI_UNSET)
			v->dns_support = a->dns_support;
		if (a->dns_hostnames != TRI_UNSET)
			v->dns_hostnames = a->dns_hostnames;
	}
	for (struct topo_vpc *v = t->vpcs; v; v = v->next) {
		/* AWS defaults: support on; hostnames off except in default VPCs */
		if (v->dns_support == TRI_UNSET)
			v->dns_support = TRI_YES;
		if (v->dns_hostnames == TRI_UNSET)
			v->dns_hostnames = v->is_default ? TRI_YES : TRI_NO;
		if (v->region && !catalog_region_known(v->region))
			diag_warn(d, v->region_src.file, v->region_src.line,
				"region '%s' is not one dnsd knows", v->region);
	}
}

static bool
vpc_contains_prefix(const struct topo_vpc *v, const struct netprefix *p)
{
	for (unsigned i = 0; i < v->n_cidrs; i++)
		if (v->cidrs[i].len <= p->len && netprefix_contains(&v->cidrs[i], &p->addr))
			return true;
	return false;
}

static void
link_subnets(struct topology *t, struct diag *d)
{
	for (struct topo_subnet *s = t->subnets; s; s = s->next) {
		s->vpc = strmap_get(&t->vpc_by_id, s->vpc_id);
		if (!s->vpc) {
			diag_error(d, s->src.file, s->src.line,
				"subnet %s is in VPC %s, which no definition describes", s->id, s->vpc_id);
			continue;
		}
		set_vpc_region(s->vpc, region_of_az(t, s->az), "subnet", s->id, &s->src, d);
		if (s->has_v4 && !vpc_contains_prefix(s->vpc, &s->v4)) {
			char buf[64];
			diag_error(d, s->src.file, s->src.line,
				"subnet %s: %s is outside the CIDR blocks of %s", s->id,
				netprefix_str(&s->v4, buf, sizeof(buf)), s->vpc->id);
		}
		for (unsigned i = 0; i < s->n_v6; i++) {
			char buf[64];
			if (!vpc_contains_prefix(s->vpc, &s->v6[i]))
				diag_error(d, s->src.file, s->src.line,
					"subnet %s: %s is outside the IPv6 blocks of %s", s->id,
					netprefix_str(&s->v6[i], buf, sizeof(buf)), s->vpc->id);
		}
	}
}

static bool
subnet_has_addr(const struct topo_subnet *s, const struct netaddr *a)
{
	if (a->family == AF_INET)
		return s->has_v4 && netprefix_contains(&s->v4, a);
	for (unsigned i = 0; i < s->n_v6; i++)
		if (netprefix_contains(&s->v6[i], a))
			return true;
	return false;
}

/* The one subnet of a VPC in an AZ, when the definitions leave it out. */
static struct topo_subnet *
subnet_in_az(struct topology *t, const char *vpc_id, const char *az, unsigned *count)
{
	struct topo_subnet *found = NULL;
	*count = 0;
	for (struct topo_subnet *s = t->subnets; s; s = s->next) {
		if (s->vpc_id && vpc_id && !strcmp(s->vpc_id, vpc_id) && !strcmp(s->az, az)) {
			found = s;
			(*count)++;
		}
	}
	return found;
}

static void
check_eni_addresses(struct topo_eni *e, struct diag *d)
{
	char buf[64];
	if (!e->subnet)
		return;
	for (unsigned i = 0; i < e->n_v4; i++)
		if (!subnet_has_addr(e->subnet, &e->v4[i]))
			diag_error(d, e->src.file, e->src.line,
				"network interface %s: %s is outside subnet %s", e->id ? e->id : "(without an id)",
				netaddr_str(&e->v4[i], buf, sizeof(buf)), e->subnet->id);
	for (unsigned i = 0; i < e->n_v6; i++)
		if (!subnet_has_addr(e->subnet, &e->v6[i]))
			diag_error(d, e->src.file, e->src.line,
				"network interface %s: %s is outside subnet %s", e->id ? e->id : "(without an id)",
				netaddr_str(&e->v6[i], buf, sizeof(buf)), e->subnet->id);
}

/* Subnet, AZ and VPC of an ENI, from whichever of them is given. */
static void
link_eni(struct topology *t, struct topo_eni *e, struct diag *d)
{
	if (e->subnet_id) {
		e->subnet = strmap_get(&t->subnet_by_id, e->subnet_id);
		if (!e->subnet && !e->az)
			diag_error(d, e->src.file, e->src.line,
				"network interface %s: subnet %s is not defined and no "
				"AvailabilityZone is given", e->id ? e->id : "(without an id)", e->subnet_id);
	} else if (e->az && e->vpc_id) {
		unsigned n;
		e->subnet = subnet_in_az(t, e->vpc_id, e->az, &n);
		if (n > 1) {
			diag_error(d, e->src.file, e->src.line,
				"network interface in %s: VPC %s has %u subnets there; name one "
				"with SubnetId", e->az, e->vpc_id, n);
			e->subnet = NULL;
		}
	}
	if (e->subnet) {
		if (e->az && strcmp(e->az, e->subnet->az) != 0)
			diag_error(d, e->src.file, e->src.line,
				"network interface %s is in %s, but subnet %s is in %s",
				e->id ? e->id : "(without an id)", e->az, e->subnet->id, e->subnet->az);
		e->az = e->subnet->az;
		if (e->vpc_id && strcmp(e->vpc_id, e->subnet->vpc_id) != 0)
			diag_error(d, e->src.file, e->src.line,
				"network interface %s is in VPC %s, but subnet %s is in %s",
				e->id ? e->id : "(without an id)", e->vpc_id, e->subnet->id, e->subnet->vpc_id);
		e->vpc_id = e->subnet->vpc_id;
	}
	check_eni_addresses(e, d);
}

/* ---- services ---- */

/* Services from describe-vpc-endpoint-services: their BaseEndpointDnsNames[0]
 * is what endpoint names end in; else the catalog's label says it. */
static void
finish_user_services(struct topology *t, struct diag *d)
{
	for (struct topo_service *s = t->services; s; s = s->next) {
		if (!s->region)
			s->region = region_of_service(t, s->name);
		s->endpoint_service = strstr(s->name, ".vpce-svc-") != NULL;
		if (s->base_domain) {
			char canon[1024];
			if (!dname_canonical_text(s->base_domain, canon, sizeof(canon)))
				diag_error(d, s->src.file, s->src.line,
					"service %s: BaseEndpointDnsNames '%s' is not a valid name",
					s->name, s->base_domain);
			const char *dot = strchr(s->base_domain, '.');
			s->label = dot ? arena_strndup(t->arena, s->base_domain,
				(size_t)(dot - s->base_domain)) : s->base_domain;
		} else {
			char region[CATALOG_REGION_SIZE];
			const struct catalog_entry *c = catalog_find(s->name, region, sizeof(region));
			if (c)
				s->label = arena_strdup(t->arena, c->label);
			else if (s->endpoint_service)
				s->label = arena_strdup(t->arena, strstr(s->name, ".vpce-svc-") + 1);
			else
				diag_error(d, s->src.file, s->src.line,
					"service %s has no BaseEndpointDnsNames and is not in "
					"dnsd's catalog", s->name);
			if (s->label && s->region)
				s->base_domain = arena_printf(t->arena, "%s.%s.vpce.amazonaws.com",
					s->label, s->region);
		}
		for (unsigned i = 0; i < s->n_private; i++) {
			char canon[DNAME_MAX * 4];
			if (!dname_canonical_text(s->private_names[i], canon, sizeof(canon)))
				diag_error(d, s->src.file, s->src.line,
					"service %s: private DNS name '%s' is not a valid name",
					s->name, s->private_names[i]);
		}
	}
}

/* A service from the compiled-in catalog, made once per ServiceName. */
static struct topo_service *
service_from_catalog(struct topology *t, const char *name)
{
	char region[CATALOG_REGION_SIZE], buf[512];
	const struct catalog_entry *c = catalog_find(name, region, sizeof(region));
	if (!c)
		return NULL;
	struct topo_service *s = arena_zalloc(t->arena, sizeof(*s));
	if (!s)
		return NULL;
	s->name = arena_strdup(t->arena, name);
	s->region = arena_strdup(t->arena, region);
	if (catalog_expand(c->label, region, buf, sizeof(buf)) < 0)
		return NULL;
	s->label = arena_strdup(t->arena, buf);
	s->base_domain = arena_printf(t->arena, "%s.%s.vpce.amazonaws.com", s->label, region);
	s->types = c->types;
	s->ip_types = c->ip_types;
	s->flags = c->flags;
	s->verified = true;
	s->from_catalog = true;
	while (c->private_names[s->n_private])
		s->n_private++;
	s->private_names = arena_zalloc(t->arena, (s->n_private + 1) * sizeof(char *));
	for (unsigned i = 0; s->private_names && i < s->n_private; i++) {
		if (catalog_expand(c->private_names[i], region, buf, sizeof(buf)) < 0)
			return NULL;
		s->private_names[i] = arena_strdup(t->arena, buf);
	}
	strmap_put(&t->service_by_name, s->name, s);
	return s;
}

/* The dot-separated parts of s in reverse order: iot.data -> data.iot. */
static const char *
reversed_parts(struct topology *t, const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = arena_alloc(t->arena, n + 1);
	if (!out)
		return NULL;
	for (const char *end = s + n; end > s;) {
		const char *dot = end;
		while (dot > s && dot[-1] != '.')
			dot--;
		if (o)
			out[o++] = '.';
		memcpy(out + o, dot, (size_t)(end - dot));
		o += (size_t)(end - dot);
		end = dot > s ? dot - 1 : s;
	}
	out[o] = 0;
	return out;
}

/* A service neither the catalog nor the definitions know: derive the
 * likely names (UNCONFIRMED general rule: parts reversed) and say so. */
static struct topo_service *
service_derived(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	struct topo_service *s = arena_zalloc(t->arena, sizeof(*s));
	if (!s)
		return NULL;
	s->name = ep->service_name;
	s->region = region_of_service(t, ep->service_name);
	s->types = 1;
	s->ip_types = IPF_V4;
	s->verified = true;
	const char *vs = strstr(ep->service_name, ".vpce-svc-");
	if (vs) {
		s->endpoint_service = true;
		s->label = arena_strdup(t->arena, vs + 1);
		if (s->region)
			s->base_domain = arena_printf(t->arena, "%s.%s.vpce.amazonaws.com",
				s->label, s->region);
	} else if (s->region && strncmp(ep->service_name, "com.amazonaws.", 14) == 0) {
		const char *svc = ep->service_name + 14 + strlen(s->region) + 1;
		const char *label = reversed_parts(t, svc);
		if (!label)
			return NULL;
		s->label = label;
		s->base_domain = arena_printf(t->arena, "%s.%s.vpce.amazonaws.com", label, s->region);
		s->private_names = arena_alloc(t->arena, sizeof(char *));
		if (s->private_names) {
			s->private_names[0] = arena_printf(t->arena, "%s.%s.amazonaws.com", label,
				s->region);
			s->n_private = 1;
		}
		diag_warn(d, ep->src.file, ep->src.line,
			"service %s is not in dnsd's catalog: using label '%s' and private name "
			"'%s'; add its describe-vpc-endpoint-services output to be exact",
			ep->service_name, label, s->n_private ? s->private_names[0] : "-");
	} else {
		diag_error(d, ep->src.file, ep->src.line,
			"service %s is not in dnsd's catalog and its name does not say its region; "
			"add its describe-vpc-endpoint-services output", ep->service_name);
		return NULL;
	}
	strmap_put(&t->service_by_name, s->name, s);
	return s;
}

static const struct topo_service *
service_for(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	struct topo_service *s = strmap_get(&t->service_by_name, ep->service_name);
	if (!s)
		s = service_from_catalog(t, ep->service_name);
	if (!s)
		s = service_derived(t, ep, d);
	return s;
}

/* ---- endpoints ---- */

/* Addresses in use per VPC ("vpc-id/addr"), to catch duplicates and to
 * keep derived addresses clear of given ones. */
struct addr_index {
	struct strmap map;
	struct topology *t;
};

static const char *
addr_key(struct addr_index *ix, const char *vpc_id, const struct netaddr *a)
{
	char buf[64];
	return arena_printf(ix->t->arena, "%s/%s", vpc_id ? vpc_id : "-",
		netaddr_str(a, buf, sizeof(buf)));
}

static bool
addr_taken(struct addr_index *ix, const char *vpc_id, const struct netaddr *a)
{
	char text[64], small[160];
	const char *vpc = vpc_id ? vpc_id : "-";
	netaddr_str(a, text, sizeof(text));
	size_t vlen = strlen(vpc), tlen = strlen(text), need = vlen + tlen + 2;
	char *key = need <= sizeof(small) ? small : malloc(need);
	if (!key)
		return true;	/* out of memory: derive nothing rather than a duplicate */
	memcpy(key, vpc, vlen);
	key[vlen] = '/';
	memcpy(key + vlen + 1, text, tlen + 1);
	bool taken = strmap_get(&ix->map, key) != NULL;
	if (key != small)
		free(key);
	return taken;
}

static void
addr_claim(struct addr_index *ix, struct topo_eni *e, const struct netaddr *a, struct diag *d)
{
	const char *key = addr_key(ix, e->vpc_id, a);
	if (!key)
		return;
	struct topo_eni *old = strmap_put(&ix->map, key, e);
	if (old && old != e) {
		char buf[64];
		diag_error(d, e->src.file, e->src.line,
			"address %s is used twice in %s (also at %s:%u)",
			netaddr_str(a, buf, sizeof(buf)), e->vpc_id ? e->vpc_id : "the VPC",
			old->src.file, old->src.line);
	}
}

/* A free host address in a subnet, stable for (endpoint, subnet). AWS
 * reserves the first four and the last address of every subnet. */
static bool
derive_address(struct addr_index *ix, const struct topo_eni *e, const struct netprefix *p,
	struct netaddr *out)
{
	unsigned host_bits = (unsigned)netaddr_len(&p->addr) * 8 - p->len;
	uint64_t span = host_bits >= 63 ? UINT64_MAX : (1ull << host_bits);
	if (span < 8)
		return false;
	uint64_t h = topology_stable_hash(e->endpoint ? e->endpoint->id : e->id, e->subnet->id, 7);
	for (unsigned tries = 0; tries < 64; tries++, h = topology_stable_hash(NULL, NULL, (unsigned)h)) {
		uint64_t host = 4 + h % (span - 5);
		*out = p->addr;
		size_t n = netaddr_len(out);
		for (size_t i = 0; i < 8 && i < n; i++)
			out->bytes[n - 1 - i] |= (uint8_t)(host >> (8 * i));
		if (!addr_taken(ix, e->vpc_id, out))
			return true;
	}
	return false;
}

static void
fill_eni_addresses(struct topology *t, struct addr_index *ix, struct topo_eni *e,
	unsigned families, struct diag *d)
{
	if ((families & IPF_V4) && e->n_v4 == 0 && e->subnet && e->subnet->has_v4) {
		e->v4 = arena_zalloc(t->arena, sizeof(*e->v4));
		if (e->v4 && derive_address(ix, e, &e->subnet->v4, &e->v4[0])) {
			e->n_v4 = 1;
			addr_claim(ix, e, &e->v4[0], d);
		} else {
			e->address_failed = true;
			diag_error(d, e->src.file, e->src.line, "subnet %s has no free IPv4 address "
				"left for a network interface of %s", e->subnet->id,
				e->endpoint ? e->endpoint->id : "an endpoint");
		}
	}
	if ((families & IPF_V6) && e->n_v6 == 0 && e->subnet && e->subnet->n_v6) {
		e->v6 = arena_zalloc(t->arena, sizeof(*e->v6));
		if (e->v6 && derive_address(ix, e, &e->subnet->v6[0], &e->v6[0])) {
			e->n_v6 = 1;
			addr_claim(ix, e, &e->v6[0], d);
		}
	}
}

static bool
eni_listed(const struct topo_endpoint *ep, const struct topo_eni *e)
{
	for (unsigned i = 0; i < ep->n_enis; i++)
		if (ep->enis[i] == e)
			return true;
	return false;
}

static bool
subnet_covered(const struct topo_endpoint *ep, const struct topo_subnet *s)
{
	for (unsigned i = 0; i < ep->n_enis; i++)
		if (ep->enis[i]->subnet == s)
			return true;
	return false;
}

/* An ENI that dnsd makes up for an endpoint subnet nothing describes. */
static struct topo_eni *
generated_eni(struct topology *t, struct topo_endpoint *ep, struct topo_subnet *s)
{
	struct topo_eni *e = arena_zalloc(t->arena, sizeof(*e));
	if (!e)
		return NULL;
	e->id = topology_stable_id(t, &t->eni_by_id, "eni-", ep->id, s->id, 0);
	e->subnet = s;
	e->subnet_id = s->id;
	e->vpc_id = s->vpc_id;
	e->az = s->az;
	e->status = "in-use";
	e->healthy = TRI_UNSET;
	e->generated = true;
	e->src = ep->src;
	e->endpoint = ep;
	return e;
}

/* ENIs by the endpoint their Description names, built on first use:
 * scanning every ENI for every endpoint is quadratic in a large world. */
static struct topo_eni *
enis_described(struct topology *t, const char *endpoint_id)
{
	if (!t->enis_by_description_built) {
		t->enis_by_description_built = true;
		for (struct topo_eni *e = t->enis; e; e = e->next) {
			if (!e->endpoint_id)
				continue;
			struct topo_eni *first = strmap_put(&t->enis_by_description, e->endpoint_id, e);
			if (first && first != e) {	/* keep the list order */
				while (first->next_described)
					first = first->next_described;
				first->next_described = e;
			}
		}
	}
	return strmap_get(&t->enis_by_description, endpoint_id);
}

/* Gather the endpoint's ENIs: inline, listed by id, named in their
 * Description, and one per remaining subnet. */
/* Room for every ENI the endpoint can gather: inline, one per listed id,
 * one per subnet and, when it lists no ids, every ENI naming it. */
static unsigned
endpoint_eni_room(struct topology *t, const struct topo_endpoint *ep)
{
	unsigned room = ep->n_enis + ep->n_eni_ids + ep->n_subnet_ids;
	if (ep->n_eni_ids == 0)
		for (struct topo_eni *e = enis_described(t, ep->id); e; e = e->next_described)
			room++;
	return room;
}

static void
link_endpoint_enis(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	unsigned cap = endpoint_eni_room(t, ep);
	struct topo_eni **enis = arena_zalloc(t->arena, (cap ? cap : 1) * sizeof(*enis));
	if (!enis) {
		diag_error(d, ep->src.file, ep->src.line, "out of memory");
		return;
	}
	for (unsigned i = 0; i < ep->n_enis; i++) {
		struct topo_eni *e = ep->enis[i];
		if (!e->id) {
			e->id = topology_stable_id(t, &t->eni_by_id, "eni-", ep->id, e->az ? e->az : "", i);
			strmap_put(&t->eni_by_id, e->id, e);
		}
		enis[i] = e;
	}
	ep->enis = enis;
	unsigned missing = 0;
	for (unsigned i = 0; i < ep->n_eni_ids; i++) {
		struct topo_eni *e = strmap_get(&t->eni_by_id, ep->eni_ids[i]);
		if (!e) {
			missing++;
			continue;
		}
		if (e->endpoint && e->endpoint != ep) {
			diag_error(d, ep->src.file, ep->src.line,
				"network interface %s belongs to endpoint %s already",
				e->id, e->endpoint->id);
			continue;
		}
		e->endpoint = ep;
		if (!eni_listed(ep, e) && ep->n_enis < cap)
			ep->enis[ep->n_enis++] = e;
	}
	if (ep->n_eni_ids == 0) {
		for (struct topo_eni *e = enis_described(t, ep->id); e && ep->n_enis < cap;
		    e = e->next_described) {
			if (e->endpoint)
				continue;
			e->endpoint = ep;
			ep->enis[ep->n_enis++] = e;
		}
	}
	if (missing && !ep->n_subnet_ids)
		diag_error(d, ep->src.file, ep->src.line,
			"endpoint %s: %u of its NetworkInterfaceIds are not defined and it "
			"lists no SubnetIds; add the describe-network-interfaces output",
			ep->id, missing);
	else if (missing)
		diag_warn(d, ep->src.file, ep->src.line,
			"endpoint %s: %u of its NetworkInterfaceIds are not defined; "
			"addresses are derived from its subnets (add the "
			"describe-network-interfaces output to use the real ones)",
			ep->id, missing);
	for (unsigned i = 0; i < ep->n_subnet_ids && ep->n_enis < cap; i++) {
		struct topo_subnet *s = strmap_get(&t->subnet_by_id, ep->subnet_ids[i]);
		if (!s) {
			if (!ep->n_enis)
				diag_error(d, ep->src.file, ep->src.line,
					"endpoint %s: subnet %s is not defined", ep->id,
					ep->subnet_ids[i]);
			continue;
		}
		if (!subnet_covered(ep, s)) {
			struct topo_eni *e = generated_eni(t, ep, s);
			if (e) {
				ep->enis[ep->n_enis++] = e;
				strmap_put(&t->eni_by_id, e->id, e);
			}
		}
	}
}

static const char *
family_name(unsigned f)
{
	return f == (IPF_V4 | IPF_V6) ? "dualstack" : f == IPF_V6 ? "ipv6" : "ipv4";
}

static const char *
record_type_name(enum dns_record_ip_type r)
{
	switch (r) {
	case DRT_IPV4: return "ipv4";
	case DRT_IPV6: return "ipv6";
	case DRT_DUALSTACK: return "dualstack";
	case DRT_SERVICE_DEFINED: return "service-defined";
	default: return "unset";
	}
}

/* IpAddressType from the addresses when left out; DnsRecordIpType defaults
 * to it; only the pairs AWS allows pass (facts §3). */
static void
resolve_address_types(struct topology *t, struct addr_index *ix, struct topo_endpoint *ep,
	struct diag *d)
{
	unsigned any = 0;
	for (unsigned i = 0; i < ep->n_enis; i++)
		any |= (ep->enis[i]->n_v4 ? IPF_V4 : 0) | (ep->enis[i]->n_v6 ? IPF_V6 : 0);
	if (!ep->ip_address_type)
		ep->ip_address_type = any ? any : IPF_V4;
	for (unsigned i = 0; i < ep->n_enis; i++) {
		struct topo_eni *e = ep->enis[i];
		fill_eni_addresses(t, ix, e, ep->ip_address_type, d);
		if (!e->address_failed && (((ep->ip_address_type & IPF_V4) && !e->n_v4) ||
		    ((ep->ip_address_type & IPF_V6) && !e->n_v6)))
			diag_error(d, e->src.file, e->src.line,
				"endpoint %s is %s, but its network interface %s has no %s address%s",
				ep->id, family_name(ep->ip_address_type), e->id,
				(ep->ip_address_type & IPF_V4) && !e->n_v4 ? "IPv4" : "IPv6",
				e->subnet ? "" : " and no known subnet to derive one from");
	}
	if (ep->dns_record_ip_type == DRT_UNSET)
		ep->dns_record_ip_type = ep->ip_address_type == IPF_V4 ? DRT_IPV4 :
			ep->ip_address_type == IPF_V6 ? DRT_IPV6 : DRT_DUALSTACK;
	bool ok = ep->ip_address_type == (IPF_V4 | IPF_V6) ||
		(ep->ip_address_type == IPF_V4 && ep->dns_record_ip_type == DRT_IPV4) ||
		(ep->ip_address_type == IPF_V6 && ep->dns_record_ip_type == DRT_IPV6);
	if (!ok)
		diag_error(d, ep->src.file, ep->dns_options_line ? ep->dns_options_line : ep->src.line,
			"endpoint %s: DnsRecordIpType %s is not allowed with IpAddressType %s "
			"(ipv4 allows ipv4, ipv6 allows ipv6, dualstack allows all)",
			ep->id, record_type_name(ep->dns_record_ip_type),
			family_name(ep->ip_address_type));
	if ((ep->ip_address_type & IPF_V6) && ep->service && !(ep->service->ip_types & IPF_V6))
		diag_warn(d, ep->src.file, ep->src.line,
			"endpoint %s is %s, but dnsd's catalog lists only IPv4 for %s",
			ep->id, family_name(ep->ip_address_type), ep->service_name);
}

/* Suffix and name domain from DnsEntries when given, else made up. */
static void
resolve_names(struct topology *t, struct topo_endpoint *ep)
{
	size_t idlen = strlen(ep->id);
	for (unsigned i = 0; i < ep->n_dns_names && !ep->suffix; i++) {
		const char *s = ep->dns_names[i];
		if (s[0] == '*' && s[1] == '.')
			s += 2;
		if (strncasecmp(s, ep->id, idlen) != 0 || s[idlen] != '-')
			continue;
		const char *rest = s + idlen + 1;
		const char *dot = strchr(rest, '.');
		if (dot && dot - rest == 8 && !memchr(rest, '-', 8)) {
			ep->suffix = arena_strndup(t->arena, rest, 8);
			ep->base_domain = arena_strdup(t->arena, dot + 1);
		}
	}
	if (!ep->suffix)
		ep->suffix = stable_suffix(t, ep->id);
	if (!ep->base_domain && ep->service)
		ep->base_domain = ep->service->base_domain;
}

static bool
name_listed(const char **names, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return true;
	return false;
}

static bool
is_endpoint_name(const struct topo_endpoint *ep, const char *name)
{
	if (name[0] == '*' && name[1] == '.')
		name += 2;
	return strncasecmp(name, ep->id, strlen(ep->id)) == 0 || strstr(name, ".vpce.amazonaws.com");
}

/* The hidden zones' names: the service's PrivateDnsNames, plus any other
 * name its DnsEntries show. */
static void
resolve_private_names(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	const struct topo_service *s = ep->service;
	if (!ep->private_dns || !s)
		return;
	if (s->endpoint_service && !s->verified) {
		diag_warn(d, ep->src.file, ep->src.line,
			"endpoint %s: the private DNS name of %s is not verified; it is not served",
			ep->id, s->name);
		return;
	}
	ep->private_names = arena_zalloc(t->arena, (s->n_private + ep->n_dns_names + 1) *
		sizeof(char *));
	if (!ep->private_names)
		return;
	for (unsigned i = 0; i < s->n_private; i++)
		ep->private_names[ep->n_private++] = s->private_names[i];
	for (unsigned i = 0; i < ep->n_dns_names; i++) {
		const char *n = ep->dns_names[i];
		if (is_endpoint_name(ep, n) || name_listed(ep->private_names, ep->n_private, n))
			continue;
		char canon[1024];
		if (!dname_canonical_text(n, canon, sizeof(canon))) {
			diag_error(d, ep->src.file, ep->src.line,
				"endpoint %s: DnsEntries name '%s' is not a valid name", ep->id, n);
			continue;
		}
		ep->private_names[ep->n_private++] = n;
	}
}

static bool
vpc_has_gateway(const struct topology *t, const struct topo_endpoint *ep)
{
	for (const struct topo_endpoint *g = t->endpoints; g; g = g->next)
		if (g->type == EP_GATEWAY && g->vpc_id && !strcmp(g->vpc_id, ep->vpc_id) &&
		    !strcmp(g->service_name, ep->service_name))
			return true;
	return false;
}

/* S3's PrivateDnsOnlyForInboundResolverEndpoint (facts §3): on by
 * default when a gateway endpoint exists; on without one AWS refuses. */
static void
resolve_inbound_only(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	bool applies = ep->service && (ep->service->flags & 2) && ep->private_dns;
	if (!applies) {
		if (ep->inbound_only == TRI_YES)
			diag_error(d, ep->src.file, ep->src.line,
				"endpoint %s: PrivateDnsOnlyForInboundResolverEndpoint applies only "
				"to S3 interface endpoints with private DNS", ep->id);
		ep->inbound_only = TRI_NO;
		return;
	}
	bool gateway = vpc_has_gateway(t, ep);
	if (ep->inbound_only == TRI_UNSET)
		ep->inbound_only = gateway ? TRI_YES : TRI_NO;
	else if (ep->inbound_only == TRI_YES && !gateway)
		diag_error(d, ep->src.file, ep->src.line,
			"To set PrivateDnsOnlyForInboundResolverEndpoint to true, the VPC %s "
			"must have a gateway endpoint for the service.", ep->vpc_id);
}

static bool
valid_endpoint_id(const char *id)
{
	size_t n = strlen(id);
	if (n < 6 || n > 40 || strncmp(id, "vpce-", 5) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
			return false;
	return true;
}

static void
resolve_endpoint(struct topology *t, struct addr_index *ix, struct topo_endpoint *ep,
	unsigned ordinal, struct diag *d)
{
	ep->vpc = strmap_get(&t->vpc_by_id, ep->vpc_id);
	if (!ep->vpc) {
		diag_error(d, ep->src.file, ep->src.line,
			"endpoint %s is in VPC %s, which no definition describes",
			ep->id ? ep->id : ep->service_name, ep->vpc_id);
		return;
	}
	if (!ep->state)
		ep->state = "available";
	if (!ep->id) {
		ep->id = topology_stable_id(t, &t->endpoint_by_id, "vpce-", ep->vpc_id,
			ep->service_name, ordinal);
		ep->id_generated = true;
		strmap_put(&t->endpoint_by_id, ep->id, ep);
	}
	if (!valid_endpoint_id(ep->id)) {
		diag_error(d, ep->src.file, ep->src.line,
			"endpoint id '%s' is not 'vpce-' and lowercase letters and digits "
			"(it becomes part of DNS names)", ep->id);
		return;
	}
	ep->service = service_for(t, ep, d);
	if (!ep->service)
		return;
	/* a cross-Region endpoint's service is in another region than its
	 * VPC (PL); the VPC's region comes from its subnets, else from here */
	const char *service_region = ep->service_region ? ep->service_region : ep->service->region;
	if (!ep->vpc->region && service_region) {
		ep->vpc->region = service_region;
		ep->vpc->region_src = ep->src;
	}
	ep->region = ep->vpc->region;
	if (ep->type != EP_INTERFACE) {
		if (ep->type != EP_GATEWAY)
			diag_warn(d, ep->src.file, ep->src.line,
				"endpoint %s: dnsd models no DNS for this endpoint type", ep->id);
		return;	/* gateway endpoints change no DNS (facts §6) */
	}
	if (ep->service->types && !(ep->service->types & 1))
		diag_error(d, ep->src.file, ep->src.line,
			"endpoint %s: %s offers no interface endpoints", ep->id, ep->service_name);
	link_endpoint_enis(t, ep, d);
	for (unsigned i = 0; i < ep->n_enis; i++) {
		struct topo_eni *e = ep->enis[i];
		if (!e->vpc_id)
			e->vpc_id = ep->vpc_id;
		if (!e->az)
			diag_error(d, e->src.file, e->src.line,
				"network interface %s of %s: give AvailabilityZone or SubnetId",
				e->id, ep->id);
		if (e->vpc_id && strcmp(e->vpc_id, ep->vpc_id) != 0)
			diag_error(d, e->src.file, e->src.line,
				"network interface %s is in %s, but endpoint %s is in %s",
				e->id, e->vpc_id, ep->id, ep->vpc_id);
	}
	resolve_address_types(t, ix, ep, d);
	resolve_names(t, ep);
	resolve_private_names(t, ep, d);
	resolve_inbound_only(t, ep, d);
	if (ep->n_enis == 0)
		diag_warn(d, ep->src.file, ep->src.line,
			"endpoint %s has no network interfaces: its names have no addresses", ep->id);
	if (strcmp(ep->state, "available") != 0 && strcmp(ep->state, "Available") != 0)
		diag_warn(d, ep->src.file, ep->src.line,
			"endpoint %s is '%s': dnsd serves the names of available endpoints only",
			ep->id, ep->state);
}

/* Two private-DNS endpoints for one name in one VPC: AWS refuses the second. */
static void
check_private_conflicts(struct topology *t, struct diag *d)
{
	struct strmap seen = STRMAP_INIT;
	for (struct topo_endpoint *ep = t->endpoints; ep; ep = ep->next) {
		for (unsigned i = 0; i < ep->n_private; i++) {
			char canon[1024];
			if (!ep->vpc || !dname_canonical_text(ep->private_names[i], canon, sizeof(canon)))
				continue;
			const char *key = arena_printf(t->arena, "%s %s", ep->vpc_id, canon);
			struct topo_endpoint *old = key ? strmap_put(&seen, key, ep) : NULL;
			if (old && old != ep) {
				diag_error(d, ep->src.file, ep->src.line,
					"private-dns-enabled cannot be set because there is already a "
					"conflicting DNS domain for %s in the VPC %s (endpoint %s at %s:%u)",
					ep->private_names[i], ep->vpc_id, old->id, old->src.file,
					old->src.line);
				break;	/* once per endpoint, as AWS refuses it once */
			}
		}
	}
	strmap_clear(&seen);
}

static void
check_health(struct topology *t, struct diag *d)
{
	for (struct topo_health *h = t->health; h; h = h->next) {
		if (h->eni_id && !strmap_get(&t->eni_by_id, h->eni_id))
			diag_warn(d, h->src.file, h->src.line,
				"health entry names network interface %s, which is not defined",
				h->eni_id);
		if (h->endpoint_id && !strmap_get(&t->endpoint_by_id, h->endpoint_id))
			diag_warn(d, h->src.file, h->src.line,
				"health entry names endpoint %s, which is not defined", h->endpoint_id);
	}
}

static void
check_default_vpc(struct topology *t, struct diag *d)
{
	if (t->default_vpc && !strmap_get(&t->vpc_by_id, t->default_vpc))
		diag_error(d, t->default_vpc_src.file, t->default_vpc_src.line,
			"DefaultVpc %s is not defined", t->default_vpc);
	unsigned n_default = 0;
	for (struct topo_vpc *v = t->vpcs; v; v = v->next)
		n_default += v->is_default;
	if (!t->default_vpc && n_default > 1)
		diag_warn(d, NULL, 0,
			"%u VPCs say IsDefault: clients outside every VPC CIDR get public "
			"answers only; set Dnsd: {DefaultVpc: …} to choose one", n_default);
}

int
topology_resolve(struct topology *t, struct diag *d)
{
	unsigned before = d->errors;
	struct addr_index ix = { STRMAP_INIT, t };
	apply_attributes(t, d);
	link_subnets(t, d);
	finish_user_services(t, d);
	for (struct topo_eni *e = t->enis; e; e = e->next) {
		link_eni(t, e, d);
		for (unsigned i = 0; i < e->n_v4; i++)
			addr_claim(&ix, e, &e->v4[i], d);
		for (unsigned i = 0; i < e->n_v6; i++)
			addr_claim(&ix, e, &e->v6[i], d);
	}
	unsigned ordinal = 0;
	for (struct topo_endpoint *ep = t->endpoints; ep; ep = ep->next)
		resolve_endpoint(t, &ix, ep, ordinal++, d);
	check_private_conflicts(t, d);
	defs_r53_resolve(t, d);
	defs_resolver_resolve(t, d);
	check_health(t, d);
	check_default_vpc(t, d);
	strmap_clear(&ix.map);
	return d->errors > before ? -1 : 0;
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
topology_eni_healthy(const struct topology *t, const struct topo_eni *eni)
{
	if (eni->status && strcmp(eni->status, "in-use") != 0)
		return false;
	if (eni->healthy == TRI_NO)
		return false;
	bool healthy = true;
	/* later entries win, so a file can mark an AZ down and one ENI up */
	for (const struct topo_health *h = t->health; h; h = h->next) {
		if (h->az && (!eni->az || strcmp(h->az, eni->az) != 0))
			continue;
		if (h->eni_id && (!eni->id || strcmp(h->eni_id, eni->id) != 0))
			continue;
		if (h->endpoint_id && (!eni->endpoint || !eni->endpoint->id ||
			    strcmp(h->endpoint_id, eni->endpoint->id) != 0))
			continue;
		healthy = h->healthy;
	}
	return healthy;
}
