/* SPDX-License-Identifier: BSD-3-Clause */
/* src/notify.c - tell systemd the daemon's state over $NOTIFY_SOCKET (sd_notify without libsystemd). */
#include "config.h"
#include "notify.h"

#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* The address $NOTIFY_SOCKET names; false when it names none we can use. */
static bool
notify_address(const char *name, struct sockaddr_un *sun, socklen_t *len)
{
	size_t n = strlen(name);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if ((name[0] != '/' && name[0] != '@') || n < 2 || n > sizeof(sun->sun_path))
		return false;
	memcpy(sun->sun_path, name, n);
	if (name[0] == '@')
		sun->sun_path[0] = 0;	/* abstract: no terminating NUL counts */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '/'));
	return true;
}

bool
notify_send(const char *fmt, ...)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	char msg[512];
	va_list ap;
	if (!name)
		return true;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(msg) || !notify_address(name, &sun, &len)) {
		log_warn("NOTIFY_SOCKET=%s: cannot tell systemd: %s", name,
			n >= (int)sizeof(msg) ? "message too long" : "not a socket path");
		return false;
	}
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = fd >= 0 && sendto(fd, msg, (size_t)n, MSG_NOSIGNAL,
		(struct sockaddr *)&sun, len) == n;
	if (!ok)
		log_warn("NOTIFY_SOCKET=%s: cannot tell systemd: %s", name, strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

unsigned long long
notify_monotonic_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
}
