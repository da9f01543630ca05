/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_catalog.c - unit tests of the compiled-in service catalog. */
#include "config.h"
#include "catalog.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Expand every private name of e for region into names[]; return count. */
static size_t
expand_all(const struct catalog_entry *e, const char *region,
	char names[][256])
{
	size_t i;

	for (i = 0; i < CATALOG_MAX_PRIVATE && e->private_names[i]; i++)
		assert_true(catalog_expand(e->private_names[i], region,
			names[i], 256) > 0);
	return i;
}

static void
test_monitoring(void **state)
{
	char region[32], names[CATALOG_MAX_PRIVATE][256];
	const struct catalog_entry *e;

	(void)state;
	e = catalog_find("com.amazonaws.us-east-2.monitoring", region,
		sizeof(region));
	assert_non_null(e);
	assert_string_equal(region, "us-east-2");
	assert_string_equal(e->service_name,
		"com.amazonaws.{region}.monitoring");
	assert_string_equal(e->label, "monitoring");
	assert_int_equal(expand_all(e, region, names), 4);
	assert_string_equal(names[0], "monitoring.us-east-2.amazonaws.com");
	assert_string_equal(names[1], "monitoring.us-east-2.api.aws");
	assert_string_equal(names[2],
		"monitoring-fips.us-east-2.amazonaws.com");
	assert_string_equal(names[3], "monitoring-fips.us-east-2.api.aws");
	assert_int_equal(e->types, CATALOG_INTERFACE);
	assert_int_equal(e->ip_types, CATALOG_IPV4 | CATALOG_IPV6);
	assert_int_equal(e->flags, 0);
	assert_non_null(e->source);
}

static void
test_multi_part_labels(void **state)
{
	char names[CATALOG_MAX_PRIVATE][256];
	const struct catalog_entry *e;

	(void)state;
	e = catalog_find("com.amazonaws.us-east-1.iot.data", NULL, 0);
	assert_non_null(e);
	assert_string_equal(e->label, "data.iot");
	/* IoT Core data plane: AWS creates no private DNS records */
	assert_null(e->private_names[0]);

	e = catalog_find("com.amazonaws.eu-west-1.ecr.api", NULL, 0);
	assert_non_null(e);
	assert_string_equal(e->label, "api.ecr");
	assert_int_equal(expand_all(e, "eu-west-1", names), 1);
	assert_string_equal(names[0], "api.ecr.eu-west-1.amazonaws.com");

	e = catalog_find("com.amazonaws.eu-west-1.ecr.dkr", NULL, 0);
	assert_non_null(e);
	assert_string_equal(e->label, "dkr.ecr");
	assert_int_equal(expand_all(e, "eu-west-1", names), 1);
	assert_string_equal(names[0], "*.dkr.ecr.eu-west-1.amazonaws.com");

	e = catalog_find("com.amazonaws.eu-west-1.sagemaker.api", NULL, 0);
	assert_non_null(e);
	assert_string_equal(e->label, "api.sagemaker");
	assert_string_equal(e->private_names[0],
		"api.sagemaker.{region}.amazonaws.com");

	/* ecr.api and ecr.dkr are distinct from a plain "ecr" */
	assert_null(catalog_find("com.amazonaws.eu-west-1.ecr", NULL, 0));
}

static void
test_execute_api(void **state)
{
	char names[CATALOG_MAX_PRIVATE][256];
	const struct catalog_entry *e;

	(void)state;
	e = catalog_find("com.amazonaws.us-west-2.execute-api", NULL, 0);
	assert_non_null(e);
	assert_string_equal(e->label, "execute-api");
	assert_int_equal(expand_all(e, "us-west-2", names), 1);
	assert_string_equal(names[0], "*.execute-api.us-west-2.amazonaws.com");
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->types, CATALOG_INTERFACE);
}

