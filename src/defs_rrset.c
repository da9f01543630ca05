/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_rrset.c - the route53 family's record sets (list-resource-record-sets): values parsed by ldns into wire RDATA, and alias targets. */
#include "config.h"
#include "defs_route53.h"

#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#define R53_TTL_MAX 2147483647u		/* Route 53's TTL bound */

/* ---- types and RDATA ---- */

const char *
defs_rr_type_name(uint16_t type, char *buf, size_t size)
{
	const ldns_rr_descriptor *desc = ldns_rr_descript(type);
	if (desc && desc->_name)
		return desc->_name;
	snprintf(buf, size, "TYPE%u", (unsigned)type);
	return buf;
}

bool
defs_rr_type_is_data(uint16_t type)
{
	return type != 0 && type != LDNS_RR_TYPE_OPT &&
		!(type >= LDNS_RR_TYPE_TKEY && type <= LDNS_RR_TYPE_ANY);
}

/* Types whose RDATA names dnsd compares as lowercase wire names. */
static bool
type_lowercases_names(uint16_t type)
{
	switch (type) {
	case LDNS_RR_TYPE_NS:
	case LDNS_RR_TYPE_CNAME:
	case LDNS_RR_TYPE_PTR:
	case LDNS_RR_TYPE_MX:
	case LDNS_RR_TYPE_SRV:
	case LDNS_RR_TYPE_SOA:
	case LDNS_RR_TYPE_DNAME:
		return true;
	default:
		return false;
	}
}

uint8_t *
defs_rr_rdata(struct arena *a, const struct ldns_struct_rr *rr, uint16_t *rdlen)
{
	size_t n = 0, off = 0;
	bool lower = type_lowercases_names((uint16_t)ldns_rr_get_type(rr));
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++)
		n += ldns_rdf_size(ldns_rr_rdf(rr, i));
	if (n > 65535)
		return NULL;
	uint8_t *out = arena_alloc(a, n ? n : 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, i);
		size_t len = ldns_rdf_size(f);
		memcpy(out + off, ldns_rdf_data(f), len);
		/* label length bytes are below 64, so bytewise is safe */
		if (lower && ldns_rdf_get_type(f) == LDNS_RDF_TYPE_DNAME)
			for (size_t j = 0; j < len; j++)
				out[off + j] = dname_lower_byte(out[off + j]);
		off += len;
	}
	*rdlen = (uint16_t)n;
	return out;
}

/* ---- lists of records ---- */

void
defs_rr_list_init(struct topo_rr_list *l)
{
	memset(l, 0, sizeof(*l));
	l->tail = &l->head;
}

struct topo_rr *
defs_rr_add(struct topology *t, struct topo_rr_list *l, const uint8_t *wire, size_t wlen,
	const char *text, uint16_t type, uint32_t ttl, struct src src)
{
	struct topo_rr *rr = arena_zalloc(t->arena, sizeof(*rr));
	if (!rr || !(rr->wire = arena_memdup(t->arena, wire, wlen)) ||
	    !(rr->name = arena_strdup(t->arena, text)))
		return NULL;
	rr->wlen = (uint8_t)wlen;
	rr->type = type;
	rr->ttl = ttl;
	rr->src = src;
	*l->tail = rr;
	l->tail = &rr->next;
	l->n++;
	if (type == LDNS_RR_TYPE_SOA) {
		if (!l->soa_name) {
			l->soa_name = rr->name;
			l->soa_src = src;
		} else if (strcmp(l->soa_name, rr->name) != 0) {
			l->soa_ambiguous = true;
		}
	}
	return rr;
}

void
defs_rr_splice(struct topo_hosted_zone *z, struct topo_rr_list *l)
{
	if (!l->head)
		return;
	*z->rrs_tail = l->head;
	z->rrs_tail = l->tail;
	z->n_rrs += l->n;
	defs_rr_list_init(l);
}

/* ---- record sets ---- */

/** A record set as written, and its owner once parsed. */
struct rrset_in {
	struct topo_rrset set;
	const char *given, *type_s;	/**< Name and Type as written */
	const struct doc_node *ttl, *records, *alias;
	struct defs_routing_in routing;
	uint8_t wire[DNAME_MAX];
	size_t wlen;
};

/* The routing policy fields: defs_routing.c reads them. */
#define ROUTING(name, m) DEFS_F(struct rrset_in, name, DEFS_NODE, routing.m)
static const struct defs_field rrset_fields[] = {
	DEFS_R(struct rrset_in, "Name", DEFS_STR, given),
	DEFS_R(struct rrset_in, "Type", DEFS_STR, type_s),
	DEFS_F(struct rrset_in, "AliasTarget", DEFS_MAP, alias),
	DEFS_F(struct rrset_in, "ResourceRecords", DEFS_SEQ, records),
	DEFS_F(struct rrset_in, "TTL", DEFS_NODE, ttl),
	DEFS_F(struct rrset_in, "SetIdentifier", DEFS_STR, routing.set_id),
	ROUTING("Weight", weight), ROUTING("Region", region), ROUTING("GeoLocation", geo),
	ROUTING("Failover", failover), ROUTING("MultiValueAnswer", multivalue),
	ROUTING("HealthCheckId", health_check), ROUTING("TrafficPolicyInstanceId", traffic_policy),
	ROUTING("CidrRoutingConfig", cidr), ROUTING("GeoProximityLocation", geoprox),
	DEFS_END
};
#undef ROUTING
static const struct defs_object rrset_object = { "a record set", rrset_fields };

