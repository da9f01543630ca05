/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_health.c - runtime health overrides: the set, their precedence, rebuilds from the kept model. */
#include "config.h"
#include "health.h"
#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "query.h"
#include "snapshot.h"
#include "topology.h"
#include "zonedb.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the set ---- */

static void
test_set_put_get_clear_at_sizes(void **state)
{
	static const unsigned sizes[] = { 1, 15, 16, 17, 300 };
	(void)state;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct health_set h = HEALTH_SET_INIT, copy = HEALTH_SET_INIT;
		unsigned n = sizes[k];
		char key[32];
		/* backwards, so that every insertion moves the others */
		for (unsigned i = n; i-- > 0;) {
			snprintf(key, sizeof(key), "eni-%05u", i);
			assert_int_equal(health_set_put(&h, HEALTH_ENI, key, i % 2, false, i), 1);
			snprintf(key, sizeof(key), "az-%05u", i);
			assert_int_equal(health_set_put(&h, HEALTH_AZ, key, false, false, i), 1);
		}
		assert_int_equal(h.n, 2 * n);
		for (unsigned i = 1; i < h.n; i++)
			assert_true(h.v[i - 1].scope < h.v[i].scope ||
				(h.v[i - 1].scope == h.v[i].scope &&
				 strcmp(h.v[i - 1].key, h.v[i].key) < 0));
		/* the same again changes nothing; the other state does */
		assert_int_equal(health_set_put(&h, HEALTH_ENI, "eni-00000", false, false, 5), 0);
		assert_int_equal(health_set_put(&h, HEALTH_ENI, "eni-00000", true, false, 5), 1);
		assert_int_equal(health_set_get(&h, HEALTH_ENI, "eni-00000")->since, 5);
		assert_int_equal(health_set_copy(&copy, &h), 0);
		for (unsigned i = 0; i < n; i++) {
			snprintf(key, sizeof(key), "eni-%05u", i);
			const struct health_override *o = health_set_get(&copy, HEALTH_ENI, key);
			assert_non_null(o);
			assert_int_equal(o->up, i == 0 ? 1 : i % 2);
			assert_int_equal(health_set_put(&h, HEALTH_ENI, key, false, true, 0), 1);
			assert_null(health_set_get(&h, HEALTH_ENI, key));
		}
		assert_int_equal(h.n, n);
		/* clearing what is not there changes nothing */
		assert_int_equal(health_set_put(&h, HEALTH_ENI, "eni-00000", false, true, 0), 0);
		assert_null(health_set_get(&h, HEALTH_AZ, "nope"));
		health_set_fini(&h);
		health_set_fini(&copy);
	}
}

static void
test_match_prefers_the_eni_over_its_az(void **state)
{
	struct health_set h = HEALTH_SET_INIT;
	(void)state;
	assert_null(health_set_match(NULL, "eni-1", "us-east-2a"));
	assert_null(health_set_match(&h, "eni-1", "us-east-2a"));
	health_set_put(&h, HEALTH_AZ, "us-east-2a", false, false, 0);
	assert_false(health_set_match(&h, "eni-1", "us-east-2a")->up);
	assert_null(health_set_match(&h, "eni-1", "us-east-2b"));
	assert_null(health_set_match(&h, "eni-1", NULL));
	health_set_put(&h, HEALTH_ENI, "eni-1", true, false, 0);
	assert_true(health_set_match(&h, "eni-1", "us-east-2a")->up);
	assert_false(health_set_match(&h, "eni-2", "us-east-2a")->up);
	char text[64];
	health_override_describe(health_set_get(&h, HEALTH_AZ, "us-east-2a"), text, sizeof(text));
	assert_string_equal(text, "az us-east-2a down");
	health_set_fini(&h);
}

/* ---- rebuilds ---- */

/* One endpoint in three AZs: the 2b ENI says Healthy: false, the 2c one
 * is not in-use. */
static const char world[] =
	"Vpcs:\n"
	"  - VpcId: vpc-0a1b2c3d4e5f60718\n"
	"    CidrBlock: 10.0.0.0/16\n"
	"    EnableDnsHostnames: true\n"
	"    Subnets:\n"
	"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
	"      - {SubnetId: subnet-b, AvailabilityZone: us-east-2b, CidrBlock: 10.0.2.0/24}\n"
	"      - {SubnetId: subnet-c, AvailabilityZone: us-east-2c, CidrBlock: 10.0.3.0/24}\n"
	"      - {SubnetId: subnet-d, AvailabilityZone: us-east-2d, CidrBlock: 10.0.4.0/24}\n"
	"    VpcEndpoints:\n"
	"      - VpcEndpointId: vpce-0123456789abcdef0\n"
	"        ServiceName: com.amazonaws.us-east-2.sqs\n"
	"        NetworkInterfaces:\n"
	"          - {NetworkInterfaceId: eni-a, SubnetId: subnet-a, PrivateIpAddress: 10.0.1.10}\n"
	"          - {NetworkInterfaceId: eni-b, SubnetId: subnet-b, PrivateIpAddress: 10.0.2.10,\n"
	"             Healthy: false}\n"
	"          - {NetworkInterfaceId: eni-c, SubnetId: subnet-c, PrivateIpAddress: 10.0.3.10,\n"
	"             Status: available}\n"
	"          - {NetworkInterfaceId: eni-d, SubnetId: subnet-d, PrivateIpAddress: 10.0.4.10}\n";

