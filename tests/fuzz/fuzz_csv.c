/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the CSV reader that participant import uses:
 * any bytes, in one buffer, must give rows or a clear error, never a
 * crash, a leak or a field that is not NUL-terminated within its row.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "csvio.h"

#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
fuzz_row(const struct csvio_row *row, void *user, GError **err)
{
	size_t *cells = user;
	size_t i;

	(void)err;
	for (i = 0; i < row->nfields; i++) {
		/* Touch every byte: ASan checks the bounds. */
		*cells += strlen(row->fields[i]) + row->valid_utf8[i];
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) err = NULL;
	size_t cells = 0;

	if (!csvio_read_buffer((const char *)data, size, fuzz_row, &cells,
	    &err))
		g_assert(err != NULL && err->message[0] != '\0');
	return 0;
}
