/* SPDX-License-Identifier: BSD-3-Clause */
/* src/export.h - print the generated zones as RFC 1035 zone files, and the Resolver rules and endpoints as comments (dnsd --check). */
#ifndef DNSD_EXPORT_H
#define DNSD_EXPORT_H

#include <stdio.h>

struct topology;
struct zb;

/**
 * Print every zone of every view. Each zone starts with a line
 * "; zone NAME view VIEW kind KIND origin ORIGIN" and "$ORIGIN NAME.",
 * then its SOA, NS and records with absolute owner names, so that a
 * script can split the output into files for NSD or Knot.
 * @return 0, or -1 when a record could not be rendered.
 */
int export_zones(const struct zb *b, FILE *out);

/**
 * Print, as comment lines a zone file loader skips, every Resolver rule
 * (id, name, type, domain, FORWARD targets in the order tried, outbound
 * endpoint, the VPCs it is associated with and whether each association
 * is in effect) and every Resolver endpoint with its addresses: what
 * dnsd forwards to and the inbound addresses it listens on. Nothing when
 * the definitions have neither.
 */
void export_definitions(const struct topology *t, FILE *out);

#endif /* DNSD_EXPORT_H */