static void
test_s3(void **state)
{
	char names[CATALOG_MAX_PRIVATE][256];
	const struct catalog_entry *e;

	(void)state;
	e = catalog_find("com.amazonaws.us-east-1.s3", NULL, 0);
	assert_non_null(e);
	assert_string_equal(e->label, "s3");
	assert_int_equal(e->types, CATALOG_INTERFACE | CATALOG_GATEWAY);
	assert_int_equal(e->flags, CATALOG_WILDCARD_ENDPOINT_NAMES
		| CATALOG_INBOUND_ONLY_OPTION);
	assert_int_equal(e->ip_types, CATALOG_IPV4 | CATALOG_IPV6);
	assert_int_equal(expand_all(e, "us-east-1", names), 6);
	assert_string_equal(names[0], "s3.us-east-1.amazonaws.com");
	assert_string_equal(names[1], "*.s3.us-east-1.amazonaws.com");
	assert_string_equal(names[2], "s3-control.us-east-1.amazonaws.com");
	assert_string_equal(names[3], "*.s3-control.us-east-1.amazonaws.com");
	assert_string_equal(names[4], "s3-accesspoint.us-east-1.amazonaws.com");
	assert_string_equal(names[5],
		"*.s3-accesspoint.us-east-1.amazonaws.com");

	/* only S3 has wildcard endpoint names */
	assert_int_equal(catalog_find("com.amazonaws.us-east-1.ec2", NULL,
		0)->flags & CATALOG_WILDCARD_ENDPOINT_NAMES, 0);
}

static void
test_dynamodb(void **state)
{
	const struct catalog_entry *e;

	(void)state;
	e = catalog_find("com.amazonaws.us-west-2.dynamodb", NULL, 0);
	assert_non_null(e);
	assert_true(e->types & CATALOG_GATEWAY);
	assert_true(e->types & CATALOG_INTERFACE);
	assert_string_equal(e->label, "dynamodb");
	/* the interface service carries no PrivateDnsName (2024 capture) */
	assert_null(e->private_names[0]);
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->ip_types, CATALOG_IPV4);

	/* every other service is interface-only */
	e = catalog_find("com.amazonaws.us-west-2.sqs", NULL, 0);
	assert_non_null(e);
	assert_int_equal(e->types, CATALOG_INTERFACE);
}

static void
test_kinesis_and_seeds(void **state)
{
	static const char *const seeds[] = {
		"monitoring", "ec2", "ssm", "s3", "dynamodb", "execute-api",
		"logs", "elasticloadbalancing", "iot.data", "ecr.api",
		"ecr.dkr", "kinesis-streams", "cloudformation", "sts", "sqs",
		"sns", "kms", "secretsmanager", "lambda", "ec2messages",
		"ssmmessages", "ecs", "ecs-agent", "ecs-telemetry",
		"elasticfilesystem", "autoscaling", "application-autoscaling",
		"athena", "glue", "rds", "rds-data", "sagemaker.api",
		"sagemaker.runtime", "states", "codebuild", "codecommit",
		"git-codecommit", "codepipeline", "ebs", "servicecatalog",
		"ssm-contacts", "xray", "events", "kinesis-firehose",
	};
	char name[128], region[32];
	const struct catalog_entry *e;
	size_t i;

	(void)state;
	e = catalog_find("com.amazonaws.ap-southeast-2.kinesis-streams",
		region, sizeof(region));
	assert_non_null(e);
	assert_string_equal(e->label, "kinesis-streams");
	assert_string_equal(e->private_names[0],
		"kinesis.{region}.amazonaws.com");
	assert_string_equal(e->private_names[1],
		"*.control-kinesis.{region}.amazonaws.com");
	assert_string_equal(e->private_names[2],
		"*.data-kinesis.{region}.amazonaws.com");
	assert_null(e->private_names[3]);

	e = catalog_find("com.amazonaws.ap-southeast-2.kinesis-firehose",
		NULL, 0);
	assert_non_null(e);
	assert_string_equal(e->private_names[0],
		"firehose.{region}.amazonaws.com");

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		snprintf(name, sizeof(name), "com.amazonaws.us-east-1.%s",
			seeds[i]);
		e = catalog_find(name, region, sizeof(region));
		if (!e)
			fail_msg("seed service %s missing", name);
		assert_string_equal(region, "us-east-1");
	}
	assert_true(catalog_count() >= 60);
}

