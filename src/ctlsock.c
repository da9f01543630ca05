/* SPDX-License-Identifier: BSD-3-Clause */
/* src/ctlsock.c - the control channel's transport: a unix socket that dnsd-control talks to (libevent). */
#include "config.h"
#include "ctlsock.h"

#include "control.h"
#include "ctlproto.h"
#include "log.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CONNS 64		/* control connections at once; more are closed at once */
#define READ_TIMEOUT 10		/* seconds to send the request line */
#define MAX_ARGS 8

struct conn {
	struct ctlsock *owner;
	struct conn *prev, *next;
	struct bufferevent *bev;
	bool waiting;		/* a command is running: its reply is still to come */
	bool gone;		/* the peer left or the socket failed */
};

struct ctlsock {
	struct event_base *base;
	struct server *s;
	struct evconnlistener *listener;
	char *path;
	dev_t dev;
	ino_t ino;		/* the socket file this dnsd made */
	struct conn *conns;
	unsigned n_conns;
};

static void
conn_free(struct conn *c)
{
	struct ctlsock *k = c->owner;
	if (c->prev)
		c->prev->next = c->next;
	else
		k->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	k->n_conns--;
	bufferevent_free(c->bev);
	free(c);
}

/* The reply is out: close. */
static void
on_written(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	(void)bev;
	if (!c->waiting)
		conn_free(c);
}

static void
on_reply(void *ctx, const char *text, size_t len)
{
	struct conn *c = ctx;
	c->waiting = false;
	if (c->gone) {
		conn_free(c);
		return;
	}
	if (len == 0) {
		text = "ok\n";
		len = 3;
	}
	bufferevent_write(c->bev, text, len);
	bufferevent_enable(c->bev, EV_WRITE);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_free(c);
}

static void
reply_now(struct conn *c, const char *text)
{
	c->waiting = true;
	on_reply(c, text, strlen(text));
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	if (c->waiting)
		return;
	size_t len;
	char *line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
	if (!line) {
		if (evbuffer_get_length(in) > CONTROL_MAX_REQUEST)
			reply_now(c, "error: request longer than 4096 bytes\n");
		return;
	}
	bufferevent_disable(bev, EV_READ);
	char *argv[MAX_ARGS], err[256];
	int argc = len > CONTROL_MAX_REQUEST ? -1 : control_split(line, argv, MAX_ARGS, err,
		sizeof(err));
	if (len > CONTROL_MAX_REQUEST)
		snprintf(err, sizeof(err), "error: request longer than %d bytes\n",
			CONTROL_MAX_REQUEST);
	if (argc < 0) {
		free(line);
		reply_now(c, err);
		return;
	}
	c->waiting = true;
	control_execute(c->owner->s, argc, argv, on_reply, c);
	free(line);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	(void)bev;
	if (what & BEV_EVENT_TIMEOUT && !c->waiting) {
		verbose(VERB_DETAIL, "control: a client sent no request within %d s", READ_TIMEOUT);
		conn_free(c);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (c->waiting)
			c->gone = true;	/* freed when its reply comes */
		else
			conn_free(c);
	}
}

static void
on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
	void *arg)
{
	struct ctlsock *k = arg;
	(void)l;
	(void)sa;
	(void)salen;
	struct conn *c = k->n_conns < MAX_CONNS ? calloc(1, sizeof(*c)) : NULL;
	if (c)
		c->bev = bufferevent_socket_new(k->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c || !c->bev) {
		log_warn("control: %s; a connection is refused", c ? "out of memory" :
			"too many connections at once");
		free(c);
		close(fd);
		return;
	}
	c->owner = k;
	c->next = k->conns;
	if (k->conns)
		k->conns->prev = c;
	k->conns = c;
	k->n_conns++;
	struct timeval tv = { READ_TIMEOUT, 0 };
	bufferevent_set_timeouts(c->bev, &tv, NULL);
	bufferevent_setcb(c->bev, on_read, on_written, on_event, c);
	bufferevent_enable(c->bev, EV_READ);
}

/* A socket file left by a dnsd that is gone is replaced; one that answers is not. */
static int
clear_stale(const char *path, const struct sockaddr_un *sun, char *err, size_t errsz)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errsz, "control socket %s: the file exists and is not a socket", path);
		errno = EEXIST;
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live = fd >= 0 && connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	if (fd >= 0)
		close(fd);
	if (live) {
		snprintf(err, errsz, "control socket %s: another dnsd answers there (give this one "
			"--control PATH)", path);
		errno = EADDRINUSE;
		return -1;
	}
	return unlink(path);
}

static void
make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0755) == 0)
			log_info("control: made the directory %s", dir);
	}
}

static int
open_socket(struct ctlsock *k, const char *path, bool required, char *err, size_t errsz)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errsz, "control socket %s: the path is longer than %zu bytes (give "
			"--control a shorter one)", path, sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (!required)
		make_parent(path);
	err[0] = 0;
	if (clear_stale(path, &sun, err, errsz) < 0) {
		if (!err[0])
			snprintf(err, errsz, "control socket %s: %s", path, strerror(errno));
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	mode_t old = umask(0117);	/* born 0660: no moment when others may connect */
	int rc = fd < 0 ? -1 : bind(fd, (const struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	struct stat st;
	if (rc < 0 || chmod(path, 0660) < 0 || stat(path, &st) < 0 || listen(fd, 16) < 0) {
		snprintf(err, errsz, "control socket %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	k->dev = st.st_dev;
	k->ino = st.st_ino;
	return fd;
}

struct ctlsock *
ctlsock_create(struct event_base *base, struct server *s, const char *path, bool required,
	char *err, size_t errsz)
{
	struct ctlsock *k = calloc(1, sizeof(*k));
	if (!k || !(k->path = strdup(path))) {
		snprintf(err, errsz, "out of memory");
		free(k);
		return NULL;
	}
	k->base = base;
	k->s = s;
	int fd = open_socket(k, path, required, err, errsz);
	if (fd >= 0)
		k->listener = evconnlistener_new(base, on_accept, k, LEV_OPT_CLOSE_ON_FREE |
			LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (fd >= 0 && !k->listener) {
		snprintf(err, errsz, "control socket %s: out of memory", path);
		close(fd);
		unlink(path);
	}
	if (!k->listener) {
		free(k->path);
		free(k);
		return NULL;
	}
	return k;
}

const char *
ctlsock_path(const struct ctlsock *c)
{
	return c ? c->path : NULL;
}

void
ctlsock_free(struct ctlsock *k)
{
	if (!k)
		return;
	while (k->conns)
		conn_free(k->conns);
	evconnlistener_free(k->listener);
	struct stat st;
	/* remove the file only if it is still ours (not a newer dnsd's) */
	if (stat(k->path, &st) == 0 && st.st_dev == k->dev && st.st_ino == k->ino)
		unlink(k->path);
	free(k->path);
	free(k);
}
