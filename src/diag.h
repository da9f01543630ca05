/* SPDX-License-Identifier: BSD-3-Clause */
/* src/diag.h - collect definition errors and warnings as file:line messages. */
#ifndef DNSD_DIAG_H
#define DNSD_DIAG_H

#include <stdio.h>

/** Where definition problems go, and how many there were. */
struct diag {
	FILE *out;		/**< stream for messages; NULL counts silently */
	unsigned errors;	/**< number of diag_error calls */
	unsigned warnings;	/**< number of diag_warn calls */
};

/** Start counting; messages go to out (NULL: count only). */
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

#endif /* DNSD_DIAG_H */
