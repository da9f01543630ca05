/* SPDX-License-Identifier: BSD-3-Clause */
/* src/query.h - the answer path: check a query, pick its view, copy out the prepared answer. */
#ifndef DNSD_QUERY_H
#define DNSD_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"
#include "netaddr.h"

struct answer;
struct fw_rule;
struct snapshot;
struct zone;

/** What the caller does with a query after query_answer. */
enum query_action {
	QUERY_DROP,	/**< send nothing */
	QUERY_SEND,	/**< send out[0..out_len) */
	QUERY_FORWARD,	/**< resolve upstream: see query_info */
	QUERY_XFR	/**< TCP: stream the zone transfer the query asks for (xfr_out.h) */
};

/** Where a query came from. */
struct query_client {
	const struct netaddr *addr;	/**< source address */
	int listener;			/**< index of the listener it arrived on */
	bool tcp;
};

/** Buckets per row of the error-reply budget table (a power of two). */
#define QUERY_RL_BUCKETS 2048

/**
 * Limits error replies (FORMERR, NOTIMP, REFUSED, BADVERS, NOTAUTH) per
 * second and client prefix (/24 for IPv4, /56 for IPv6), so one noisy
 * source cannot spend everyone's budget. A fixed table that never grows:
 * two rows of buckets, each prefix hashed (with a secret key) to one in
 * each; a prefix's count is the smaller of its two (a count-min sketch),
 * so it shares a budget only with a prefix that collides in both rows.
 */
struct query_ratelimit {
	uint32_t per_second;	/**< 0: unlimited */
	bool keyed;		/**< key drawn (on the first error reply) */
	uint64_t key[2];
	struct {
		uint32_t second;	/**< the second the count belongs to */
		uint32_t used;
	} bucket[2][QUERY_RL_BUCKETS];
};

/** Per-worker state the answer path may change. */
struct query_env {
	const struct snapshot *snap;
	struct query_ratelimit errors;
	uint64_t now_seconds;	/**< set by the caller; used for rate limits */
	const struct netaddr *client;	/**< of the query being answered (query_answer sets it) */
	uint16_t max_udp;	/**< largest UDP answer dnsd sends (EDNS) */
	uint32_t *rot;		/**< round robin: this worker's counter per rotating answer */
	uint32_t n_rot;		/**< the snapshot's db.n_rot, or 0 (no rotation) */
	const struct netprefix *allow;	/**< clients served besides VPC ones */
	unsigned n_allow;		/**< 0: every client */
	uint64_t rng;			/**< routing policies' random numbers (policy.h);
					     seeded by query_env_set_snapshot when 0 */
};

/**
 * Answer from snap from now on, with round robin counters of its size,
 * starting at 0 (allocated here, never on the answer path). When they
 * cannot be allocated, answers are not rotated and -1 is returned.
 */
int query_env_set_snapshot(struct query_env *env, const struct snapshot *snap);

/** Free the env's round robin counters. */
void query_env_fini(struct query_env *env);

/** query_info.view of a query that was not placed in a view (refused before). */
#define QUERY_NO_VIEW 0xffff

/** What dnsd learned from a query; filled for every parsed query. */
struct query_info {
	uint16_t id;
	uint16_t flags;		/**< of the query */
	uint16_t qtype, qclass;
	size_t qname_len;	/**< wire length */
	uint8_t lname[DNAME_MAX];	/**< lowercase query name */
	const uint8_t *question;	/**< in the query: qname, qtype, qclass */
	size_t question_len;
	bool edns;
	bool do_bit;
	uint16_t udp_size;	/**< the client's, at least 512 */
	uint16_t view;		/**< QUERY_NO_VIEW until the query is placed in one */
	bool dns64;		/**< AAAA from a client in a subnet with EnableDns64 */
	bool dns64_a;		/**< forwarding: the A query made for such a client */
	uint32_t dns64_ttl;	/**< then: the AAAA answer's negative TTL */
	uint8_t rcode;		/**< of the reply, for logs */
	const char *why;	/**< why it was dropped or refused, for logs */
	const struct zone *forward_zone;	/**< FORWARD: the rule, or NULL for the upstreams */
	size_t tsig;		/**< offset of a TSIG record in the query, or 0 */
	/* DNS Firewall (firewall.h): for the query log, metrics and explanations */
	const struct fw_rule *fw_rule;	/**< the rule that decided, or NULL */
	uint8_t fw_state;	/**< enum query_fw */
	bool fw_chain;		/**< forwarded: the reply's redirection chain is to be inspected */
};

