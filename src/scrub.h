/* SPDX-License-Identifier: BSD-3-Clause */
/* src/scrub.h - clean forwarded replies: the answer chain, the bailiwick, names dnsd serves. */
#ifndef DNSD_SCRUB_H
#define DNSD_SCRUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct snapshot;
struct scrub;

/** CNAME and DNAME steps kept in an answer chain (Unbound's iter-scrub-cname). */
#define SCRUB_MAX_CHAIN 11

/** True when dnsd answers name (lowercase wire form) itself: upstream data for it is forged. */
typedef bool (*scrub_served_fn)(const void *ctx, const uint8_t *name, size_t len);

/** What a reply is checked against. */
struct scrub_query {
	const uint8_t *qname;		/**< lowercase wire form */
	size_t qname_len;
	uint16_t qtype, qclass;
	const uint8_t *zone;		/**< bailiwick: the rule's domain, or the root */
	size_t zone_len;
	scrub_served_fn served;		/**< NULL: no name is dnsd's own */
	const void *served_ctx;
};

/** A view of a snapshot, as served_ctx for scrub_served_in_view. */
struct scrub_view {
	const struct snapshot *snap;
	uint16_t view;
};

/** Scratch space for one worker (about 200 KiB), so that scrubbing never allocates. */
struct scrub *scrub_create(void);

/** Free the scratch. NULL is allowed. */
void scrub_free(struct scrub *s);

/**
 * Rewrite an upstream reply, already matched to the query (the question
 * echoed, every record parses), keeping only what a client may believe:
 *  - answer: the chain from the question name, each CNAME step and each
 *    DNAME step with its synthesized CNAME (checked against the DNAME, or
 *    made when missing or wrong; RFC 6672 §3.4), ending in the records of
 *    the question type; at most SCRUB_MAX_CHAIN steps; a step into a name
 *    dnsd serves ends the chain there;
 *  - authority: SOA, NS, DS, NSEC, NSEC3 and their RRSIGs inside the
 *    bailiwick, the SOA only for the zone of the chain's last name, NS only
 *    in a referral;
 *  - additional: A and AAAA inside the bailiwick for names the kept NS,
 *    MX, SRV or KX records name, and their RRSIGs; no OPT;
 *  - no record owned by a name dnsd serves, in any section; A and AAAA of
 *    the wrong length, and records of another class, nowhere.
 * Replies with an rcode other than NOERROR, NXDOMAIN or YXDOMAIN keep no
 * records. Names are compressed again in out.
 * @param removed: out, how many records were left out (may be NULL).
 * @return the length written to out, or 0 when the reply is unusable.
 */
size_t scrub_reply(struct scrub *s, const struct scrub_query *q, const uint8_t *in, size_t len,
	uint8_t *out, size_t cap, unsigned *removed);

/**
 * Whether a scrubbed reply holds a record owned by a name q->served
 * claims (then scrub it again with that function before it is sent).
 */
bool scrub_mentions_served(const struct scrub_query *q, const uint8_t *msg, size_t len);

/**
 * A scrub_served_fn: ctx is a struct scrub_view. True when a query for
 * the name in that view is answered from dnsd's own data (a private or
 * hidden zone, an EC2 name, a public name dnsd holds), not forwarded.
 */
bool scrub_served_in_view(const void *ctx, const uint8_t *name, size_t len);

/**
 * The name a reply's answer section leads to when its last record is a
 * CNAME (lowercase wire form into name, DNAME_MAX bytes): a chain the
 * scrubber cut at a name dnsd serves ends so.
 * @return its length, or 0 when the answer does not end in a CNAME.
 */
size_t scrub_chain_end(const uint8_t *msg, size_t len, uint8_t *name);

/**
 * Join a scrubbed reply whose chain ends at a name dnsd serves with dnsd's
 * own reply for that name (RFC 1034 §4.3.2: the resolver goes on at the
 * CNAME's target, here in the client's view): header and question of up,
 * the answer records of up, then the answer and authority records of
 * local, names compressed again; the rcode is local's.
 * @return the length written to out, or 0 when it does not fit.
 */
size_t scrub_splice(struct scrub *s, const uint8_t *up, size_t uplen, const uint8_t *local,
	size_t llen, uint8_t *out, size_t cap);

#endif /* DNSD_SCRUB_H */
