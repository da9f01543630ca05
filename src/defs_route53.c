/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_route53.c - the route53 family: read hosted zones and their VPC associations, place record sets and zone files in their zones. */
#include "config.h"
#include "defs_route53.h"

#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "doc.h"
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

/* ---- finding zones ---- */

static bool
is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* "Z" and 21 of [0-9A-Z], as Route 53 zone ids are. */
static const char *
zone_id_generate(struct topology *t, const char *name, const char *vpc)
{
	static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	for (unsigned n = 0;; n++) {
		uint64_t h[2] = { topology_stable_hash(name, vpc, n),
			topology_stable_hash(vpc, name, n + 1) };
		char id[23];
		id[0] = 'Z';
		for (int i = 0; i < 21; i++) {
			uint64_t *p = &h[i < 12 ? 0 : 1];
			id[1 + i] = digits[*p % 36];
			*p /= 36;
		}
		id[22] = 0;
		if (!strmap_get(&t->zone_by_id, id))
			return arena_strdup(t->arena, id);
	}
}

struct topo_hosted_zone *
defs_route53_zone_by_name(struct topology *t, const char *name, unsigned *count)
{
	struct topo_hosted_zone *found = NULL;
	*count = 0;
	for (struct topo_hosted_zone *z = t->zones; z; z = z->next) {
		if (strcmp(z->name, name) == 0) {
			if (!found)
				found = z;
			(*count)++;
		}
	}
	return found;
}

/* Hosted zone ids ("Z" and 8 to 32 of [0-9A-Z]) written in a path, one
 * after the other: *pos carries on the search. */
static bool
next_zone_id_in(const char *path, size_t *pos, char *out, size_t size)
{
	for (size_t i = *pos; path[i]; i++) {
		if (path[i] != 'Z' || (i > 0 && is_alnum(path[i - 1])))
			continue;
		size_t n = 1;
		while ((path[i + n] >= '0' && path[i + n] <= '9') ||
		       (path[i + n] >= 'A' && path[i + n] <= 'Z'))
			n++;
		if (n < 9 || n > 33 || is_alnum(path[i + n]) || n >= size)
			continue;
		memcpy(out, path + i, n);
		out[n] = 0;
		*pos = i + n;
		return true;
	}
	return false;
}

struct topo_hosted_zone *
defs_route53_zone_from_path(struct topology *t, const char *path, const char *name, char *seen,
	size_t seen_size)
{
	char id[40];
	size_t pos = 0;
	while (next_zone_id_in(path, &pos, id, sizeof(id))) {
		struct topo_hosted_zone *z = strmap_get(&t->zone_by_id, id);
		if (seen && !*seen)
			snprintf(seen, seen_size, "%s", id);
		if (z && (!name || strcmp(z->name, name) == 0))
			return z;
	}
	return NULL;
}

/* ---- VPC associations ---- */

static bool
zone_vpcs_grow(struct topology *t, struct topo_hosted_zone *z)
{
	unsigned cap = z->cap_vpcs ? z->cap_vpcs * 2 : 4;
	const char **ids = arena_alloc(t->arena, cap * sizeof(*ids));
	struct topo_zone_vpc *info = arena_alloc(t->arena, cap * sizeof(*info));
	if (!ids || !info)
		return false;
	if (z->n_vpcs) {
		memcpy(ids, z->vpc_ids, z->n_vpcs * sizeof(*ids));
		memcpy(info, z->vpc_info, z->n_vpcs * sizeof(*info));
	}
	z->vpc_ids = ids;
	z->vpc_info = info;
	z->cap_vpcs = cap;
	return true;
}

static void
zone_add_vpc(struct reader *r, struct topo_hosted_zone *z, const char *vpc_id,
	const char *region, struct src src)
{
	for (unsigned i = 0; i < z->n_vpcs; i++) {
		if (strcmp(z->vpc_ids[i], vpc_id) == 0) {
			if (!z->vpc_info[i].region)
				z->vpc_info[i].region = region;
			return;
		}
	}
	if (z->n_vpcs == z->cap_vpcs && !zone_vpcs_grow(r->t, z)) {
		diag_error(r->d, src.file, src.line, "out of memory");
		return;
	}
	z->vpc_ids[z->n_vpcs] = vpc_id;
	z->vpc_info[z->n_vpcs].region = region;
	z->vpc_info[z->n_vpcs].src = src;
	z->n_vpcs++;
}

