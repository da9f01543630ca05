/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_defs_routing.c - the route53 family's routing policies, health checks and CIDR collections: reading, Route 53's checks with file:line errors, health check status. */
#include "config.h"
#include "defs_route53.h"
#include "defs_fixture.h"
#include "health.h"
#include "healthcheck.h"

/* A zone for the record sets below (its VPCs come from the fixture). */
static const char zone_doc[] =
	"HostedZones:\n"
	"  - {Id: /hostedzone/Z0123456789ABCDEFGHIJ, Name: corp.example.com., "
	"Config: {PrivateZone: true}, VPCIds: [vpc-1]}\n";

static void
load_sets(struct fx *f, const char *name, const char *sets)
{
	char *doc = NULL;
	assert_int_equal(load(f, "zone.yaml", zone_doc), 0);
	assert_true(asprintf(&doc, "HostedZoneId: Z0123456789ABCDEFGHIJ\nResourceRecordSets:\n%s",
		sets) > 0);
	load(f, name, doc);
	free(doc);
	resolve(f);
}

static const struct topo_routing *
policy_of(struct fx *f, const char *name, uint16_t type, unsigned nth)
{
	const struct topo_rr *rr = find_rr(zone(f, "Z0123456789ABCDEFGHIJ"), name, type, nth);
	assert_non_null(rr);
	assert_non_null(rr->set->policy);
	return rr->set->policy;
}

/* ---- list-resource-record-sets as the AWS CLI prints it ---- */

/* Each policy's fields (API Reference, ResourceRecordSet; the shapes of
 * `aws route53 list-resource-record-sets`). */
static const char every_policy[] =
	"{\"HostedZoneId\": \"/hostedzone/Z0123456789ABCDEFGHIJ\", \"ResourceRecordSets\": [\n" /* 1 */
	"{\"Name\": \"w.corp.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"blue\", \"Weight\": 200,\n"
	" \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"10.0.0.1\"}], \"HealthCheckId\": \"abcdef11-2222-3333-4444-555555fedcba\"},\n"
	"{\"Name\": \"f.corp.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"s\", \"Failover\": \"SECONDARY\",\n" /* 4 */
	" \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"10.0.0.2\"}]},\n"
	"{\"Name\": \"m.corp.example.com.\", \"Type\": \"TXT\", \"SetIdentifier\": \"m1\", \"MultiValueAnswer\": true,\n" /* 6 */
	" \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"\\\"hello\\\"\"}]},\n"
	"{\"Name\": \"l.corp.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"e\", \"Region\": \"eu-west-1\",\n" /* 8 */
	" \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"10.0.0.3\"}]},\n"
	"{\"Name\": \"g.corp.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"va\",\n" /* 10 */
	" \"GeoLocation\": {\"CountryCode\": \"US\", \"SubdivisionCode\": \"VA\"}, \"TTL\": 60,\n"
	" \"ResourceRecords\": [{\"Value\": \"10.0.0.4\"}]},\n"
	"{\"Name\": \"g.corp.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"any\",\n" /* 13 */
	" \"GeoLocation\": {\"CountryCode\": \"*\"}, \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"10.0.0.5\"}]},\n"
	"{\"Name\": \"p.corp.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"here\",\n" /* 15 */
	" \"GeoProximityLocation\": {\"Coordinates\": {\"Latitude\": \"47.61\", \"Longitude\": \"-122.33\"}, \"Bias\": -25},\n"
	" \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"10.0.0.6\"}]},\n"
	"{\"Name\": \"p.corp.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"there\",\n" /* 18 */
	" \"GeoProximityLocation\": {\"LocalZoneGroup\": \"us-west-2-lax-1\"}, \"TTL\": 60,\n"
	" \"ResourceRecords\": [{\"Value\": \"10.0.0.7\"}]},\n"
	"{\"Name\": \"i.corp.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"isp\",\n" /* 21 */
	" \"CidrRoutingConfig\": {\"CollectionId\": \"c8c02a84-aaaa-4d5c-bbbb-0123456789ab\", \"LocationName\": \"isp-1\"},\n"
	" \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"10.0.0.8\"}]},\n"
	"{\"Name\": \"a.corp.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"pri\", \"Failover\": \"PRIMARY\",\n" /* 24 */
	" \"AliasTarget\": {\"HostedZoneId\": \"Z0123456789ABCDEFGHIJ\", \"DNSName\": \"w.corp.example.com.\",\n"
	" \"EvaluateTargetHealth\": true}}\n"
	"]}\n";