/** What DNS Firewall did with a query (query_info.fw_state). */
enum query_fw {
	QUERY_FW_OFF,		/**< the client's VPC has no rule group */
	QUERY_FW_NO_MATCH,	/**< inspected; no rule matched */
	QUERY_FW_MATCH,		/**< fw_rule matched: ALLOW, ALERT or BLOCK */
	QUERY_FW_FAILED_OPEN,	/**< the firewall could not inspect it: allowed (fail open) */
	QUERY_FW_FAILED_CLOSED	/**< the firewall could not inspect it: SERVFAIL (fail closed) */
};

/**
 * Answer one query from the snapshot, without allocating.
 * @param pkt, len: the query as received.
 * @param out, out_cap: room for the reply (at least 512 bytes; 65535 for TCP).
 * @param out_len: out, the reply's length when QUERY_SEND.
 * @param qi: out, what was parsed (the question for QUERY_FORWARD).
 */
enum query_action query_answer(struct query_env *env, const struct query_client *c,
	const uint8_t *pkt, size_t len, uint8_t *out, size_t out_cap, size_t *out_len,
	struct query_info *qi);

/** What a view holds for a name, as the answer path finds it. */
struct query_lookup {
	const struct zone *auth;	/**< the deciding zone; NULL: recursion */
	const struct node *node;	/**< the node that answers (the name's, or a wildcard) */
	const struct answer *answer;	/**< the prepared answer, or NULL when */
	const struct zone *synth;	/**< an EC2 zone makes one up, or */
	const struct zone *forward;	/**< it is forwarded: by this rule (NULL: the upstreams) */
	bool from_public;		/**< decided by view 0's public names, not the view's own */
};

struct zonedb;

/**
 * Look a lowercase wire name up in a view exactly as query_answer does,
 * without a packet: for checks after a load and for explanations.
 */
void query_lookup_name(const struct zonedb *db, uint16_t view, const uint8_t *lname,
	size_t len, uint16_t qtype, struct query_lookup *out);

/**
 * dnsd's own reply for a name in a view, as a client there would get it
 * over TCP (whole, no OPT), but not filtered by the DNS Firewall: for the
 * rest of a forwarded CNAME chain that leads into a name dnsd serves.
 * @param dns64: the client is in a subnet with DNS64.
 * @return its length, or 0 when dnsd would forward the name or drop it.
 */
size_t query_reply_for_name(struct query_env *env, uint16_t view, bool dns64, const uint8_t *lname,
	size_t len, uint16_t qtype, uint8_t *out, size_t cap);

/**
 * A reply with only a header, the question and (when the query had EDNS)
 * an OPT record: SERVFAIL for failed forwards, or a truncated answer.
 * @return its length, or 0 when out_cap is too small.
 */
size_t query_reply_empty(const struct query_env *env, const struct query_info *qi,
	uint8_t rcode, bool tc, uint8_t *out, size_t out_cap);

/**
 * A reply carrying a prepared answer (zonedb.h) for qi's question, as
 * query_answer sends them (TC=1 when it does not fit); sets qi->rcode.
 */
enum query_action query_reply_prepared(struct query_env *env, struct query_info *qi,
	const struct answer *a, bool tcp, uint8_t *out, size_t out_cap, size_t *out_len);

/** The largest reply a client can take: 65535 on TCP, else by EDNS (RFC 6891 §6.2.5). */
size_t query_reply_limit(const struct query_env *env, const struct query_info *qi, bool tcp);

/**
 * Take one error reply from the client's budget (--error-rate), for
 * error replies made outside query.c (TSIG errors of transfers).
 * @return false when over the budget: send nothing.
 */
bool query_ratelimit_take(struct query_env *env);

/** Append an OPT record for the client (our buffer size, DO copied). */
size_t query_put_opt(const struct query_env *env, const struct query_info *qi, uint8_t *p,
	uint8_t ext_rcode);

#endif /* DNSD_QUERY_H */
