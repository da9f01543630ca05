/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs.h - shared helpers of the definition readers (defs.c, defs_r53.c). */
#ifndef DNSD_DEFS_H
#define DNSD_DEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"
#include "topology.h"

struct diag;
struct doc_node;
struct stat;
struct strmap;

/** Context while reading one file. */
struct reader {
	struct topology *t;
	struct diag *d;
	const char *file;	/**< in t->arena: nodes keep pointing to it */
	unsigned errors_before;
};

/** Warn about fields of obj not in the NULL-terminated list known. */
void defs_check_fields(struct reader *r, const struct doc_node *obj,
	const char *const *known, const char *what);

/** Copy a string into the topology arena. */
const char *defs_copy_str(struct reader *r, const char *s);

/**
 * A string field, copied: NULL when absent or null (an error when
 * required), an error when not a non-empty scalar.
 */
const char *defs_str_field(struct reader *r, const struct doc_node *obj, const char *key,
	bool required, const char *what);

/** A boolean field (also {"Value": b}): enum tristate. */
int defs_bool_field(struct reader *r, const struct doc_node *obj, const char *key,
	const char *what);

/** A sequence field, or NULL when absent; an error when of another kind. */
const struct doc_node *defs_seq_field(struct reader *r, const struct doc_node *obj,
	const char *key, const char *what);

/** A mapping field, or NULL when absent; an error when of another kind. */
const struct doc_node *defs_map_field(struct reader *r, const struct doc_node *obj,
	const char *key, const char *what);

/**
 * A list of strings, or of mappings whose `member` is the string.
 * @return the strings (in the arena), *n of them.
 */
const char **defs_str_list(struct reader *r, const struct doc_node *obj, const char *key,
	const char *member, unsigned *n, const char *what);

/** Parse "addr/len" with an error at the node's line. */
bool defs_parse_prefix(struct reader *r, const struct doc_node *at, const char *text,
	struct netprefix *out, const char *what);

/** Parse an address of a family (0: either) with an error at line. */
bool defs_parse_addr(struct reader *r, unsigned line, const char *text, int family,
	struct netaddr *out, const char *what);

/** Where a node was written. */
struct src defs_src_at(struct reader *r, const struct doc_node *n);

/** The node must be a mapping; else an error and NULL. */
const struct doc_node *defs_expect_map(struct reader *r, const struct doc_node *n,
	const char *what);

/**
 * Register obj under id in map; a second definition of the same id is
 * an error naming where the first one was (src_of gives it).
 */
bool defs_register_id(struct reader *r, struct strmap *map, const char *id, void *obj,
	const struct src *src_of_new, const struct src *(*src_of)(void *), const char *what);

/**
 * Read a list (or one object, as get-* and create-* print) with fn,
 * which gets each item and ctx.
 */
void defs_read_each(struct reader *r, const struct doc_node *v, const char *what,
	void (*fn)(struct reader *, const struct doc_node *, const struct doc_node *));

/**
 * Read a Route 53 Resolver document member (ResolverRules,
 * ResolverRuleAssociations, ResolverEndpoints, IpAddresses), in defs_resolver.c.
 * @return true when key is one of them.
 */
bool defs_resolver_member(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *value);

/** Attach address lists, check rules, associations and endpoints (from topology_resolve). */
void defs_resolver_resolve(struct topology *t, struct diag *d);

/**
 * Read a Route 53 document member (HostedZones, ResourceRecordSets),
 * implemented in defs_r53.c.
 * @param doc: the whole document, for keys that qualify key (HostedZoneId,
 *	ResolverEndpointId).
 * @return true when key is one of them (handled, errors reported).
 */
bool defs_r53_member(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *value);

/** True when a whole document is Route 53 / Resolver output read as one (get-hosted-zone). */
bool defs_r53_document(struct reader *r, const struct doc_node *doc);

/** Text room for any name: every byte as \DDD. */
#define NAME_TEXT_MAX (255 * 4 + 1)

/**
 * A name as Route 53 prints it (\ooo escapes in octal, \052 is '*') to
 * lowercase wire form (DNAME_MAX bytes) and canonical text (NAME_TEXT_MAX).
 * @return false with *why set when it is not a valid name.
 */
bool defs_r53_name(const char *given, uint8_t *wire, size_t *wlen, char *text,
	const char **why);

/**
 * Open a file (flags as for open) relative to the directory at (AT_FDCWD:
 * the current one), whatever the path's length: past PATH_MAX it is walked
 * a directory at a time.
 * @return the descriptor (close-on-exec), or -1 with errno set.
 */
int defs_open(int at, const char *path, int flags);

/**
 * Read a whole open file of at most max bytes into a NUL-terminated buffer
 * to free(); st receives its fstat.
 * @return the buffer, or NULL with *why set.
 */
char *defs_read_fd(int fd, size_t max, size_t *len, struct stat *st, const char **why);

/** Read a zone file (RFC 1035) into the hosted zone of its apex. */
int defs_load_zone_file(struct topology *t, const char *path, struct diag *d);

/** Attach record sets and check hosted zones (from topology_resolve). */
void defs_r53_resolve(struct topology *t, struct diag *d);

#endif /* DNSD_DEFS_H */
