/* SPDX-License-Identifier: BSD-3-Clause */
/* src/verify.h - the last step of a load: everything the definitions describe is served. */
#ifndef DNSD_VERIFY_H
#define DNSD_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

struct arena;
struct diag;
struct topo_vpc;
struct topology;
struct zonedb;

/**
 * Look every endpoint name (regional, zonal, private, in each view that
 * sees it) and every private hosted zone up in the finished table, as a
 * query would. Anything read but not served is an internal error
 * reported through d, which fails the load.
 * @return the number of names checked.
 */
unsigned verify_served(const struct topology *t, const struct zonedb *db, struct diag *d);

/** Where a privately answered name comes from. */
enum verify_source {
	VERIFY_ENDPOINT,	/**< an endpoint's regional or zonal name */
	VERIFY_PRIVATE_DNS,	/**< a name of an endpoint's hidden zone (private DNS) */
	VERIFY_HOSTED_ZONE	/**< a record set of a private hosted zone */
};

/** One name as a VPC's clients get it, looked up as a query would be. */
struct verify_name {
	const struct topo_vpc *vpc;
	unsigned vpc_index;		/**< the VPC's place in t->vpcs */
	const char *name;		/**< canonical text, with the final dot */
	enum verify_source source;
	const char *origin;		/**< the endpoint's or the hosted zone's id */
	bool inbound;			/**< answered only through an inbound endpoint */
	bool local;			/**< answered from dnsd's data (else forwarded) */
	uint8_t rcode;			/**< of the A query */
	const char **cnames;		/**< the CNAME chain's targets, in order */
	unsigned n_cnames;
	struct netaddr *addrs;		/**< A, then AAAA records */
	unsigned n_v4, n_v6;
	bool in_vpc;			/**< it has addresses, all in the VPC's CIDR blocks */
};

/** The names of every VPC, in t->vpcs order and then by name. */
struct verify_names {
	struct verify_name *v;
	size_t n;
	struct arena *arena;
};

/**
 * Every name dnsd answers privately in each VPC: its endpoints' names,
 * the private DNS names it sees and the record names of its private
 * hosted zones, each looked up (A and AAAA) in the finished table as a
 * query from that VPC would be. Endpoint names come from
 * hiddenzone_each_name, as the builder and verify_served walk them.
 * @return 0, or -1 when out of memory.
 */
int verify_names_collect(const struct topology *t, const struct zonedb *db,
	struct verify_names *out);

/** Free what verify_names_collect made. */
void verify_names_free(struct verify_names *names);

#endif /* DNSD_VERIFY_H */
