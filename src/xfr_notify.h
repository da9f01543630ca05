/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_notify.h - tell secondaries that zones changed: NOTIFY (RFC 1996), signed, retried. */
#ifndef DNSD_XFR_NOTIFY_H
#define DNSD_XFR_NOTIFY_H

struct event_base;
struct snapshot;
struct xfr_notify;

/** Retries of a NOTIFY that gets no answer: after 1, 2, 4 and 8 s. */
#define XFR_NOTIFY_TRIES 5
/** NOTIFY messages waiting for an answer at once. */
#define XFR_NOTIFY_WINDOW 64

/**
 * A sender of NOTIFY messages on base. Nothing is opened until there is
 * something to send.
 * @return NULL when out of memory.
 */
struct xfr_notify *xfr_notify_create(struct event_base *base);

/**
 * A snapshot went into service: for every Secondaries entry with Notify
 * targets, queue a NOTIFY (signed with its key) of each zone of its view
 * whose serial is new, the catalog zone first. A NOTIFY of the same zone
 * still queued for the same target takes the new serial. Targets and
 * keys that the snapshot no longer has are dropped.
 */
void xfr_notify_snapshot(struct xfr_notify *n, struct snapshot *s);

/** Close and free. NULL is allowed. */
void xfr_notify_free(struct xfr_notify *n);

#endif /* DNSD_XFR_NOTIFY_H */
