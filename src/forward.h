/* SPDX-License-Identifier: BSD-3-Clause */
/* src/forward.h - upstream queries: build them, accept only matching replies, rewrite for the client. */
#ifndef DNSD_FORWARD_H
#define DNSD_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "query.h"

/** Most default upstreams (--upstream, resolv.conf). A Resolver rule's
 * targets have no such limit: their list is sized when the rule loads. */
#define FWD_MAX_TARGETS 8

/** Where a forwarded query may go, tried in order. */
struct fwd_targets {
	unsigned n;
	struct sockaddr_storage *addr;	/**< n addresses */
	socklen_t *len;			/**< n address lengths */
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
	FWD_CUT,	/**< TC=0 but the records run past the end: ask again over TCP */
	FWD_CASE,	/**< our question in another letter case (0x20): not our answer */
	FWD_IGNORE,	/**< not an answer to this query (RFC 5452 §9.1): keep waiting */
	FWD_FAIL	/**< an answer, but unusable: try the next target */
};

/** Values drawn lately, so that the next draw avoids them (IDs, ports). */
#define FWD_RECENT 4096
struct fwd_recent {
	uint8_t used[65536 / 8];	/**< bit per value drawn in the window */
	uint16_t ring[FWD_RECENT];	/**< the window, oldest first from head */
	unsigned head, count;
};

/** Upstreams found not to echo the case of query names, for a while. */
#define FWD_CAPS_SLOTS 64
struct fwd_caps_memory {
	struct {
		struct sockaddr_storage addr;
		socklen_t len;
		uint64_t until;		/**< ms on a monotonic clock */
	} slot[FWD_CAPS_SLOTS];		/**< by address hash; a newcomer takes the slot */
};

/** Keep a copy of the question of a query being forwarded. */
void forward_keep(struct fwd_question *fq, const struct query_info *qi);

/**
 * The query name with the case of each letter chosen at random (0x20,
 * draft-vixie-dnsext-dns0x20): a forger must guess it as well as the ID
 * and port. A name with two letters or more always mixes cases.
 * @param out: the name as it goes out, fq->qi.qname_len bytes.
 */
void forward_caps(const struct fwd_question *fq, uint8_t *out);

/**
 * Build the upstream query: a fresh ID, RD set, CD copied, the question
 * name as given in name (lowercase, or from forward_caps), EDNS with our
 * buffer size and the client's DO bit.
 * @return its length, or 0 when cap is too small.
 */
size_t forward_make_query(const struct fwd_question *fq, uint16_t id, uint16_t edns_size,
	const uint8_t *name, uint8_t *out, size_t cap);

/**
 * Judge a reply: QR set, opcode QUERY, our ID, and our question (name
 * compared without case, type and class), else FWD_IGNORE. When sent is
 * not NULL the name must also be in the case it was sent in (FWD_CASE).
 * Records that run past the end of the message give FWD_CUT.
 */
enum fwd_verdict forward_check_reply(const struct fwd_question *fq, uint16_t id,
	const uint8_t *sent, const uint8_t *pkt, size_t len);

/**
 * Rewrite an accepted reply for the client: its ID, its question bytes
 * (its letter case), RA set, the upstream's OPT removed and the client's
 * added; when the result exceeds what the client takes, a TC=1 reply
 * with the question only.
 * @return the length, or 0 when the reply cannot be rewritten.
 */
size_t forward_make_reply(const struct query_env *env, const struct fwd_question *fq,
	const uint8_t *up, size_t uplen, bool tcp, uint8_t *out, size_t cap);

/** Random bits from the kernel's CSPRNG (getrandom), buffered. */
uint32_t forward_random32(void);

/**
 * A random value in [lo, hi] that is none of the last FWD_RECENT drawn
 * (or of the last quarter of the range, when that is smaller): 1,000
 * queries in a row never reuse an ID or a source port, and in-flight
 * queries never share one.
 */
uint16_t forward_draw(struct fwd_recent *r, uint16_t lo, uint16_t hi);

/** Ask this upstream without 0x20 until `until` (ms). */
void forward_caps_remember(struct fwd_caps_memory *m, const struct sockaddr_storage *addr,
	socklen_t len, uint64_t until);

/** Whether this upstream is to be asked without 0x20 at `now` (ms). */
bool forward_caps_off(const struct fwd_caps_memory *m, const struct sockaddr_storage *addr,
	socklen_t len, uint64_t now);

#endif /* DNSD_FORWARD_H */
