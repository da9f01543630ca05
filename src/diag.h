/* SPDX-License-Identifier: BSD-3-Clause */
/* src/diag.h - collect definition errors and warnings as file:line messages. */
#ifndef DNSD_DIAG_H
#define DNSD_DIAG_H

#include <stdbool.h>
#include <stdio.h>

struct diag_repeats;

/** Where definition problems go, and how many there were. */
struct diag {
	FILE *out;		/**< stream for messages; NULL counts silently */
	unsigned errors;	/**< number of diag_error calls */
	unsigned warnings;	/**< number of diag_warn calls */
	bool strict;		/**< --strict: diag_strict reports errors */
	struct diag_repeats *repeats;	/**< between diag_repeats_begin and _end */
};

/** A message repeated for one file is shown this many times, then counted. */
#define DIAG_REPEATS_SHOWN 10

/** Start counting; messages go to out (NULL: count only). Not strict. */
void diag_init(struct diag *d, FILE *out);

/**
 * Report "file:line: error: message". line 0 leaves out the line number;
 * file NULL leaves out the place (the message names its origin itself).
 * Parsing goes on afterwards so that every error is reported.
 */
void diag_error(struct diag *d, const char *file, unsigned line,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Report "file:line: warning: message". Warnings never fail a load. */
void diag_warn(struct diag *d, const char *file, unsigned line,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Report "file:line:col: error: message" (col counts bytes from 1; 0: none). */
void diag_error_at(struct diag *d, const char *file, unsigned line, unsigned col,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/**
 * Report a problem that --strict makes an error ("file:line:col: error:
 * message") and that is otherwise a warning.
 */
void diag_strict(struct diag *d, const char *file, unsigned line, unsigned col,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/**
 * From here to diag_repeats_end, a message (its text, without the line)
 * repeated for the same file is shown DIAG_REPEATS_SHOWN times; the rest
 * still count as errors or warnings but are not printed. Nested calls
 * nest: only the outermost end reports.
 */
void diag_repeats_begin(struct diag *d);

/**
 * Print, for every message that was left out, one line that says how
 * many more there were and on which lines ("file: warning: 9,990 more
 * like this: …"), and forget them.
 */
void diag_repeats_end(struct diag *d);

#endif /* DNSD_DIAG_H */
