// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Proves that our declarations of IGT's API drive Debian's libigt.so.0
 * correctly: every result kind, fixtures, groups, dynamic subtests and
 * forked children.  tools/check-abi.sh runs it and compares each subtest's
 * exit status and igt_runner's verdict with the expected ones below.
 */
#include "igt.h"

igt_main
{
	volatile int fixture_ran = 0;

	igt_fixture
		fixture_ran = 1;

	igt_describe("Passes after the top-level fixture ran.");
	igt_subtest("pass") {
		igt_assert(fixture_ran);
		igt_assert_eq(1 + 1, 2);
		igt_info("info from pass\n");
	}

	igt_subtest("fail")
		igt_assert_eq(1, 2);

	igt_subtest("skip")
		igt_require_f(false, "skipped on purpose\n");

	igt_subtest_group {
		igt_fixture
			igt_require(fixture_ran == 42);

		/* Must be skipped by the group's fixture, never run. */
		igt_subtest("group-skip")
			igt_assert(false);
	}

	/* The group's skip must not leak out of the group. */
	igt_subtest("after-group")
		igt_assert(fixture_ran);

	igt_subtest_with_dynamic("dynamic") {
		igt_dynamic("ok")
			igt_assert(true);
		igt_dynamic_f("bad-%d", 1)
			igt_assert_f(false, "dynamic failure on purpose\n");
	}

	/*
	 * Its dynamic subtest passes, then the parent fails outside it (as a
	 * teardown would). libigt aborts on that (igt_fail()'s assertion), so
	 * the runner's verdict is "incomplete" on the parent alone, and
	 * igt-results.py must turn it into a FAIL line.
	 */
	igt_subtest_with_dynamic("dynamic-teardown") {
		igt_dynamic("ok")
			igt_assert(true);
		igt_assert_f(false, "teardown failure on purpose\n");
	}

	igt_subtest("fork") {
		igt_fork(child, 2)
			igt_assert(child < 2);
		igt_waitchildren();
	}

	igt_subtest("fork-fail") {
		igt_fork(child, 2)
			igt_assert(child != 1);
		igt_waitchildren();
	}

	igt_subtest_f("format-%s", "name")
		igt_assert_eq_u64(1ull << 40, 1ull << 40);
}
