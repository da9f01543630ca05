/* SPDX-License-Identifier: BSD-3-Clause */
/* src/doc.h - parse YAML (a documented subset) and JSON definition files into a tree. */
#ifndef DNSD_DOC_H
#define DNSD_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct diag;

enum doc_kind {
	DOC_SCALAR,	/**< a string, number, bool or null, as written */
	DOC_MAP,	/**< a mapping; keys are scalars, unique */
	DOC_SEQ		/**< a sequence */
};

struct doc_pair;

/** One node of a parsed document. Everything lives in the parse arena. */
struct doc_node {
	enum doc_kind kind;
	unsigned line;		/**< 1-based line where the node starts */
	/* DOC_SCALAR: the value after unquoting and escape processing,
	 * NUL-terminated (len excludes the NUL; the value may hold NULs
	 * from \u0000 escapes, which callers reject). */
	const char *str;
	size_t len;
	bool quoted;		/**< written quoted ('...', "...") or as a block scalar */
	unsigned col;		/**< 1-based column (bytes) where the node starts */
	/* DOC_MAP: pairs[0..count); DOC_SEQ: items[0..count). */
	struct doc_pair *pairs;
	struct doc_node **items;
	size_t count;
};

/** One key: value entry of a mapping. */
struct doc_pair {
	struct doc_node *key;	/**< always a DOC_SCALAR */
	struct doc_node *value;	/**< never NULL: an empty value is a plain "" scalar */
};

/** What a file is written in. */
enum doc_syntax {
	DOC_YAML,	/**< the YAML 1.2 subset, which includes JSON */
	DOC_JSON	/**< strict JSON (RFC 8259): no comments, no trailing commas */
};

/**
 * Parse every document in buf (YAML 1.2 subset, which includes JSON).
 * Errors are reported through diag as "file:line:col: error: ..." and
 * parsing stops at the first syntax error of a document.
 * @param a: arena that receives all nodes and strings.
 * @param file: name used in messages.
 * @param buf, len: file contents; need not be NUL-terminated.
 * @param docs: out, array (in the arena) of the documents' root nodes;
 *	empty documents are left out.
 * @param ndocs: out, number of documents.
 * @param d: where errors go.
 * @return 0 on success, -1 when a syntax error was reported.
 */
int doc_parse(struct arena *a, const char *file, const char *buf, size_t len,
	struct doc_node ***docs, size_t *ndocs, struct diag *d);

/**
 * As doc_parse, in the given syntax: DOC_JSON reads one JSON value (a
 * .json file) and reports anything else, such as a trailing comma, a
 * comment or a single-quoted string, at its line and column.
 */
int doc_parse_as(struct arena *a, const char *file, const char *buf, size_t len,
	enum doc_syntax syntax, struct doc_node ***docs, size_t *ndocs, struct diag *d);

/** DOC_JSON for a name ending in ".json", else DOC_YAML. */
enum doc_syntax doc_syntax_of(const char *name);

/** The value for key in a mapping (exact, case-sensitive), or NULL. */
struct doc_node *doc_get(const struct doc_node *map, const char *key);

/** True for a plain null, ~ or empty plain scalar. */
bool doc_is_null(const struct doc_node *n);

/**
 * Read a boolean: true/false in any letter case, quoted or not.
 * @return true when n is such a scalar; *out receives the value.
 */
bool doc_bool(const struct doc_node *n, bool *out);

/**
 * Read an unsigned integer in decimal (no sign, no leading +, at most max).
 * @return true when n is such a scalar.
 */
bool doc_uint(const struct doc_node *n, uint64_t max, uint64_t *out);

/** The scalar's text, or NULL when n is not a scalar or holds a NUL. */
const char *doc_str(const struct doc_node *n);

/** "mapping", "sequence" or "scalar", for messages. */
const char *doc_kind_name(enum doc_kind k);

#endif /* DNSD_DOC_H */