/** A VPC association as written. */
struct zone_vpc_in {
	const char *id, *region;
};

static const struct defs_field zone_vpc_fields[] = {
	DEFS_R(struct zone_vpc_in, "VPCId", DEFS_STR, id),
	DEFS_F(struct zone_vpc_in, "VPCRegion", DEFS_STR, region),
	DEFS_END
};
static const struct defs_object zone_vpc_object = { "a VPC association", zone_vpc_fields };

/* VPCs: [{VPCId, VPCRegion}], VPCIds: [vpc-…] or VPC: {VPCId, VPCRegion}. */
static void
read_zone_vpcs(struct reader *r, const struct doc_node *v, const char *key,
	struct topo_hosted_zone *z)
{
	if (!v)
		return;
	size_t n = v->kind == DOC_SEQ ? v->count : 1;
	if (v->kind == DOC_SCALAR) {
		diag_error(r->d, r->file, v->line, "%s must be a list of VPCs", key);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct doc_node *it = v->kind == DOC_SEQ ? v->items[i] : v;
		struct zone_vpc_in in = { NULL, NULL };
		if (it->kind == DOC_MAP)
			defs_read_object(r, it, &zone_vpc_object, &in);
		else if (doc_str(it) && *doc_str(it))
			in.id = defs_copy_str(r, doc_str(it));
		else
			diag_error(r->d, r->file, it->line, "%s holds a %s where a VPC belongs", key,
				doc_kind_name(it->kind));
		if (in.id)
			zone_add_vpc(r, z, in.id, in.region, defs_src_at(r, it));
	}
}

/* ---- hosted zones ---- */

/** A HostedZones entry (or get-hosted-zone's HostedZone) as written. */
struct zone_in {
	const char *id, *name;
	const struct doc_node *config, *vpcs, *vpc_ids, *rrsets, *zone_file;
};

#define Z(name, kind, m) DEFS_F(struct zone_in, name, kind, m)
static const struct defs_field zone_fields[] = {
	Z("Id", DEFS_STR, id),
	DEFS_R(struct zone_in, "Name", DEFS_STR, name),
	Z("Config", DEFS_MAP, config),
	Z("VPCs", DEFS_NODE, vpcs),
	Z("VPCIds", DEFS_NODE, vpc_ids),
	Z("ResourceRecordSets", DEFS_NODE, rrsets),
	Z("ZoneFile", DEFS_NODE, zone_file),
	DEFS_IGNORED("CallerReference"), DEFS_IGNORED("ResourceRecordSetCount"),
	DEFS_IGNORED("LinkedService"), DEFS_IGNORED("Features"),
	DEFS_END
};
#undef Z
static const struct defs_object zone_object = { "a hosted zone", zone_fields };

/** A hosted zone's Config as written. */
struct config_in {
	int private_zone;
};

static const struct defs_field config_fields[] = {
	DEFS_F(struct config_in, "PrivateZone", DEFS_BOOL, private_zone),
	DEFS_IGNORED("Comment"),
	DEFS_END
};
static const struct defs_object config_object = { "a hosted zone Config", config_fields };

/** get-hosted-zone output as written (its HostedZone is read as a zone). */
struct get_in {
	const struct doc_node *vpcs, *vpc, *rrsets;
};

static const struct defs_field get_fields[] = {
	DEFS_IGNORED("HostedZone"),
	DEFS_F(struct get_in, "VPCs", DEFS_NODE, vpcs),
	DEFS_F(struct get_in, "VPC", DEFS_NODE, vpc),
	DEFS_F(struct get_in, "ResourceRecordSets", DEFS_NODE, rrsets),
	DEFS_IGNORED("DelegationSet"), DEFS_IGNORED("ChangeInfo"), DEFS_IGNORED("Location"),
	DEFS_END
};
static const struct defs_object get_object = { "get-hosted-zone output", get_fields };