/** An AliasTarget as written. */
struct alias_in {
	const char *target, *zone;
	int evaluate;
};

static const struct defs_field alias_fields[] = {
	DEFS_R(struct alias_in, "DNSName", DEFS_STR, target),
	DEFS_R(struct alias_in, "HostedZoneId", DEFS_STR, zone),
	DEFS_F(struct alias_in, "EvaluateTargetHealth", DEFS_BOOL, evaluate),
	DEFS_END
};
static const struct defs_object alias_object = { "an AliasTarget", alias_fields };

/** A ResourceRecords entry as written. */
struct value_in {
	const char *value;
};

static const struct defs_field value_fields[] = {
	DEFS_R(struct value_in, "Value", DEFS_STR, value),
	DEFS_END
};
static const struct defs_object value_object = { "a resource record", value_fields };

/* ". 0 IN <type> <value>" through ldns into RDATA. */
static bool
read_rr_value(struct reader *r, const struct doc_node *at, const char *value,
	const struct rrset_in *in, uint8_t **rdata, uint16_t *rdlen)
{
	char tbuf[16];
	const char *tname = defs_rr_type_name(in->set.type, tbuf, sizeof(tbuf));
	char *conv = defs_r53_unescape(value), *text = NULL;
	if (conv && asprintf(&text, ". 0 IN %s %s", tname, conv) < 0)
		text = NULL;
	free(conv);
	ldns_rdf *root = ldns_dname_new_frm_str(".");
	ldns_rr *lrr = NULL;
	ldns_status st = LDNS_STATUS_MEM_ERR;
	bool ok = false;
	if (text && root)
		st = ldns_rr_new_frm_str(&lrr, text, 0, root, NULL);
	if (st == LDNS_STATUS_OK && ldns_rr_get_type(lrr) != in->set.type)
		st = LDNS_STATUS_SYNTAX_TYPE_ERR;
	if (st != LDNS_STATUS_OK)
		diag_error(r->d, r->file, at->line, "record %s %s: '%s' is not valid %s data "
			"(ldns: %s)", in->given, in->type_s, value, in->type_s,
			ldns_get_errorstr_by_id(st));
	else if (!(*rdata = defs_rr_rdata(r->t->arena, lrr, rdlen)))
		diag_error(r->d, r->file, at->line, "record %s %s: data longer than 65535 octets",
			in->given, in->type_s);
	else
		ok = true;
	ldns_rr_free(lrr);
	ldns_rdf_deep_free(root);
	free(text);
	return ok;
}

static void
read_alias(struct reader *r, const struct rrset_in *in, const struct topo_rrset *set,
	struct topo_rr_list *l)
{
	uint8_t twire[DNAME_MAX];
	char ttext[NAME_TEXT_MAX];
	size_t twlen;
	const char *why = NULL;
	struct alias_in a = { NULL, NULL, TRI_UNSET };
	defs_read_object(r, in->alias, &alias_object, &a);
	if (!a.target || !a.zone)
		return;
	if (!defs_r53_name(a.target, twire, &twlen, ttext, &why)) {
		diag_error(r->d, r->file, doc_get(in->alias, "DNSName")->line,
			"record %s %s: AliasTarget DNSName '%s' is not a domain name (%s)",
			in->given, in->type_s, a.target, why);
		return;
	}
	struct topo_rr *rr = defs_rr_add(r->t, l, in->wire, in->wlen, set->name, set->type, 0,
		defs_src_at(r, in->alias));
	if (!rr)
		return;
	rr->set = set;
	char *conv = defs_r53_unescape(a.target);
	rr->alias_target = conv ? arena_strdup(r->t->arena, conv) : NULL;
	free(conv);
	rr->alias_zone_id = defs_strip_prefix(a.zone, "/hostedzone/");
}

/* A ResourceRecords entry: {Value: …}, or the value itself. */
static const char *
value_of(struct reader *r, const struct doc_node *it)
{
	if (it->kind == DOC_MAP) {
		struct value_in in = { NULL };
		defs_read_object(r, it, &value_object, &in);
		return in.value;
	}
	if (doc_str(it) && *doc_str(it))
		return doc_str(it);
	diag_error(r->d, r->file, it->line, "ResourceRecords holds a %s where {Value: …} belongs",
		doc_kind_name(it->kind));
	return NULL;
}

