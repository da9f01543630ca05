/* SPDX-License-Identifier: BSD-3-Clause */
/* src/apigwzones.h - the names API Gateway publishes for private REST APIs: {rest-api-id}-{vpce-id}.execute-api.{region}.amazonaws.com. */
#ifndef DNSD_APIGWZONES_H
#define DNSD_APIGWZONES_H

struct diag;
struct topology;
struct zb;

/**
 * Add, for every private REST API and each execute-api interface
 * endpoint it is associated with, the Route 53 alias name API Gateway
 * creates, {rest-api-id}-{vpce-id}.execute-api.{region}.amazonaws.com,
 * to the public view: it answers the endpoint's addresses (those of its
 * regional name) for every client (API Gateway Developer Guide, "Invoking
 * your private API", "Accessing your private API using a Route53 alias").
 * A VPC whose execute-api endpoint has private DNS answers such a name
 * from its hidden zone's wildcard instead, as Route 53 does. Call after
 * hiddenzone_build.
 * @return 0, or -1 when errors were reported.
 */
int apigwzones_build(struct topology *t, struct zb *b, struct diag *d);

#endif /* DNSD_APIGWZONES_H */
