/* SPDX-License-Identifier: BSD-3-Clause */
/* src/ec2zones.c - the zones AWS autodefines for EC2 names in each VPC: hostnames, reverse zones, public DNS names answered with private addresses. */
#include "config.h"
#include "ec2zones.h"

#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "hiddenzone.h"
#include "topology.h"
#include "wire.h"
#include "zonebuild.h"

#include <stdio.h>
#include <string.h>

#define MAX_REVERSE_ZONES 256	/* per VPC block: a /8 split into /16s */
#define NAME_TEXT 1100		/* a region (any length) in a domain's text */

/** One build. */
struct ec2z {
	struct topology *t;
	struct zb *b;
	struct diag *d;
};

/* What a VPC's zones were built with, for its instances' records. */
struct vpc_zones {
	uint8_t domain[DNAME_MAX];	/* ip-…/i-… names end so */
	int domain_len;
	uint8_t pub[DNAME_MAX];		/* public DNS names end so */
	int pub_len;
};

/* The domain's text; false when the region does not fit the buffer. */
static bool
domain_text(const char *region, char *text, size_t size)
{
	int n = !strcmp(region, "us-east-1") ? snprintf(text, size, "ec2.internal") :
		snprintf(text, size, "%s.compute.internal", region);
	return n > 0 && (size_t)n < size;
}

int
ec2zones_domain(const char *region, uint8_t *wire)
{
	char text[NAME_TEXT];
	return domain_text(region, text, sizeof(text)) ? dname_from_text(text, wire, NULL) : -1;
}

/* us-east-1's public names end in compute-1.amazonaws.com (VPC User Guide,
 * "DNS hostnames"). */
static int
public_domain(const char *region, uint8_t *wire)
{
	char text[NAME_TEXT];
	if (!strcmp(region, "us-east-1"))
		snprintf(text, sizeof(text), "compute-1.amazonaws.com");
	else
		snprintf(text, sizeof(text), "%s.compute.amazonaws.com", region);
	return dname_from_text(text, wire, NULL);
}

static bool
vpc_zones_of(const struct topo_vpc *v, struct vpc_zones *z)
{
	z->domain_len = ec2zones_domain(v->region, z->domain);
	z->pub_len = public_domain(v->region, z->pub);
	return z->domain_len > 0 && z->pub_len > 0;
}

/* ---- zones ---- */

/** The VPC and view a zone is added for. */
struct ec2_ctx {
	struct ec2z *e;
	unsigned view;
	const struct netprefix *v4;
	unsigned n_v4;
	const uint8_t *domain;
	size_t domain_len;
};

/* The reverse zones of an IPv4 block: /16 -> "0.10.in-addr.arpa", a /23 ->
 * two /24 zones (R53 "autodefined rules"). */
static void
reverse_zone_names(const struct netprefix *p, void (*fn)(void *, const char *), void *ctx)
{
	unsigned octets = (p->len + 7) / 8;
	if (octets == 0 || octets > 3)
		octets = octets == 0 ? 1 : 3;
	/* a block longer than /24 lies in one /24 zone */
	unsigned extra = octets * 8 > p->len ? octets * 8 - p->len : 0;
	unsigned count = extra >= 8 ? MAX_REVERSE_ZONES : 1u << extra;
	for (unsigned k = 0; k < count && k < MAX_REVERSE_ZONES; k++) {
		uint8_t b[4];
		memcpy(b, p->addr.bytes, 4);
		b[octets - 1] = (uint8_t)(b[octets - 1] + k);
		char text[64] = "";
		for (unsigned i = octets; i-- > 0;)
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "%u.", b[i]);
		strncat(text, "in-addr.arpa", sizeof(text) - strlen(text) - 1);
		fn(ctx, text);
	}
}

static void
add_reverse_zone(void *arg, const char *text)
{
	struct ec2_ctx *c = arg;
	uint8_t apex[DNAME_MAX];
	int len = dname_from_text(text, apex, NULL);
	if (len < 0 || zb_zone_find(c->e->b, c->view, apex, (size_t)len, -1))
		return;
	struct zb_zone *z = hiddenzone_default_zone(c->e->b, c->view, apex, (size_t)len,
		ZONE_EC2_REVERSE, "autodefined reverse zone", true);
	if (z)
		zb_zone_set_ec2(z, c->v4, c->n_v4, c->domain, c->domain_len);
}

