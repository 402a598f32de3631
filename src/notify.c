/* SPDX-License-Identifier: MIT */
/* sd_notify without libsystemd: a datagram on an AF_UNIX socket. */
#include "notify.h"

#include <glib.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "banned.h"

void
notify_send(const char *state)
{
	const char *path = g_getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
		return;
	len = strlen(path);
	memcpy(sa.sun_path, path, len);
	/* "@name" is Linux's abstract namespace: a leading NUL. */
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	(void)!sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un,
	    sun_path) + len));
	close(fd);
}

int64_t
notify_watchdog_usec(void)
{
	const char *v = g_getenv("WATCHDOG_USEC");
	const char *pid = g_getenv("WATCHDOG_PID");
	gint64 usec;

	if (!v || !g_ascii_string_to_signed(v, 10, 1, G_MAXINT64, &usec,
	    NULL))
		return 0;
	if (pid && g_ascii_strtoll(pid, NULL, 10) != getpid())
		return 0;
	return usec;
}