static void
test_every_policy_read(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "zone.yaml", zone_doc), 0);
	load(f, "list-resource-record-sets.json", every_policy);
	resolve(f);
	assert_no_errors(f);
	const struct topo_routing *p = policy_of(f, "w.corp.example.com.", T_A, 0);
	assert_int_equal(p->policy, RRP_WEIGHTED);
	assert_int_equal(p->weight, 200);
	assert_string_equal(p->set_id, "blue");
	assert_string_equal(p->health_check_id, "abcdef11-2222-3333-4444-555555fedcba");
	assert_int_equal(p->health_check_src.line, 3);
	p = policy_of(f, "f.corp.example.com.", T_A, 0);
	assert_int_equal(p->policy, RRP_FAILOVER);
	assert_true(p->secondary);
	assert_int_equal(policy_of(f, "m.corp.example.com.", T_TXT, 0)->policy, RRP_MULTIVALUE);
	p = policy_of(f, "l.corp.example.com.", T_A, 0);
	assert_int_equal(p->policy, RRP_LATENCY);
	assert_string_equal(p->region, "eu-west-1");
	p = policy_of(f, "g.corp.example.com.", T_A, 0);
	assert_int_equal(p->policy, RRP_GEOLOCATION);
	assert_string_equal(p->country, "US");
	assert_string_equal(p->subdivision, "VA");
	assert_null(p->continent);
	assert_string_equal(policy_of(f, "g.corp.example.com.", T_A, 1)->country, "*");
	p = policy_of(f, "p.corp.example.com.", T_A, 0);
	assert_int_equal(p->policy, RRP_GEOPROXIMITY);
	assert_true(p->has_coordinates);
	assert_true(p->latitude > 47.60 && p->latitude < 47.62);
	assert_true(p->longitude < -122.32 && p->longitude > -122.34);
	assert_int_equal(p->bias, -25);
	assert_string_equal(policy_of(f, "p.corp.example.com.", T_A, 1)->local_zone_group,
		"us-west-2-lax-1");
	p = policy_of(f, "i.corp.example.com.", T_A, 0);
	assert_int_equal(p->policy, RRP_CIDR);
	assert_string_equal(p->cidr_collection, "c8c02a84-aaaa-4d5c-bbbb-0123456789ab");
	assert_string_equal(p->cidr_location, "isp-1");
	p = policy_of(f, "a.corp.example.com.", T_A, 0);
	assert_true(p->evaluate_target_health);
	/* warnings: a lone failover set, and what the definitions do not hold */
	assert_msg(f, "list-resource-record-sets.json:4: warning: f.corp.example.com. A has only a "
		"SECONDARY failover record set");
	assert_msg(f, "list-resource-record-sets.json:3: warning: record set w.corp.example.com.: "
		"health check abcdef11-2222-3333-4444-555555fedcba is not defined");
	assert_msg(f, "list-resource-record-sets.json:21: warning: record set i.corp.example.com.: "
		"CIDR collection c8c02a84-aaaa-4d5c-bbbb-0123456789ab is not defined");
}

/* ---- malformed combinations: file:line errors citing AWS's rule ---- */

