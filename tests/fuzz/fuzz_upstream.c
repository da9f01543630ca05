/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_upstream.c - fuzz upstream-reply handling: matching, rewriting and caching. */
#include "config.h"

#include "cache.h"
#include "forward.h"
#include "query.h"
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[DNS_MAX_MESSAGE], stripped[DNS_MAX_MESSAGE], out[DNS_MAX_MESSAGE];
	static struct cache *cache;
	struct fwd_question fq;
	struct query_env env;
	if (size > sizeof(buf))
		return 0;
	if (!cache && !(cache = cache_create(1 << 20)))
		abort();
	memset(&env, 0, sizeof(env));
	env.max_udp = 1232;
	client_question(&fq);
	memcpy(buf, data, size);
	if (size >= 2)
		wire_put16(buf, QUERY_ID);	/* past the ID check, into the parser */
	if (forward_check_reply(&fq, QUERY_ID, buf, size) != FWD_ACCEPT)
		return 0;
	size_t slen = forward_strip_opt(buf, size, stripped);
	if (!slen)
		return 0;
	struct cache_key k = { 1, DNS_TYPE_A, DNS_CLASS_IN, false, false,
		(uint8_t)fq.qi.qname_len, fq.qi.lname };
	cache_store(cache, &k, stripped, slen, 100000);
	const uint8_t *msg;
	size_t len;
	const void *e = cache_lookup(cache, &k, 150000, &msg, &len);
	for (int tcp = 0; tcp < 2; tcp++) {
		size_t n = forward_make_reply(&env, &fq, e ? msg : stripped, e ? len : slen, tcp, out,
			sizeof(out));
		if (n && e)
			cache_age_ttls(e, out, n, 150000);
		if (n && (n < DNS_HEADER_SIZE || (!tcp && n > 1232) || wire_get16(out) != 0xbeef))
			abort();
	}
	return 0;
}
