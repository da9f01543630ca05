/* SPDX-License-Identifier: BSD-3-Clause */
/* src/awsregion.c - where AWS Regions are: their geolocation codes and coordinates, for routing policies decided by a VPC's Region. */
#include "config.h"
#include "awsregion.h"

#include <math.h>
#include <string.h>

/*
 * Route 53 answers latency, geolocation and geoproximity records in a
 * private hosted zone by "the AWS Region of the VPC that the query
 * originated from" (Developer Guide, "Latency-based routing in private
 * hosted zones", "Geolocation routing in private hosted zones",
 * "Geoproximity routing in private hosted zones"). For geolocation the
 * guide says to "select the continent, country, or sub-division closest to
 * the AWS Region that your resource is in. For example, if your resource
 * is in us-east-1, you can specify North America, United States, or
 * Virginia" (Values specific for geolocation records). The coordinates
 * are those of the city AWS names for each Region (EC2 User Guide,
 * "Regions and Zones"), to two decimals: AWS does not publish where its
 * data centres are, so "closest in distance" is measured between these.
 */
static const struct awsregion regions[] = {
	{ "us-east-1", "NA", "US", "VA", 38.13, -78.45 },	/* N. Virginia */
	{ "us-east-2", "NA", "US", "OH", 39.96, -83.00 },	/* Ohio */
	{ "us-west-1", "NA", "US", "CA", 37.35, -121.96 },	/* N. California */
	{ "us-west-2", "NA", "US", "OR", 45.84, -119.70 },	/* Oregon */
	{ "us-gov-east-1", "NA", "US", "OH", 39.96, -83.00 },	/* GovCloud (US-East) */
	{ "us-gov-west-1", "NA", "US", "OR", 45.84, -119.70 },	/* GovCloud (US-West) */
	{ "ca-central-1", "NA", "CA", NULL, 45.50, -73.57 },	/* Montreal */
	{ "ca-west-1", "NA", "CA", NULL, 51.05, -114.07 },	/* Calgary */
	{ "mx-central-1", "NA", "MX", NULL, 20.59, -100.39 },	/* Querétaro */
	{ "sa-east-1", "SA", "BR", NULL, -23.55, -46.63 },	/* São Paulo */
	{ "eu-west-1", "EU", "IE", NULL, 53.35, -6.26 },	/* Ireland */
	{ "eu-west-2", "EU", "GB", NULL, 51.51, -0.13 },	/* London */
	{ "eu-west-3", "EU", "FR", NULL, 48.86, 2.35 },		/* Paris */
	{ "eu-central-1", "EU", "DE", NULL, 50.11, 8.68 },	/* Frankfurt */
	{ "eu-central-2", "EU", "CH", NULL, 47.37, 8.54 },	/* Zurich */
	{ "eu-north-1", "EU", "SE", NULL, 59.33, 18.07 },	/* Stockholm */
	{ "eu-south-1", "EU", "IT", NULL, 45.46, 9.19 },	/* Milan */
	{ "eu-south-2", "EU", "ES", NULL, 41.65, -0.88 },	/* Spain (Aragón) */
	{ "eusc-de-east-1", "EU", "DE", NULL, 52.40, 13.06 },	/* European Sovereign Cloud */
	{ "il-central-1", "AS", "IL", NULL, 32.09, 34.78 },	/* Tel Aviv */
	{ "me-south-1", "AS", "BH", NULL, 26.07, 50.56 },	/* Bahrain */
	{ "me-central-1", "AS", "AE", NULL, 24.45, 54.38 },	/* UAE */
	{ "af-south-1", "AF", "ZA", NULL, -33.92, 18.42 },	/* Cape Town */
	{ "ap-east-1", "AS", "HK", NULL, 22.32, 114.17 },	/* Hong Kong */
	{ "ap-east-2", "AS", "TW", NULL, 25.03, 121.57 },	/* Taipei */
	{ "ap-south-1", "AS", "IN", NULL, 19.08, 72.88 },	/* Mumbai */
	{ "ap-south-2", "AS", "IN", NULL, 17.39, 78.49 },	/* Hyderabad */
	{ "ap-southeast-1", "AS", "SG", NULL, 1.35, 103.82 },	/* Singapore */
	{ "ap-southeast-2", "OC", "AU", NULL, -33.87, 151.21 },	/* Sydney */
	{ "ap-southeast-3", "AS", "ID", NULL, -6.21, 106.85 },	/* Jakarta */
	{ "ap-southeast-4", "OC", "AU", NULL, -37.81, 144.96 },	/* Melbourne */
	{ "ap-southeast-5", "AS", "MY", NULL, 3.14, 101.69 },	/* Malaysia */
	{ "ap-southeast-6", "OC", "NZ", NULL, -36.85, 174.76 },	/* New Zealand */
	{ "ap-southeast-7", "AS", "TH", NULL, 13.76, 100.50 },	/* Thailand */
	{ "ap-northeast-1", "AS", "JP", NULL, 35.68, 139.69 },	/* Tokyo */
	{ "ap-northeast-2", "AS", "KR", NULL, 37.57, 126.98 },	/* Seoul */
	{ "ap-northeast-3", "AS", "JP", NULL, 34.69, 135.50 },	/* Osaka */
	{ "cn-north-1", "AS", "CN", NULL, 39.90, 116.41 },	/* Beijing */
	{ "cn-northwest-1", "AS", "CN", NULL, 38.47, 106.27 },	/* Ningxia */
};