static const struct src *
zone_src(void *p)
{
	return &((struct topo_hosted_zone *)p)->src;
}

/* Merge a zone read again (get-hosted-zone after list-hosted-zones, or
 * the other way round) into the first one. */
static struct topo_hosted_zone *
zone_merge(struct reader *r, struct topo_hosted_zone *old, struct topo_hosted_zone *nz)
{
	if ((nz->got && old->got) || (nz->listed && old->listed)) {
		diag_error(r->d, r->file, nz->src.line, "hosted zone %s is defined twice "
			"(first at %s:%u)", old->id, old->src.file, old->src.line);
		return NULL;
	}
	if (strcmp(old->name, nz->name) != 0 || old->private_zone != nz->private_zone) {
		diag_error(r->d, r->file, nz->src.line, "hosted zone %s is %s %s here, but %s %s "
			"at %s:%u", old->id, nz->private_zone ? "private" : "public",
			nz->name, old->private_zone ? "private" : "public", old->name,
			old->src.file, old->src.line);
		return NULL;
	}
	for (unsigned i = 0; i < nz->n_vpcs; i++)
		zone_add_vpc(r, old, nz->vpc_ids[i], nz->vpc_info[i].region, nz->vpc_info[i].src);
	old->got |= nz->got;
	old->listed |= nz->listed;
	return old;
}

/* The model's zone for what was read: new, or the same id read before. */
static struct topo_hosted_zone *
zone_enter(struct reader *r, struct topo_hosted_zone *nz)
{
	struct topology *t = r->t;
	struct topo_hosted_zone *z = strmap_get(&t->zone_by_id, nz->id);
	if (z)
		return zone_merge(r, z, nz);
	if (!defs_register_id(r, &t->zone_by_id, nz->id, nz, &nz->src, zone_src, "hosted zone"))
		return NULL;
	*t->zones_tail = nz;
	t->zones_tail = &nz->next;
	t->n_zones++;
	return nz;
}

/* A zone of the name it was given; NULL (reported) when it cannot be one. */
static struct topo_hosted_zone *
zone_named(struct reader *r, const struct doc_node *n, const struct zone_in *in)
{
	uint8_t wire[DNAME_MAX];
	char text[NAME_TEXT_MAX];
	size_t wlen;
	const char *why = NULL;
	if (in->id && !*in->id) {
		diag_error(r->d, r->file, doc_get(n, "Id")->line, "a hosted zone: Id is empty");
		return NULL;
	}
	if (!in->name)
		return NULL;
	if (!defs_r53_name(in->name, wire, &wlen, text, &why)) {
		diag_error(r->d, r->file, doc_get(n, "Name")->line,
			"hosted zone: '%s' is not a domain name (%s)", in->name, why);
		return NULL;
	}
	struct topo_hosted_zone *z = defs_alloc(r, n, sizeof(*z));
	if (!z || !(z->name = arena_strdup(r->t->arena, text)) ||
	    !(z->wire = arena_memdup(r->t->arena, wire, wlen)))
		return NULL;
	z->wlen = (uint8_t)wlen;
	z->src = defs_src_at(r, n);
	z->rrs_tail = &z->rrs;
	z->private_zone = true;	/* dnsd serves private zones: the default by hand */
	return z;
}

static void
zone_config(struct reader *r, const struct zone_in *in, struct topo_hosted_zone *z)
{
	struct config_in config = { TRI_UNSET };
	if (!in->config)
		return;
	defs_read_object(r, in->config, &config_object, &config);
	z->private_zone = config.private_zone != TRI_NO;
}

static void
zone_vpcs(struct reader *r, const struct zone_in *in, const struct get_in *get,
	struct topo_hosted_zone *z)
{
	read_zone_vpcs(r, in->vpcs, "VPCs", z);
	read_zone_vpcs(r, in->vpc_ids, "VPCIds", z);
	if (get) {
		read_zone_vpcs(r, get->vpcs, "VPCs", z);
		read_zone_vpcs(r, get->vpc, "VPC", z);
	}
	if (!z->private_zone && z->n_vpcs) {
		diag_error(r->d, r->file, z->vpc_info[0].src.line, "hosted zone %s is public: a "
			"public hosted zone cannot be associated with a VPC", z->name);
		z->n_vpcs = 0;
	}
}

