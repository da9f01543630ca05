/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_config.h - the Secondaries entries of the Dnsd document: TSIG keys, their views, whom to notify. */
#ifndef DNSD_XFR_CONFIG_H
#define DNSD_XFR_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "netaddr.h"
#include "tsig.h"

struct doc_node;
struct reader;

/** Most Notify targets and AllowTransfer prefixes of one entry. */
#define XFR_MAX_LIST 64

/**
 * One Secondaries entry, checked as read: a transfer signed with key gets
 * the zones of the view named `view`; after a reload that changes any,
 * each Notify target is told, signed with the same key.
 */
struct xfr_secondary {
	struct xfr_secondary *next;
	struct tsig_key key;
	const char *key_text;		/**< as written, for logs */
	const char *view;		/**< "public", a VPC id or "VPC-ID+inbound" */
	struct sockaddr_storage notify[XFR_MAX_LIST];
	unsigned n_notify;
	struct netprefix allow[XFR_MAX_LIST];	/**< none: any address */
	unsigned n_allow;
	uint8_t catalog[DNAME_MAX];	/**< the view's catalog zone (RFC 9432) */
	uint8_t catalog_len;
	const char *file;		/**< where it was written */
	unsigned line;
};

/** The catalog zone name when an entry gives none. */
#define XFR_CATALOG_DEFAULT "catalog.invalid."

/**
 * Read one Secondaries entry into the topology (Dnsd document). Errors
 * are file:line messages: a missing Key, Secret or View, an unknown
 * Algorithm, a Secret that is not base64, a key name used twice, a Notify
 * that is not ADDR[:PORT], an AllowTransfer that is not a prefix.
 */
void xfr_config_read(struct reader *r, const struct doc_node *n);

#endif /* DNSD_XFR_CONFIG_H */
