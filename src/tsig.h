/* SPDX-License-Identifier: BSD-3-Clause */
/* src/tsig.h - TSIG (RFC 8945): keys, reading the TSIG of a message, verifying requests, signing responses. */
#ifndef DNSD_TSIG_H
#define DNSD_TSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"

/** The HMAC algorithms dnsd knows (RFC 8945 §6; HMAC-MD5 is not offered). */
enum tsig_alg {
	TSIG_HMAC_SHA1,
	TSIG_HMAC_SHA224,
	TSIG_HMAC_SHA256,	/**< the default, mandatory to implement */
	TSIG_HMAC_SHA384,
	TSIG_HMAC_SHA512,
	TSIG_N_ALGS
};

#define TSIG_MAX_MAC 64		/**< HMAC-SHA512 */
#define TSIG_MAX_SECRET 512	/**< secret bytes a key may have */
#define TSIG_FUDGE 300		/**< seconds of clock difference allowed (RFC 8945 §10) */

/** TSIG error codes (RFC 8945 §3). */
enum tsig_error {
	TSIG_NOERROR = 0,
	TSIG_BADSIG = 16,
	TSIG_BADKEY = 17,
	TSIG_BADTIME = 18,
	TSIG_BADTRUNC = 22
};

/** A shared secret. */
struct tsig_key {
	uint8_t name[DNAME_MAX];	/**< lowercase wire form */
	uint8_t name_len;
	enum tsig_alg alg;
	uint8_t secret[TSIG_MAX_SECRET];
	uint16_t secret_len;
};

/** An algorithm by its name ("hmac-sha256", any case, trailing dot or not); -1 when unknown. */
int tsig_alg_from_text(const char *text);

/** The name of an algorithm, as written in configurations ("hmac-sha256"). */
const char *tsig_alg_text(enum tsig_alg alg);

/** Length of an algorithm's MAC in bytes. */
size_t tsig_mac_size(enum tsig_alg alg);

/**
 * Decode base64 (RFC 4648, padding required where the length needs it;
 * white space is skipped).
 * @return the number of bytes written to out, or -1 when the text is not
 *	base64 or does not fit in cap bytes.
 */
int tsig_base64_decode(const char *text, uint8_t *out, size_t cap);

/** The TSIG record of a message, as read by tsig_parse. */
struct tsig_rr {
	size_t start;		/**< offset of the record (its owner name) */
	uint8_t key[DNAME_MAX];	/**< key name, lowercase */
	uint8_t key_len;
	uint8_t alg[DNAME_MAX];	/**< algorithm name, lowercase */
	uint8_t alg_len;
	uint64_t time;		/**< time signed (48 bits) */
	uint16_t fudge;
	const uint8_t *mac;	/**< in the message */
	uint16_t mac_len;
	uint16_t orig_id;
	uint16_t error;
	const uint8_t *other;	/**< in the message */
	uint16_t other_len;
};

/**
 * Read the TSIG record that starts at offset at and ends the message.
 * @return false when it is malformed (class not ANY, TTL not 0, RDATA
 *	overrunning or with bytes left over, not the end of the message).
 */
bool tsig_parse(const uint8_t *pkt, size_t len, size_t at, struct tsig_rr *t);

/** The algorithm a TSIG record names, or -1 when dnsd does not know it. */
int tsig_rr_alg(const struct tsig_rr *t);

/**
 * Check a signed request against a key (whose name and algorithm match
 * the record's) in the order of RFC 8945 §5.2: the MAC (its length, then
 * its value, compared in constant time), then the time.
 * @param now: seconds since the epoch.
 * @return TSIG_NOERROR, TSIG_BADSIG, TSIG_BADTIME or TSIG_BADTRUNC; -1
 *	when the MAC length is below what RFC 8945 §5.2.2.1 allows (FORMERR).
 */
int tsig_verify(const struct tsig_key *k, const uint8_t *pkt, const struct tsig_rr *t,
	uint64_t now);

/** State for signing the messages of one response (one or many: a transfer). */
struct tsig_signer {
	const struct tsig_key *key;
	uint8_t prior[TSIG_MAX_MAC];	/**< the request's MAC, then each message's */
	uint16_t prior_len;
	uint16_t orig_id;		/**< the ID the request was signed with */
	bool first;			/**< the next message is the first of the response */
	uint64_t time;			/**< 0: now; else this time signed (BADTIME) */
};

/** Set a signer up for the response to a request that t verified with k. */
void tsig_signer_init(struct tsig_signer *s, const struct tsig_key *k, const struct tsig_rr *t);

/**
 * Sign a message: append a TSIG record (MAC over the prior MAC, the
 * message and the TSIG variables; for the messages after the first of a
 * response the timers only, RFC 8945 §5.3.1) and count it in ARCOUNT.
 * @param error: TSIG error to carry (BADTIME adds the server's time as
 *	Other Data and keeps the request's time signed).
 * @return the new length, or 0 when it does not fit in cap or the MAC
 *	cannot be computed.
 */
size_t tsig_sign(struct tsig_signer *s, uint8_t *msg, size_t len, size_t cap, uint64_t now,
	uint16_t error);

/**
 * Append an unsigned TSIG record saying error (BADKEY, BADSIG: RFC 8945
 * §5.2.1-2): key and algorithm names, time and fudge from the request,
 * no MAC.
 * @return the new length, or 0 when it does not fit.
 */
size_t tsig_append_error(const struct tsig_rr *t, uint8_t *msg, size_t len, size_t cap,
	uint16_t error);

/**
 * Check a signed response (a NOTIFY answer) against the MAC of the request
 * dnsd sent. @return true when its TSIG verifies (whatever TSIG error it
 * carries: a BADTIME answer is signed too).
 */
bool tsig_verify_response(const struct tsig_key *k, const uint8_t *req_mac, size_t req_mac_len,
	const uint8_t *pkt, size_t len, uint64_t now);

/**
 * Sign a request (a NOTIFY dnsd sends): append its TSIG.
 * @param mac: out, the request's MAC (TSIG_MAX_MAC bytes), for checking the answer.
 * @return the new length, or 0.
 */
size_t tsig_sign_request(const struct tsig_key *k, uint8_t *msg, size_t len, size_t cap,
	uint64_t now, uint8_t *mac, size_t *mac_len);

#endif /* DNSD_TSIG_H */
