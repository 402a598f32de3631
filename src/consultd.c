/* SPDX-License-Identifier: MIT */
/* The error domain shared by every module. */
#include "consultd.h"

#include "banned.h"

G_DEFINE_QUARK(consultd-error-quark, consultd_error)
