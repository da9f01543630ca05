/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_export.c - what dnsd --check prints besides the zones: Resolver rules, targets and endpoints. */
#include "config.h"
#include "diag.h"
#include "defs.h"
#include "export.h"
#include "topology.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The comment lines export_definitions prints for these definitions. */
static char *
exported(const char *defs, unsigned *errors)
{
	struct diag d;
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	struct topology *t = topology_create();

	assert_non_null(f);
	assert_non_null(t);
	diag_init(&d, NULL);
	defs_load_buffer(t, "r.yaml", defs, strlen(defs), &d);
	defs_resolve(t, &d);
	*errors = d.errors;
	export_definitions(t, f);
	fclose(f);
	topology_free(t);
	return text;
}

static const char vpcs[] =
	"Vpcs:\n"
	"  - {VpcId: vpc-1, CidrBlock: 10.0.0.0/16, Region: us-east-2}\n"
	"  - {VpcId: vpc-2, CidrBlock: 10.1.0.0/16, Region: us-east-2}\n";

static void
test_rules_and_endpoints(void **state)
{
	unsigned errors;
	char *defs = NULL;

	(void)state;
	assert_true(asprintf(&defs, "%s"
		"ResolverEndpoints:\n"
		"  - {Id: rslvr-in-1, Direction: INBOUND, HostVPCId: vpc-1,\n"
		"     IpAddresses: [{Ip: 10.0.0.10}, {Ip: 10.0.1.10, Ipv6: 'fd00::10'}]}\n"
		"  - {Id: rslvr-out-1, Direction: OUTBOUND, HostVPCId: vpc-1,\n"
		"     IpAddresses: [{Ip: 10.0.0.20}]}\n"
		"ResolverRules:\n"
		"  - {Id: rslvr-rr-1, Name: corp, DomainName: corp.example., RuleType: FORWARD,\n"
		"     ResolverEndpointId: rslvr-out-1, VPCIds: [vpc-1, vpc-2],\n"
		"     TargetIps: [{Ip: 192.0.2.1}, {Ip: 192.0.2.2, Port: 5353}, {Ipv6: '2001:db8::1'}]}\n"
		"  - {Id: rslvr-rr-2, DomainName: int.corp.example., RuleType: SYSTEM}\n"
		"ResolverRuleAssociations:\n"
		"  - {ResolverRuleId: rslvr-rr-2, VPCId: vpc-2, Status: DELETING}\n", vpcs) > 0);
	char *out = exported(defs, &errors);
	free(defs);
	assert_int_equal(errors, 0);
	assert_string_equal(out,
		"\n; Resolver rules (targets in the order tried) and endpoints\n"
		"; rule rslvr-rr-1 \"corp\" FORWARD corp.example. -> 192.0.2.1:53 "
		"192.0.2.2:5353 [2001:db8::1]:53 via rslvr-out-1; in vpc-1 vpc-2\n"
		"; rule rslvr-rr-2 SYSTEM int.corp.example.; in vpc-2 (DELETING: not in effect)\n"
		"; inbound endpoint rslvr-in-1 in vpc-1: 10.0.0.10 10.0.1.10 fd00::10 "
		"(dnsd listens on those of this host)\n"
		"; outbound endpoint rslvr-out-1 in vpc-1: 10.0.0.20 "
		"(the source of forwarded queries, where this host has it)\n");
	free(out);
}

/* Every target is listed, at counts around the 8 a rule once kept and past
 * them (AWS allows 6 TargetIps; hand-written definitions can hold more). */
static void
test_every_target(void **state)
{
	static const unsigned counts[] = { 1, 6, 7, 8, 9, 16, 17, 300 };

	(void)state;
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		char *targets = NULL, *want = NULL, *defs = NULL;
		size_t tsize = 0, wsize = 0;
		FILE *tf = open_memstream(&targets, &tsize), *wf = open_memstream(&want, &wsize);
		unsigned errors;

		assert_non_null(tf);
		assert_non_null(wf);
		fputs("; rule rslvr-rr-1 FORWARD corp.example. ->", wf);
		for (unsigned i = 0; i < counts[k]; i++) {
			fprintf(tf, "%s{Ip: 192.0.%u.%u}", i ? ", " : "", i / 250, 1 + i % 250);
			fprintf(wf, " 192.0.%u.%u:53", i / 250, 1 + i % 250);
		}
		fputs("; in vpc-1\n", wf);
		fclose(tf);
		fclose(wf);
		assert_true(asprintf(&defs, "%sResolverRules:\n"
			"  - {Id: rslvr-rr-1, DomainName: corp.example., VPCIds: [vpc-1],\n"
			"     TargetIps: [%s]}\n", vpcs, targets) > 0);
		char *out = exported(defs, &errors);
		assert_int_equal(errors, 0);
		assert_non_null(strstr(out, want));
		free(out);
		free(defs);
		free(targets);
		free(want);
	}
}

static void
test_nothing_without_resolver(void **state)
{
	unsigned errors;

	(void)state;
	char *out = exported(vpcs, &errors);
	assert_int_equal(errors, 0);
	assert_string_equal(out, "");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_and_endpoints),
		cmocka_unit_test(test_every_target),
		cmocka_unit_test(test_nothing_without_resolver),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
