/* SPDX-License-Identifier: BSD-3-Clause */
/* src/log.c - error, warning and verbose logging to stderr. */
#include "config.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int log_verbosity = VERB_OPS;
static bool log_timestamps = true;

void
log_set_timestamps(bool on)
{
	log_timestamps = on;
}

static void
log_vprint(const char *kind, const char *fmt, va_list ap)
{
	char line[2048];
	int n = 0;
	if (log_timestamps) {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		n = snprintf(line, sizeof(line),
			"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ ",
			tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	}
	n += snprintf(line + n, sizeof(line) - (size_t)n, "dnsd: %s", kind);
	if (n < (int)sizeof(line))
		n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (n >= (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line keeps lines whole when threads log at once. */
	fwrite(line, 1, (size_t)n, stderr);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vprint("error: ", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vprint("warning: ", fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vprint("", fmt, ap);
	va_end(ap);
}

void
log_verbose_(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vprint("", fmt, ap);
	va_end(ap);
}

#ifndef NDEBUG
void
log_assert_fail_(const char *file, int line, const char *expr)
{
	fprintf(stderr, "dnsd: %s:%d: assertion failed: %s\n", file, line, expr);
	abort();
}
#endif