struct bad_case {
	const char *sets;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, Weight: 1, Failover: PRIMARY, "
	  "TTL: 60, ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A has both Weight and Failover: a record "
	  "set has one routing policy (API Reference, ResourceRecordSet" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, Weight: 1, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n"
	  "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, Weight: 2, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.2}]}\n",
	  "bad.yaml:4: error: record set x.corp.example.com. A: SetIdentifier 'a' is used twice "
	  "(first at bad.yaml:3): \"In a group of resource record sets that have the same name and "
	  "type, the value of SetIdentifier must be unique\"" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, Weight: 256, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: Weight is more than Route 53 allows, "
	  "an integer between 0 and 255: 256 (Developer Guide, \"Values specific for weighted "
	  "records\")" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, Weight: -1, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: Weight must be a whole number from 0 "
	  "to 255: -1" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A has a SetIdentifier but no routing "
	  "policy" },
	{ "  - {Name: x.corp.example.com., Type: A, Weight: 5, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A has Weight but no SetIdentifier" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, Failover: TERTIARY, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: Failover must be PRIMARY or "
	  "SECONDARY, not TERTIARY" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, Failover: PRIMARY, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n"
	  "  - {Name: x.corp.example.com., Type: A, SetIdentifier: b, Failover: PRIMARY, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.2}]}\n",
	  "bad.yaml:4: error: record set x.corp.example.com. A (SetIdentifier b) is in the same "
	  "place as the one at bad.yaml:3 (PRIMARY): a failover group has one PRIMARY and one "
	  "SECONDARY" },
	{ "  - {Name: x.corp.example.com., Type: A, TTL: 60, ResourceRecords: [{Value: 10.0.0.1}]}\n"
	  "  - {Name: x.corp.example.com., Type: A, SetIdentifier: b, Weight: 3, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.2}]}\n",
	  "bad.yaml:3: error: RRSet with DNS name x.corp.example.com., type A cannot be created as "
	  "other RRSets exist with the same name and type: this record set has no routing policy, "
	  "the record set at bad.yaml:4 is weighted" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, Weight: 1, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n"
	  "  - {Name: x.corp.example.com., Type: A, SetIdentifier: b, Region: us-east-1, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.2}]}\n",
	  "bad.yaml:4: error: record set x.corp.example.com. A is latency, but the one at bad.yaml:3 "
	  "is weighted: a name and type have one routing policy" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, Region: us-east-1, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n"
	  "  - {Name: x.corp.example.com., Type: A, SetIdentifier: b, Region: us-east-1, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.2}]}\n",
	  "bad.yaml:4: error: record set x.corp.example.com. A (SetIdentifier b) is in the same "
	  "place as the one at bad.yaml:3 (us-east-1): \"You can only create one latency record "
	  "for each Amazon EC2 Region\"" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, Region: mars-north-1, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: Region is not an AWS Region latency "
	  "records take: mars-north-1" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, GeoLocation: {CountryCode: DE}, "
	  "TTL: 60, ResourceRecords: [{Value: 10.0.0.1}]}\n"
	  "  - {Name: x.corp.example.com., Type: A, SetIdentifier: b, GeoLocation: {CountryCode: DE}, "
	  "TTL: 60, ResourceRecords: [{Value: 10.0.0.2}]}\n",
	  "bad.yaml:4: error: record set x.corp.example.com. A (SetIdentifier b) is in the same "
	  "place as the one at bad.yaml:3 (/DE/): \"You can't create two geolocation resource "
	  "record sets that specify the same geographic location\"" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, "
	  "GeoLocation: {ContinentCode: EU, CountryCode: DE}, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: GeoLocation has ContinentCode "
	  "together with CountryCode: Route 53 returns InvalidInput for that" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, "
	  "GeoLocation: {CountryCode: DE, SubdivisionCode: BY}, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: SubdivisionCode needs CountryCode "
	  "US: BY" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, GeoLocation: {CountryCode: QQ}, "
	  "TTL: 60, ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: CountryCode is not a country Route 53 "
	  "knows: QQ" },
	{ "  - {Name: x.corp.example.com., Type: CNAME, SetIdentifier: a, MultiValueAnswer: true, "
	  "TTL: 60, ResourceRecords: [{Value: y.example.com}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. CNAME: a multivalue answer record set "
	  "can be of any type except NS or CNAME" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, MultiValueAnswer: true, "
	  "AliasTarget: {HostedZoneId: Z0123456789ABCDEFGHIJ, DNSName: y.corp.example.com., "
	  "EvaluateTargetHealth: false}}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: multivalue answer alias records are "
	  "not supported by Route 53" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, "
	  "CidrRoutingConfig: {CollectionId: not-a-uuid, LocationName: x}, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: CollectionId is not a CIDR collection "
	  "id (a UUID): not-a-uuid" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, CidrRoutingConfig: "
	  "{CollectionId: c8c02a84-aaaa-4d5c-bbbb-0123456789ab, LocationName: x}, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n"
	  "  - {Name: x.corp.example.com., Type: A, SetIdentifier: b, CidrRoutingConfig: "
	  "{CollectionId: 11111111-aaaa-4d5c-bbbb-0123456789ab, LocationName: y}, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.2}]}\n",
	  "bad.yaml:4: error: record set x.corp.example.com. A names CIDR collection "
	  "11111111-aaaa-4d5c-bbbb-0123456789ab, but the one at bad.yaml:3 names "
	  "c8c02a84-aaaa-4d5c-bbbb-0123456789ab: \"all resource record sets for the same record set "
	  "name and type must reference the same collection\"" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, GeoProximityLocation: "
	  "{AWSRegion: us-east-1, Coordinates: {Latitude: '1', Longitude: '2'}}, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: GeoProximityLocation must name "
	  "exactly one of AWSRegion, LocalZoneGroup and Coordinates; it names more" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, GeoProximityLocation: "
	  "{AWSRegion: us-east-1, Bias: 100}, TTL: 60, ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: Bias must be an integer from -99 to "
	  "99: 100" },
	{ "  - {Name: x.corp.example.com., Type: A, SetIdentifier: a, GeoProximityLocation: "
	  "{Coordinates: {Latitude: '91', Longitude: '2'}}, TTL: 60, "
	  "ResourceRecords: [{Value: 10.0.0.1}]}\n",
	  "bad.yaml:3: error: record set x.corp.example.com. A: Latitude must be -90 to 90 with up to "
	  "two decimals: 91" },
};