static struct snapshot *
load(const struct health_set *h)
{
	struct diag d;
	diag_init(&d, stderr);
	struct snapshot_config cfg = { .health = h, .keep_model = true };
	struct snapshot *s = snapshot_load_buffer_cfg("w.yaml", world, sizeof(world) - 1, &cfg, &d);
	assert_non_null(s);
	return s;
}

/* How many A records the private name answers in the VPC's view. */
static unsigned
answered(const struct snapshot *s)
{
	uint8_t wire[DNAME_MAX];
	int len = dname_from_text("sqs.us-east-2.amazonaws.com", wire, NULL);
	struct query_lookup f;
	query_lookup_name(&s->db, (uint16_t)s->vpcs[0].view, wire, (size_t)len, 1, &f);
	assert_non_null(f.answer);
	return f.answer->ancount;
}

static struct snapshot *
rebuild(const struct snapshot *from, const struct health_set *h)
{
	struct diag d;
	diag_init(&d, stderr);
	struct snapshot_config cfg = { .health = h, .keep_model = true };
	struct snapshot *s = snapshot_rebuild(from, &cfg, &d);
	assert_non_null(s);
	assert_int_equal(d.errors, 0);
	return s;
}

static void
test_overrides_over_the_definitions(void **state)
{
	struct health_set h = HEALTH_SET_INIT;
	(void)state;
	struct snapshot *s0 = load(NULL);
	assert_int_equal(answered(s0), 2);		/* a and d */
	/* eni-b up: over its own Healthy: false */
	health_set_put(&h, HEALTH_ENI, "eni-b", true, false, 0);
	struct snapshot *s1 = rebuild(s0, &h);
	assert_int_equal(answered(s1), 3);
	/* Status not in-use stays out, whatever the override */
	health_set_put(&h, HEALTH_ENI, "eni-c", true, false, 0);
	struct snapshot *s2 = rebuild(s1, &h);
	assert_int_equal(answered(s2), 3);
	/* AZ a down: its ENI goes; the ENI's own override would win */
	health_set_put(&h, HEALTH_AZ, "us-east-2a", false, false, 0);
	struct snapshot *s3 = rebuild(s2, &h);
	assert_int_equal(answered(s3), 2);
	health_set_put(&h, HEALTH_ENI, "eni-a", true, false, 0);
	struct snapshot *s4 = rebuild(s3, &h);
	assert_int_equal(answered(s4), 3);
	/* the snapshot keeps the set it was built with, not the live one */
	assert_int_equal(s1->health.n, 1);
	assert_int_equal(s4->health.n, 4);
	/* all down: every ENI answers (fail open), the not in-use one too */
	struct health_set all = HEALTH_SET_INIT;
	for (const char *az = "abcd"; *az; az++) {
		char key[16];
		snprintf(key, sizeof(key), "us-east-2%c", *az);
		health_set_put(&all, HEALTH_AZ, key, false, false, 0);
	}
	struct snapshot *s5 = rebuild(s4, &all);
	assert_int_equal(answered(s5), 4);
	/* the old snapshots still answer as they did, and share one model */
	assert_int_equal(answered(s0), 2);
	assert_ptr_equal(snapshot_model_topology(s0), snapshot_model_topology(s5));
	struct snapshot *v[] = { s0, s1, s2, s3, s4, s5 };
	for (size_t i = 0; i < 6; i++)	/* freed in any order: the model with the last */
		snapshot_free(v[(i * 5) % 6]);
	health_set_fini(&h);
	health_set_fini(&all);
}

/* A rebuild reads the model and leaves it as it was: its memory does not
 * grow however many health changes there are. */
static void
test_rebuilds_do_not_grow_the_model(void **state)
{
	struct health_set h = HEALTH_SET_INIT;
	(void)state;
	struct snapshot *s = load(NULL);
	size_t before = arena_used(snapshot_model_topology(s)->arena);
	assert_true(before > 0);
	for (int i = 0; i < 300; i++) {
		health_set_put(&h, HEALTH_AZ, "us-east-2a", i % 2, false, 0);
		struct snapshot *next = rebuild(s, &h);
		snapshot_free(s);
		s = next;
		assert_int_equal(answered(s), i % 2 ? 2 : 1);
	}
	assert_int_equal(arena_used(snapshot_model_topology(s)->arena), before);
	assert_null(snapshot_model_topology(s)->runtime_health);
	snapshot_free(s);
	health_set_fini(&h);
}

