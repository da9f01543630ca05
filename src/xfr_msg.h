/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_msg.h - write the messages of a zone transfer, names compressed within each message. */
#ifndef DNSD_XFR_MSG_H
#define DNSD_XFR_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xfr_rr;

#define XFR_MSG_DICT 1024	/**< names remembered for compression, per message */

/** One message being written. */
struct xfr_msg {
	uint8_t *buf;
	size_t len;
	size_t limit;		/**< records stop here: room kept for OPT and TSIG */
	uint16_t ancount;
	uint32_t gen;		/**< dictionary entries of older messages are stale */
	struct {
		uint32_t gen;
		uint32_t hash;
		uint16_t off;
	} dict[XFR_MSG_DICT];
};

/**
 * Start a message in buf: header (id, flags), then the question when
 * given (as the query had it).
 * @param limit: where records stop (room for OPT and TSIG after).
 */
void xfr_msg_start(struct xfr_msg *m, uint8_t *buf, size_t limit, uint16_t id, uint16_t flags,
	const uint8_t *question, size_t question_len);

/**
 * Append a record to the answer section, compressing its owner and the
 * name in the RDATA of NS, CNAME and PTR against names already written.
 * @return false when it does not fit (the message is left as it was).
 */
bool xfr_msg_rr(struct xfr_msg *m, const struct xfr_rr *rr);

/** Set ANCOUNT; the message is m->buf[0..m->len). */
void xfr_msg_end(struct xfr_msg *m);

#endif /* DNSD_XFR_MSG_H */
