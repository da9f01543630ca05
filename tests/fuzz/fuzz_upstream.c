/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_upstream.c - fuzz upstream-reply handling: matching, scrubbing, rewriting and caching. */
#include "config.h"

#include "cache.h"
#include "forward.h"
#include "query.h"
#include "scrub.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define QUERY_ID 0x1234

/* The client asked "WwW.Example.COM A" with EDNS. */
static void
client_question(struct fwd_question *fq)
{
	static const uint8_t q[] = "\003WwW\007Example\003COM\000\000\001\000\001";
	struct query_info qi;
	memset(&qi, 0, sizeof(qi));
	qi.id = 0xbeef;
	qi.flags = DNS_FLAG_RD;
	qi.qtype = DNS_TYPE_A;
	qi.qclass = DNS_CLASS_IN;
	qi.question = q;
	qi.question_len = sizeof(q) - 1;
	qi.qname_len = qi.question_len - 4;
	for (size_t i = 0; i < qi.qname_len; i++)
		qi.lname[i] = (q[i] >= 'A' && q[i] <= 'Z') ? (uint8_t)(q[i] + 32) : q[i];
	qi.edns = true;
	qi.udp_size = 1232;
	forward_keep(fq, &qi);
}

/* Stands in for a snapshot: names whose first label starts with 'k'
 * (kms.…) are dnsd's own. */
static bool
served_k(const void *ctx, const uint8_t *name, size_t len)
{
	(void)ctx;
	return len > 1 && name[0] > 0 && name[1] == 'k';
}

/* A scrubbed message must parse and keep the question; scrubbing it
 * again changes nothing (the scrubber's output is a fixed point). */
static void
check_scrubbed(struct scrub *s, const struct scrub_query *q, const uint8_t *msg, size_t len)
{
	static uint8_t again[DNS_MAX_MESSAGE];
	size_t pos = DNS_HEADER_SIZE;
	if (len < DNS_HEADER_SIZE || wire_get16(msg + 4) != 1 || !wire_skip_name(msg, len, &pos))
		abort();
	pos += 4;
	unsigned total = (unsigned)wire_get16(msg + 6) + wire_get16(msg + 8) + wire_get16(msg + 10);
	for (unsigned i = 0; i < total; i++) {
		struct wire_rr rr;
		if (!wire_parse_rr(msg, len, &pos, &rr) || rr.type == DNS_TYPE_OPT)
			abort();
	}
	if (pos != len)
		abort();
	unsigned removed = 0;
	size_t n = scrub_reply(s, q, msg, len, again, sizeof(again), &removed);
	if (n != len || removed != 0 || memcmp(again, msg, len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[DNS_MAX_MESSAGE], scrubbed[DNS_MAX_MESSAGE], viewed[DNS_MAX_MESSAGE];
	static uint8_t out[DNS_MAX_MESSAGE];
	static struct cache *cache;
	static struct scrub *scrub;
	struct fwd_question fq;
	struct query_env env;
	if (size > sizeof(buf))
		return 0;
	if (!cache && !(cache = cache_create(1 << 20)))
		abort();
	if (!scrub && !(scrub = scrub_create()))
		abort();
	memset(&env, 0, sizeof(env));
	env.max_udp = 1232;
	client_question(&fq);
	memcpy(buf, data, size);
	if (size >= 2)
		wire_put16(buf, QUERY_ID);	/* past the ID check, into the parser */
	if (forward_check_reply(&fq, QUERY_ID, NULL, buf, size) != FWD_ACCEPT)
		return 0;
	/* bailiwick: example.com when the first input byte is odd, else the root */
	struct scrub_query q = { fq.qi.lname, fq.qi.qname_len, DNS_TYPE_A, DNS_CLASS_IN,
		(const uint8_t *)"\007example\003com", 13, NULL, NULL };
	if (size && !(data[0] & 1)) {
		q.zone = (const uint8_t *)"";
		q.zone_len = 1;
	}
	size_t slen = scrub_reply(scrub, &q, buf, size, scrubbed, sizeof(scrubbed), NULL);
	if (!slen)
		return 0;
	check_scrubbed(scrub, &q, scrubbed, slen);
	/* as a view where kms.… names are dnsd's sees it */
	const uint8_t *msg = scrubbed;
	size_t len = slen;
	q.served = served_k;
	if (scrub_mentions_served(&q, scrubbed, slen)) {
		len = scrub_reply(scrub, &q, scrubbed, slen, viewed, sizeof(viewed), NULL);
		if (!len || scrub_mentions_served(&q, viewed, len))
			abort();
		check_scrubbed(scrub, &q, viewed, len);
		msg = viewed;
	}
	struct cache_key k = { 1, DNS_TYPE_A, DNS_CLASS_IN, false, false,
		(uint8_t)fq.qi.qname_len, fq.qi.lname };
	cache_store(cache, &k, msg, len, 100000);
	const uint8_t *cmsg;
	size_t clen;
	const void *e = cache_lookup(cache, &k, 150000, &cmsg, &clen);
	if (e) {
		memcpy(buf, cmsg, clen);
		cache_age_ttls(e, buf, clen, 150000);
		msg = buf;
		len = clen;
	}
	for (int tcp = 0; tcp < 2; tcp++) {
		size_t n = forward_make_reply(&env, &fq, msg, len, tcp, out, sizeof(out));
		if (!n || n < DNS_HEADER_SIZE || (!tcp && n > 1232) || wire_get16(out) != 0xbeef)
			abort();
	}
	return 0;
}
