/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_query.c - fuzz the answer path: any bytes in, a well-formed reply or nothing out. */
#include "config.h"

#include "diag.h"
#include "query.h"
#include "snapshot.h"
#include "wire.h"
#include "world.h"
#include "xfr_out.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct snapshot *snap;
static struct query_env env;

/* A reply must parse whole: header, question, every counted record. */
static void
check_reply(const uint8_t *out, size_t len, size_t limit)
{
	size_t pos = DNS_HEADER_SIZE;
	if (len < DNS_HEADER_SIZE || len > limit)
		abort();
	if (!(wire_flags(out) & DNS_FLAG_QR))
		abort();
	for (unsigned i = 0; i < wire_get16(out + 4); i++) {
		if (!wire_skip_name(out, len, &pos) || len - pos < 4)
			abort();
		pos += 4;
	}
	unsigned n = (unsigned)wire_get16(out + 6) + wire_get16(out + 8) + wire_get16(out + 10);
	for (unsigned i = 0; i < n; i++) {
		struct wire_rr rr;
		if (!wire_parse_rr(out, len, &pos, &rr))
			abort();
	}
	if (pos != len)
		abort();
}

/* A transfer (a query signed with the world's key): every message parses. */
static void
check_transfer(const uint8_t *q, size_t len, const struct query_info *qi,
	const struct netaddr *addr, uint8_t *out)
{
	struct xfr_stream *st = xfr_stream_create(snap, q, len, qi, addr);
	size_t n;
	unsigned messages = 0;
	if (!st)
		abort();
	while ((n = xfr_stream_next(st, out, DNS_MAX_MESSAGE)) > 0 && messages++ < 1000)
		check_reply(out, n, DNS_MAX_MESSAGE);
	if (!xfr_stream_ok(st))
		abort();
	xfr_stream_free(st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[DNS_MAX_MESSAGE];
	if (!snap) {
		struct diag d;
		diag_init(&d, NULL);
		snap = snapshot_load_buffer("fuzz-world.yaml", fuzz_world, sizeof(fuzz_world) - 1, &d);
		if (!snap)
			abort();
		query_env_set_snapshot(&env, snap);	/* its counters live as long as snap */
		env.max_udp = 1232;
		env.errors.per_second = 0;
		env.now_seconds = 1;
	}
	/* the first byte picks the transport and where the client stands */
	if (size < 1)
		return 0;
	struct netaddr addr;
	memset(&addr, 0, sizeof(addr));
	addr.family = AF_INET;
	addr.bytes[0] = (data[0] & 1) ? 10 : 127;
	addr.bytes[3] = 1;
	struct query_client c = { &addr, -1, (data[0] & 2) != 0 };
	struct query_info qi;
	size_t out_len = 0;
	size_t cap = c.tcp ? sizeof(out) : 4096;
	enum query_action a = query_answer(&env, &c, data + 1, size - 1, out, cap, &out_len, &qi);
	if (a == QUERY_SEND)
		check_reply(out, out_len, c.tcp ? DNS_MAX_MESSAGE : 4096);
	if (a == QUERY_XFR)
		check_transfer(data + 1, size - 1, &qi, &addr, out);
	return 0;
}