static void
test_sagemaker_aws_sagemaker(void **state)
{
	char region[32], names[CATALOG_MAX_PRIVATE][256];
	const struct catalog_entry *e;

	(void)state;
	e = catalog_find("aws.sagemaker.us-west-2.notebook", region,
		sizeof(region));
	assert_non_null(e);
	assert_string_equal(region, "us-west-2");
	assert_string_equal(e->label, "notebook");
	assert_int_equal(expand_all(e, region, names), 1);
	assert_string_equal(names[0], "*.notebook.us-west-2.sagemaker.aws");

	e = catalog_find("aws.sagemaker.us-west-2.studio", NULL, 0);
	assert_non_null(e);
	assert_string_equal(e->label, "studio");
	assert_string_equal(e->private_names[0],
		"*.studio.{region}.sagemaker.aws");

	/* the prefix matters: no com.amazonaws.<r>.notebook */
	assert_null(catalog_find("com.amazonaws.us-west-2.notebook", NULL, 0));
}

static void
test_region_extraction(void **state)
{
	char region[32], small[9], exact[10];
	const struct catalog_entry *e;

	(void)state;
	e = catalog_find("com.amazonaws.us-gov-west-1.ec2", region,
		sizeof(region));
	assert_non_null(e);
	assert_string_equal(region, "us-gov-west-1");
	assert_string_equal(e->label, "ec2");

	/* regions need not be known to match */
	e = catalog_find("com.amazonaws.xx-test-9.sqs", region,
		sizeof(region));
	assert_non_null(e);
	assert_string_equal(region, "xx-test-9");
	assert_false(catalog_region_known("xx-test-9"));
	e = catalog_find("com.amazonaws.ap-southeast-5.sqs", region,
		sizeof(region));
	assert_non_null(e);
	assert_string_equal(region, "ap-southeast-5");

	/* region may be NULL */
	assert_non_null(catalog_find("com.amazonaws.eu-west-3.sts", NULL, 0));

	/* a buffer too small for the region: no match, empty string */
	assert_null(catalog_find("com.amazonaws.us-east-1.ec2", small,
		sizeof(small)));
	assert_string_equal(small, "");
	assert_non_null(catalog_find("com.amazonaws.us-east-1.ec2", exact,
		sizeof(exact)));
	assert_string_equal(exact, "us-east-1");
}

static void
test_unknown_and_malformed(void **state)
{
	static const char *const bad[] = {
		"com.amazonaws.us-east-1.nosuchservice",
		"com.amazonaws.vpce.us-east-1.vpce-svc-0e7555fb6441987e1",
		"com.amazonaws.us-east-1",
		"com.amazonaws..ec2",
		"com.amazonaws.US-EAST-1.ec2",
		"com.amazonaws.us-east-1.EC2",
		"COM.amazonaws.us-east-1.ec2",
		"com.amazonaws.us-east-1.ec2.",
		"com.amazonaws.us-east-1..ec2",
		" com.amazonaws.us-east-1.ec2",
		"com.amazonaws.us-east-1.ec2 ",
		"com.amazonaws.{region}.ec2",
		"com.amazonaws.-us-east-1.ec2",
		"com.amazonaws.us--east-1.ec2",
		"com.amazonaws.us-east-.ec2",
		"com.amazonaws.us-east-1x.ec2",
		"com.amazonaws.useast1.ec2",
		"com.amazonaws.1us-east-1.ec2",
		"com.amazonaws.us_east_1.ec2",
		"com.amazonaws.us-east-1.ec2messagesx",
		"com.amazonaws.us-east-1.s",
		"aws.sagemaker.us-east-1.s3",
		"ec2",
		"",
		".",
	};
	char region[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(region, "untouched");
		if (catalog_find(bad[i], region, sizeof(region)))
			fail_msg("\"%s\" matched", bad[i]);
		assert_string_equal(region, "");
	}
	assert_null(catalog_find(NULL, region, sizeof(region)));
	assert_null(catalog_at(catalog_count()));
}

