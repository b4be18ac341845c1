/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A very small unit-test harness.  A test file defines TEST(name) functions
 * and lists them in a TESTS table; harness_main() runs each one and prints
 * the closing line "N passed, N failed" that CI reads.
 *
 *	TEST(parses_memory) { CHECK(parse("64") == 64); }
 *	static const struct test tests[] = { T(parses_memory) };
 *	int main(void) { return harness_main(tests, ARRAY_SIZE(tests)); }
 */
#ifndef LGUEST_HARNESS_H
#define LGUEST_HARNESS_H

#include <stdio.h>
#include <string.h>

#include "log.h"

struct test {
	const char *name;
	void (*fn)(void);
};

static int harness_failed_checks;
static const char *harness_skipped; /* why the running test skipped */

#define TEST(name) static void test_##name(void)
#define T(name)                                                                \
	{                                                                      \
#name, test_##name                                             \
	}

/* A test that cannot run here (it needs root, say) says why and returns:
 * "skip SUITE/NAME: why", counted apart from passes. */
#define SKIP(why)                                                              \
	do {                                                                   \
		harness_skipped = (why);                                       \
		return;                                                        \
	} while (0)

/* A failed CHECK says where and what, and the test goes on, so one run
 * shows every broken expectation. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("  %s:%d: CHECK(%s) failed\n", __FILE__,        \
			       __LINE__, #cond);                               \
			harness_failed_checks++;                               \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_) {                                                \
			printf("  %s:%d: %s == %s failed: %lld != %lld\n",     \
			       __FILE__, __LINE__, #a, #b, a_, b_);            \
			harness_failed_checks++;                               \
		}                                                              \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                       \
			printf("  %s:%d: %s == \"%s\" failed: \"%s\"\n",       \
			       __FILE__, __LINE__, #a, b_ ? b_ : "(null)",     \
			       a_ ? a_ : "(null)");                            \
			harness_failed_checks++;                               \
		}                                                              \
	} while (0)

static inline int harness_main(const char *suite, const struct test *tests,
			       size_t n)
{
	int passed = 0, failed = 0, skipped = 0;

	for (size_t i = 0; i < n; i++) {
		int before = harness_failed_checks;

		/* Each test is a run of its own: the guest's log budget
		 * (log.h) starts afresh. */
		log_guest_reset();
		harness_skipped = NULL;
		tests[i].fn();
		fflush(stdout);
		if (harness_skipped && harness_failed_checks == before) {
			skipped++;
			printf("skip %s/%s: %s\n", suite, tests[i].name,
			       harness_skipped);
		} else if (harness_failed_checks == before) {
			passed++;
			printf("ok   %s/%s\n", suite, tests[i].name);
		} else {
			failed++;
			printf("FAIL %s/%s\n", suite, tests[i].name);
		}
	}
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}

#endif
