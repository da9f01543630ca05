/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs.h - read definitions into the model: loading (defs.c), field tables (defs_field.c), one reader per AWS family. */
#ifndef DNSD_DEFS_H
#define DNSD_DEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"
#include "netaddr.h"
#include "topology.h"

struct diag;
struct doc_node;
struct stat;
struct strmap;

/* ---- loading (defs.c) ---- */

/**
 * Read every definitions file (*.json, *.yaml, *.yml) under dir, in name
 * order, descending into subdirectories (hidden ones skipped), then the
 * files a family reads besides documents (zone files). Paths have no
 * length limit: entries are opened relative to their directory.
 * @return 0, or -1 when errors were reported (all of them are).
 */
int defs_load_dir(struct topology *t, const char *dir, struct diag *d);

/** Read one definitions file. @return 0, or -1 when errors were reported. */
int defs_load_file(struct topology *t, const char *path, struct diag *d);

/** Read definitions from memory (name is used in messages and may say
 * which zone or endpoint a list belongs to). @return 0, or -1. */
int defs_load_buffer(struct topology *t, const char *name, const char *buf, size_t len,
	struct diag *d);

/**
 * Once everything is read: each family's resolve step in table order
 * links ids, derives what was left out and checks what AWS would refuse.
 * @return 0, or -1 when errors were reported.
 */
int defs_resolve(struct topology *t, struct diag *d);

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

/** Definition files larger than this are refused (1 GiB). */
#define DEFS_MAX_FILE (1024u * 1024u * 1024u)

/* ---- families: one reader per AWS CLI service ---- */

/** The last few unknown fields and their suggestions (defs_field.c):
 * a capture repeats the same misspelling in every object. */
struct defs_hint {
	const void *object;	/**< the struct defs_object the field was in */
	const char *key;	/**< in the parse tree, alive while the file is read */
	int best, second;	/**< rows of the closest fields, or -1 */
	unsigned distance;
};

#define DEFS_HINTS 4

/** Context while reading one file. */
struct reader {
	struct topology *t;
	struct diag *d;
	const char *file;	/**< in t->arena: nodes keep pointing to it */
	unsigned errors_before;
	bool nested;		/**< reading an object written inside another */
	struct defs_hint hints[DEFS_HINTS];
	unsigned next_hint;
};

/** A top-level key of a definitions document and what reads its value:
 * item for each entry of a list (or the one object get-* and create-*
 * print), or read for the value as a whole; neither: a key of the AWS CLI
 * output that dnsd knowingly skips (paging). */
struct defs_key {
	const char *name;
	void (*item)(struct reader *r, const struct doc_node *n, const struct doc_node *doc);
	void (*read)(struct reader *r, const struct doc_node *doc, const char *key,
		const struct doc_node *value);
	bool listed;		/**< named in the "unknown document key" message */
};

/** What a family reads and how it resolves it; adding a family is one
 * file that defines one of these and one row in DEFS_FAMILIES. */
struct defs_family {
	const char *name;			/**< the AWS CLI service: "ec2", … */
	const struct defs_key *keys;		/**< ends with name NULL */
	/** A whole document read as one object (get-hosted-zone output),
	 * tried before its keys; true when it was one. */
	bool (*document)(struct reader *r, const struct doc_node *doc);
	const char *document_name;		/**< for the message: "get-hosted-zone output" */
	/** Files it reads besides documents (".zone"), after every document. */
	const char *file_suffix;
	int (*read_file)(struct topology *t, const char *path, struct diag *d);
	/** Link and check what was read, once every file is read. */
	void (*resolve)(struct topology *t, struct diag *d);
};

/* The families in the order their resolve steps run (later ones link to
 * what earlier ones resolved). */
#define DEFS_FAMILIES(X) X(ec2) X(route53) X(route53resolver) X(apigateway) X(dnsd) X(firewall)
#define DEFS_FAMILY_DECLARE(f) extern const struct defs_family defs_family_##f;
DEFS_FAMILIES(DEFS_FAMILY_DECLARE)

/* ---- field tables (defs_field.c) ---- */

/** How a field's value is read. */
enum defs_kind {
	DEFS_KNOWN,	/**< a field dnsd knows and does not use */
	DEFS_STR,	/**< a non-empty string, copied: const char * */
	DEFS_BOOL,	/**< true or false, also {Value: b}: int (enum tristate) */
	DEFS_STRS,	/**< strings, or mappings whose `member` is one: const char ** and count */
	DEFS_SEQ,	/**< a list: const struct doc_node * */
	DEFS_MAP,	/**< a mapping: const struct doc_node * */
	DEFS_NODE,	/**< any value but null: const struct doc_node * */
	DEFS_SET,	/**< given and not null: bool */
	DEFS_FN		/**< handed to the field's read function */
};

/** Whether a field must be given. */
enum defs_need {
	DEFS_OPTIONAL,
	DEFS_REQUIRED,		/**< "… has no X" when absent */
	DEFS_REQUIRED_ALONE	/**< required unless written inside another object */
};

/** One field of an AWS object: its name, written once for reading and
 * for the unknown-field check. */
struct defs_field {
	const char *name;
	enum defs_kind kind;
	size_t off;		/**< where the value goes in the object */
	size_t off_n;		/**< DEFS_STRS: where the count goes (unsigned) */
	const char *member;	/**< DEFS_STRS: the member of mapping items */
	enum defs_need need;
	/** DEFS_FN: read the value (not null) into the object. */
	void (*read)(struct reader *r, const struct doc_node *v, void *obj);
};

