/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_healthcheck.c - the route53 family's health checks (list-health-checks, get-health-check, get-health-check-status) and CIDR collections (list-cidr-collections, list-cidr-blocks), and the checks of what record sets name of them. */
#include "config.h"
#include "defs_route53.h"

#include "arena.h"
#include "diag.h"
#include "doc.h"
#include "strmap.h"

#include <string.h>

#define R53_CHILD_HEALTH_CHECKS_MAX 256	/* API Reference: ChildHealthChecks */

/* ---- ids written in file names ---- */

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Whether an 8-4-4-4-12 hex id starts at s. */
static bool
uuid_at(const char *s)
{
	static const unsigned groups[] = { 8, 4, 4, 4, 12 };
	for (unsigned g = 0; g < 5; g++) {
		for (unsigned i = 0; i < groups[g]; i++, s++)
			if (!is_hex(*s))
				return false;
		if (g < 4 && *s++ != '-')
			return false;
	}
	return !is_hex(*s);
}

/* The last UUID a path names (health check and CIDR collection ids are
 * UUIDs; get-health-check-status and list-cidr-blocks do not print theirs). */
static const char *
uuid_in_path(struct reader *r, const char *path)
{
	const char *found = NULL;
	for (const char *p = path; *p; p++)
		if ((p == path || !is_hex(p[-1])) && uuid_at(p))
			found = p;
	return found ? arena_printf(r->t->arena, "%.36s", found) : NULL;
}

/* The id a document names (dnsd's key), else the one in its file name. */
static const char *
id_of_document(struct reader *r, const struct doc_node *doc, const char *key,
	struct src *where)
{
	const struct doc_node *v = doc_get(doc, key);
	*where = defs_src_at(r, v ? v : doc);
	if (v)
		return defs_str_value(r, v, key, "the document");
	return uuid_in_path(r, r->file);
}

/* ---- health checks ---- */

static const struct src *
health_check_src(void *p)
{
	return &((struct topo_health_check *)p)->src;
}

/* The health check of an id, made when first named. */
static struct topo_health_check *
health_check_get(struct reader *r, const char *id, struct src at)
{
	struct topology *t = r->t;
	struct topo_health_check *hc = strmap_get(&t->health_check_by_id, id);
	if (hc)
		return hc;
	hc = arena_zalloc(t->arena, sizeof(*hc));
	if (!hc || !(hc->id = arena_strdup(t->arena, id)) ||
	    !defs_register_id(r, &t->health_check_by_id, hc->id, hc, &at, health_check_src,
		    "health check")) {
		diag_error(r->d, at.file, at.line, "out of memory");
		return NULL;
	}
	hc->src = at;
	hc->inverted = hc->disabled = TRI_UNSET;
	*t->health_checks_tail = hc;
	t->health_checks_tail = &hc->next;
	return hc;
}

/** A HealthCheckConfig as written. */
struct config_in {
	const char *type, *insufficient;
	int inverted, disabled;
	const struct doc_node *threshold;
	const char **children;
	unsigned n_children;
};

#define C(name, kind, m) DEFS_F(struct config_in, name, kind, m)
static const struct defs_field config_fields[] = {
	DEFS_R(struct config_in, "Type", DEFS_STR, type),
	C("Inverted", DEFS_BOOL, inverted), C("Disabled", DEFS_BOOL, disabled),
	C("HealthThreshold", DEFS_NODE, threshold),
	DEFS_L(struct config_in, "ChildHealthChecks", children, n_children, NULL),
	C("InsufficientDataHealthStatus", DEFS_STR, insufficient),
	DEFS_IGNORED("IPAddress"), DEFS_IGNORED("Port"), DEFS_IGNORED("ResourcePath"),
	DEFS_IGNORED("FullyQualifiedDomainName"), DEFS_IGNORED("SearchString"),
	DEFS_IGNORED("RequestInterval"), DEFS_IGNORED("FailureThreshold"),
	DEFS_IGNORED("MeasureLatency"), DEFS_IGNORED("EnableSNI"), DEFS_IGNORED("Regions"),
	DEFS_IGNORED("AlarmIdentifier"), DEFS_IGNORED("RoutingControlArn"),
	DEFS_END
};
#undef C
static const struct defs_object config_object = { "a HealthCheckConfig", config_fields };

