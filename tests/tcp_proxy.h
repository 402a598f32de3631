/* SPDX-License-Identifier: MIT */
/*
 * A loopback TCP proxy for fault tests: it forwards 127.0.0.1:port to an
 * upstream port and cuts chosen connections after a given number of
 * bytes from the server, the way a network or a server dies in the
 * middle of a reply.
 */
#ifndef CONSULTD_TESTS_TCP_PROXY_H
#define CONSULTD_TESTS_TCP_PROXY_H

#include <stddef.h>

struct tcp_proxy;

/*
 * Starts a proxy to 127.0.0.1:upstream_port.  Connection i (counted from
 * 0) is closed on both sides once cuts[i] bytes have come from the
 * server; connections after the ncuts-th pass whole.  cuts is copied.
 * NULL if no port could be had.
 */
struct tcp_proxy *tcp_proxy_start(int upstream_port, const size_t *cuts,
    size_t ncuts);

/* The port it listens on. */
int tcp_proxy_port(const struct tcp_proxy *p);

/* How many connections it has cut so far. */
unsigned tcp_proxy_cuts_done(struct tcp_proxy *p);

/* Stops it, closing every connection, and frees it (NULL is fine). */
void tcp_proxy_stop(struct tcp_proxy *p);

#endif
