/* SPDX-License-Identifier: BSD-3-Clause */
/* src/healthcheck.h - Route 53 health check status as dnsd sees it: the definitions' status, calculated health checks, and overrides layered over them. */
#ifndef DNSD_HEALTHCHECK_H
#define DNSD_HEALTHCHECK_H

#include <stdbool.h>

struct topology;

/**
 * Whether Route 53 counts a health check as healthy:
 * - a dnsd-control override of it (t->runtime_health, scope HEALTH_CHECK:
 *   health.h), else the last Dnsd Health entry naming it, else
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
 * A health check's state for people: "healthy", "unhealthy", with why
 * ("3 of 8 checkers report Success", "override", "calculated: 1 of 2
 * children healthy, 2 needed", "no status: healthy until there is data").
 */
void healthcheck_describe(const struct topology *t, const char *id, char *buf, unsigned size);

#endif /* DNSD_HEALTHCHECK_H */
