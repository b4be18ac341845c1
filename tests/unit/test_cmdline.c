// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: the original Launcher's forms keep working, and every
 * mistake a user can make gets a sentence, not a crash.
 */
#include "harness.h"
#include "launch.h"

static struct launch l;
static char err[256];

#define ARGV(...) ((char *[]){"lguest", __VA_ARGS__, NULL})
#define ARGC(...)                                                              \
	((int)(sizeof((char *[]){"lguest", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(...)                                                             \
	launch_parse(&l, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), err, sizeof(err))

TEST(minimal)
{
	CHECK_EQ(PARSE("64", "vmlinux"), LAUNCH_RUN);
	CHECK_EQ(l.mem_mb, 64);
	CHECK_STR(l.kernel, "vmlinux");
	CHECK_STR(l.cmdline, "console=ttyS0");
	CHECK_EQ(l.cpus, 1);
	CHECK(!l.verbose && !l.initrd && !l.no_reboot);
}

TEST(kernel_args_joined)
{
	CHECK_EQ(PARSE("128", "bzImage", "console=ttyS0", "root=/dev/vda",
		       "quiet"),
		 LAUNCH_RUN);
	CHECK_STR(l.cmdline, "console=ttyS0 root=/dev/vda quiet");
}

/* The original's own documented example puts options after KERNEL. */
TEST(options_after_arguments)
{
	CHECK_EQ(PARSE("64", "vmlinux", "--initrd=rd.img", "root=/dev/vda",
		       "--verbose"),
		 LAUNCH_RUN);
	CHECK_STR(l.initrd, "rd.img");
	CHECK(l.verbose);
	CHECK_STR(l.cmdline, "root=/dev/vda");
}

TEST(options_before_arguments)
{
	CHECK_EQ(PARSE("--verbose", "--cpus=4", "--no-reboot", "--boot-timer",
		       "256", "k"),
		 LAUNCH_RUN);
	CHECK_EQ(l.cpus, 4);
	CHECK(l.no_reboot && l.boot_timer && l.verbose);
	CHECK_EQ(l.mem_mb, 256);
}

TEST(double_dash_ends_options)
{
	CHECK_EQ(PARSE("64", "k", "--", "--not-an-option"), LAUNCH_RUN);
	CHECK_STR(l.cmdline, "--not-an-option");
}

TEST(help_and_version)
{
	CHECK_EQ(PARSE("--help"), LAUNCH_HELP);
	CHECK_EQ(PARSE("-h"), LAUNCH_HELP);
	CHECK_EQ(PARSE("--version"), LAUNCH_VERSION);
}

TEST(mem_mb_missing)
{
	CHECK_EQ(launch_parse(&l, 1, ARGV("x"), err, sizeof(err)),
		 LAUNCH_ERROR);
	CHECK(strstr(err, "missing MEM_MB"));
}

TEST(mem_mb_not_a_number)
{
	CHECK_EQ(PARSE("lots", "k"), LAUNCH_ERROR);
	CHECK(strstr(err, "not a number"));
	CHECK_EQ(PARSE("64M", "k"), LAUNCH_ERROR);
	CHECK_EQ(PARSE("-5", "k"), LAUNCH_ERROR);
	CHECK_EQ(PARSE("", "k"), LAUNCH_ERROR);
}

TEST(mem_mb_zero)
{
	CHECK_EQ(PARSE("0", "k"), LAUNCH_ERROR);
	CHECK(strstr(err, "more than 0"));
}

TEST(mem_mb_too_big)
{
	CHECK_EQ(PARSE("99999999999", "k"), LAUNCH_ERROR);
	CHECK(strstr(err, "more than lguest supports"));
	CHECK_EQ(PARSE("999999999999999999999999", "k"), LAUNCH_ERROR);
}

TEST(kernel_missing)
{
	CHECK_EQ(PARSE("64"), LAUNCH_ERROR);
	CHECK(strstr(err, "missing KERNEL"));
}

TEST(unknown_option)
{
	CHECK_EQ(PARSE("--frobnicate", "64", "k"), LAUNCH_ERROR);
	CHECK(strstr(err, "unknown option --frobnicate"));
}

TEST(option_without_value)
{
	CHECK_EQ(PARSE("64", "k", "--initrd"), LAUNCH_ERROR);
	CHECK(strstr(err, "needs a value"));
}

TEST(bad_cpus)
{
	CHECK_EQ(PARSE("--cpus=0", "64", "k"), LAUNCH_ERROR);
	CHECK_EQ(PARSE("--cpus=65", "64", "k"), LAUNCH_ERROR);
	CHECK_EQ(PARSE("--cpus=two", "64", "k"), LAUNCH_ERROR);
	CHECK(strstr(err, "--cpus=two"));
}

/* Devices from later milestones are refused clearly, not ignored. */
TEST(future_devices_refused)
{
	CHECK_EQ(PARSE("64", "k", "--block=disk.img"), LAUNCH_ERROR);
	CHECK(strstr(err, "--block is not yet supported"));
	CHECK_EQ(PARSE("--rng", "64", "k"), LAUNCH_ERROR);
	CHECK(strstr(err, "--rng is not yet supported"));
	CHECK_EQ(PARSE("64", "k", "--tunnet=192.168.19.1"), LAUNCH_ERROR);
	CHECK(strstr(err, "--tunnet is not yet supported"));
}

TEST(cmdline_too_long)
{
	static char big[LAUNCH_CMDLINE_MAX + 10];

	memset(big, 'a', sizeof(big) - 1);
	CHECK_EQ(PARSE("64", "k", big), LAUNCH_ERROR);
	CHECK(strstr(err, "longer than"));
}

TEST(privilege_options)
{
	CHECK_EQ(PARSE("--username=nobody", "--chroot=/tmp", "64", "k"),
		 LAUNCH_RUN);
	CHECK_STR(l.username, "nobody");
	CHECK_STR(l.chroot, "/tmp");
}

int main(void)
{
	static const struct test tests[] = {
		T(minimal),
		T(kernel_args_joined),
		T(options_after_arguments),
		T(options_before_arguments),
		T(double_dash_ends_options),
		T(help_and_version),
		T(mem_mb_missing),
		T(mem_mb_not_a_number),
		T(mem_mb_zero),
		T(mem_mb_too_big),
		T(kernel_missing),
		T(unknown_option),
		T(option_without_value),
		T(bad_cpus),
		T(future_devices_refused),
		T(cmdline_too_long),
		T(privilege_options),
	};

	return harness_main("cmdline", tests, ARRAY_SIZE(tests));
}
