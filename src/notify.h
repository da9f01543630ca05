/* SPDX-License-Identifier: BSD-3-Clause */
/* src/notify.h - tell systemd the daemon's state over $NOTIFY_SOCKET (sd_notify without libsystemd). */
#ifndef DNSD_NOTIFY_H
#define DNSD_NOTIFY_H

#include <stdbool.h>

/**
 * Send one sd_notify(3) message ("READY=1\nSTATUS=..." and the like) to
 * the socket named by $NOTIFY_SOCKET: a path, or an abstract name written
 * with a leading '@'. Without the variable nothing is sent.
 * @return true when sent or not asked for; false (after a warning) when
 *	the socket is named but cannot be reached.
 */
bool notify_send(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** The monotonic clock in microseconds, for RELOADING=1's MONOTONIC_USEC. */
unsigned long long notify_monotonic_usec(void);

#endif /* DNSD_NOTIFY_H */
