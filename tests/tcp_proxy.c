/* SPDX-License-Identifier: MIT */
/*
 * One thread accepts; each connection is served by a thread of its own
 * that polls both ends.  A stop closes the listener and wakes every
 * thread through a pipe.
 */
#include "tcp_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

struct tcp_proxy {
	int listener;
	int port;
	int upstream_port;
	int stop_pipe[2];
	size_t *cuts;
	size_t ncuts;
	unsigned accepted;	/* guarded by lock */
	unsigned cut;		/* guarded by lock */
	GMutex lock;
	GThread *acceptor;
	GPtrArray *workers;	/* GThread *, guarded by lock */
};

struct tcp_proxy_conn {
	struct tcp_proxy *proxy;
	int client;
	size_t cut_after;	/* SIZE_MAX: never */
};

static int
connect_upstream(int port)
{
	struct sockaddr_in sa = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Writes all of buf; false when the peer is gone. */
static bool
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

static gpointer
serve(gpointer arg)
{
	struct tcp_proxy_conn *c = arg;
	struct tcp_proxy *p = c->proxy;
	int server = connect_upstream(p->upstream_port);
	size_t from_server = 0;
	char buf[16384];

	while (server >= 0) {
		struct pollfd fds[3] = {
			{ c->client, POLLIN, 0 }, { server, POLLIN, 0 },
			{ p->stop_pipe[0], POLLIN, 0 },
		};
		ssize_t n;

		if (poll(fds, 3, -1) < 0 || fds[2].revents)
			break;
		if (fds[0].revents) {
			n = recv(c->client, buf, sizeof(buf), 0);
			if (n <= 0 || !write_all(server, buf, (size_t)n))
				break;
		}
		if (fds[1].revents) {
			size_t room = c->cut_after - from_server;

			n = recv(server, buf, MIN(sizeof(buf), room), 0);
			if (n <= 0 || !write_all(c->client, buf, (size_t)n))
				break;
			from_server += (size_t)n;
			if (from_server >= c->cut_after) {
				g_mutex_lock(&p->lock);
				p->cut++;
				g_mutex_unlock(&p->lock);
				break;
			}
		}
	}
	if (server >= 0)
		close(server);
	close(c->client);
	g_free(c);
	return NULL;
}

static gpointer
accept_loop(gpointer arg)
{
	struct tcp_proxy *p = arg;

	for (;;) {
		struct pollfd fds[2] = {
			{ p->listener, POLLIN, 0 },
			{ p->stop_pipe[0], POLLIN, 0 },
		};
		struct tcp_proxy_conn *c;
		int fd;

		if (poll(fds, 2, -1) < 0 || fds[1].revents)
			break;
		fd = accept4(p->listener, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		c = g_new0(struct tcp_proxy_conn, 1);
		c->proxy = p;
		c->client = fd;
		g_mutex_lock(&p->lock);
		c->cut_after = p->accepted < p->ncuts ?
		    MAX(p->cuts[p->accepted], 1) : SIZE_MAX;
		p->accepted++;
		g_ptr_array_add(p->workers, g_thread_new("proxy-conn", serve,
		    c));
		g_mutex_unlock(&p->lock);
	}
	return NULL;
}

struct tcp_proxy *
tcp_proxy_start(int upstream_port, const size_t *cuts, size_t ncuts)
{
	struct tcp_proxy *p = g_new0(struct tcp_proxy, 1);
	struct sockaddr_in sa = { 0 };
	socklen_t len = sizeof(sa);

	p->upstream_port = upstream_port;
	p->cuts = g_memdup2(cuts, ncuts * sizeof(*cuts));
	p->ncuts = ncuts;
	p->stop_pipe[0] = p->stop_pipe[1] = -1;
	g_mutex_init(&p->lock);
	p->workers = g_ptr_array_new();
	p->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (p->listener < 0 || bind(p->listener, (struct sockaddr *)&sa,
	    sizeof(sa)) != 0 || listen(p->listener, 16) != 0 ||
	    getsockname(p->listener, (struct sockaddr *)&sa, &len) != 0 ||
	    pipe2(p->stop_pipe, O_CLOEXEC) != 0) {
		tcp_proxy_stop(p);
		return NULL;
	}
	p->port = ntohs(sa.sin_port);
	p->acceptor = g_thread_new("proxy-accept", accept_loop, p);
	return p;
}

int
tcp_proxy_port(const struct tcp_proxy *p)
{
	return p->port;
}

unsigned
tcp_proxy_cuts_done(struct tcp_proxy *p)
{
	unsigned n;

	g_mutex_lock(&p->lock);
	n = p->cut;
	g_mutex_unlock(&p->lock);
	return n;
}

void
tcp_proxy_stop(struct tcp_proxy *p)
{
	guint i;

	if (!p)
		return;
	if (p->stop_pipe[1] >= 0) {
		/* A byte left unread wakes every poll() for good. */
		(void)!write(p->stop_pipe[1], "x", 1);
	}
	if (p->acceptor)
		g_thread_join(p->acceptor);
	for (i = 0; i < p->workers->len; i++)
		g_thread_join(p->workers->pdata[i]);
	g_ptr_array_free(p->workers, TRUE);
	if (p->listener >= 0)
		close(p->listener);
	if (p->stop_pipe[0] >= 0) {
		close(p->stop_pipe[0]);
		close(p->stop_pipe[1]);
	}
	g_mutex_clear(&p->lock);
	g_free(p->cuts);
	g_free(p);
}
