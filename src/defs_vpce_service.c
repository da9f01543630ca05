/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_vpce_service.c - the ec2 family's endpoint services: describe-vpc-endpoint-services, dnsd's catalog, or names derived from a ServiceName. */
#include "config.h"
#include "defs_ec2.h"

#include "arena.h"
#include "catalog.h"
#include "diag.h"
#include "dname.h"

#include <string.h>

/* ---- reading ---- */

/** A ServiceDetails entry as written. */
struct service_in {
	struct topo_service s;
	const char **types, **base, **priv, **ip_types;
	unsigned n_types, n_base, n_priv, n_ip_types;
	const char *one_name, *verification;
};

#define SV(name, kind, m) DEFS_F(struct service_in, name, kind, m)
#define SVL(name, m, member) DEFS_L(struct service_in, name, m, n_##m, member)
static const struct defs_field service_fields[] = {
	DEFS_R(struct service_in, "ServiceName", DEFS_STR, s.name),
	SVL("ServiceType", types, "ServiceType"),
	SVL("BaseEndpointDnsNames", base, NULL),
	SVL("PrivateDnsNames", priv, "PrivateDnsName"),
	SV("PrivateDnsName", DEFS_STR, one_name),
	SVL("SupportedIpAddressTypes", ip_types, NULL),
	SV("PrivateDnsNameVerificationState", DEFS_STR, verification),
	SV("ServiceRegion", DEFS_STR, s.region),
	DEFS_IGNORED("ServiceId"), DEFS_IGNORED("AvailabilityZoneIds"),
	DEFS_IGNORED("AvailabilityZones"), DEFS_IGNORED("Owner"),
	DEFS_IGNORED("VpcEndpointPolicySupported"), DEFS_IGNORED("AcceptanceRequired"),
	DEFS_IGNORED("ManagesVpcEndpoints"), DEFS_IGNORED("PayerResponsibility"),
	DEFS_IGNORED("Tags"), DEFS_IGNORED("SupportedRegions"),
	DEFS_IGNORED("RemoteAccessEnabled"),
	DEFS_END
};
#undef SV
#undef SVL
static const struct defs_object service_object = { "a service", service_fields };

static const struct src *
service_src(void *p)
{
	return &((struct topo_service *)p)->src;
}

/* Bits for the names of a list that are in table (others are left out). */
static unsigned
bits_of(const char **names, unsigned n, const char *const *table, const unsigned *bits)
{
	unsigned out = 0;
	for (unsigned i = 0; i < n; i++)
		for (unsigned k = 0; table[k]; k++)
			if (strcmp(names[i], table[k]) == 0)
				out |= bits[k];
	return out;
}

static void
service_values(struct reader *r, struct service_in *in)
{
	static const char *const type_names[] = { "Interface", "Gateway", NULL };
	static const unsigned type_bits[] = { 1, 2 };
	static const char *const ip_names[] = { "ipv4", "ipv6", NULL };
	static const unsigned ip_bits[] = { IPF_V4, IPF_V6 };
	struct topo_service *s = &in->s;
	s->types = bits_of(in->types, in->n_types, type_names, type_bits);
	if (!s->types)
		s->types = 1;
	s->ip_types = bits_of(in->ip_types, in->n_ip_types, ip_names, ip_bits);
	if (!s->ip_types)
		s->ip_types = IPF_V4;
	if (in->n_base)
		s->base_domain = in->base[0];
	if (!in->n_priv && in->one_name && (in->priv = arena_alloc(r->t->arena, sizeof(char *)))) {
		in->priv[0] = in->one_name;
		in->n_priv = 1;
	}
	s->private_names = in->priv;
	s->n_private = in->n_priv;
	s->verified = !in->verification || strcmp(in->verification, "verified") == 0;
}

void
defs_vpce_read_service(struct reader *r, const struct doc_node *n)
{
	struct topology *t = r->t;
	struct service_in in = { .s = { .name = NULL } };
	if (!defs_read_object(r, n, &service_object, &in))
		return;
	service_values(r, &in);
	struct topo_service *s = defs_alloc(r, n, sizeof(*s));
	if (!s)
		return;
	*s = in.s;
	s->src = defs_src_at(r, n);
	if (!s->name)
		return;
	if (!defs_register_id(r, &t->service_by_name, s->name, s, &s->src, service_src, "service"))
		return;
	*t->services_tail = s;
	t->services_tail = &s->next;
	t->n_services++;
}

/* ---- resolving ---- */

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

/* Services from describe-vpc-endpoint-services: their BaseEndpointDnsNames[0]
 * is what endpoint names end in; else the catalog's label says it. */
void
defs_vpce_resolve_services(struct topology *t, struct diag *d)
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
		char near[256];
		bool close = catalog_suggest(ep->service_name, near, sizeof(near));
		diag_strict(d, ep->src.file, ep->src.line, 0,
			"service %s is not in dnsd's catalog%s%s%s: using label '%s' and private "
			"name '%s'; add its describe-vpc-endpoint-services output to be exact",
			ep->service_name, close ? " (did you mean " : "", close ? near : "",
			close ? "?)" : "", label, s->n_private ? s->private_names[0] : "-");
	} else {
		diag_error(d, ep->src.file, ep->src.line,
			"service %s is not in dnsd's catalog and its name does not say its region; "
			"add its describe-vpc-endpoint-services output", ep->service_name);
		return NULL;
	}
	strmap_put(&t->service_by_name, s->name, s);
	return s;
}

/* A catalog service in a region dnsd does not know: most likely a typo
 * ("us-esat-2"), which would make names no client asks for. Said once
 * per ServiceName: the service is kept for the next endpoints. */
static void
warn_unknown_region(const struct topo_endpoint *ep, const struct topo_service *s,
	struct diag *d)
{
	char near[256];
	if (!s->region || catalog_region_known(s->region))
		return;
	bool close = catalog_suggest(ep->service_name, near, sizeof(near));
	diag_strict(d, ep->src.file, ep->src.line, 0, "service %s: '%s' is not a region dnsd "
		"knows%s%s%s; its names are made for that region", ep->service_name, s->region,
		close ? " (did you mean " : "", close ? near : "", close ? "?)" : "");
}

const struct topo_service *
defs_vpce_service_for(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	struct topo_service *s = strmap_get(&t->service_by_name, ep->service_name);
	if (!s && (s = service_from_catalog(t, ep->service_name)) != NULL)
		warn_unknown_region(ep, s, d);
	if (!s)
		s = service_derived(t, ep, d);
	return s;
}
