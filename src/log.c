/* SPDX-License-Identifier: BSD-3-Clause */
/* src/log.c - the operations log: stderr with timestamps, the journal's priorities, or syslog. */
#include "config.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_LEN 2048

int log_verbosity = VERB_OPS;
static bool log_timestamps = true;
static enum log_target target = LOG_STDERR;

/* systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it connects
 * to stderr; a child whose stderr went elsewhere inherits the variable, so
 * the numbers must match (systemd.exec(5)). */
static bool
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;
	if (!js || sscanf(js, "%llu:%llu%c", &dev, &ino, &end) != 2)
		return false;
	return fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
		(unsigned long long)st.st_ino == ino;
}

void
log_open(bool use_syslog)
{
	if (use_syslog) {
		openlog("dnsd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		target = LOG_SYSLOG;
	} else {
		target = stderr_is_journal() ? LOG_JOURNAL : LOG_STDERR;
	}
}

enum log_target
log_target(void)
{
	return target;
}

void
log_set_timestamps(bool on)
{
	log_timestamps = on;
}

const char *
log_utc_text(time_t t, char *buf, size_t size)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static int
put_timestamp(char *line, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	return snprintf(line, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ ",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		tm.tm_sec, ts.tv_nsec / 1000000);
}

/* One line to the target; kind is "error: ", "warning: " or "". */
static void
log_emit(int prio, const char *kind, const char *msg)
{
	char head[64];
	int n = 0;
	if (target == LOG_SYSLOG) {
		syslog(prio, "%s%s", kind, msg);
		return;
	}
	if (target == LOG_JOURNAL) {
		n = snprintf(head, sizeof(head), "<%d>", prio);
	} else {
		if (log_timestamps)
			n = put_timestamp(head, sizeof(head));
		n += snprintf(head + n, sizeof(head) - (size_t)n, "dnsd: ");
	}
	struct iovec iov[4] = { { head, (size_t)n }, { (void *)kind, strlen(kind) },
		{ (void *)msg, strlen(msg) }, { (void *)"\n", 1 } };
	/* One write per line keeps lines whole when threads log at once. */
	ssize_t w;
	do
		w = writev(STDERR_FILENO, iov, 4);
	while (w < 0 && errno == EINTR);
}

/* Format into a buffer on the stack, or one as long as the line needs. */
static void
log_vprint(int prio, const char *kind, const char *fmt, va_list ap)
{
	char small[LINE_MAX_LEN];
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	char *msg = n >= (int)sizeof(small) ? malloc((size_t)n + 1) : NULL;
	if (msg)
		vsnprintf(msg, (size_t)n + 1, fmt, again);
	va_end(again);
	log_emit(prio, kind, msg ? msg : small);
	free(msg);
}

#define LOG_FN(name, prio, kind) \
	void \
	name(const char *fmt, ...) \
	{ \
		va_list ap; \
		va_start(ap, fmt); \
		log_vprint(prio, kind, fmt, ap); \
		va_end(ap); \
	}

LOG_FN(log_err, LOG_ERR, "error: ")
LOG_FN(log_warn, LOG_WARNING, "warning: ")
LOG_FN(log_notice, LOG_NOTICE, "")
LOG_FN(log_info, LOG_INFO, "")
LOG_FN(log_verbose_, LOG_DEBUG, "")

/* ---- a stream of lines ---- */

static char pending[LINE_MAX_LEN];
static size_t pending_len;

static void
stream_line(const char *line)
{
	int prio = strstr(line, ": error: ") ? LOG_ERR :
		strstr(line, ": warning: ") ? LOG_WARNING : LOG_INFO;
	log_emit(prio, "", line);
}

static ssize_t
stream_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n' || pending_len == sizeof(pending) - 1) {
			pending[pending_len] = 0;
			stream_line(pending);
			pending_len = 0;
			if (buf[i] == '\n')
				continue;
		}
		pending[pending_len++] = buf[i];
	}
	return (ssize_t)size;
}

static FILE *stream;

static void
stream_open(void)
{
	cookie_io_functions_t io = { NULL, stream_write, NULL, NULL };
	stream = fopencookie(NULL, "w", io);
	if (stream)
		setvbuf(stream, NULL, _IONBF, 0);
}

FILE *
log_stream(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, stream_open);
	return stream ? stream : stderr;
}

/* ---- a stream of lines, logged and kept ---- */

/* What a capture keeps: its lines, up to a size, and how many it left out. */
struct log_capture {
	FILE *f;
	char *text;
	size_t len, cap;
	unsigned left_out;
	char line[LINE_MAX_LEN];
	size_t line_len;
};

static void
capture_line(struct log_capture *c)
{
	c->line[c->line_len] = 0;
	stream_line(c->line);
	if (c->len + c->line_len + 2 > LOG_CAPTURE_MAX) {
		c->left_out++;
	} else {
		if (c->len + c->line_len + 2 > c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 4096;
			while (cap < c->len + c->line_len + 2)
				cap *= 2;
			char *t = realloc(c->text, cap);
			if (!t) {
				c->left_out++;
				c->line_len = 0;
				return;
			}
			c->text = t;
			c->cap = cap;
		}
		memcpy(c->text + c->len, c->line, c->line_len);
		c->len += c->line_len;
		c->text[c->len++] = '\n';
		c->text[c->len] = 0;
	}
	c->line_len = 0;
}

static ssize_t
capture_write(void *cookie, const char *buf, size_t size)
{
	struct log_capture *c = cookie;
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n' || c->line_len == sizeof(c->line) - 1) {
			capture_line(c);
			if (buf[i] == '\n')
				continue;
		}
		c->line[c->line_len++] = buf[i];
	}
	return (ssize_t)size;
}

struct log_capture *
log_capture_open(void)
{
	struct log_capture *c = calloc(1, sizeof(*c));
	cookie_io_functions_t io = { NULL, capture_write, NULL, NULL };
	if (c)
		c->f = fopencookie(c, "w", io);
	if (!c || !c->f) {
		free(c);
		return NULL;
	}
	setvbuf(c->f, NULL, _IONBF, 0);
	return c;
}

FILE *
log_capture_stream(struct log_capture *c)
{
	return c->f;
}

char *
log_capture_close(struct log_capture *c)
{
	if (!c)
		return NULL;
	fclose(c->f);
	if (c->line_len)
		capture_line(c);
	char *text = c->text;
	if (c->left_out) {
		char more[96];
		int n = snprintf(more, sizeof(more), "(%u more line%s in the log)\n", c->left_out,
			c->left_out == 1 ? "" : "s");
		char *t = realloc(text, c->len + (size_t)n + 1);
		if (t) {
			memcpy(t + c->len, more, (size_t)n + 1);
			text = t;
		}
	}
	free(c);
	return text;
}

#ifndef NDEBUG
void
log_assert_fail_(const char *file, int line, const char *expr)
{
	log_err("%s:%d: assertion failed: %s", file, line, expr);
	abort();
}
#endif