/* The zones of one view of a VPC. */
static void
add_view_zones(struct ec2_ctx *c, const struct vpc_zones *vz)
{
	static const char *const private_ranges[] = {
		"10.in-addr.arpa", "168.192.in-addr.arpa", "254.169.254.169.in-addr.arpa",
	};
	struct zb_zone *z = hiddenzone_default_zone(c->e->b, c->view, c->domain, c->domain_len,
		ZONE_EC2, "autodefined EC2 hostnames", true);
	if (z)
		zb_zone_set_ec2(z, c->v4, c->n_v4, c->domain, c->domain_len);
	for (unsigned k = 0; k < c->n_v4; k++)
		reverse_zone_names(&c->v4[k], add_reverse_zone, c);
	for (size_t k = 0; k < sizeof(private_ranges) / sizeof(private_ranges[0]); k++)
		add_reverse_zone(c, private_ranges[k]);
	for (unsigned k = 16; k < 32; k++) {
		char text[32];
		snprintf(text, sizeof(text), "%u.172.in-addr.arpa", k);
		add_reverse_zone(c, text);
	}
	hiddenzone_default_zone(c->e->b, c->view, vz->pub, (size_t)vz->pub_len, ZONE_PUBLIC,
		"autodefined EC2 public DNS names", false);
}

/* The views a VPC's zones go into: its own, and the one for queries
 * through its inbound endpoints. */
static unsigned
vpc_views(const struct topo_vpc *v, unsigned views[2])
{
	unsigned n = 0;
	if (v->view >= 0)
		views[n++] = (unsigned)v->view;
	if (v->inbound_view >= 0)
		views[n++] = (unsigned)v->inbound_view;
	return n;
}

/* Whether a zone or rule of the view covers a name (or a name below it). */
static bool
view_covers(struct ec2z *e, unsigned view, const uint8_t *name, size_t len)
{
	for (const uint8_t *s = name; len > 1; len -= (size_t)s[0] + 1, s += (size_t)s[0] + 1)
		if (zb_zone_find(e->b, view, s, len, ZONE_LOCAL) ||
		    zb_zone_find(e->b, view, s, len, ZONE_FORWARD) ||
		    zb_zone_find(e->b, view, s, len, ZB_SYSTEM))
			return true;
	return false;
}

/*
 * A custom domain-name in the VPC's DHCP options is what instances append
 * to unqualified names (and their guest OS host name's domain); the
 * Resolver answers EC2 names in the Region's domain only (VPC User Guide,
 * "DHCP option sets": "To change these to custom DNS hostnames, you must
 * set domain-name-servers to a custom DNS server"). Names under it resolve
 * like any other name: say so when nothing of the VPC's covers it.
 */
static void
check_dhcp_domain(struct ec2z *e, const struct topo_vpc *v, const struct vpc_zones *vz)
{
	char first[256], region_domain[NAME_TEXT];
	uint8_t wire[DNAME_MAX];
	if (!v->domain_name || v->view < 0)
		return;
	snprintf(first, sizeof(first), "%s", v->domain_name);
	first[strcspn(first, " \t")] = 0;	/* several domains: Linux takes them all */
	int len = dname_from_text(first, wire, NULL);
	if (len < 0 || (len == vz->domain_len && dname_equal(wire, (size_t)len, vz->domain,
		    (size_t)len)) || view_covers(e, (unsigned)v->view, wire, (size_t)len))
		return;
	dname_to_text(vz->domain, region_domain, sizeof(region_domain));
	diag_warn(e->d, v->dhcp_src.file, v->dhcp_src.line, "VPC %s: DHCP domain-name %s is not "
		"the Region's %s: the Resolver does not answer instances' host names under it "
		"(ip-….%s), and no private hosted zone or rule of the VPC covers it", v->id,
		first, region_domain, first);
}

/* EC2 hostnames and reverse zones exist when both DNS attributes are on
 * (R53 autodefined rules; VPCDNS). */
