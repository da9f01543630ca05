/* SPDX-License-Identifier: BSD-3-Clause */
/* src/http.h - the metrics endpoint: GET /metrics over HTTP (libevent's evhttp). */
#ifndef DNSD_HTTP_H
#define DNSD_HTTP_H

#include <stddef.h>

struct event_base;
struct http;
struct server;

/**
 * Serve /metrics at ADDR:PORT ("127.0.0.1:9153", "[::1]:9153"; port 0
 * picks a free one): dnsd binds the socket itself and hands it to evhttp. Other paths get 404,
 * other methods than GET and HEAD 405.
 * @return the endpoint, or NULL with err set.
 */
struct http *http_create(struct event_base *base, struct server *s, const char *addr, char *err,
	size_t errsz);

/** Where it listens ("127.0.0.1:9153"; the port picked when 0 was asked), or NULL (h NULL). */
const char *http_addr(const struct http *h);

/** Stop serving and free. NULL is allowed. */
void http_free(struct http *h);

#endif /* DNSD_HTTP_H */
