/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_emulator.c - recognise what AWS emulators (moto) print unlike AWS, and say what dnsd does instead. */
#include "config.h"
#include "defs.h"

#include "diag.h"

#include <strings.h>

/*
 * moto, the AWS mock library, makes a VPC endpoint's DnsEntries with
 * create_dns_entries() (moto/ec2/utils.py):
 *
 *	"DnsName": f"{vpc_endpoint_id}-{random_resource_id(8)}.{service_name}"
 *	"HostedZoneId": random_resource_id(13).upper()
 *
 * and only that one entry. AWS prints the regional name under the
 * service's endpoint domain, one zonal name per Availability Zone and the
 * private DNS name (PrivateLink guide, "DNS names"; facts §1):
 *
 *	vpce-0123…-abcd1234.sqs.us-east-2.vpce.amazonaws.com
 *
 * Read as written, moto's name would move every endpoint name under the
 * ServiceName ("vpce-…-abcd1234.com.amazonaws.us-east-2.sqs"), a name no
 * SDK asks for.
 */
bool
defs_emulator_dns_name(const struct topo_endpoint *ep, const char *dns_name, const char *rest,
	struct diag *d)
{
	if (!ep->service_name || strcasecmp(rest, ep->service_name) != 0)
		return false;
	const char *aws = ep->service ? ep->service->base_domain : NULL;
	diag_strict(d, ep->src.file, ep->src.line, 0, "endpoint %s: DnsEntries name '%s' is "
		"shaped as moto makes it (the ServiceName after the suffix), not as AWS does "
		"(%s-%s.%s, with zonal and private DNS names beside it): dnsd keeps the suffix "
		"and serves AWS's names", ep->id, dns_name, ep->id, ep->suffix ? ep->suffix : "…",
		aws ? aws : "<service>.<region>.vpce.amazonaws.com");
	return true;
}
