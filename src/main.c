/* SPDX-License-Identifier: MIT */
/* The entry point; everything happens in cli_main(). */
#include "cli.h"

#include "banned.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
