/* SPDX-License-Identifier: BSD-3-Clause */
/* src/log.h - error, warning and verbose logging to stderr. */
#ifndef DNSD_LOG_H
#define DNSD_LOG_H

#include <stdbool.h>

/** Verbosity levels for verbose(). */
enum verb {
	VERB_NONE = 0,	/**< errors and warnings only */
	VERB_OPS = 1,	/**< start, stop, reload (the default) */
	VERB_DETAIL = 2,/**< per-connection and per-forward events */
	VERB_QUERY = 3,	/**< every dropped or refused packet, and why */
	VERB_ALGO = 4	/**< lookup internals */
};

/** The current verbosity; checked before any formatting is done. */
extern int log_verbosity;

/** Prefix lines with a timestamp (off for --check output). */
void log_set_timestamps(bool on);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Use verbose(), which checks the level first. */
void log_verbose_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define verbose(level, ...) do { \
		if (log_verbosity >= (level)) \
			log_verbose_(__VA_ARGS__); \
	} while (0)

#ifdef NDEBUG
#define log_assert(x) ((void)0)
#else
void log_assert_fail_(const char *file, int line, const char *expr)
	__attribute__((noreturn));
#define log_assert(x) ((x) ? (void)0 : log_assert_fail_(__FILE__, __LINE__, #x))
#endif

#endif /* DNSD_LOG_H */