/** A HealthChecks entry (or get-health-check's HealthCheck) as written. */
struct check_in {
	const char *id;
	const struct doc_node *config;
};

static const struct defs_field check_fields[] = {
	DEFS_R(struct check_in, "Id", DEFS_STR, id),
	DEFS_R(struct check_in, "HealthCheckConfig", DEFS_MAP, config),
	DEFS_IGNORED("CallerReference"), DEFS_IGNORED("LinkedService"),
	DEFS_IGNORED("HealthCheckVersion"), DEFS_IGNORED("CloudWatchAlarmConfiguration"),
	DEFS_END
};
static const struct defs_object check_object = { "a health check", check_fields };

static void
read_config(struct reader *r, const struct doc_node *v, struct topo_health_check *hc)
{
	struct config_in c = { .inverted = TRI_UNSET, .disabled = TRI_UNSET };
	uint64_t threshold = 0;
	if (!defs_read_object(r, v, &config_object, &c))
		return;
	if (c.threshold && !doc_uint(c.threshold, 256, &threshold))
		diag_error(r->d, r->file, c.threshold->line, "health check %s: HealthThreshold "
			"must be a number from 0 to 256 (API Reference, HealthCheckConfig)", hc->id);
	if (c.n_children > R53_CHILD_HEALTH_CHECKS_MAX)
		diag_error(r->d, r->file, v->line, "health check %s has %u ChildHealthChecks; "
			"Route 53 allows 256 (API Reference, HealthCheckConfig)", hc->id,
			c.n_children);
	hc->type = c.type;
	hc->inverted = c.inverted;
	hc->disabled = c.disabled;
	hc->threshold = (unsigned)threshold;
	hc->children = c.children;
	hc->n_children = c.n_children;
	hc->insufficient = c.insufficient;
	hc->has_config = true;
}

void
defs_healthcheck_read_item(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	struct check_in in = { NULL, NULL };
	(void)doc;
	if (!defs_read_object(r, n, &check_object, &in) || !in.id)
		return;
	struct topo_health_check *hc = health_check_get(r, in.id, defs_src_at(r, n));
	if (!hc)
		return;
	if (hc->has_config) {
		diag_error(r->d, r->file, n->line, "health check %s is defined twice (first at "
			"%s:%u)", in.id, hc->src.file, hc->src.line);
		return;
	}
	hc->src = defs_src_at(r, n);
	if (in.config)
		read_config(r, in.config, hc);
}

/** A HealthCheckObservations entry as written. */
struct observation_in {
	const struct doc_node *report;
};

static const struct defs_field observation_fields[] = {
	DEFS_R(struct observation_in, "StatusReport", DEFS_MAP, report),
	DEFS_IGNORED("Region"), DEFS_IGNORED("IPAddress"),
	DEFS_END
};
static const struct defs_object observation_object = { "a health check observation",
	observation_fields };

/** A StatusReport as written. */
struct report_in {
	const char *status;
};

static const struct defs_field report_fields[] = {
	DEFS_R(struct report_in, "Status", DEFS_STR, status),
	DEFS_IGNORED("CheckedTime"),
	DEFS_END
};
static const struct defs_object report_object = { "a StatusReport", report_fields };

/* "Success: HTTP Status Code 200, OK" or "Failure: …": one checker's view. */
static void
read_observation(struct reader *r, const struct doc_node *n, struct topo_health_check *hc)
{
	struct observation_in o = { NULL };
	struct report_in rep = { NULL };
	if (!defs_read_object(r, n, &observation_object, &o) || !o.report ||
	    !defs_read_object(r, o.report, &report_object, &rep) || !rep.status)
		return;
	hc->observed++;
	if (strncmp(rep.status, "Success", 7) == 0)
		hc->observed_ok++;
	else if (strncmp(rep.status, "Failure", 7) != 0)
		diag_warn(r->d, r->file, n->line, "health check %s: a Status that says neither "
			"Success nor Failure counts as a failure: %s", hc->id, rep.status);
}

