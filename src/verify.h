/* SPDX-License-Identifier: BSD-3-Clause */
/* src/verify.h - the last step of a load: everything the definitions describe is served. */
#ifndef DNSD_VERIFY_H
#define DNSD_VERIFY_H

struct diag;
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

#endif /* DNSD_VERIFY_H */
