/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the configuration loader: any bytes as
 * consultd.conf must load into a config or give an error that names the
 * problem, never crash or leak.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"

#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *path;
	g_autoptr(GError) err = NULL;
	struct config *cfg;

	if (!path)
		path = g_strdup_printf("/tmp/consultd-fuzz-config-%d.conf",
		    (int)getpid());
	if (!g_file_set_contents(path, (const char *)data, (gssize)size,
	    NULL))
		return 0;
	cfg = config_load(path, &err);
	if (!cfg)
		g_assert(err != NULL && err->message[0] != '\0');
	config_free(cfg);
	return 0;
}