static void
test_hosted_zones(void **state)
{
	(void)state;
	assert_string_equal(catalog_vpce_hosted_zone_id("us-east-1"),
		"Z7HUB22UULQXV");
	assert_string_equal(catalog_vpce_hosted_zone_id("us-east-2"),
		"ZC8PG0KIFKBRI");
	assert_string_equal(catalog_vpce_hosted_zone_id("us-west-2"),
		"Z1YSA3EXCYUU9Z");
	assert_string_equal(catalog_vpce_hosted_zone_id("us-gov-west-1"),
		"Z12529ZODG2B6H");
	assert_string_equal(catalog_vpce_hosted_zone_id("eu-west-1"),
		"Z38GZ743OKFT7T");
	assert_string_equal(catalog_vpce_hosted_zone_id("af-south-1"),
		"Z09302161J80N9A7UTP7U");

	/* known regions without a known HostedZoneId */
	assert_true(catalog_region_known("il-central-1"));
	assert_null(catalog_vpce_hosted_zone_id("il-central-1"));
	assert_true(catalog_region_known("mx-central-1"));
	assert_true(catalog_region_known("ca-west-1"));
	assert_true(catalog_region_known("ap-southeast-5"));

	assert_true(catalog_region_known("us-east-1"));
	assert_true(catalog_region_known("eu-west-3"));
	assert_false(catalog_region_known("us-east-3"));
	assert_false(catalog_region_known("US-EAST-1"));
	assert_false(catalog_region_known(""));
	assert_false(catalog_region_known(NULL));
	assert_null(catalog_vpce_hosted_zone_id("mars-north-1"));
	assert_null(catalog_vpce_hosted_zone_id(NULL));
}

static void
test_expand(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(catalog_expand("ec2.{region}.amazonaws.com",
		"us-east-1", out, sizeof(out)), 27);
	assert_string_equal(out, "ec2.us-east-1.amazonaws.com");

	assert_int_equal(catalog_expand("{region}/{region}", "ab-c-1", out,
		sizeof(out)), 13);
	assert_string_equal(out, "ab-c-1/ab-c-1");

	assert_int_equal(catalog_expand("no placeholder", "us-east-1", out,
		sizeof(out)), 14);
	assert_string_equal(out, "no placeholder");

	assert_int_equal(catalog_expand("{region", "x", out, sizeof(out)), 7);
	assert_string_equal(out, "{region");

	assert_int_equal(catalog_expand("", "x", out, sizeof(out)), 0);
	assert_string_equal(out, "");

	/* region NULL expands to nothing */
	assert_int_equal(catalog_expand("a.{region}.b", NULL, out,
		sizeof(out)), 4);
	assert_string_equal(out, "a..b");

	/* exact fit: 7 characters and the NUL in 8 bytes */
	assert_int_equal(catalog_expand("s3.{region}", "us-1", out, 8), 7);
	assert_string_equal(out, "s3.us-1");

	/* overflow */
	assert_int_equal(catalog_expand("s3.{region}", "us-1", out, 7), -1);
	assert_string_equal(out, "");
	assert_int_equal(catalog_expand("s3.{region}.amazonaws.com",
		"us-east-1", out, 10), -1);
	assert_string_equal(out, "");
	assert_int_equal(catalog_expand("abc", "x", out, 3), -1);
	assert_int_equal(catalog_expand("abc", "x", out, 0), -1);
	assert_int_equal(catalog_expand(NULL, "x", out, sizeof(out)), -1);
	assert_int_equal(catalog_expand("abc", "x", NULL, 10), -1);
}

static bool
is_lower_name(const char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			return false;
	return true;
}

/* One or more dot-separated LDH labels; "*." first when wildcard_ok. */
static bool
valid_hostname(const char *s, bool wildcard_ok)
{
	size_t len = 0, total = strlen(s);
	const char *p;

	if (wildcard_ok && strncmp(s, "*.", 2) == 0)
		s += 2;
	if (*s == '\0' || total > 253)
		return false;
	for (p = s; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (len == 0 || len > 63 || p[-1] == '-')
				return false;
			if (*p == '\0')
				return true;
			len = 0;
			continue;
		}
		if (len == 0 && *p == '-')
			return false;
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
			|| *p == '-'))
			return false;
		len++;
	}
}

static size_t
count_placeholders(const char *s)
{
	size_t n = 0;

	while ((s = strstr(s, "{region}")) != NULL) {
		n++;
		s += 8;
	}
	return n;
}

