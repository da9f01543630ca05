/* SPDX-License-Identifier: BSD-3-Clause */
/* src/awsregion.h - where AWS Regions are: their geolocation codes and coordinates, for routing policies decided by a VPC's Region. */
#ifndef DNSD_AWSREGION_H
#define DNSD_AWSREGION_H

#include <stdbool.h>

/** An AWS Region and the place Route 53 routing sees it at. */
struct awsregion {
	const char *code;		/**< "us-east-1" */
	const char *continent;		/**< GeoLocation ContinentCode: "NA" */
	const char *country;		/**< ISO 3166-1 alpha-2: "US" */
	const char *subdivision;	/**< US state of the Region, or NULL */
	double latitude, longitude;	/**< of the city AWS names for the Region */
};

/** The Region of a code, or NULL when dnsd does not know it. */
const struct awsregion *awsregion_find(const char *code);

/**
 * The Region a Local Zone Group belongs to: its code starts with the
 * parent Region's ("us-east-1-bue-1" is in us-east-1).
 * @return the Region, or NULL.
 */
const struct awsregion *awsregion_of_local_zone_group(const char *group);

/** Great-circle distance in kilometres between two points (degrees). */
double awsregion_distance_km(double lat1, double lon1, double lat2, double lon2);

/** Whether a code is one of Route 53's seven continent codes. */
bool awsregion_continent_valid(const char *code);

/** Whether a country (ISO 3166-1 alpha-2) lies on a continent, as Route 53
 * groups them (Values specific for geolocation records). */
bool awsregion_country_on(const char *country, const char *continent);

#endif /* DNSD_AWSREGION_H */
