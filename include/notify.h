/* SPDX-License-Identifier: MIT */
/*
 * systemd's notification protocol (sd_notify(3)) spoken directly: one
 * datagram to $NOTIFY_SOCKET, so Type=notify needs no libsystemd.
 */
#ifndef CONSULTD_NOTIFY_H
#define CONSULTD_NOTIFY_H

#include <stdint.h>

/* Sends state ("READY=1", "STATUS=...", "WATCHDOG=1"); a no-op outside
 * systemd.  Failures are ignored: notifications are advisory. */
void notify_send(const char *state);

/* The watchdog interval asked by systemd ($WATCHDOG_USEC), in
 * microseconds, or 0. */
int64_t notify_watchdog_usec(void);

#endif