static void
test_entries_well_formed(void **state)
{
	size_t i, j, n = catalog_count();

	(void)state;
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		const struct catalog_entry *e = catalog_at(i);
		char name[256], region[32];

		assert_non_null(e);
		assert_non_null(e->service_name);
		assert_non_null(e->label);
		assert_non_null(e->source);
		assert_true(strlen(e->source) > 0);
		if (!is_lower_name(e->service_name))
			fail_msg("%s: uppercase", e->service_name);
		if (count_placeholders(e->service_name) != 1)
			fail_msg("%s: needs one {region}", e->service_name);
		if (count_placeholders(e->label) != 0
			|| !valid_hostname(e->label, false))
			fail_msg("%s: bad label %s", e->service_name, e->label);
		if (e->types == 0 || (e->types & ~3u) != 0)
			fail_msg("%s: bad types", e->service_name);
		if (!(e->ip_types & CATALOG_IPV4) || (e->ip_types & ~3u) != 0)
			fail_msg("%s: bad ip_types", e->service_name);
		if ((e->flags & ~3u) != 0)
			fail_msg("%s: bad flags", e->service_name);
		/* the inbound-only option needs gateway and interface */
		if ((e->flags & CATALOG_INBOUND_ONLY_OPTION)
			&& e->types != (CATALOG_INTERFACE | CATALOG_GATEWAY))
			fail_msg("%s: inbound-only without both types",
				e->service_name);
		assert_null(e->private_names[CATALOG_MAX_PRIVATE]);
		for (j = 0; j < CATALOG_MAX_PRIVATE && e->private_names[j];
			j++) {
			const char *pn = e->private_names[j];
			size_t k;

			if (count_placeholders(pn) != 1)
				fail_msg("%s: %s needs one {region}",
					e->service_name, pn);
			assert_true(catalog_expand(pn, "ap-southeast-2", name,
				sizeof(name)) > 0);
			if (!valid_hostname(name, true))
				fail_msg("%s: bad private name %s",
					e->service_name, name);
			for (k = 0; k < j; k++)
				if (strcmp(pn, e->private_names[k]) == 0)
					fail_msg("%s: duplicate %s",
						e->service_name, pn);
		}
		for (; j < CATALOG_MAX_PRIVATE; j++)
			assert_null(e->private_names[j]);

		/* strictly sorted: catalog_find() binary-searches, and no
		 * service_name appears twice */
		if (i > 0 && strcmp(catalog_at(i - 1)->service_name,
			e->service_name) >= 0)
			fail_msg("%s: out of order or duplicate",
				e->service_name);

		/* round trip */
		assert_true(catalog_expand(e->service_name, "ap-southeast-2",
			name, sizeof(name)) > 0);
		if (catalog_find(name, region, sizeof(region)) != e)
			fail_msg("%s: does not find itself", name);
		assert_string_equal(region, "ap-southeast-2");
	}
	/* no two services claim the same private name */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			const struct catalog_entry *a = catalog_at(i);
			const struct catalog_entry *b = catalog_at(j);
			size_t x, y;

			for (x = 0; a->private_names[x]; x++)
				for (y = 0; b->private_names[y]; y++)
					if (strcmp(a->private_names[x],
						b->private_names[y]) == 0)
						fail_msg("%s claimed twice",
							a->private_names[x]);
			if (strcmp(a->label, b->label) == 0)
				fail_msg("label %s used twice", a->label);
		}
}

static void
test_find_speed(void **state)
{
	static const char *const names[] = {
		"com.amazonaws.us-east-1.monitoring",
		"com.amazonaws.eu-central-1.ecr.dkr",
		"com.amazonaws.us-gov-west-1.ssmmessages",
		"com.amazonaws.ap-southeast-2.nosuchservice",
		"aws.sagemaker.us-west-2.notebook",
	};
	struct timespec t0, t1;
	char region[32];
	size_t i, found = 0;
	double ms;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 100000; i++)
		if (catalog_find(names[i % 5], region, sizeof(region)))
			found++;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3
		+ (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	assert_int_equal(found, 80000);
	printf("# 100000 catalog_find() calls: %.1f ms\n", ms);
	/* generous: the budget is 100 ms, sanitizer builds are slower */
	assert_true(ms < 500.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitoring),
		cmocka_unit_test(test_multi_part_labels),
		cmocka_unit_test(test_execute_api),
		cmocka_unit_test(test_s3),
		cmocka_unit_test(test_dynamodb),
		cmocka_unit_test(test_kinesis_and_seeds),
		cmocka_unit_test(test_sagemaker_aws_sagemaker),
		cmocka_unit_test(test_region_extraction),
		cmocka_unit_test(test_unknown_and_malformed),
		cmocka_unit_test(test_hosted_zones),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_entries_well_formed),
		cmocka_unit_test(test_find_speed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