/** An object's name for messages ("a subnet") and its fields. */
struct defs_object {
	const char *what;
	const struct defs_field *fields;	/**< ends with name NULL */
};

/* Rows of a field table for struct type T. */
#define DEFS_F(T, name, kind, m) { (name), (kind), offsetof(T, m), 0, NULL, DEFS_OPTIONAL, NULL }
#define DEFS_R(T, name, kind, m) { (name), (kind), offsetof(T, m), 0, NULL, DEFS_REQUIRED, NULL }
#define DEFS_RA(T, name, kind, m) \
	{ (name), (kind), offsetof(T, m), 0, NULL, DEFS_REQUIRED_ALONE, NULL }
#define DEFS_L(T, name, m, n, member) \
	{ (name), DEFS_STRS, offsetof(T, m), offsetof(T, n), (member), DEFS_OPTIONAL, NULL }
#define DEFS_FUNC(name, fn) { (name), DEFS_FN, 0, 0, NULL, DEFS_OPTIONAL, (fn) }
#define DEFS_IGNORED(name) { (name), DEFS_KNOWN, 0, 0, NULL, DEFS_OPTIONAL, NULL }
#define DEFS_END { NULL, DEFS_KNOWN, 0, 0, NULL, DEFS_OPTIONAL, NULL }

/** Most fields an object's table may have. */
#define DEFS_MAX_FIELDS 64

/**
 * Read an object by its table. Every field of n not in the table is a
 * warning ("unknown field", with the closest names of the table: "did you
 * mean …?"), an error with --strict; and an error always when it is one
 * or two edits from a field dnsd uses that n lacks, since dnsd would then
 * go on as if that field were left out (a misspelt PrivateIpAddress would
 * get a derived address served). Then the fields are read in table order.
 * A string field whose destination is already set (by the enclosing
 * object) is not read.
 * @return false (reported) when n is not a mapping.
 */
bool defs_read_object(struct reader *r, const struct doc_node *n, const struct defs_object *o,
	void *obj);

/** A value that must be a non-empty string, copied; else an error and NULL. */
const char *defs_str_value(struct reader *r, const struct doc_node *v, const char *key,
	const char *what);

/** A value that must be true or false (also {Value: b}): enum tristate,
 * TRI_UNSET (reported) when it is neither. */
int defs_bool_value(struct reader *r, const struct doc_node *v, const char *key,
	const char *what);

/** A value that must be a list; else an error and NULL. */
const struct doc_node *defs_seq_value(struct reader *r, const struct doc_node *v,
	const char *key, const char *what);

/**
 * The strings of a list value: plain, or the member of each mapping.
 * @return them (in the arena), *n of them.
 */
const char **defs_strs_value(struct reader *r, const struct doc_node *seq, const char *key,
	const char *member, unsigned *n, const char *what);

/** Room for a key as defs_key_text writes it. */
#define DEFS_KEY_TEXT 80

/**
 * A key as a message shows it: at most DEFS_KEY_TEXT - 4 bytes (then
 * "…"), control characters as '?'.
 */
void defs_key_text(const struct doc_node *key, char *buf, size_t size);

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

/** Allocate a zeroed object in the topology arena; "out of memory" at n's line. */
void *defs_alloc(struct reader *r, const struct doc_node *n, size_t size);

/**
 * Register obj under id in map; a second definition of the same id is
 * an error naming where the first one was (src_of gives it).
 */
bool defs_register_id(struct reader *r, struct strmap *map, const char *id, void *obj,
	const struct src *src_of_new, const struct src *(*src_of)(void *), const char *what);

/**
 * Read a list (or one object, as get-* and create-* print) with fn,
 * which gets each item and the document.
 */
void defs_read_each(struct reader *r, const struct doc_node *v, const char *what,
	void (*fn)(struct reader *, const struct doc_node *, const struct doc_node *));

/* ---- what emulators print unlike AWS (defs_emulator.c) ---- */

/**
 * Whether a DnsEntries name of an endpoint is shaped as moto makes it:
 * "<VpcEndpointId>-<suffix>.<ServiceName>", where AWS writes the
 * service's endpoint domain after the suffix. When it is, that is said
 * (a warning; an error with --strict) and the name is not to be used as
 * the endpoint's domain.
 * @param dns_name: the name as given; rest: what follows "<id>-<suffix>.".
 */
bool defs_emulator_dns_name(const struct topo_endpoint *ep, const char *dns_name,
	const char *rest, struct diag *d);

/** Text room for any name: every byte as \DDD. */
#define NAME_TEXT_MAX DNAME_TEXT_MAX

/**
 * A name as Route 53 prints it (\ooo escapes in octal, \052 is '*') to
 * lowercase wire form (DNAME_MAX bytes) and canonical text (NAME_TEXT_MAX).
 * @return false with *why set when it is not a valid name.
 */
bool defs_r53_name(const char *given, uint8_t *wire, size_t *wlen, char *text,
	const char **why);

/**
 * Route 53's \ooo escapes (octal) as presentation format's \DDD (decimal).
 * @return a string to free(), or NULL when out of memory.
 */
char *defs_r53_unescape(const char *s);

/** The value of a "/hostedzone/Z…" style id without its prefix. */
const char *defs_strip_prefix(const char *s, const char *prefix);

#endif /* DNSD_DEFS_H */