static void
test_malformed_combinations(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct fx *f = NULL;
		assert_int_equal(setup((void **)&f), 0);
		load_sets(f, "bad.yaml", bad_cases[i].sets);
		if (f->d.errors == 0 || !strstr(messages(f), bad_cases[i].msg))
			fail_msg("case %zu: expected\n  %s\nin\n%s", i, bad_cases[i].msg, messages(f));
		teardown((void **)&f);
	}
}

/* ---- group sizes across growth boundaries, and AWS's quota ---- */

static char *
weighted_sets(unsigned n, unsigned weight)
{
	size_t size = (size_t)n * 160 + 1;
	char *s = malloc(size), *p = s;
	assert_non_null(s);
	for (unsigned i = 0; i < n; i++)
		p += snprintf(p, size - (size_t)(p - s), "  - {Name: x.corp.example.com., Type: A, "
			"SetIdentifier: s%u, Weight: %u, TTL: 60, ResourceRecords: [{Value: "
			"10.%u.%u.%u}]}\n", i, weight, i / 65536 % 256, i / 256 % 256, i % 256);
	return s;
}

static void
test_group_sizes(void **state)
{
	static const unsigned sizes[] = { 1, 15, 16, 17, 100, 101, 255, 256, 300, 3000 };
	(void)state;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct fx *f = NULL;
		assert_int_equal(setup((void **)&f), 0);
		char *sets = weighted_sets(sizes[k], 255);
		load_sets(f, "many.yaml", sets);
		free(sets);
		assert_no_errors(f);
		assert_int_equal(count_rr(zone(f, "Z0123456789ABCDEFGHIJ"), "x.corp.example.com.",
			T_A), sizes[k]);
		bool over = sizes[k] > 100;
		if (over != (strstr(messages(f), "AWS allows 100 with the same name and type") != NULL))
			fail_msg("%u sets: quota warning %s expected:\n%s", sizes[k],
				over ? "" : "not", messages(f));
		teardown((void **)&f);
	}
}

/* ---- health checks ---- */