void
defs_healthcheck_read_status(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v)
{
	struct src at;
	(void)key;
	if (strstr(r->file, "last-failure-reason")) {
		diag_warn(r->d, r->file, v->line, "get-health-check-last-failure-reason output "
			"holds past failures, not the current status: skipped (use "
			"get-health-check-status)");
		return;
	}
	const char *id = id_of_document(r, doc, "HealthCheckId", &at);
	if (!id) {
		diag_error(r->d, r->file, v->line, "cannot tell which health check this status "
			"belongs to: get-health-check-status does not print the id; put it in the "
			"file name or add HealthCheckId: … to the document");
		return;
	}
	struct topo_health_check *hc = health_check_get(r, id, at);
	const struct doc_node *seq = hc ? defs_seq_value(r, v, "HealthCheckObservations",
		"get-health-check-status output") : NULL;
	if (!seq)
		return;
	if (hc->has_status) {
		diag_error(r->d, r->file, v->line, "the status of health check %s is given twice "
			"(first at %s:%u)", id, hc->status_src.file, hc->status_src.line);
		return;
	}
	hc->has_status = true;
	hc->status_src = defs_src_at(r, v);
	for (size_t i = 0; i < seq->count; i++)
		read_observation(r, seq->items[i], hc);
}

/* ---- CIDR collections ---- */

static const struct src *
collection_src(void *p)
{
	return &((struct topo_cidr_collection *)p)->src;
}

static struct topo_cidr_collection *
collection_get(struct reader *r, const char *id, struct src at)
{
	struct topology *t = r->t;
	struct topo_cidr_collection *c = strmap_get(&t->cidr_collection_by_id, id);
	if (c)
		return c;
	c = arena_zalloc(t->arena, sizeof(*c));
	if (!c || !(c->id = arena_strdup(t->arena, id)) ||
	    !defs_register_id(r, &t->cidr_collection_by_id, c->id, c, &at, collection_src,
		    "CIDR collection")) {
		diag_error(r->d, at.file, at.line, "out of memory");
		return NULL;
	}
	c->src = at;
	*t->cidr_collections_tail = c;
	t->cidr_collections_tail = &c->next;
	return c;
}

/** A CidrCollections entry as written. */
struct collection_in {
	const char *id, *name;
};

static const struct defs_field collection_fields[] = {
	DEFS_R(struct collection_in, "Id", DEFS_STR, id),
	DEFS_F(struct collection_in, "Name", DEFS_STR, name),
	DEFS_IGNORED("Arn"), DEFS_IGNORED("Version"),
	DEFS_END
};
static const struct defs_object collection_object = { "a CIDR collection",
	collection_fields };

void
defs_cidr_read_collection(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	struct collection_in in = { NULL, NULL };
	(void)doc;
	if (!defs_read_object(r, n, &collection_object, &in) || !in.id)
		return;
	struct topo_cidr_collection *c = collection_get(r, in.id, defs_src_at(r, n));
	if (!c)
		return;
	if (c->listed) {
		diag_error(r->d, r->file, n->line, "CIDR collection %s is defined twice (first "
			"at %s:%u)", in.id, c->src.file, c->src.line);
		return;
	}
	c->listed = true;
	c->name = in.name;
	c->src = defs_src_at(r, n);
}

/** A CidrBlocks entry as written. */
struct block_in {
	const char *cidr, *location;
};

static const struct defs_field block_fields[] = {
	DEFS_R(struct block_in, "CidrBlock", DEFS_STR, cidr),
	DEFS_R(struct block_in, "LocationName", DEFS_STR, location),
	DEFS_END
};
static const struct defs_object block_object = { "a CIDR block", block_fields };

static bool
blocks_grow(struct topology *t, struct topo_cidr_collection *c)
{
	unsigned cap = c->cap_blocks ? c->cap_blocks * 2 : 16;
	struct topo_cidr_block *b = arena_alloc(t->arena, cap * sizeof(*b));
	if (!b)
		return false;
	if (c->n_blocks)
		memcpy(b, c->blocks, c->n_blocks * sizeof(*b));
	c->blocks = b;
	c->cap_blocks = cap;
	return true;
}

/* "For IPv4 you can use CIDR blocks between 1 and 24 bits of length
 * inclusive, while for IPv6 … between 1 and 48" (Developer Guide,
 * "IP-based routing"). */
