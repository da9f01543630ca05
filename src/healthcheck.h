/* SPDX-License-Identifier: BSD-3-Clause */
/* src/healthcheck.h - Route 53 health check status as dnsd sees it: the definitions' status, calculated health checks, and overrides layered over them. */
#ifndef DNSD_HEALTHCHECK_H
#define DNSD_HEALTHCHECK_H

#include <stdbool.h>

struct topology;

/**
 * Whether Route 53 counts a health check as healthy:
 * - the last override naming it (a Dnsd Health entry with HealthCheckId,
 *   or healthcheck_override), else
 * - its status: Disabled counts as healthy; a CALCULATED one is healthy
 *   when at least HealthThreshold children are; otherwise more than 18%
 *   of the checkers in get-health-check-status must report Success, and a
 *   health check without observations is healthy ("Route 53 considers a
 *   new health check to be healthy until there's enough data"); Inverted
 *   turns the result round (Developer Guide, "How Amazon Route 53
 *   determines whether a health check is healthy"; API Reference,
 *   HealthCheckConfig).
 * A health check no definition describes counts as healthy.
 */
bool healthcheck_healthy(const struct topology *t, const char *id);

/** Whether a health check is defined, or named by a record set or override. */
bool healthcheck_known(const struct topology *t, const char *id);

/**
 * Layer a runtime override over the definitions (dnsd-control health
 * check ID up|down): call it on the new model after defs_resolve and
 * before the zones are built, for each override in effect, in the order
 * given (the last one for an id wins). It is kept in t's arena.
 * @return 0; -ENOENT when no health check or record set names id
 *	(nothing changed); -ENOMEM.
 */
int healthcheck_override(struct topology *t, const char *id, bool healthy);

/**
 * A health check's state for people: "healthy", "unhealthy", with why
 * ("3 of 8 checkers report Success", "override", "calculated: 1 of 2
 * children healthy, 2 needed", "no status: healthy until there is data").
 */
void healthcheck_describe(const struct topology *t, const char *id, char *buf, unsigned size);

#endif /* DNSD_HEALTHCHECK_H */