static void
add_vpc_zones(struct ec2z *e, struct topo_vpc *v)
{
	struct vpc_zones vz;
	if (!topology_vpc_private_dns(v) || !v->region)
		return;
	if (!vpc_zones_of(v, &vz)) {
		char text[NAME_TEXT];
		const char *why = "too long";
		uint8_t wire[DNAME_MAX];
		if (domain_text(v->region, text, sizeof(text)))
			dname_from_text(text, wire, &why);
		else
			snprintf(text, sizeof(text), "%.40s….compute.internal", v->region);
		diag_error(e->d, v->region_src.file, v->region_src.line,
			"EC2 hostnames of its region '%s': %s", text, why);
		return;
	}
	/* the builder's arena: the model is built from again (health rebuilds) */
	struct netprefix *v4 = arena_zalloc(zb_arena(e->b), (v->n_cidrs + 1) * sizeof(*v4));
	uint8_t *dwire = arena_memdup(zb_arena(e->b), vz.domain, (size_t)vz.domain_len);
	unsigned n_v4 = 0;
	if (!v4 || !dwire)
		return;
	for (unsigned i = 0; i < v->n_cidrs; i++)
		if (v->cidrs[i].addr.family == AF_INET)
			v4[n_v4++] = v->cidrs[i];
	unsigned views[2], nv = vpc_views(v, views);
	for (unsigned i = 0; i < nv; i++) {
		struct ec2_ctx c = { e, views[i], v4, n_v4, dwire, (size_t)vz.domain_len };
		add_view_zones(&c, &vz);
	}
	check_dhcp_domain(e, v, &vz);
}

/* ---- records ---- */

static void
add_record(struct ec2z *e, struct zb_zone *z, const uint8_t *owner, size_t len, uint16_t type,
	const uint8_t *rdata, size_t rdlen, const struct src *src, const char *what)
{
	const char *why;
	if (z && zb_rr_add(e->b, z, owner, len, type, EC2_NAME_TTL, rdata, (uint16_t)rdlen,
		    &why) < 0)
		diag_error(e->d, src->file, src->line, "%s: %s", what, why);
}

/* label + domain as a wire name: false when the label is not letters,
 * digits and hyphens (a host name's), or the name does not fit. */
static bool
join(const char *label, const uint8_t *domain, size_t dlen, uint8_t *out, size_t *len)
{
	size_t l = strlen(label);
	if (l == 0 || l > 63 || 1 + l + dlen > DNAME_MAX)
		return false;
	for (size_t i = 0; i < l; i++)
		if (!((label[i] >= 'a' && label[i] <= 'z') || (label[i] >= 'A' && label[i] <= 'Z') ||
		      (label[i] >= '0' && label[i] <= '9') || label[i] == '-'))
			return false;
	out[0] = (uint8_t)l;
	for (size_t i = 0; i < l; i++)
		out[1 + i] = (uint8_t)(label[i] >= 'A' && label[i] <= 'Z' ? label[i] + 32 : label[i]);
	memcpy(out + 1 + l, domain, dlen);
	*len = 1 + l + dlen;
	return true;
}

/* The most specific reverse zone of a view holding an IPv4 address's PTR name. */
static struct zb_zone *
reverse_zone_of(struct ec2z *e, unsigned view, const uint8_t *owner, size_t len)
{
	const uint8_t *s = owner;
	size_t l = len;
	while (l > 1) {
		struct zb_zone *z = zb_zone_find(e->b, view, s, l, ZONE_EC2_REVERSE);
		if (z)
			return z;
		l -= (size_t)s[0] + 1;
		s += (size_t)s[0] + 1;
	}
	return NULL;
}

static size_t
ptr_owner(const struct netaddr *a, uint8_t *out)
{
	char text[64];
	snprintf(text, sizeof(text), "%u.%u.%u.%u.in-addr.arpa", a->bytes[3], a->bytes[2],
		a->bytes[1], a->bytes[0]);
	int n = dname_from_text(text, out, NULL);
	return n > 0 ? (size_t)n : 0;
}

/*
 * A resource name answers A and AAAA as its options say, in the
 * instance's VPC (EC2 User Guide, "Amazon EC2 instance hostname types":
 * the IP name always answers A, made up per query). The reverse name of
 * a resource-name instance's address gives its resource name (dnsd's
 * choice: AWS does not say; the IP name otherwise, per query).
 */