static void
read_block(struct reader *r, const struct doc_node *n, struct topo_cidr_collection *c)
{
	struct block_in in = { NULL, NULL };
	struct netprefix p;
	if (!defs_read_object(r, n, &block_object, &in) || !in.cidr || !in.location ||
	    !defs_parse_prefix(r, doc_get(n, "CidrBlock"), in.cidr, &p, "CidrBlock"))
		return;
	unsigned max = p.addr.family == AF_INET ? 24 : 48;
	if (p.len < 1 || p.len > max) {
		diag_error(r->d, r->file, n->line, "CIDR block %s: Route 53 takes IPv4 blocks of "
			"/1 to /24 and IPv6 blocks of /1 to /48; the default location \"*\" covers "
			"the rest (Developer Guide, \"IP-based routing\")", in.cidr);
		return;
	}
	if (c->n_blocks == c->cap_blocks && !blocks_grow(r->t, c)) {
		diag_error(r->d, r->file, n->line, "out of memory");
		return;
	}
	struct topo_cidr_block *b = &c->blocks[c->n_blocks++];
	b->prefix = p;
	b->location = in.location;
	b->src = defs_src_at(r, n);
}

void
defs_cidr_read_blocks(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v)
{
	struct src at;
	(void)key;
	const char *id = id_of_document(r, doc, "CollectionId", &at);
	if (!id) {
		diag_error(r->d, r->file, v->line, "cannot tell which CIDR collection these "
			"blocks belong to: list-cidr-blocks does not print the id; put it in the "
			"file name or add CollectionId: … to the document");
		return;
	}
	struct topo_cidr_collection *c = collection_get(r, id, at);
	const struct doc_node *seq = c ? defs_seq_value(r, v, "CidrBlocks",
		"list-cidr-blocks output") : NULL;
	for (size_t i = 0; seq && i < seq->count; i++)
		read_block(r, seq->items[i], c);
}

void
defs_cidr_read_locations(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v)
{
	(void)r;
	(void)doc;
	(void)key;
	(void)v;
	/* list-cidr-locations names the locations; their blocks come from
	 * list-cidr-blocks, which names them too */
}

/* ---- checks across documents ---- */

static void
check_calculated(struct topology *t, struct diag *d)
{
	for (struct topo_health_check *hc = t->health_checks; hc; hc = hc->next) {
		for (unsigned i = 0; i < hc->n_children; i++)
			if (!strmap_get(&t->health_check_by_id, hc->children[i]))
				diag_warn(d, hc->src.file, hc->src.line, "calculated health check %s "
					"names child health check %s, which is not defined: it counts "
					"as healthy", hc->id, hc->children[i]);
	}
}

static bool
collection_has_location(const struct topo_cidr_collection *c, const char *loc)
{
	for (unsigned i = 0; i < c->n_blocks; i++)
		if (strcmp(c->blocks[i].location, loc) == 0)
			return true;
	return false;
}

/* What one routing record set names: its health check and CIDR location. */
static void
check_set_refs(struct topology *t, const struct topo_rrset *set, struct diag *d)
{
	const struct topo_routing *p = set->policy;
	if (p->health_check_id && !strmap_get(&t->health_check_by_id, p->health_check_id))
		diag_warn(d, p->health_check_src.file, p->health_check_src.line, "record set %s: "
			"health check %s is not defined (add list-health-checks or "
			"get-health-check-status output): it counts as healthy", set->name,
			p->health_check_id);
	if (p->policy != RRP_CIDR)
		return;
	const struct topo_cidr_collection *c = strmap_get(&t->cidr_collection_by_id,
		p->cidr_collection);
	if (!c)
		diag_warn(d, set->src.file, set->src.line, "record set %s: CIDR collection %s is "
			"not defined (add list-cidr-collections and list-cidr-blocks output): no "
			"client matches its locations", set->name, p->cidr_collection);
	else if (strcmp(p->cidr_location, "*") != 0 &&
		 !collection_has_location(c, p->cidr_location))
		diag_warn(d, set->src.file, set->src.line, "record set %s: CIDR collection %s "
			"has no blocks for location %s: no client matches it", set->name,
			p->cidr_collection, p->cidr_location);
}

void
defs_healthcheck_resolve(struct topology *t, struct diag *d)
{
	check_calculated(t, d);
	for (const struct topo_hosted_zone *z = t->zones; z; z = z->next) {
		const struct topo_rrset *last = NULL;
		for (const struct topo_rr *rr = z->rrs; rr; rr = rr->next) {
			if (!rr->set || rr->set == last || !rr->set->policy)
				continue;
			last = rr->set;
			check_set_refs(t, rr->set, d);
		}
	}
}