/* A path in a definitions file is relative to that file's directory. */
static const char *
relative_to(struct reader *r, const char *path)
{
	const char *slash = strrchr(r->file, '/');
	if (path[0] == '/' || !slash)
		return path;
	return arena_printf(r->t->arena, "%.*s/%s", (int)(slash - r->file), r->file, path);
}

/* The zone's own records: ResourceRecordSets in it, in get-hosted-zone
 * output, and its ZoneFile. */
static void
zone_records(struct reader *r, const struct zone_in *in, const struct get_in *get,
	struct topo_hosted_zone *z)
{
	struct topo_rr_list l;
	defs_rr_list_init(&l);
	if (in->rrsets)
		defs_rrset_read_list(r, in->rrsets, &l);
	if (get && get->rrsets)
		defs_rrset_read_list(r, get->rrsets, &l);
	defs_rr_splice(z, &l);
	if (!in->zone_file)
		return;
	const char *file = defs_str_value(r, in->zone_file, "ZoneFile", "a hosted zone");
	struct src at = defs_src_at(r, in->zone_file);
	const char *path = file ? relative_to(r, file) : NULL;
	if (path)
		defs_zonefile_load(r->t, path, r->d, z, &at);
}

/* A HostedZones entry, or the HostedZone of get-hosted-zone (then get
 * holds its VPCs and maybe records). */