/* The TTL and the count of values; false (reported) when a set cannot be. */
static bool
values_valid(struct reader *r, const struct doc_node *n, const struct rrset_in *in,
	uint64_t *ttl)
{
	uint16_t type = in->set.type;
	if (!in->ttl) {
		diag_error(r->d, r->file, n->line, "record set %s %s has no TTL", in->given,
			in->type_s);
		return false;
	}
	if (!doc_uint(in->ttl, R53_TTL_MAX, ttl)) {
		diag_error(r->d, r->file, in->ttl->line, "record set %s %s: TTL must be a number "
			"from 0 to %u", in->given, in->type_s, R53_TTL_MAX);
		return false;
	}
	if (!in->records || in->records->count == 0) {
		diag_error(r->d, r->file, n->line, "record set %s %s has no ResourceRecords or "
			"AliasTarget", in->given, in->type_s);
		return false;
	}
	if ((type == LDNS_RR_TYPE_CNAME || type == LDNS_RR_TYPE_SOA) && in->records->count > 1) {
		diag_error(r->d, r->file, in->records->line, "record set %s %s holds %zu values; "
			"a %s record set holds one", in->given, in->type_s, in->records->count,
			in->type_s);
		return false;
	}
	return true;
}

/* The ResourceRecords of a set that is not an alias. */
static void
read_rr_values(struct reader *r, const struct doc_node *n, const struct rrset_in *in,
	const struct topo_rrset *set, struct topo_rr_list *l)
{
	uint64_t ttl = 0;
	if (!values_valid(r, n, in, &ttl))
		return;
	for (size_t i = 0; i < in->records->count; i++) {
		const struct doc_node *it = in->records->items[i];
		const char *value = value_of(r, it);
		const struct doc_node *at = it->kind == DOC_MAP && doc_get(it, "Value") ?
			doc_get(it, "Value") : it;
		uint8_t *rdata;
		uint16_t rdlen;
		if (!value || !read_rr_value(r, at, value, in, &rdata, &rdlen))
			continue;
		struct topo_rr *rr = defs_rr_add(r->t, l, in->wire, in->wlen, set->name, set->type,
			(uint32_t)ttl, defs_src_at(r, at));
		if (rr) {
			rr->set = set;
			rr->rdata = rdata;
			rr->rdlen = rdlen;
		}
	}
}

/* Name and type of a set; false (reported) when it has no usable ones. */
static bool
read_owner(struct reader *r, const struct doc_node *n, struct rrset_in *in)
{
	char text[NAME_TEXT_MAX];
	const char *why = NULL;
	if (!in->given || !in->type_s)
		return false;
	if (!defs_r53_name(in->given, in->wire, &in->wlen, text, &why)) {
		diag_error(r->d, r->file, doc_get(n, "Name")->line,
			"record set: '%s' is not a domain name (%s)", in->given, why);
		return false;
	}
	in->set.type = (uint16_t)ldns_get_rr_type_by_name(in->type_s);
	if (!defs_rr_type_is_data(in->set.type)) {
		diag_error(r->d, r->file, doc_get(n, "Type")->line,
			"record set %s: '%s' is not a record type dnsd knows", in->given, in->type_s);
		return false;
	}
	in->set.name = arena_strdup(r->t->arena, text);
	in->set.src = defs_src_at(r, n);
	return in->set.name != NULL;
}

/* AliasTarget.EvaluateTargetHealth, read before the routing fields that use it. */
static int
alias_evaluates(const struct doc_node *alias)
{
	const struct doc_node *v = alias ? doc_get(alias, "EvaluateTargetHealth") : NULL;
	bool b;
	return v && doc_bool(v, &b) ? (b ? TRI_YES : TRI_NO) : TRI_UNSET;
}

static void
read_rrset(struct reader *r, const struct doc_node *n, struct topo_rr_list *l)
{
	struct rrset_in in = { .given = NULL };
	if (!defs_read_object(r, n, &rrset_object, &in) || !read_owner(r, n, &in))
		return;
	struct topo_rrset *set = defs_alloc(r, n, sizeof(*set));
	if (!set)
		return;
	*set = in.set;
	set->alias = in.alias != NULL;
	in.routing.evaluate_target_health = alias_evaluates(in.alias);
	if (!defs_routing_read(r, n, &in.routing, in.given, in.type_s, set))
		return;
	if (!in.alias) {
		read_rr_values(r, n, &in, set, l);
		return;
	}
	if (in.records && in.records->count) {
		diag_error(r->d, r->file, n->line, "record set %s %s has both AliasTarget "
			"and ResourceRecords", in.given, in.type_s);
		return;
	}
	if (in.ttl)
		diag_warn(r->d, r->file, in.ttl->line, "record set %s %s: the TTL of an "
			"alias is ignored (Route 53 uses the target's)", in.given, in.type_s);
	read_alias(r, &in, set, l);
}

void
defs_rrset_read_list(struct reader *r, const struct doc_node *v, struct topo_rr_list *l)
{
	if (v->kind == DOC_MAP) {
		read_rrset(r, v, l);
		return;
	}
	if (v->kind != DOC_SEQ) {
		if (!doc_is_null(v))
			diag_error(r->d, r->file, v->line, "ResourceRecordSets must be a list");
		return;
	}
	for (size_t i = 0; i < v->count; i++)
		read_rrset(r, v->items[i], l);
}
