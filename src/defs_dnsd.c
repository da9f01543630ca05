/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_dnsd.c - dnsd's own document (Dnsd: DefaultVpc, Health, Secondaries): read it and check what it names. */
#include "config.h"
#include "defs.h"

#include "diag.h"
#include "doc.h"
#include "healthcheck.h"
#include "xfr_config.h"

#include <string.h>

/** The Dnsd document as written. */
struct dnsd_in {
	const struct doc_node *default_vpc, *health;
	const struct doc_node *secondaries;	/* zone transfers: xfr_config.c */
};

static const struct defs_field dnsd_fields[] = {
	DEFS_F(struct dnsd_in, "DefaultVpc", DEFS_NODE, default_vpc),
	DEFS_F(struct dnsd_in, "Health", DEFS_SEQ, health),
	DEFS_F(struct dnsd_in, "Secondaries", DEFS_SEQ, secondaries),
	DEFS_END
};
static const struct defs_object dnsd_object = { "Dnsd", dnsd_fields };

/** A Health entry as written. */
struct health_in {
	struct topo_health h;
	int healthy;
};

static const struct defs_field health_fields[] = {
	DEFS_F(struct health_in, "AvailabilityZone", DEFS_STR, h.az),
	DEFS_F(struct health_in, "NetworkInterfaceId", DEFS_STR, h.eni_id),
	DEFS_F(struct health_in, "VpcEndpointId", DEFS_STR, h.endpoint_id),
	DEFS_F(struct health_in, "HealthCheckId", DEFS_STR, h.health_check_id),
	DEFS_F(struct health_in, "Healthy", DEFS_BOOL, healthy),
	DEFS_END
};
static const struct defs_object health_object = { "a Health entry", health_fields };

static void
read_health(struct reader *r, const struct doc_node *n)
{
	struct topology *t = r->t;
	struct health_in in = { .h = { .az = NULL } };
	if (!defs_read_object(r, n, &health_object, &in))
		return;
	if (in.healthy == TRI_UNSET) {
		diag_error(r->d, r->file, n->line, "a Health entry needs Healthy: true or false");
		return;
	}
	if (!in.h.az && !in.h.eni_id && !in.h.endpoint_id && !in.h.health_check_id) {
		diag_error(r->d, r->file, n->line, "a Health entry names no AvailabilityZone, "
			"NetworkInterfaceId, VpcEndpointId or HealthCheckId");
		return;
	}
	if (in.h.health_check_id && (in.h.az || in.h.eni_id || in.h.endpoint_id)) {
		diag_error(r->d, r->file, n->line, "a Health entry with HealthCheckId sets a "
			"Route 53 health check's status; it names no AvailabilityZone, "
			"NetworkInterfaceId or VpcEndpointId");
		return;
	}
	struct topo_health *p = defs_alloc(r, n, sizeof(*p));
	if (!p)
		return;
	*p = in.h;
	p->healthy = in.healthy == TRI_YES;
	p->src = defs_src_at(r, n);
	*t->health_tail = p;
	t->health_tail = &p->next;
}

static void
read_default_vpc(struct reader *r, const struct doc_node *v)
{
	struct topology *t = r->t;
	const char *def = defs_str_value(r, v, "DefaultVpc", "Dnsd");
	if (!def)
		return;
	if (t->default_vpc) {
		diag_error(r->d, r->file, v->line, "DefaultVpc is set twice (first at %s:%u)",
			t->default_vpc_src.file, t->default_vpc_src.line);
		return;
	}
	t->default_vpc = def;
	t->default_vpc_src = defs_src_at(r, v);
}

static void
read_dnsd(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *v)
{
	struct dnsd_in in = { NULL, NULL, NULL };
	(void)doc;
	(void)key;
	if (!defs_read_object(r, v, &dnsd_object, &in))
		return;
	if (in.default_vpc)
		read_default_vpc(r, in.default_vpc);
	for (size_t i = 0; in.health && i < in.health->count; i++)
		read_health(r, in.health->items[i]);
	for (size_t i = 0; in.secondaries && i < in.secondaries->count; i++)
		xfr_config_read(r, in.secondaries->items[i]);
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
		if (h->health_check_id && !healthcheck_known(t, h->health_check_id))
			diag_warn(d, h->src.file, h->src.line, "health entry names health check "
				"%s, which no health check or record set names", h->health_check_id);
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

static void
dnsd_resolve(struct topology *t, struct diag *d)
{
	check_health(t, d);
	check_default_vpc(t, d);
}

static const struct defs_key dnsd_keys[] = {
	{ "Dnsd", NULL, read_dnsd, true },
	{ NULL, NULL, NULL, false }
};

const struct defs_family defs_family_dnsd = {
	.name = "dnsd",
	.keys = dnsd_keys,
	.resolve = dnsd_resolve,
};
