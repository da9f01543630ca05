/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_out.h - answer signed queries of secondaries: SOA, AXFR and IXFR streams (RFC 5936, RFC 1995), TSIG errors. */
#ifndef DNSD_XFR_OUT_H
#define DNSD_XFR_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query.h"

struct netaddr;
struct snapshot;
struct xfr_stream;

/**
 * A query with a TSIG record while the snapshot has transfers (query.c
 * calls this after its checks): verify it with the key it names, then
 * answer SOA at a zone of the key's view (AA, signed), start a transfer
 * (QUERY_XFR over TCP; IXFR over UDP gets the SOA, RFC 1995 §2), or say
 * why not: NOTAUTH for a zone outside the view, REFUSED for a client
 * outside the entry's AllowTransfer or another type, NOTAUTH with
 * BADSIG or BADTIME (RFC 8945 §5.2), FORMERR for a truncated MAC.
 * @param act: out, what the caller does.
 * @return false when no key of the snapshot has that name and
 *	algorithm: the caller answers BADKEY as for any unknown key.
 */
bool xfr_query(struct query_env *env, const struct query_client *c, const uint8_t *pkt,
	size_t len, uint8_t *out, size_t out_cap, size_t *out_len, struct query_info *qi,
	enum query_action *act);

/**
 * The transfer a verified AXFR or IXFR (xfr_query said QUERY_XFR) asks
 * for, from snap (a reference is taken until xfr_stream_free).
 * @param client: for the log line.
 * @return the stream, or NULL when out of memory.
 */
struct xfr_stream *xfr_stream_create(struct snapshot *snap, const uint8_t *pkt, size_t len,
	const struct query_info *qi, const struct netaddr *client);

/**
 * Write the next message of the transfer (signed) into out: as many
 * records as fit in one message. Called as the socket drains, so a
 * transfer holds one message at a time whatever the zone's size.
 * @param cap: room in out (at least 65535 bytes).
 * @return its length; 0 when the transfer is complete (or failed: logged).
 */
size_t xfr_stream_next(struct xfr_stream *st, uint8_t *out, size_t cap);

/** False when the transfer stopped before its end (logged). */
bool xfr_stream_ok(const struct xfr_stream *st);

/** Log what was sent and free. NULL is allowed. */
void xfr_stream_free(struct xfr_stream *st);

#endif /* DNSD_XFR_OUT_H */
