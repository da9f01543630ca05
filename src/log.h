/* SPDX-License-Identifier: BSD-3-Clause */
/* src/log.h - the operations log: stderr with timestamps, the journal's priorities, or syslog. */
#ifndef DNSD_LOG_H
#define DNSD_LOG_H

#include <stdbool.h>
#include <time.h>
#include <stdio.h>

/** Verbosity levels for verbose(). */
enum verb {
	VERB_NONE = 0,	/**< errors and warnings only */
	VERB_OPS = 1,	/**< start, stop, reload (the default) */
	VERB_DETAIL = 2,/**< per-connection and per-forward events */
	VERB_QUERY = 3,	/**< every dropped or refused packet, and why */
	VERB_ALGO = 4	/**< lookup internals */
};

/** Where log lines go. */
enum log_target {
	LOG_STDERR,	/**< "TIME dnsd: message", time in UTC to the millisecond */
	LOG_JOURNAL,	/**< "<PRIORITY>message": stderr is journald's stream, which stamps it */
	LOG_SYSLOG	/**< syslog(3), facility daemon */
};

/** The current verbosity; checked before any formatting is done. */
extern int log_verbosity;

/**
 * Choose the target: syslog when asked, else the journal when stderr is
 * the stream named by $JOURNAL_STREAM (its device and inode match), else
 * plain stderr.
 */
void log_open(bool use_syslog);

/** The target log_open chose. */
enum log_target log_target(void);

/** Prefix stderr lines with a timestamp (off for --check output). */
void log_set_timestamps(bool on);

/**
 * A stream whose lines are logged one by one (for struct diag during a
 * load): "file:line: error: ..." as errors, "...: warning: ..." as
 * warnings, anything else as information. Unbuffered; one writer at a time.
 */
FILE *log_stream(void);

/** Most text a capture keeps; further lines are only counted. */
#define LOG_CAPTURE_MAX (64 * 1024)

struct log_capture;

/**
 * A stream like log_stream whose lines are also kept, for a reply that
 * carries a reload's errors (dnsd-control reload). One writer at a time.
 * @return NULL when out of memory.
 */
struct log_capture *log_capture_open(void);

/** The capture's stream (for diag_init). */
FILE *log_capture_stream(struct log_capture *c);

/**
 * Close the stream and free the capture.
 * @return the lines kept (malloc'd, with "(N more lines in the log)" when
 *	LOG_CAPTURE_MAX was reached), or NULL when there were none.
 */
char *log_capture_close(struct log_capture *c);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Start, stop, reload, statistics: what an operator looks for. */
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Use verbose(), which checks the level first. */
void log_verbose_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define verbose(level, ...) do { \
		if (log_verbosity >= (level)) \
			log_verbose_(__VA_ARGS__); \
	} while (0)

/** "s" unless n is 1, for counts in messages. */
static inline const char *
log_s(unsigned long long n)
{
	return n == 1 ? "" : "s";
}

#ifdef NDEBUG
#define log_assert(x) ((void)0)
#else
void log_assert_fail_(const char *file, int line, const char *expr)
	__attribute__((noreturn));
#define log_assert(x) ((x) ? (void)0 : log_assert_fail_(__FILE__, __LINE__, #x))
#endif

/** A time as UTC text, "2026-12-06T08:37:37Z", into buf (at least 21 bytes). */
const char *log_utc_text(time_t t, char *buf, size_t size);

#endif /* DNSD_LOG_H */
