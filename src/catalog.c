/* SPDX-License-Identifier: BSD-3-Clause */
/* src/catalog.c - compiled-in catalog of AWS services that VPC endpoints reach. */
#include "config.h"
#include "catalog.h"

#include "suggest.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/*
 * Evidence keys used in the source strings (see
 * /work/shared/docs/aws-dns-facts.md for the full references):
 *   PL     AWS PrivateLink User Guide
 *   CLI    aws-cli ec2 examples (describe-vpc-endpoint-services, ...)
 *   VPC21  amazon-vpc-user-guide vpce-interface.md (2021)
 *   S3UG   Amazon S3 User Guide, "AWS PrivateLink for Amazon S3"
 *   LS     LocalStack snapshots recorded against AWS
 *   OBS    output captured from AWS by a third party
 *   SAMPLE aws-samples/aws-tf-nw-shared-svc, modules/aws/vpc_endpoints/
 *          service_codes.md: an AWS sample's table of ServiceName ->
 *          private DNS name (wildcards shown without their "*.")
 *   LZA    awslabs/landing-zone-accelerator-on-aws issues (#173, #348,
 *          #1014) on the private hosted zone names of ecr, sagemaker
 *          and kinesis endpoints
 *
 * "label" is the service_id of the endpoint-specific names.  It is
 * confirmed for a handful of services only; elsewhere it follows the
 * pattern of the confirmed ones (the ServiceName part after the region,
 * with its dot-separated parts reversed) and the source says so.
 *
 * The table is sorted by service_name (strcmp order) so that
 * catalog_find() can binary-search it; tests/unit/test_catalog.c checks
 * the order.  Every service_name holds "{region}" exactly once.
 */

/* common evidence phrases */
#define SAMPLE	"private name: SAMPLE"
#define LBL	"label UNCONFIRMED: pattern <svc>"
#define LBLREV	"label UNCONFIRMED: pattern <parts reversed>"
#define PAT	"UNCONFIRMED: pattern <svc>.{region}.amazonaws.com"
#define V4	"IPv6 UNCONFIRMED, IPv4 only"

#define IF	CATALOG_INTERFACE
#define GW	CATALOG_GATEWAY
#define IP4	CATALOG_IPV4
#define IP46	(CATALOG_IPV4 | CATALOG_IPV6)

static const struct catalog_entry catalog[] = {
	{ "aws.sagemaker.{region}.notebook", "notebook",
	  { "*.notebook.{region}.sagemaker.aws" },
	  IF, IP4, 0,
	  "private name: SageMaker docs (\"*.notebook.us-east-1.sagemaker.aws"
	  " instead of vpce-xxx.notebook.us-east-1.vpce.sagemaker.aws\"); "
	  "NOTE endpoint names live under vpce.sagemaker.aws, not "
	  "vpce.amazonaws.com; " V4 },
	{ "aws.sagemaker.{region}.studio", "studio",
	  { "*.studio.{region}.sagemaker.aws" },
	  IF, IP4, 0,
	  "UNCONFIRMED: OBS (third-party terraform notes, 2026) and moto; "
	  "endpoint names live under vpce.sagemaker.aws; " V4 },
	{ "com.amazonaws.{region}.access-analyzer", "access-analyzer",
	  { "access-analyzer.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.account", "account",
	  { "account.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "ServiceName: PL service list; " SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.acm-pca", "acm-pca",
	  { "acm-pca.{region}.amazonaws.com" },
	  IF, IP46, 0,
	  SAMPLE "; " LBL "; IPv6: Private CA docs \"Dual-stack endpoint "
	  "support\" (PrivateLink over IPv4 and IPv6)" },
	{ "com.amazonaws.{region}.airflow.api", "api.airflow",
	  { "api.airflow.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBLREV "; " V4 },
	{ "com.amazonaws.{region}.airflow.env", "env.airflow",
	  { "env.airflow.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBLREV "; " V4 },
	{ "com.amazonaws.{region}.airflow.ops", "ops.airflow",
	  { "ops.airflow.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBLREV "; " V4 },
	{ "com.amazonaws.{region}.apigateway", "apigateway",
	  { "apigateway.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "ServiceName: PL service list; private name " PAT "; " LBL
	  "; " V4 },
	{ "com.amazonaws.{region}.appconfig", "appconfig",
	  { "appconfig.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "ServiceName: PL service list; private name " PAT "; " LBL
	  "; " V4 },
	{ "com.amazonaws.{region}.appconfigdata", "appconfigdata",
	  { "appconfigdata.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "ServiceName: PL service list; private name " PAT "; " LBL
	  "; " V4 },
	{ "com.amazonaws.{region}.application-autoscaling",
	  "application-autoscaling",
	  { "application-autoscaling.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.athena", "athena",
	  { "athena.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.autoscaling", "autoscaling",
	  { "autoscaling.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.backup", "backup",
	  { "backup.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.batch", "batch",
	  { "batch.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.cloudformation", "cloudformation",
	  { "cloudformation.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.cloudtrail", "cloudtrail",
	  { "cloudtrail.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.codeartifact.api", "api.codeartifact",
	  { "codeartifact.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBLREV "; " V4 },
	{ "com.amazonaws.{region}.codeartifact.repositories",
	  "repositories.codeartifact",
	  { "*.d.codeartifact.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  SAMPLE " (d.codeartifact); wildcard UNCONFIRMED, inferred from "
	  "repository hosts <domain>-<owner>.d.codeartifact.<region>."
	  "amazonaws.com; " LBLREV "; " V4 },
	{ "com.amazonaws.{region}.codebuild", "codebuild",
	  { "codebuild.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.codecommit", "codecommit",
	  { "codecommit.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.codedeploy", "codedeploy",
	  { "codedeploy.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.codedeploy-commands-secure",
	  "codedeploy-commands-secure",
	  { "codedeploy-commands-secure.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.codepipeline", "codepipeline",
	  { "codepipeline.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.config", "config",
	  { "config.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.datasync", "datasync",
	  { "datasync.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.dms", "dms",
	  { "dms.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	/* The interface service of 2024 has no PrivateDnsName at all. */
	{ "com.amazonaws.{region}.dynamodb", "dynamodb",
	  { NULL },
	  IF | GW, IP4, 0,
	  "OBS describe-vpc-endpoint-services us-west-2 2024-09: Interface "
	  "(BaseEndpointDnsNames dynamodb.<r>.vpce.amazonaws.com, no "
	  "PrivateDnsName, ipv4) and Gateway (ipv4); facts §6; private DNS "
	  "added later UNCONFIRMED" },
	{ "com.amazonaws.{region}.ebs", "ebs",
	  { "ebs.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.ec2", "ec2",
	  { "ec2.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "label and private name: CLI describe-vpc-endpoint-services, "
	  "VPC21; facts §1, §2; " V4 },
	{ "com.amazonaws.{region}.ec2messages", "ec2messages",
	  { "ec2messages.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.ecr.api", "api.ecr",
	  { "api.ecr.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "private name: facts §2 (docs general/latest/gr/ecr.html), "
	  "SAMPLE, LZA #173; label: facts §1 (EMU floci, UNCONFIRMED); "
	  V4 },
	{ "com.amazonaws.{region}.ecr.dkr", "dkr.ecr",
	  { "*.dkr.ecr.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "facts §1, §2: label from AWS certificate SAN (OBS); wildcard "
	  "private name from moto and SAMPLE, exact string UNCONFIRMED; "
	  V4 },
	{ "com.amazonaws.{region}.ecs", "ecs",
	  { "ecs.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.ecs-agent", "ecs-agent",
	  { "ecs-a.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  SAMPLE " (ecs-a); whether numbered agent hosts (ecs-a-N) are "
	  "covered UNCONFIRMED; " LBL "; " V4 },
	{ "com.amazonaws.{region}.ecs-telemetry", "ecs-telemetry",
	  { "ecs-t.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  SAMPLE " (ecs-t); whether numbered hosts (ecs-t-N) are covered "
	  "UNCONFIRMED; " LBL "; " V4 },
	{ "com.amazonaws.{region}.elasticache", "elasticache",
	  { "elasticache.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.elasticbeanstalk", "elasticbeanstalk",
	  { "elasticbeanstalk.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.elasticfilesystem", "elasticfilesystem",
	  { "elasticfilesystem.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.elasticloadbalancing",
	  "elasticloadbalancing",
	  { "elasticloadbalancing.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "label: CLI describe-vpc-endpoints; private name: VPC21 and "
	  "terraform-provider-aws#17535 error text; facts §1, §2; " V4 },
	{ "com.amazonaws.{region}.elasticmapreduce", "elasticmapreduce",
	  { "elasticmapreduce.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.email-smtp", "email-smtp",
	  { "email-smtp.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.events", "events",
	  { "events.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.execute-api", "execute-api",
	  { "*.execute-api.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "facts §2, §4: wildcard private name (KC403; fortinet#43 error "
	  "text); label: APIGW example vpce-...execute-api.<r>.vpce."
	  "amazonaws.com; second private name of the console UNCONFIRMED; "
	  "LS 2025 shows IpAddressType ipv4; " V4 },
	{ "com.amazonaws.{region}.git-codecommit", "git-codecommit",
	  { "git-codecommit.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.glue", "glue",
	  { "glue.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.greengrass", "greengrass",
	  { "greengrass.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "private name: IoT Greengrass docs (vpc-interface-endpoints: "
	  "greengrass.us-east-1.amazonaws.com, private DNS on by default); "
	  LBL "; " V4 },
	{ "com.amazonaws.{region}.imagebuilder", "imagebuilder",
	  { "imagebuilder.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	/* IoT Core data plane: AWS creates no private DNS records. */
	{ "com.amazonaws.{region}.iot.data", "data.iot",
	  { NULL },
	  IF, IP4, 0,
	  "label: facts §1 (OBS-dig 22654807906); no private names: IoT "
	  "Core docs IoTCore-VPC (\"the VPC feature to automatically create "
	  "DNS records is disabled\", records go in a user PHZ); " V4 },
	{ "com.amazonaws.{region}.kinesis-firehose", "kinesis-firehose",
	  { "firehose.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; LZA #1014; " LBL "; " V4 },
	{ "com.amazonaws.{region}.kinesis-streams", "kinesis-streams",
	  { "kinesis.{region}.amazonaws.com",
	    "*.control-kinesis.{region}.amazonaws.com",
	    "*.data-kinesis.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "kinesis.<r>: SAMPLE, LZA #1014, botocore CreateVpcEndpoint doc; "
	  "*.control-kinesis and *.data-kinesis UNCONFIRMED, inferred from "
	  "the SDK endpoint rules (<account>.control-kinesis.<r>."
	  "amazonaws.com when a StreamARN is given); " LBL "; " V4 },
	{ "com.amazonaws.{region}.kms", "kms",
	  { "kms.{region}.amazonaws.com" },
	  IF, IP46, 0,
	  SAMPLE "; " LBL "; IPv6: KMS docs \"Dual-stack endpoint support\" "
	  "(PrivateLink over IPv4 and IPv6); kms.<r>.api.aws as a private "
	  "name UNCONFIRMED" },
	{ "com.amazonaws.{region}.lambda", "lambda",
	  { "lambda.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.logs", "logs",
	  { "logs.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "label: LS snapshot 2024 (<id>-g5hws96k.logs.<r>.vpce...); "
	  "private name: SAMPLE (LS shows 2 private entries, the second "
	  "UNCONFIRMED); LS IpAddressType ipv4; " V4 },
	{ "com.amazonaws.{region}.monitoring", "monitoring",
	  { "monitoring.{region}.amazonaws.com",
	    "monitoring.{region}.api.aws",
	    "monitoring-fips.{region}.amazonaws.com",
	    "monitoring-fips.{region}.api.aws" },
	  IF, IP46, 0,
	  "PL DNS hostnames and View information about a service "
	  "(us-east-1/us-east-2 examples: label, four private names, "
	  "SupportedIpAddressTypes ipv6+ipv4); facts §1, §2; fips names "
	  "outside US regions UNCONFIRMED" },
	{ "com.amazonaws.{region}.rds", "rds",
	  { "rds.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.rds-data", "rds-data",
	  { "rds-data.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.redshift", "redshift",
	  { "redshift.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.redshift-data", "redshift-data",
	  { "redshift-data.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.s3", "s3",
	  { "s3.{region}.amazonaws.com",
	    "*.s3.{region}.amazonaws.com",
	    "s3-control.{region}.amazonaws.com",
	    "*.s3-control.{region}.amazonaws.com",
	    "s3-accesspoint.{region}.amazonaws.com",
	    "*.s3-accesspoint.{region}.amazonaws.com" },
	  IF | GW, IP46,
	  CATALOG_WILDCARD_ENDPOINT_NAMES | CATALOG_INBOUND_ONLY_OPTION,
	  "S3UG Private DNS (s3, s3-control, s3-accesspoint names); "
	  "wildcard forms UNCONFIRMED, inferred from virtual-hosted bucket "
	  "and <account>.s3-control names and the accelerator#1108 "
	  "breakage; label and *.vpce- names: CLI create-vpc-endpoint, "
	  "S3UG; inbound-only option: S3UG, PL; IPv6: S3UG IP address "
	  "types; facts §3, §6" },
	{ "com.amazonaws.{region}.sagemaker.api", "api.sagemaker",
	  { "api.sagemaker.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; LZA #348; " LBLREV "; " V4 },
	{ "com.amazonaws.{region}.sagemaker.featurestore-runtime",
	  "featurestore-runtime.sagemaker",
	  { "featurestore-runtime.sagemaker.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBLREV "; " V4 },
	{ "com.amazonaws.{region}.sagemaker.runtime", "runtime.sagemaker",
	  { "runtime.sagemaker.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBLREV "; " V4 },
	{ "com.amazonaws.{region}.secretsmanager", "secretsmanager",
	  { "secretsmanager.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.servicecatalog", "servicecatalog",
	  { "servicecatalog.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.sns", "sns",
	  { "sns.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.sqs", "sqs",
	  { "sqs.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.ssm", "ssm",
	  { "ssm.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  "label and private name: CLI describe-vpc-endpoint-services; "
	  "facts §1, §2; " V4 },
	{ "com.amazonaws.{region}.ssm-contacts", "ssm-contacts",
	  { "ssm-contacts.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.ssm-incidents", "ssm-incidents",
	  { "ssm-incidents.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.ssmmessages", "ssmmessages",
	  { "ssmmessages.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.states", "states",
	  { "states.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.sts", "sts",
	  { "sts.{region}.amazonaws.com" },
	  IF, IP4, 0,
	  SAMPLE " (regional name only; sts.amazonaws.com not covered); "
	  LBL "; " V4 },
	{ "com.amazonaws.{region}.synthetics", "synthetics",
	  { "synthetics.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.textract", "textract",
	  { "textract.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.transfer", "transfer",
	  { "transfer.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
	{ "com.amazonaws.{region}.xray", "xray",
	  { "xray.{region}.amazonaws.com" },
	  IF, IP4, 0, SAMPLE "; " LBL "; " V4 },
};

#define CATALOG_COUNT (sizeof(catalog) / sizeof(catalog[0]))

/*
 * Regions.  hz is the HostedZoneId of the regional and zonal vpce names
 * (facts §1): us-east-1 and us-east-2 are confirmed by AWS examples, the
 * others come from external-dns's canonicalHostedZones map only.  Regions
 * with a NULL hz exist (external-dns lists an ELB zone for il-central-1
 * and mx-central-1; the rest are AWS region launches) but their vpce
 * HostedZoneId is unknown.  Sorted by name (strcmp order).
 */
struct region_entry {
	const char *name;
	const char *hz;
};

static const struct region_entry regions[] = {
	{ "af-south-1",		"Z09302161J80N9A7UTP7U" },
	{ "ap-east-1",		"Z2LIHJ7PKBEMWN" },
	{ "ap-east-2",		NULL },
	{ "ap-northeast-1",	"Z2E726K9Y6RL4W" },
	{ "ap-northeast-2",	"Z27UANNT0PRK1T" },
	{ "ap-northeast-3",	"Z376B5OMM2JZL2" },
	{ "ap-south-1",		"Z2KVTB3ZLFM7JR" },
	{ "ap-south-2",		"Z0952991RWSF5AHIQDIY" },
	{ "ap-southeast-1",	"Z18LLCSTV4NVNL" },
	{ "ap-southeast-2",	"ZDK2GCRPAFKGO" },
	{ "ap-southeast-3",	"Z03881013RZ9BYYZO8N5W" },
	{ "ap-southeast-4",	"Z07508191CO1RNBX3X3AU" },
	{ "ap-southeast-5",	NULL },
	{ "ap-southeast-6",	NULL },
	{ "ap-southeast-7",	NULL },
	{ "ca-central-1",	"ZRCXCF510Y6P9" },
	{ "ca-west-1",		NULL },
	{ "eu-central-1",	"Z273ZU8SZ5RJPC" },
	{ "eu-central-2",	"Z045369019J4FUQ4S272E" },
	{ "eu-north-1",		"Z3OWWK6JFDEDGC" },
	{ "eu-south-1",		"Z2A5FDNRLY7KZG" },
	{ "eu-south-2",		"Z014396544HENR57XQCJ" },
	{ "eu-west-1",		"Z38GZ743OKFT7T" },
	{ "eu-west-2",		"Z7K1066E3PUKB" },
	{ "eu-west-3",		"Z1DWHTMFP0WECP" },
	{ "il-central-1",	NULL },
	{ "me-central-1",	"Z07122992YCEUCB9A9570" },
	{ "me-south-1",		"Z3B95P3VBGEQGY" },
	{ "mx-central-1",	NULL },
	{ "sa-east-1",		"Z2LXUWEVLCVZIB" },
	{ "us-east-1",		"Z7HUB22UULQXV" },
	{ "us-east-2",		"ZC8PG0KIFKBRI" },
	{ "us-gov-east-1",	"Z2MU5TEIGO9WXB" },
	{ "us-gov-west-1",	"Z12529ZODG2B6H" },
	{ "us-west-1",		"Z12I86A8N7VCZO" },
	{ "us-west-2",		"Z1YSA3EXCYUU9Z" },
};

#define REGION_COUNT (sizeof(regions) / sizeof(regions[0]))

/* longest region token catalog_find() accepts */
#define REGION_MAX (CATALOG_REGION_SIZE - 1)

#define PLACEHOLDER "{region}"
#define PLACEHOLDER_LEN (sizeof(PLACEHOLDER) - 1)

/*
 * A region token is dash-separated groups of lowercase letters and
 * digits, starting with a letter and ending with an all-digit group:
 * "us-east-2", "us-gov-west-1", "test-1".  Service parts such as
 * "s3-global", "ecs-agent" or "vpce-svc-0e75..." never end that way.
 */
static bool
region_token_valid(const char *s, size_t len)
{
	size_t i, groups = 1;
	bool digits = false;	/* current group holds only digits */

	if (len == 0 || len > REGION_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];
		if (c == '-') {
			if (s[i - 1] == '-' || i == len - 1)
				return false;
			groups++;
			digits = true;
		} else if (c >= 'a' && c <= 'z') {
			digits = false;
		} else if (c < '0' || c > '9') {
			return false;
		}
	}
	return groups >= 2 && digits;
}

/*
 * Compare template t with the string prefix[0..plen) "{region}" suffix,
 * that is, with the service name whose region token was replaced by the
 * placeholder.  Same sign convention as strcmp().
 */
static int
cmp_split(const char *t, const char *prefix, size_t plen, const char *suffix)
{
	int c;

	if ((c = strncmp(t, prefix, plen)) != 0)
		return c;
	t += plen;
	if ((c = strncmp(t, PLACEHOLDER, PLACEHOLDER_LEN)) != 0)
		return c;
	return strcmp(t + PLACEHOLDER_LEN, suffix);
}

/* Binary search; suffix NULL means: compare with prefix as a whole. */
static const struct catalog_entry *
search(const char *prefix, size_t plen, const char *suffix)
{
	size_t lo = 0, hi = CATALOG_COUNT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *t = catalog[mid].service_name;
		int c = suffix ? cmp_split(t, prefix, plen, suffix)
			: strcmp(t, prefix);
		if (c == 0)
			return &catalog[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * The region token is the first dot-separated part of service_name that
 * region_token_valid() accepts; the name must then equal a template with
 * that part replaced by "{region}".  No allocation: a binary search over
 * the sorted table.  When region is given but region_size cannot hold
 * the token and its NUL, nothing matches (region receives "").
 */
const struct catalog_entry *
catalog_find(const char *service_name, char *region, size_t region_size)
{
	const struct catalog_entry *e = NULL;
	const char *tok, *end;
	size_t rlen = 0;

	if (region && region_size)
		region[0] = '\0';
	if (!service_name || strchr(service_name, '{'))
		return NULL;

	/* the first dot-separated token that looks like a region */
	for (tok = service_name; ; tok = end + 1) {
		end = strchr(tok, '.');
		if (!end)
			end = tok + strlen(tok);
		if (region_token_valid(tok, (size_t)(end - tok))) {
			rlen = (size_t)(end - tok);
			e = search(service_name, (size_t)(tok - service_name),
				end);
			break;
		}
		if (*end == '\0')
			break;
	}
	if (!e) {
		/* templates without "{region}" (none today) */
		e = search(service_name, 0, NULL);
		rlen = 0;
	}
	if (!e)
		return NULL;
	if (region) {
		if (rlen >= region_size)
			return NULL;
		memcpy(region, tok, rlen);
		region[rlen] = '\0';
	}
	return e;
}

size_t
catalog_count(void)
{
	return CATALOG_COUNT;
}

const struct catalog_entry *
catalog_at(size_t i)
{
	return i < CATALOG_COUNT ? &catalog[i] : NULL;
}

static const struct region_entry *
region_lookup(const char *name)
{
	size_t lo = 0, hi = REGION_COUNT;

	if (!name)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(regions[mid].name, name);
		if (c == 0)
			return &regions[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
catalog_vpce_hosted_zone_id(const char *region)
{
	const struct region_entry *r = region_lookup(region);
	return r ? r->hz : NULL;
}

bool
catalog_region_known(const char *region)
{
	return region_lookup(region) != NULL;
}

/* Append len bytes, keeping room for the terminating NUL. */
static bool
append(char *out, size_t out_size, size_t *n, const char *s, size_t len)
{
	if (len >= out_size - *n)
		return false;
	memcpy(out + *n, s, len);
	*n += len;
	return true;
}

int
catalog_expand(const char *tmpl, const char *region, char *out,
	size_t out_size)
{
	const char *p, *m;
	size_t n = 0, rlen;

	if (!tmpl || !out || out_size == 0)
		return -1;
	if (!region)
		region = "";
	rlen = strlen(region);
	for (p = tmpl; (m = strstr(p, PLACEHOLDER)) != NULL;
		p = m + PLACEHOLDER_LEN) {
		if (!append(out, out_size, &n, p, (size_t)(m - p))
			|| !append(out, out_size, &n, region, rlen))
			goto overflow;
	}
	if (!append(out, out_size, &n, p, strlen(p)) || n > INT_MAX)
		goto overflow;
	out[n] = '\0';
	return (int)n;
overflow:
	out[0] = '\0';
	return -1;
}

/* The region token of a ServiceName, as catalog_find() picks it. */
static bool
region_token(const char *name, char *region, size_t size)
{
	for (const char *tok = name, *end; ; tok = end + 1) {
		end = strchr(tok, '.');
		if (!end)
			end = tok + strlen(tok);
		if (region_token_valid(tok, (size_t)(end - tok)) && (size_t)(end - tok) < size) {
			memcpy(region, tok, (size_t)(end - tok));
			region[end - tok] = '\0';
			return true;
		}
		if (*end == '\0')
			return false;
	}
}

/* Every template in region, closer than *best to name: into out. */
static void
closest_in(const char *name, const char *region, unsigned *best, char *out, size_t out_size)
{
	char cand[256];
	for (size_t i = 0; i < CATALOG_COUNT && *best > 0; i++) {
		if (catalog_expand(catalog[i].service_name, region, cand, sizeof(cand)) < 0)
			continue;
		unsigned d = strcmp(name, cand) ? suggest_distance(name, cand, *best - 1) : *best;
		if (d < *best) {
			*best = d;
			snprintf(out, out_size, "%s", cand);
		}
	}
}

bool
catalog_suggest(const char *service_name, char *out, size_t out_size)
{
	char region[CATALOG_REGION_SIZE];
	struct suggest s;
	if (!out_size)
		return false;
	out[0] = '\0';
	if (!region_token(service_name, region, sizeof(region)))
		return false;
	suggest_init(&s, service_name);
	unsigned best = s.limit + 1;
	if (catalog_region_known(region))
		closest_in(service_name, region, &best, out, out_size);
	else	/* a misspelt region: "us-esat-2" */
		for (size_t i = 0; i < REGION_COUNT; i++)
			closest_in(service_name, regions[i].name, &best, out, out_size);
	return out[0] != '\0';
}