static const char health_checks_doc[] =
	"{\"HealthChecks\": [\n"
	" {\"Id\": \"aaaaaaaa-0000-0000-0000-000000000001\", \"CallerReference\": \"a\", \"HealthCheckVersion\": 1,\n"
	"  \"HealthCheckConfig\": {\"IPAddress\": \"192.0.2.1\", \"Port\": 80, \"Type\": \"HTTP\", \"ResourcePath\": \"/\",\n"
	"   \"RequestInterval\": 30, \"FailureThreshold\": 3, \"MeasureLatency\": false, \"Inverted\": false,\n"
	"   \"Disabled\": false, \"EnableSNI\": false}},\n"
	" {\"Id\": \"aaaaaaaa-0000-0000-0000-000000000002\", \"CallerReference\": \"b\", \"HealthCheckVersion\": 1,\n"
	"  \"HealthCheckConfig\": {\"Type\": \"TCP\", \"IPAddress\": \"192.0.2.2\", \"Port\": 443, \"Inverted\": true}},\n"
	" {\"Id\": \"aaaaaaaa-0000-0000-0000-000000000003\", \"CallerReference\": \"c\", \"HealthCheckVersion\": 1,\n"
	"  \"HealthCheckConfig\": {\"Type\": \"CALCULATED\", \"HealthThreshold\": 2, \"ChildHealthChecks\":\n"
	"   [\"aaaaaaaa-0000-0000-0000-000000000001\", \"aaaaaaaa-0000-0000-0000-000000000002\",\n"
	"    \"aaaaaaaa-0000-0000-0000-000000000004\"]}},\n"
	" {\"Id\": \"aaaaaaaa-0000-0000-0000-000000000004\", \"CallerReference\": \"d\", \"HealthCheckVersion\": 1,\n"
	"  \"HealthCheckConfig\": {\"Type\": \"HTTP\", \"Disabled\": true, \"IPAddress\": \"192.0.2.4\", \"Port\": 80}}\n"
	"], \"IsTruncated\": false, \"MaxItems\": \"100\", \"Marker\": \"\"}\n";

/* ok of n checkers report Success (get-health-check-status output). */
static char *
status_doc(unsigned ok, unsigned n)
{
	char *s = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&s, &size);
	fputs("{\"HealthCheckObservations\": [\n", f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s {\"Region\": \"us-east-1\", \"IPAddress\": \"15.177.2.%u\", \"StatusReport\": "
			"{\"Status\": \"%s\", \"CheckedTime\": \"2024-05-01T10:00:00.000Z\"}}\n",
			i ? "," : "", i, i < ok ? "Success: HTTP Status Code 200, OK" :
			"Failure: Connection timed out. The endpoint or the internet connection is down, "
			"or requests are being blocked by your firewall.");
	fputs("]}\n", f);
	fclose(f);
	return s;
}

#define HC(n) "aaaaaaaa-0000-0000-0000-00000000000" #n

/* "If more than 18% of health checkers report that an endpoint is healthy,
 * Route 53 considers it healthy" (Developer Guide, "How Amazon Route 53
 * determines whether a health check is healthy"). */