/* Route 53 health checks are a scope of the same runtime set (dnsd-control
 * health check ID up|down|clear): a failover pair flips between PRIMARY and
 * SECONDARY on rebuilds, and the model stays the size it was ("Active-passive
 * failover", Route 53 Developer Guide). */
#define HCID "6e3b7f0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
static const char failover_world[] =
	"Vpcs:\n"
	"  - {VpcId: vpc-0a1b2c3d4e5f60718, CidrBlock: 10.0.0.0/16, EnableDnsHostnames: true}\n"
	"HostedZones:\n"
	"  - Id: /hostedzone/Z0123456789ABCDEFGHIJ\n"
	"    Name: corp.example.com.\n"
	"    VPCIds: [vpc-0a1b2c3d4e5f60718]\n"
	"    ResourceRecordSets:\n"
	"      - {Name: f.corp.example.com., Type: A, SetIdentifier: pri, Failover: PRIMARY,\n"
	"         HealthCheckId: " HCID ", TTL: 60, ResourceRecords: [{Value: 10.9.0.1}]}\n"
	"      - {Name: f.corp.example.com., Type: A, SetIdentifier: sec, Failover: SECONDARY,\n"
	"         TTL: 60, ResourceRecords: [{Value: 10.9.0.2}]}\n"
	"HealthChecks:\n"
	"  - {Id: " HCID ", CallerReference: a, HealthCheckVersion: 1,\n"
	"     HealthCheckConfig: {Type: HTTP, IPAddress: 192.0.2.1, Port: 80}}\n";

/* The last octet of the address f.corp.example.com answers in the VPC. */
static unsigned
failover_answer(const struct snapshot *s)
{
	uint8_t wire[DNAME_MAX];
	int len = dname_from_text("f.corp.example.com", wire, NULL);
	struct query_lookup f;
	query_lookup_name(&s->db, (uint16_t)s->vpcs[0].view, wire, (size_t)len, 1, &f);
	assert_non_null(f.answer);
	assert_int_equal(f.answer->ancount, 1);
	assert_null(f.answer->sel);		/* decided at load: nothing per query */
	const uint8_t *w = f.answer->block + f.answer->len;
	return w[-1];
}

static void
test_health_checks_are_overrides_too(void **state)
{
	struct health_set h = HEALTH_SET_INIT;
	struct diag d;
	(void)state;
	diag_init(&d, stderr);
	struct snapshot_config cfg = { .keep_model = true };
	struct snapshot *s = snapshot_load_buffer_cfg("w.yaml", failover_world,
		sizeof(failover_world) - 1, &cfg, &d);
	assert_non_null(s);
	assert_int_equal(d.errors, 0);
	assert_int_equal(failover_answer(s), 1);	/* no status yet: healthy */
	size_t before = arena_used(snapshot_model_topology(s)->arena);
	for (int i = 0; i < 50; i++) {
		health_set_put(&h, HEALTH_CHECK, HCID, i % 2, false, 0);
		struct snapshot *next = rebuild(s, &h);
		snapshot_free(s);
		s = next;
		assert_int_equal(failover_answer(s), i % 2 ? 1 : 2);
	}
	/* cleared: the definitions decide again */
	health_set_put(&h, HEALTH_CHECK, HCID, false, true, 0);
	struct snapshot *next = rebuild(s, &h);
	snapshot_free(s);
	s = next;
	assert_int_equal(failover_answer(s), 1);
	assert_int_equal(arena_used(snapshot_model_topology(s)->arena), before);
	snapshot_free(s);
	health_set_fini(&h);
}

/* Without a kept model there is nothing to rebuild from: an error, not a crash. */
static void
test_rebuild_needs_the_model(void **state)
{
	struct diag d;
	(void)state;
	diag_init(&d, NULL);
	struct snapshot *s = snapshot_load_buffer("w.yaml", world, sizeof(world) - 1, &d);
	assert_non_null(s);
	assert_null(snapshot_model_topology(s));
	struct snapshot_config cfg = { .keep_model = true };
	assert_null(snapshot_rebuild(s, &cfg, &d));
	assert_int_equal(d.errors, 1);
	snapshot_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_put_get_clear_at_sizes),
		cmocka_unit_test(test_match_prefers_the_eni_over_its_az),
		cmocka_unit_test(test_overrides_over_the_definitions),
		cmocka_unit_test(test_rebuilds_do_not_grow_the_model),
		cmocka_unit_test(test_health_checks_are_overrides_too),
		cmocka_unit_test(test_rebuild_needs_the_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