static void
read_zone_of(struct reader *r, const struct doc_node *n, const struct get_in *get)
{
	struct zone_in in = { NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	if (!defs_read_object(r, n, &zone_object, &in))
		return;
	in.id = defs_strip_prefix(in.id, "/hostedzone/");
	struct topo_hosted_zone *nz = zone_named(r, n, &in);
	if (!nz)
		return;
	nz->got = get != NULL;
	nz->listed = get == NULL;
	zone_config(r, &in, nz);
	zone_vpcs(r, &in, get, nz);
	nz->id = in.id ? in.id : zone_id_generate(r->t, nz->name,
		nz->n_vpcs ? nz->vpc_ids[0] : NULL);
	struct topo_hosted_zone *z = nz->id ? zone_enter(r, nz) : NULL;
	if (z)
		zone_records(r, &in, get, z);
}

static void
zone_item(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	(void)doc;
	read_zone_of(r, n, NULL);
}

/* get-hosted-zone output: one zone with its VPCs. */
static bool
read_get_hosted_zone(struct reader *r, const struct doc_node *doc)
{
	const struct doc_node *zone = doc_get(doc, "HostedZone");
	struct get_in get = { NULL, NULL, NULL };
	if (!zone)
		return false;
	defs_read_object(r, doc, &get_object, &get);
	read_zone_of(r, zone, &get);
	return true;
}

/* ---- record sets of list-resource-record-sets ---- */

/* The zone may be declared in a later file: kept until resolved. */
static void
read_rr_batch(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v)
{
	struct topology *t = r->t;
	struct topo_rr_batch *b = defs_alloc(r, v, sizeof(*b));
	(void)key;
	if (!b)
		return;
	defs_rr_list_init(&b->rrs);
	b->src = defs_src_at(r, v);
	b->zone_id = defs_strip_prefix(defs_str_field(r, doc, "HostedZoneId", false,
		"the document"), "/hostedzone/");
	if (b->zone_id)
		b->zone_id_src = defs_src_at(r, doc_get(doc, "HostedZoneId"));
	defs_rrset_read_list(r, v, &b->rrs);
	*t->rr_batches_tail = b;
	t->rr_batches_tail = &b->next;
}

static void
read_zone_id(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v)
{
	(void)key;
	if (!doc_get(doc, "ResourceRecordSets") && !doc_get(doc, "HostedZones"))
		diag_warn(r->d, r->file, v->line, "HostedZoneId says which zone "
			"ResourceRecordSets belong to; there are none here, ignored");
}

/* The zone of a batch without HostedZoneId: the id in its file name, else
 * the one zone named like its SOA. */
static struct topo_hosted_zone *
batch_zone_by_file(struct topology *t, const struct topo_rr_batch *b, struct diag *d)
{
	char seen[40] = "";
	unsigned count = 0;
	struct topo_hosted_zone *z = defs_route53_zone_from_path(t, b->src.file, NULL, seen,
		sizeof(seen));
	if (!z && b->rrs.soa_name && !b->rrs.soa_ambiguous) {
		z = defs_route53_zone_by_name(t, b->rrs.soa_name, &count);
		if (count != 1)
			z = NULL;
	}
	if (!z)
		diag_error(d, b->src.file, b->src.line, "cannot tell which hosted zone "
			"these records belong to: add HostedZoneId: … to the document "
			"or put the zone id in the file name%s%s%s",
			*seen ? " (it names " : "", seen, *seen ? ", which is not declared)" : "");
	return z;
}

static void
attach_batches(struct topology *t, struct diag *d)
{
	for (struct topo_rr_batch *b = t->rr_batches; b; b = b->next) {
		struct topo_hosted_zone *z = NULL;
		if (b->zone_id) {
			z = strmap_get(&t->zone_by_id, b->zone_id);
			if (!z)
				diag_error(d, b->zone_id_src.file, b->zone_id_src.line, "HostedZoneId "
					"%s: no HostedZones entry or get-hosted-zone output declares "
					"that zone", b->zone_id);
		} else if (b->rrs.n) {
			z = batch_zone_by_file(t, b, d);
		}
		if (z)
			defs_rr_splice(z, &b->rrs);
	}
	t->rr_batches = NULL;
	t->rr_batches_tail = &t->rr_batches;
}

/* ---- the family ---- */

static int
read_zone_file(struct topology *t, const char *path, struct diag *d)
{
	return defs_zonefile_load(t, path, d, NULL, NULL);
}

static void
route53_resolve(struct topology *t, struct diag *d)
{
	attach_batches(t, d);
	defs_zonecheck(t, d);
	defs_healthcheck_resolve(t, d);
}

/* HealthCheckId or CollectionId beside the output that does not print it. */
static void
read_id_key(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v)
{
	const char *of = strcmp(key, "HealthCheckId") == 0 ? "HealthCheckObservations" :
		"CidrBlocks";
	if (!doc_get(doc, of))
		diag_warn(r->d, r->file, v->line, "%s says which object %s belongs to; there is "
			"none here, ignored", key, of);
}

static const struct defs_key route53_keys[] = {
	{ "HostedZones", zone_item, NULL, true },
	{ "ResourceRecordSets", NULL, read_rr_batch, true },
	{ "HostedZoneId", NULL, read_zone_id, false },
	{ "HealthChecks", defs_healthcheck_read_item, NULL, true },
	{ "HealthCheck", defs_healthcheck_read_item, NULL, true },
	{ "HealthCheckObservations", NULL, defs_healthcheck_read_status, true },
	{ "HealthCheckId", NULL, read_id_key, false },
	{ "CidrCollections", defs_cidr_read_collection, NULL, true },
	{ "CidrBlocks", NULL, defs_cidr_read_blocks, true },
	{ "CidrLocations", NULL, defs_cidr_read_locations, true },
	{ "CollectionId", NULL, read_id_key, false },
	/* paging and echo fields of the list commands */
	{ "NextToken", NULL, NULL, false }, { "IsTruncated", NULL, NULL, false },
	{ "MaxItems", NULL, NULL, false }, { "Marker", NULL, NULL, false },
	{ "NextMarker", NULL, NULL, false }, { "MaxResults", NULL, NULL, false },
	{ "NextRecordName", NULL, NULL, false }, { "NextRecordType", NULL, NULL, false },
	{ "NextRecordIdentifier", NULL, NULL, false }, { "DNSName", NULL, NULL, false },
	{ "NextDNSName", NULL, NULL, false }, { "NextHostedZoneId", NULL, NULL, false },
	{ NULL, NULL, NULL, false }
};

const struct defs_family defs_family_route53 = {
	.name = "route53",
	.keys = route53_keys,
	.document = read_get_hosted_zone,
	.document_name = "get-hosted-zone output",
	.file_suffix = ".zone",
	.read_file = read_zone_file,
	.resolve = route53_resolve,
};
