/* SPDX-License-Identifier: BSD-3-Clause */
/* src/http.c - the metrics endpoint: GET /metrics over HTTP (libevent's evhttp). */
#include "config.h"
#include "http.h"

#include "health.h"
#include "log.h"
#include "metrics.h"
#include "netaddr.h"
#include "sbuf.h"
#include "server.h"
#include "stats.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct http {
	struct evhttp *evh;
	struct server *s;
	char addr[80];			/* where it listens, the port filled in */
	struct pending *pending;	/* scrapes waiting for the workers' counters */
};

/* A scrape in progress: its request lives until answered or its
 * connection closes, whichever comes first. */
struct pending {
	struct pending *next;
	struct http *h;
	struct evhttp_request *req;
	bool gone;
};

static void
pending_unlink(struct pending *p)
{
	struct pending **pp = &p->h->pending;
	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
}

static void
on_close(struct evhttp_connection *evcon, void *arg)
{
	struct pending *p = arg;
	(void)evcon;
	p->gone = true;
}

static void
send_text(struct evhttp_request *req, int code, const char *reason, const char *type,
	const char *text, size_t len)
{
	struct evbuffer *body = evbuffer_new();
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", type);
	if (body)
		evbuffer_add(body, text, len);
	evhttp_send_reply(req, code, reason, body);
	if (body)
		evbuffer_free(body);
}

static void
on_totals(void *ctx, const struct stats_totals *t)
{
	struct pending *p = ctx;
	struct server_info i;
	struct sbuf out = SBUF_INIT;
	pending_unlink(p);
	if (!p->gone) {
		evhttp_connection_set_closecb(evhttp_request_get_connection(p->req), NULL, NULL);
		if (t) {
			server_get_info(p->h->s, &i);
			metrics_render(&out, t, &i, server_snapshot(p->h->s),
				server_health(p->h->s)->n);
		}
		if (t && !out.oom)
			send_text(p->req, HTTP_OK, "OK", METRICS_CONTENT_TYPE, sbuf_text(&out),
				out.len);
		else
			send_text(p->req, HTTP_SERVUNAVAIL, "Service Unavailable", "text/plain",
				"dnsd is stopping or out of memory\n", 34);
	}
	sbuf_free(&out);
	free(p);
}

static void
on_metrics(struct evhttp_request *req, void *arg)
{
	struct http *h = arg;
	enum evhttp_cmd_type m = evhttp_request_get_command(req);
	if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
		send_text(req, 405, "Method Not Allowed", "text/plain", "use GET\n", 8);
		return;
	}
	struct pending *p = calloc(1, sizeof(*p));
	if (!p) {
		send_text(req, HTTP_SERVUNAVAIL, "Service Unavailable", "text/plain",
			"out of memory\n", 14);
		return;
	}
	p->h = h;
	p->req = req;
	p->next = h->pending;
	h->pending = p;
	evhttp_connection_set_closecb(evhttp_request_get_connection(req), on_close, p);
	server_totals(h->s, on_totals, p);
}

static void
on_other(struct evhttp_request *req, void *arg)
{
	(void)arg;
	send_text(req, HTTP_NOTFOUND, "Not Found", "text/plain", "dnsd serves /metrics\n", 21);
}

static int
bind_socket(const char *addr, char *bound, size_t boundsz, char *err, size_t errsz)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (!strchr(addr, ':') || !netaddr_parse_sockaddr(addr, 0, &ss, &len) ||
	    (addr[0] != '[' && strchr(addr, ':') != strrchr(addr, ':'))) {
		snprintf(err, errsz, "--metrics %s: not ADDR:PORT (for example 127.0.0.1:9153)",
			addr);
		return -1;
	}
	int one = 1, fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		snprintf(err, errsz, "--metrics %s: %s", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	netaddr_sockaddr_str((struct sockaddr *)&ss, bound, boundsz);	/* port 0: the one picked */
	return fd;
}

struct http *
http_create(struct event_base *base, struct server *s, const char *addr, char *err,
	size_t errsz)
{
	struct http *h = calloc(1, sizeof(*h));
	int fd = h ? bind_socket(addr, h->addr, sizeof(h->addr), err, errsz) : -1;
	if (h && fd >= 0) {
		h->s = s;
		h->evh = evhttp_new(base);
	}
	bool accepted = h && h->evh && evhttp_accept_socket(h->evh, fd) == 0;
	if (!accepted || evhttp_set_cb(h->evh, "/metrics", on_metrics, h) < 0) {
		if (h && fd >= 0)
			snprintf(err, errsz, "--metrics %s: out of memory", addr);
		else if (!h)
			snprintf(err, errsz, "out of memory");
		if (h && h->evh)
			evhttp_free(h->evh);	/* closes fd once accepted */
		if (!accepted && fd >= 0)
			close(fd);
		free(h);
		return NULL;
	}
	evhttp_set_allowed_methods(h->evh, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
		EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(h->evh, on_other, h);
	evhttp_set_timeout(h->evh, 10);
	return h;
}

const char *
http_addr(const struct http *h)
{
	return h ? h->addr : NULL;
}

void
http_free(struct http *h)
{
	if (!h)
		return;
	/* scrapes still waiting were told by the server that it stops */
	evhttp_free(h->evh);
	free(h);
}
