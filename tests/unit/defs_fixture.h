/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/defs_fixture.h - a model loaded document by document, its messages and a scratch directory, for the readers' unit tests. */
#ifndef DNSD_TEST_DEFS_FIXTURE_H
#define DNSD_TEST_DEFS_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "defs.h"
#include "diag.h"
#include "strmap.h"
#include "topology.h"

enum {
	T_A = 1, T_NS = 2, T_CNAME = 5, T_SOA = 6, T_PTR = 12, T_MX = 15, T_TXT = 16,
	T_AAAA = 28, T_SRV = 33, T_NAPTR = 35, T_DS = 43, T_SPF = 99, T_CAA = 257
};

/** One topology, its messages and a scratch directory for zone files. */
struct fx {
	struct topology *t;
	struct diag d;
	FILE *out;
	char *msg;
	size_t msg_len;
	char dir[64];
	char *files[16];
	unsigned n_files;
};

static const char vpcs_doc[] =
	"{\"Vpcs\": [\n"
	" {\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\", \"Region\": \"us-east-2\"},\n"
	" {\"VpcId\": \"vpc-2\", \"CidrBlock\": \"10.1.0.0/16\", \"Region\": \"us-east-2\"}\n"
	"]}\n";

static inline int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->t = topology_create();
	f->out = open_memstream(&f->msg, &f->msg_len);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_defs_r53.XXXXXX");
	if (!f->t || !f->out || !mkdtemp(f->dir))
		return -1;
	diag_init(&f->d, f->out);
	if (defs_load_buffer(f->t, "vpcs.json", vpcs_doc, strlen(vpcs_doc), &f->d) < 0)
		return -1;
	*state = f;
	return 0;
}

static inline int
teardown(void **state)
{
	struct fx *f = *state;
	for (unsigned i = 0; i < f->n_files; i++) {
		unlink(f->files[i]);
		free(f->files[i]);
	}
	rmdir(f->dir);
	fclose(f->out);
	free(f->msg);
	topology_free(f->t);
	free(f);
	return 0;
}

static inline int
load(struct fx *f, const char *name, const char *text)
{
	return defs_load_buffer(f->t, name, text, strlen(text), &f->d);
}

static inline int
resolve(struct fx *f)
{
	return defs_resolve(f->t, &f->d);
}

static inline const char *
messages(struct fx *f)
{
	fflush(f->out);
	return f->msg ? f->msg : "";
}

/* Write a file in the scratch directory; the path is kept for teardown. */
static inline const char *
write_file(struct fx *f, const char *name, const char *text)
{
	char *path = NULL;
	assert_true(asprintf(&path, "%s/%s", f->dir, name) > 0);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_true(f->n_files < sizeof(f->files) / sizeof(f->files[0]));
	f->files[f->n_files++] = path;
	return path;
}

#define assert_msg(f, text) do { \
	const char *all_ = messages(f); \
	if (!strstr(all_, (text))) \
		fail_msg("expected message\n  %s\nin\n%s", (text), all_); \
} while (0)

#define assert_no_errors(f) do { \
	if ((f)->d.errors) \
		fail_msg("unexpected errors:\n%s", messages(f)); \
} while (0)

static inline struct topo_hosted_zone *
zone(struct fx *f, const char *id)
{
	struct topo_hosted_zone *z = strmap_get(&f->t->zone_by_id, id);
	if (!z)
		fail_msg("no hosted zone %s", id);
	return z;
}

static inline const struct topo_rr *
find_rr(const struct topo_hosted_zone *z, const char *name, uint16_t type, unsigned nth)
{
	for (const struct topo_rr *rr = z->rrs; rr; rr = rr->next)
		if (strcmp(rr->name, name) == 0 && rr->type == type && nth-- == 0)
			return rr;
	fail_msg("no record %s type %u in %s", name, (unsigned)type, z->name);
	return NULL;
}

static inline unsigned
count_rr(const struct topo_hosted_zone *z, const char *name, uint16_t type)
{
	unsigned n = 0;
	for (const struct topo_rr *rr = z->rrs; rr; rr = rr->next)
		n += strcmp(rr->name, name) == 0 && rr->type == type;
	return n;
}

static inline void
assert_rdata(const struct topo_rr *rr, const void *bytes, size_t len)
{
	assert_non_null(rr->rdata);
	assert_int_equal(rr->rdlen, len);
	assert_memory_equal(rr->rdata, bytes, len);
}


/* A model loaded from one buffer, with its messages captured. */
struct world {
	struct topology *t;
	struct diag d;
	FILE *f;
	char *text;
	size_t size;
	int load_rc, resolve_rc;
};

static inline void
world_load(struct world *w, const char *name, const char *defs)
{
	memset(w, 0, sizeof(*w));
	w->f = open_memstream(&w->text, &w->size);
	assert_non_null(w->f);
	diag_init(&w->d, w->f);
	w->t = topology_create();
	assert_non_null(w->t);
	w->load_rc = defs_load_buffer(w->t, name, defs, strlen(defs), &w->d);
	w->resolve_rc = defs_resolve(w->t, &w->d);
	fflush(w->f);
}

/* Everything reported so far. */
static inline const char *
world_msgs(struct world *w)
{
	fflush(w->f);
	return w->text ? w->text : "";
}

static inline void
world_free(struct world *w)
{
	topology_free(w->t);
	fclose(w->f);
	free(w->text);
}

/* Load definitions that must be clean: no error, no warning. */
static inline void
world_clean(struct world *w, const char *defs)
{
	world_load(w, "w.yaml", defs);
	assert_string_equal(world_msgs(w), "");
	assert_int_equal(w->d.errors, 0);
	assert_int_equal(w->d.warnings, 0);
	assert_int_equal(w->load_rc, 0);
	assert_int_equal(w->resolve_rc, 0);
}

static inline struct topo_vpc *
vpc(struct world *w, const char *id)
{
	struct topo_vpc *v = strmap_get(&w->t->vpc_by_id, id);

	assert_non_null(v);
	return v;
}

static inline struct topo_endpoint *
endpoint_n(struct world *w, unsigned n)
{
	struct topo_endpoint *ep = w->t->endpoints;

	for (unsigned i = 0; i < n && ep; i++)
		ep = ep->next;
	assert_non_null(ep);
	return ep;
}

static inline struct topo_eni *
eni(struct world *w, const char *id)
{
	struct topo_eni *e = strmap_get(&w->t->eni_by_id, id);

	assert_non_null(e);
	return e;
}

#endif /* DNSD_TEST_DEFS_FIXTURE_H */
