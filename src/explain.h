/* SPDX-License-Identifier: BSD-3-Clause */
/* src/explain.h - why dnsd answers a name as it does: view, deciding zone or rule, ENIs, the answer. */
#ifndef DNSD_EXPLAIN_H
#define DNSD_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

struct fwd_targets;
struct sbuf;
struct snapshot;

/** The question to explain. */
struct explain_query {
	const char *name;		/**< as text, absolute or not */
	uint16_t qtype;
	const char *vpc;		/**< --vpc: a client of this VPC, or NULL */
	const struct netaddr *from;	/**< --from: a client at this address, or NULL (127.0.0.1) */
};

/** What the server knows that the snapshot does not. */
struct explain_env {
	const struct snapshot *snap;	/**< with its model kept */
	const struct fwd_targets *upstreams;
	const struct netprefix *allow;	/**< --allow */
	unsigned n_allow;
};

/**
 * Explain a query in text: the view the client lands in and why, the
 * zone, rule, hosted zone or endpoint that decides, the ENIs of that
 * endpoint in or out of round robin and why (state, the definitions'
 * health, runtime overrides), and the answer dnsd sends as dig prints it
 * (made by the answer path itself), or where the query is forwarded and
 * from which source address. Reads the snapshot's model: call it only
 * while no build runs.
 * @return 0, or -1 with err set (a bad name, an unknown VPC).
 */
int explain_query(const struct explain_env *env, const struct explain_query *q,
	struct sbuf *out, char *err, size_t errsz);

#endif /* DNSD_EXPLAIN_H */