static void
test_health_check_status(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "list-health-checks.json", health_checks_doc), 0);
	assert_int_equal(resolve(f), 0);
	/* no status yet: "healthy until there's enough data"; inverted: unhealthy */
	assert_true(healthcheck_healthy(f->t, HC(1)));
	assert_false(healthcheck_healthy(f->t, HC(2)));
	/* 1 of 8 is 12.5%: unhealthy; the calculated one has 1 of 3 children (the
	 * disabled one always healthy, the inverted one unhealthy): 2 needed */
	char *doc = status_doc(1, 8);
	assert_int_equal(load(f, "get-health-check-status-" HC(1) ".json", doc), 0);
	free(doc);
	assert_false(healthcheck_healthy(f->t, HC(1)));
	assert_true(healthcheck_healthy(f->t, HC(4)));
	assert_false(healthcheck_healthy(f->t, HC(3)));
	char text[200];
	healthcheck_describe(f->t, HC(1), text, sizeof(text));
	assert_string_equal(text, "unhealthy (1 of 8 checkers report Success)");
	healthcheck_describe(f->t, HC(3), text, sizeof(text));
	assert_string_equal(text, "unhealthy (calculated: 1 of 3 children healthy, 2 needed)");
	/* a dnsd-control override (health check ID up|down: scope HEALTH_CHECK
	 * of the runtime set) wins over the status, and calculated parents
	 * follow their children's */
	struct health_set rt = HEALTH_SET_INIT;
	f->t->runtime_health = &rt;
	assert_int_equal(health_set_put(&rt, HEALTH_CHECK, HC(1), true, false, 0), 1);
	assert_true(healthcheck_healthy(f->t, HC(1)));
	assert_true(healthcheck_healthy(f->t, HC(3)));
	assert_int_equal(health_set_put(&rt, HEALTH_CHECK, HC(1), false, false, 0), 1);
	assert_false(healthcheck_healthy(f->t, HC(1)));
	healthcheck_describe(f->t, HC(1), text, sizeof(text));
	assert_string_equal(text, "unhealthy (dnsd-control override)");
	health_override_describe(health_set_get(&rt, HEALTH_CHECK, HC(1)), text, sizeof(text));
	assert_string_equal(text, "check " HC(1) " down");
	/* cleared: the status decides again */
	assert_int_equal(health_set_put(&rt, HEALTH_CHECK, HC(1), false, true, 0), 1);
	healthcheck_describe(f->t, HC(1), text, sizeof(text));
	assert_string_equal(text, "unhealthy (1 of 8 checkers report Success)");
	assert_true(healthcheck_known(f->t, HC(1)));
	assert_false(healthcheck_known(f->t, "bbbbbbbb-0000-0000-0000-000000000009"));
	f->t->runtime_health = NULL;
	health_set_fini(&rt);
	assert_int_equal(f->d.errors, 0);
}

static void
test_health_check_status_boundary(void **state)
{
	struct fx *f = *state;
	/* 2 of 11 is 18.2%: more than 18%, healthy; 9 of 50 is exactly 18%: not */
	char *doc = status_doc(2, 11);
	assert_int_equal(load(f, "status/" HC(5) "/get-health-check-status.json", doc), 0);
	free(doc);
	doc = status_doc(9, 50);
	assert_int_equal(load(f, "hc-" HC(6) ".json", doc), 0);
	free(doc);
	assert_true(healthcheck_healthy(f->t, HC(5)));
	assert_false(healthcheck_healthy(f->t, HC(6)));
	/* a status without a name to say whose: an error naming the way out */
	assert_int_equal(load(f, "status.json", "{\"HealthCheckObservations\": []}\n"), -1);
	assert_msg(f, "status.json:1: error: cannot tell which health check this status belongs "
		"to: get-health-check-status does not print the id; put it in the file name or add "
		"HealthCheckId: … to the document");
	/* last failure reasons are not a status */
	assert_int_equal(load(f, "get-health-check-last-failure-reason-" HC(7) ".json",
		"{\"HealthCheckObservations\": []}\n"), 0);
	assert_msg(f, "warning: get-health-check-last-failure-reason output holds past failures, "
		"not the current status: skipped");
	/* the hand-written form names the health check */
	assert_int_equal(load(f, "by-hand.yaml", "HealthCheckId: " HC(8) "\n"
		"HealthCheckObservations:\n"
		"  - {Region: us-east-1, IPAddress: 15.177.2.1, StatusReport: {Status: 'Failure: 503'}}\n"),
		0);
	assert_false(healthcheck_healthy(f->t, HC(8)));
}