const struct awsregion *
awsregion_find(const char *code)
{
	for (size_t i = 0; code && i < sizeof(regions) / sizeof(regions[0]); i++)
		if (strcmp(regions[i].code, code) == 0)
			return &regions[i];
	return NULL;
}

const struct awsregion *
awsregion_of_local_zone_group(const char *group)
{
	const struct awsregion *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; group && i < sizeof(regions) / sizeof(regions[0]); i++) {
		size_t n = strlen(regions[i].code);
		if (strncmp(group, regions[i].code, n) == 0 && group[n] == '-' && n > best_len) {
			best = &regions[i];
			best_len = n;
		}
	}
	return best;
}

double
awsregion_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = 3.14159265358979323846 / 180.0;
	double p1 = lat1 * rad, p2 = lat2 * rad;
	double dp = (lat2 - lat1) * rad, dl = (lon2 - lon1) * rad;
	double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
	if (a > 1)
		a = 1;
	return 6371.0 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

/* The countries Route 53 associates with each continent (Developer
 * Guide, "Values specific for geolocation records"), and UA, which the
 * API Reference (GeoLocation CountryCode) adds. */
static const struct {
	const char *continent;
	const char *countries;
} continents[] = {
	{ "AF", "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG ER ET GA GH GM GN GQ GW KE KM LR "
		"LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN "
		"TZ UG YT ZA ZM ZW" },
	{ "AN", "AQ GS TF" },
	{ "AS", "AE AF AM AZ BD BH BN BT CC CN GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW "
		"KZ LA LB LK MM MN MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TM TW UZ VN YE" },
	{ "EU", "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE "
		"IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TR "
		"UA VA XK" },
	{ "NA", "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC "
		"MF MQ MS MX NI PA PM PR SV SX TC TT US VC VG VI" },
	{ "OC", "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TL TO TV UM VU "
		"WF WS" },
	{ "SA", "AR BO BR CL CO EC FK GF GY PE PY SR UY VE" },
};

bool
awsregion_continent_valid(const char *code)
{
	for (size_t i = 0; code && i < sizeof(continents) / sizeof(continents[0]); i++)
		if (strcmp(continents[i].continent, code) == 0)
			return true;
	return false;
}

bool
awsregion_country_on(const char *country, const char *continent)
{
	if (!country || strlen(country) != 2)
		return false;
	for (size_t i = 0; i < sizeof(continents) / sizeof(continents[0]); i++) {
		if (continent && strcmp(continents[i].continent, continent) != 0)
			continue;
		for (const char *p = continents[i].countries; *p; p += p[2] ? 3 : 2)
			if (p[0] == country[0] && p[1] == country[1])
				return true;
	}
	return false;
}
