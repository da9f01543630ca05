/* SPDX-License-Identifier: BSD-3-Clause */
/* src/querylog.c - the query log: one line per answer, in the Route 53 Resolver query log format or as text. */
#include "config.h"
#include "querylog.h"

#include "dname.h"
#include "firewall.h"
#include "netaddr.h"
#include "query.h"
#include "rrtext.h"
#include "snapshot.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The fields of Route 53 Resolver query logs, as the Route 53 Developer
 * Guide lists them ("Values that appear in Resolver query logs",
 * resolver-query-logs-format) and shows them ("Resolver query log
 * example", resolver-query-logs-example-json): every value a string,
 * answers a list of {Rdata, Type, Class}, srcids an object. The firewall
 * fields follow only when a DNS Firewall rule with action ALERT or BLOCK
 * matched ("populated only if DNS Firewall found a match for a rule with
 * action set to alert or block").
 */
const char *const querylog_json_fields[] = {
	"version", "account_id", "region", "vpc_id", "query_timestamp", "query_name",
	"query_type", "query_class", "rcode", "answers", "srcaddr", "srcport", "transport",
	"srcids", "firewall_rule_group_id", "firewall_rule_action", "firewall_domain_list_id",
	NULL
};

/* The version AWS writes ("1.100000" in its example: 1.1). */
#define QUERYLOG_VERSION "1.100000"

/* Room kept free in a line for what follows the answers. */
#define TAIL_ROOM 2048

int
querylog_open(const char *path)
{
	int fd = !strcmp(path, "-") ? STDOUT_FILENO :
		open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0640);
	if (fd >= 0 && querylog_is_pipe(fd))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* Lines in a stretch of the buffer (what a failed write loses). */
static uint64_t
lines_in(const char *p, size_t n)
{
	uint64_t k = 0;
	for (const char *e = p + n; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		k++;
	return k;
}

bool
querylog_is_pipe(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

void
querylog_close(int fd)
{
	if (fd > STDERR_FILENO)
		close(fd);
}

/* How much to write at once: all of it, or for a pipe whole lines of
 * PIPE_BUF at most, so that two workers' lines never mix in it. */
static size_t
chunk(const struct querylog_buf *b, size_t done)
{
	size_t left = b->len - done;
	if (!b->pipe || left <= PIPE_BUF)
		return left;
	const char *nl = memrchr(b->data + done, '\n', PIPE_BUF);
	return nl ? (size_t)(nl - (b->data + done)) + 1 : left;	/* a longer line: as is */
}

void
querylog_flush(struct querylog_buf *b)
{
	size_t done = 0;
	while (done < b->len) {
		ssize_t n = write(b->fd, b->data + done, chunk(b, done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {	/* a full disk or pipe loses lines, never blocks answers */
			b->lost += lines_in(b->data + done, b->len - done);
			break;
		}
		done += (size_t)n;
	}
	b->len = 0;
}

/* ---- appending to a line ---- */

struct line {
	char *p;
	size_t len, cap;
	unsigned left_out;	/* answers that did not fit */
};

static void
ap(struct line *l, const char *s, size_t n)
{
	if (n > l->cap - l->len)
		n = l->cap - l->len;
	memcpy(l->p + l->len, s, n);
	l->len += n;
}

static void
ap_str(struct line *l, const char *s)
{
	ap(l, s, strlen(s));
}

/* Characters a JSON string cannot hold as they are (RFC 8259 §7); NUL
 * (the end of the string) among them. */
static const uint8_t json_escape[256] = { [0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1 };

/* A JSON string's contents, quotes, backslashes and controls escaped,
 * checked and copied in one pass (the line keeps room for an escape). */
static void
ap_json(struct line *l, const char *s)
{
	char *d = l->p + l->len, *end = l->p + l->cap - 6;
	while (d < end) {
		unsigned char c = (unsigned char)*s++;
		if (!json_escape[c]) {
			*d++ = (char)c;
			continue;
		}
		if (!c)
			break;
		*d++ = '\\';
		if (c >= 0x20) {
			*d++ = (char)c;
			continue;
		}
		static const char hex[] = "0123456789abcdef";
		memcpy(d, "u00", 3);
		d[3] = hex[c >> 4];
		d[4] = hex[c & 15];
		d += 5;
	}
	l->len = (size_t)(d - l->p);
}

static void
ap_field(struct line *l, const char *key, const char *value, bool first)
{
	if (!first)
		ap(l, ",", 1);
	ap(l, "\"", 1);
	ap_str(l, key);
	ap(l, "\":\"", 3);
	ap_json(l, value);
	ap(l, "\"", 1);
}

static void
ap_uint(struct line *l, unsigned long long v)
{
	char d[24];
	int i = sizeof(d);
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	ap(l, d + i, sizeof(d) - (size_t)i);
}

/* "2026-12-06T08:00:01.123Z", the second formatted once per second. */
static void
ap_time(struct line *l, struct querylog_buf *b)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != b->stamp_sec) {
		struct tm tm;
		gmtime_r(&ts.tv_sec, &tm);
		strftime(b->stamp, sizeof(b->stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		b->stamp_sec = ts.tv_sec;
	}
	char ms[8];
	long m = ts.tv_nsec / 1000000;
	ms[0] = '.';
	ms[1] = (char)('0' + m / 100);
	ms[2] = (char)('0' + m / 10 % 10);
	ms[3] = (char)('0' + m % 10);
	ms[4] = 'Z';
	ap_str(l, b->stamp);
	ap(l, ms, 5);
}

/* ---- what a line says ---- */

/* The VPC of the client's view, when it has one. */
static const struct snapshot_vpc *
vpc_of(const struct querylog_entry *e)
{
	const struct snapshot *s = e->snap;
	if (!s || e->qi->view >= s->db.n_views)
		return NULL;
	for (unsigned i = 0; i < s->n_vpc_views; i++)
		if (s->vpcs[i].view == e->qi->view || s->vpcs[i].inbound_view == e->qi->view)
			return &s->vpcs[i];
	return NULL;
}

/* The query name as asked (its letter case), absolute. */
static void
query_name(const struct query_info *qi, char *out, size_t size)
{
	if (qi->question && qi->qname_len)
		dname_to_text(qi->question, out, size);
	else if (qi->qname_len)
		dname_to_text(qi->lname, out, size);
	else
		snprintf(out, size, "-");
}

/* Call fn for each record of the reply's answer section. */
static void
each_answer(const struct querylog_entry *e, void (*fn)(struct line *l, const uint8_t *msg,
	size_t len, const struct wire_rr *rr, unsigned i), struct line *l)
{
	const uint8_t *m = e->reply;
	size_t len = e->reply_len, pos = DNS_HEADER_SIZE;
	if (!m || len < DNS_HEADER_SIZE)
		return;
	unsigned qd = wire_get16(m + 4), an = wire_get16(m + 6);
	for (unsigned i = 0; i < qd; i++) {
		if (!wire_skip_name(m, len, &pos) || len - pos < 4)
			return;
		pos += 4;
	}
	for (unsigned i = 0; i < an; i++) {
		struct wire_rr rr;
		if (!wire_parse_rr(m, len, &pos, &rr))
			return;
		if (l->cap - l->len < TAIL_ROOM + 2 * 1024 + 64) {	/* an rdata, escaped */
			l->left_out = an - i;
			return;
		}
		fn(l, m, len, &rr, i);
	}
}

static void
json_answer(struct line *l, const uint8_t *msg, size_t len, const struct wire_rr *rr,
	unsigned i)
{
	char rdata[1024], tb[16], cb[16];
	rrtext_rdata(msg, len, rr, rdata, sizeof(rdata));
	ap_str(l, i ? ",{" : "{");
	ap_field(l, "Rdata", rdata, true);
	ap_field(l, "Type", rrtext_type(rr->type, tb), false);
	ap_field(l, "Class", rrtext_class(rr->rclass, cb), false);
	ap(l, "}", 1);
}

static void
text_answer(struct line *l, const uint8_t *msg, size_t len, const struct wire_rr *rr,
	unsigned i)
{
	char rdata[1024], tb[16];
	rrtext_rdata(msg, len, rr, rdata, sizeof(rdata));
	ap_str(l, i ? "," : " answers=");
	ap_str(l, rrtext_type(rr->type, tb));
	ap(l, ":", 1);
	for (char *c = rdata; *c; c++)
		if (*c == ' ')
			*c = '_';	/* keep the line's fields split on spaces */
	ap_str(l, rdata);
}

static void
json_line(struct line *l, struct querylog_buf *b, const struct querylog_entry *e)
{
	const struct query_info *qi = e->qi;
	const struct snapshot_vpc *v = vpc_of(e);
	char name[DNAME_MAX * 4 + 2], tb[16], cb[16], rb[16], addr[64], port[8];
	struct netaddr a;
	query_name(qi, name, sizeof(name));
	if (!netaddr_from_sockaddr(e->client, &a))
		memset(&a, 0, sizeof(a));
	struct line pl = { port, 0, sizeof(port) - 1, 0 };
	ap_uint(&pl, netaddr_sockaddr_port(e->client));
	port[pl.len] = 0;
	ap(l, "{", 1);
	ap_field(l, "version", QUERYLOG_VERSION, true);
	ap_field(l, "account_id", v && v->owner_id ? v->owner_id : "", false);
	ap_field(l, "region", v && v->region ? v->region : "", false);
	ap_field(l, "vpc_id", v ? v->id : "", false);
	ap_str(l, ",\"query_timestamp\":\"");
	ap_time(l, b);
	ap(l, "\"", 1);
	ap_field(l, "query_name", name, false);
	ap_field(l, "query_type", rrtext_type(qi->qtype, tb), false);
	ap_field(l, "query_class", rrtext_class(qi->qclass, cb), false);
	ap_field(l, "rcode", rrtext_rcode(qi->rcode, rb), false);
	ap_str(l, ",\"answers\":[");
	each_answer(e, json_answer, l);
	ap(l, "]", 1);
	if (l->left_out) {	/* dnsd's own field, only on such a line */
		ap_str(l, ",\"dnsd_answers_left_out\":\"");
		ap_uint(l, l->left_out);
		ap(l, "\"", 1);
	}
	ap_field(l, "srcaddr", a.family ? rrtext_addr(&a, addr) : "", false);
	ap_field(l, "srcport", port, false);
	ap_field(l, "transport", e->tcp ? "TCP" : "UDP", false);
	ap_str(l, ",\"srcids\":{");
	if (e->inbound_endpoint)
		ap_field(l, "resolver_endpoint", e->inbound_endpoint, true);
	ap_str(l, "}");
	const struct fw_rule *fw = qi->fw_state == QUERY_FW_MATCH ? qi->fw_rule : NULL;
	if (fw && fw->action != FW_ALLOW) {
		ap_field(l, "firewall_rule_group_id", fw->group_id ? fw->group_id : "", false);
		ap_field(l, "firewall_rule_action", fw->action == FW_BLOCK ? "BLOCK" : "ALERT", false);
		ap_field(l, "firewall_domain_list_id", fw->list_id ? fw->list_id : "", false);
	}
	ap_str(l, "}");
}

static void
text_line(struct line *l, struct querylog_buf *b, const struct querylog_entry *e)
{
	const struct query_info *qi = e->qi;
	const struct snapshot *s = e->snap;
	char name[DNAME_MAX * 4 + 2], tb[16], rb[16], addr[80];
	query_name(qi, name, sizeof(name));
	ap_time(l, b);
	ap_str(l, " client=");
	ap_str(l, netaddr_sockaddr_str(e->client, addr, sizeof(addr)));
	ap_str(l, e->tcp ? " transport=TCP vpc=" : " transport=UDP vpc=");
	ap_str(l, s && qi->view < s->db.n_views ? s->db.views[qi->view].name : "-");
	ap_str(l, " name=");
	ap_str(l, name);
	ap_str(l, " type=");
	ap_str(l, qi->qname_len ? rrtext_type(qi->qtype, tb) : "-");
	ap_str(l, " rcode=");
	ap_str(l, e->reply ? rrtext_rcode(qi->rcode, rb) : "-");
	ap_str(l, " source=");
	ap_str(l, stats_source_names[e->source]);
	ap_str(l, " size=");
	ap_uint(l, e->reply ? e->reply_len : 0);
	each_answer(e, text_answer, l);
	if (l->left_out) {
		ap_str(l, " answers_left_out=");
		ap_uint(l, l->left_out);
	}
	if (e->inbound_endpoint) {
		ap_str(l, " endpoint=");
		ap_str(l, e->inbound_endpoint);
	}
	if (qi->fw_state == QUERY_FW_MATCH && qi->fw_rule) {
		ap_str(l, qi->fw_rule->action == FW_BLOCK ? " firewall=BLOCK:" :
			qi->fw_rule->action == FW_ALERT ? " firewall=ALERT:" : " firewall=ALLOW:");
		ap_str(l, qi->fw_rule->group_id ? qi->fw_rule->group_id : "-");
	}
	if (qi->why) {
		ap_str(l, " why=\"");
		ap_str(l, qi->why);
		ap(l, "\"", 1);
	}
}

void
querylog_write(struct querylog_buf *b, const struct querylog_entry *e)
{
	if (b->format == QUERYLOG_JSON && (!e->reply || !e->qi->qname_len))
		return;
	if (QUERYLOG_BUF - b->len < QUERYLOG_LINE_MAX)
		querylog_flush(b);
	struct line l = { b->data + b->len, 0, QUERYLOG_LINE_MAX - 1, 0 };
	if (b->format == QUERYLOG_JSON)
		json_line(&l, b, e);
	else
		text_line(&l, b, e);
	l.p[l.len++] = '\n';
	b->len += l.len;
	b->lines++;
	if (!b->hold)
		querylog_flush(b);
}