static void
add_instance(struct ec2z *e, const struct topo_instance *ins, const struct vpc_zones *vz)
{
	uint8_t name[DNAME_MAX], rev[DNAME_MAX];
	size_t len;
	if (!join(ins->id, vz->domain, (size_t)vz->domain_len, name, &len)) {
		diag_warn(e->d, ins->src.file, ins->src.line, "instance id '%s' makes no host "
			"name; its resource name is left out", ins->id);
		return;
	}
	unsigned views[2], nv = vpc_views(ins->vpc, views);
	bool a = ins->rn_a == TRI_YES && ins->has_v4, aaaa = ins->rn_aaaa == TRI_YES && ins->has_v6;
	for (unsigned i = 0; i < nv; i++) {
		struct zb_zone *z = zb_zone_find(e->b, views[i], vz->domain, (size_t)vz->domain_len,
			ZONE_EC2);
		if (a)
			add_record(e, z, name, len, DNS_TYPE_A, ins->v4.bytes, 4, &ins->src, ins->id);
		if (aaaa)
			add_record(e, z, name, len, DNS_TYPE_AAAA, ins->v6.bytes, 16, &ins->src,
				ins->id);
		size_t rl = a && ins->hostname_type == HOSTNAME_RESOURCE_NAME ?
			ptr_owner(&ins->v4, rev) : 0;
		if (rl)
			add_record(e, reverse_zone_of(e, views[i], rev, rl), rev, rl, DNS_TYPE_PTR,
				name, len, &ins->src, ins->id);
	}
}

/* ec2-203-0-113-25.<public domain> answers the private address from
 * inside the VPC (VPC User Guide, "DNS hostnames": "to the private IPv4
 * address of the instance from within the network of the instance"). */
static void
add_publics(struct ec2z *e, const struct topo_vpc *v, const struct topo_public *p, unsigned n,
	const struct vpc_zones *vz, const struct src *src)
{
	unsigned views[2], nv = vpc_views(v, views);
	for (unsigned k = 0; k < n; k++) {
		char label[32];
		uint8_t name[DNAME_MAX];
		size_t len;
		const uint8_t *b = p[k].public_ip.bytes;
		snprintf(label, sizeof(label), "ec2-%u-%u-%u-%u", b[0], b[1], b[2], b[3]);
		if (!join(label, vz->pub, (size_t)vz->pub_len, name, &len))
			continue;
		for (unsigned i = 0; i < nv; i++)
			add_record(e, zb_zone_find(e->b, views[i], vz->pub, (size_t)vz->pub_len,
				ZONE_PUBLIC), name, len, DNS_TYPE_A, p[k].private_ip.bytes, 4, src,
				"public DNS name");
	}
}

static void
add_records(struct ec2z *e)
{
	struct vpc_zones vz;
	for (const struct topo_instance *ins = e->t->instances; ins; ins = ins->next) {
		if (!ins->vpc || !topology_vpc_private_dns(ins->vpc) || !ins->vpc->region ||
		    (ins->state && !strcmp(ins->state, "terminated")) || !vpc_zones_of(ins->vpc, &vz))
			continue;
		add_instance(e, ins, &vz);
		add_publics(e, ins->vpc, ins->publics, ins->n_publics, &vz, &ins->src);
	}
	for (const struct topo_eni *n = e->t->enis; n; n = n->next) {
		const struct topo_vpc *v = n->n_publics && n->vpc_id ?
			strmap_get(&e->t->vpc_by_id, n->vpc_id) : NULL;
		if (v && topology_vpc_private_dns(v) && v->region && vpc_zones_of(v, &vz))
			add_publics(e, v, n->publics, n->n_publics, &vz, &n->src);
	}
}

int
ec2zones_build(struct topology *t, struct zb *b, struct diag *d)
{
	struct ec2z e = { t, b, d };
	unsigned before = d->errors;
	for (struct topo_vpc *v = t->vpcs; v; v = v->next)
		add_vpc_zones(&e, v);
	add_records(&e);
	return d->errors > before ? -1 : 0;
}
