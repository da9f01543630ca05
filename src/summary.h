/* SPDX-License-Identifier: BSD-3-Clause */
/* src/summary.h - dnsd --check --summary: per VPC, every name answered privately and its addresses, as text or JSON. */
#ifndef DNSD_SUMMARY_H
#define DNSD_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

struct topology;
struct zonedb;

/** Version of the JSON document summary_print writes ("summary_version"). */
#define SUMMARY_JSON_VERSION 1

/**
 * Print, for each VPC, every name its clients get from dnsd's data
 * (endpoint names, private DNS names, private hosted zone records) with
 * the addresses a query from that VPC gets (verify_names_collect); as
 * text, or as the JSON document the README describes.
 * @return 0, or -1 when out of memory (nothing, or a part, was printed).
 */
int summary_print(const struct topology *t, const struct zonedb *db, FILE *out, bool json);

#endif /* DNSD_SUMMARY_H */
