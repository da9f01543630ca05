/* SPDX-License-Identifier: BSD-3-Clause */
/* src/diag.c - collect definition errors and warnings as file:line messages. */
#include "config.h"
#include "diag.h"

#include <stdarg.h>

void
diag_init(struct diag *d, FILE *out)
{
	d->out = out;
	d->errors = 0;
	d->warnings = 0;
}

static void
diag_vprint(struct diag *d, const char *file, unsigned line, const char *kind,
	const char *fmt, va_list ap)
{
	if (!d->out)
		return;
	if (!file)	/* the message names its origin itself */
		fprintf(d->out, "%s: ", kind);
	else if (line)
		fprintf(d->out, "%s:%u: %s: ", file, line, kind);
	else
		fprintf(d->out, "%s: %s: ", file, kind);
	vfprintf(d->out, fmt, ap);
	fputc('\n', d->out);
}

void
diag_error(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	d->errors++;
	va_start(ap, fmt);
	diag_vprint(d, file, line, "error", fmt, ap);
	va_end(ap);
}

void
diag_warn(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	d->warnings++;
	va_start(ap, fmt);
	diag_vprint(d, file, line, "warning", fmt, ap);
	va_end(ap);
}
