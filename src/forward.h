/* SPDX-License-Identifier: BSD-3-Clause */
/* src/forward.h - upstream queries: build them, accept only matching replies, rewrite for the client. */
#ifndef DNSD_FORWARD_H
#define DNSD_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "query.h"

#define FWD_MAX_TARGETS 8

/** Where a forwarded query may go, tried in order. */
struct fwd_targets {
	unsigned n;
	struct sockaddr_storage addr[FWD_MAX_TARGETS];
	socklen_t len[FWD_MAX_TARGETS];
	bool has_source;		/**< send from this address (outbound endpoint) */
	struct sockaddr_storage source;
	socklen_t source_len;
};

/** The client's question, kept while its upstream query is out. */
struct fwd_question {
	struct query_info qi;		/**< qi.question points into buf */
	uint8_t buf[DNAME_MAX + 4];
};

/** What to make of an upstream reply. */
enum fwd_verdict {
	FWD_ACCEPT,	/**< the answer: pass it on */
	FWD_TRUNCATED,	/**< TC=1: ask again over TCP (RFC 7766 §5) */
	FWD_IGNORE,	/**< not an answer to this query (RFC 5452 §9.1): keep waiting */
	FWD_FAIL	/**< an answer, but unusable: try the next target */
};

/** Keep a copy of the question of a query being forwarded. */
void forward_keep(struct fwd_question *fq, const struct query_info *qi);

/**
 * Build the upstream query: a fresh ID, RD set, CD copied, the question
 * in lowercase, EDNS with our buffer size and the client's DO bit.
 * @return its length, or 0 when cap is too small.
 */
size_t forward_make_query(const struct fwd_question *fq, uint16_t id, uint16_t edns_size,
	uint8_t *out, size_t cap);

/**
 * Judge a reply: QR set, opcode QUERY, our ID, and our question exactly
 * (name compared without case, type and class), else FWD_IGNORE.
 */
enum fwd_verdict forward_check_reply(const struct fwd_question *fq, uint16_t id,
	const uint8_t *pkt, size_t len);

/**
 * Rewrite an accepted reply for the client: its ID, its question bytes
 * (its letter case), RA set, the upstream's OPT removed and the client's
 * added; when the result exceeds what the client takes, a TC=1 reply
 * with the question only.
 * @return the length, or 0 when the reply cannot be rewritten.
 */
size_t forward_make_reply(const struct query_env *env, const struct fwd_question *fq,
	const uint8_t *up, size_t uplen, bool tcp, uint8_t *out, size_t cap);

/**
 * Copy an accepted reply without its OPT record (dropped only when it is
 * the last record; what follows it in additional goes too).
 * @return the length, or 0 when the reply does not parse.
 */
size_t forward_strip_opt(const uint8_t *up, size_t uplen, uint8_t *out);

/** Random bits from the kernel's CSPRNG (getrandom), buffered. */
uint32_t forward_random32(void);

#endif /* DNSD_FORWARD_H */