/* Dnsd's Health entries set a health check's status too, and name only it. */
static void
test_health_entry(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "list-health-checks.json", health_checks_doc), 0);
	assert_int_equal(load(f, "dnsd.yaml", "Dnsd:\n  Health:\n"
		"    - {HealthCheckId: " HC(1) ", Healthy: false}\n"
		"    - {HealthCheckId: " HC(2) ", Healthy: true}\n"
		"    - {HealthCheckId: " HC(4) ", AvailabilityZone: us-east-2a, Healthy: false}\n"
		"    - {HealthCheckId: cccccccc-0000-0000-0000-000000000001, Healthy: false}\n"), -1);
	assert_msg(f, "dnsd.yaml:5: error: a Health entry with HealthCheckId sets a Route 53 health "
		"check's status; it names no AvailabilityZone, NetworkInterfaceId or VpcEndpointId");
	resolve(f);
	assert_msg(f, "dnsd.yaml:6: warning: health entry names health check "
		"cccccccc-0000-0000-0000-000000000001, which no health check or record set names");
	assert_false(healthcheck_healthy(f->t, HC(1)));
	assert_true(healthcheck_healthy(f->t, HC(2)));
}

/* ---- CIDR collections ---- */

static const char collections_doc[] =
	"{\"CidrCollections\": [{\"Arn\": \"arn:aws:route53:::cidrcollection/c8c02a84-aaaa-4d5c-bbbb-0123456789ab\",\n"
	"  \"Id\": \"c8c02a84-aaaa-4d5c-bbbb-0123456789ab\", \"Name\": \"isps\", \"Version\": 3}]}\n";

static const char blocks_doc[] =
	"{\"CidrBlocks\": [\n"
	" {\"CidrBlock\": \"192.0.2.0/24\", \"LocationName\": \"isp-1\"},\n"
	" {\"CidrBlock\": \"2001:db8::/32\", \"LocationName\": \"isp-1\"},\n"
	" {\"CidrBlock\": \"198.51.100.0/25\", \"LocationName\": \"isp-2\"},\n"
	" {\"CidrBlock\": \"203.0.113.0/24\", \"LocationName\": \"isp-2\"}\n"
	"]}\n";

static void
test_cidr_collections(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "list-cidr-collections.json", collections_doc), 0);
	/* list-cidr-blocks does not print the collection: its file name does */
	assert_int_equal(load(f, "list-cidr-blocks-c8c02a84-aaaa-4d5c-bbbb-0123456789ab.json",
		blocks_doc), -1);
	assert_msg(f, "list-cidr-blocks-c8c02a84-aaaa-4d5c-bbbb-0123456789ab.json:4: error: CIDR "
		"block 198.51.100.0/25: Route 53 takes IPv4 blocks of /1 to /24 and IPv6 blocks of /1 "
		"to /48");
	const struct topo_cidr_collection *c = strmap_get(&f->t->cidr_collection_by_id,
		"c8c02a84-aaaa-4d5c-bbbb-0123456789ab");
	assert_non_null(c);
	assert_string_equal(c->name, "isps");
	assert_int_equal(c->n_blocks, 3);
	assert_string_equal(c->blocks[1].location, "isp-1");
	assert_int_equal(c->blocks[1].prefix.len, 32);
	assert_string_equal(c->blocks[2].location, "isp-2");
	assert_int_equal(load(f, "blocks.json", "{\"CidrBlocks\": []}\n"), -1);
	assert_msg(f, "blocks.json:1: error: cannot tell which CIDR collection these blocks belong "
		"to");
	/* a record set naming a location the collection has no blocks for */
	load_sets(f, "sets.yaml", "  - {Name: i.corp.example.com., Type: A, SetIdentifier: a, "
		"CidrRoutingConfig: {CollectionId: c8c02a84-aaaa-4d5c-bbbb-0123456789ab, "
		"LocationName: isp-9}, TTL: 60, ResourceRecords: [{Value: 10.0.0.1}]}\n");
	assert_msg(f, "sets.yaml:3: warning: record set i.corp.example.com.: CIDR collection "
		"c8c02a84-aaaa-4d5c-bbbb-0123456789ab has no blocks for location isp-9: no client "
		"matches it");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_policy_read, setup, teardown),
		cmocka_unit_test(test_malformed_combinations),
		cmocka_unit_test(test_group_sizes),
		cmocka_unit_test_setup_teardown(test_health_check_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_health_check_status_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_health_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cidr_collections, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
