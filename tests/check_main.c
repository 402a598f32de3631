/* SPDX-License-Identifier: MIT */
/*
 * Runs every suite in one SRunner.  The list of suites comes from the
 * tests/check_*.c file names (build/tests/suites.inc, made by the Makefile).
 */
#include <check.h>
#include <stdlib.h>

#include "log.h"

#define SUITE(name) Suite *name##_suite(void);
#include "suites.inc"
#undef SUITE

int
main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

	/* The suites assert on results, not on log lines: keep it quiet. */
	log_init(LOG_LEVEL_QUIET);
#define SUITE(name) srunner_add_suite(sr, name##_suite());
#include "suites.inc"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
