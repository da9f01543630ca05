/* SPDX-License-Identifier: BSD-3-Clause */
/* src/catalog.h - compiled-in catalog of AWS services that VPC endpoints reach. */
#ifndef DNSD_CATALOG_H
#define DNSD_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

/** Endpoint types a service offers (bit set). */
enum catalog_type {
	CATALOG_INTERFACE = 1,	/**< interface endpoints (PrivateLink) */
	CATALOG_GATEWAY = 2	/**< gateway endpoints (S3, DynamoDB): no DNS change */
};

/** Address families a service's interface endpoints support (bit set). */
enum catalog_ip {
	CATALOG_IPV4 = 1,
	CATALOG_IPV6 = 2
};

/** Behaviour flags of a service. */
enum catalog_flag {
	/** endpoint-specific names carry a leading wildcard label:
	 * "*.vpce-…-sfx.s3.<region>.vpce.amazonaws.com" (S3) */
	CATALOG_WILDCARD_ENDPOINT_NAMES = 1,
	/** PrivateDnsOnlyForInboundResolverEndpoint applies (S3) */
	CATALOG_INBOUND_ONLY_OPTION = 2
};

#define CATALOG_MAX_PRIVATE 8

/**
 * One service. Every string may contain "{region}", replaced by the
 * endpoint's region (as in "us-east-2") when the catalog is applied.
 */
struct catalog_entry {
	/** ServiceName, e.g. "com.amazonaws.{region}.monitoring" */
	const char *service_name;
	/** the service_id label(s) of endpoint names, as in
	 * "vpce-…-sfx.<label>.{region}.vpce.amazonaws.com": "monitoring",
	 * "data.iot", "api.ecr"; this is BaseEndpointDnsNames[0] without
	 * ".{region}.vpce.amazonaws.com" */
	const char *label;
	/** private DNS names (PrivateDnsNames), NULL-terminated; may start
	 * with "*." (wildcard, e.g. "*.execute-api.{region}.amazonaws.com") */
	const char *private_names[CATALOG_MAX_PRIVATE + 1];
	unsigned types;		/**< enum catalog_type bits */
	unsigned ip_types;	/**< enum catalog_ip bits */
	unsigned flags;		/**< enum catalog_flag bits */
	/** where the facts come from, for --check comments and review */
	const char *source;
};

/** Room for any region catalog_find() returns: the token and its NUL. */
#define CATALOG_REGION_SIZE 64

/**
 * Find the entry whose service_name template matches a ServiceName.
 * @param service_name: e.g. "com.amazonaws.us-east-2.monitoring".
 * @param region: out, receives the region part ("us-east-2") into a
 *	buffer of region_size bytes; may be NULL.
 * @return the entry, or NULL when the service is not in the catalog.
 */
const struct catalog_entry *catalog_find(const char *service_name,
	char *region, size_t region_size);

/** Number of entries, for listing. */
size_t catalog_count(void);

/** Entry i (0 <= i < catalog_count()). */
const struct catalog_entry *catalog_at(size_t i);

/**
 * The HostedZoneId that DnsEntries of regional and zonal endpoint names
 * carry in a region (e.g. "ZC8PG0KIFKBRI" for us-east-2), or NULL when
 * the region is unknown.
 */
const char *catalog_vpce_hosted_zone_id(const char *region);

/** True for a region name dnsd knows (us-east-1, eu-west-3, …). */
bool catalog_region_known(const char *region);

/**
 * Expand "{region}" in tmpl into out (out_size bytes, NUL-terminated).
 * @return the length written, or -1 when it does not fit.
 */
int catalog_expand(const char *tmpl, const char *region, char *out,
	size_t out_size);

/**
 * The catalog's ServiceName closest to one it does not hold, in the same
 * region or, when that region is not one dnsd knows, in the closest one
 * ("com.amazonaws.us-east-2.sqss": "com.amazonaws.us-east-2.sqs").
 * @return true with out filled, false (out empty) when none is close.
 */
bool catalog_suggest(const char *service_name, char *out, size_t out_size);

#endif /* DNSD_CATALOG_H */
