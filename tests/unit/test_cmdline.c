// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: the original Launcher's forms keep working, and every
 * mistake a user can make gets a sentence, not a crash.
 */
#include "harness.h"
#include "launch.h"
#include "virtio/device.h"

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

/* The original's device options, in its own documented order, become
 * device descriptions. */
TEST(device_options)
{
	CHECK_EQ(PARSE("64", "vmlinux", "--block=rootfile", "--rng",
		       "--block=other,ro", "root=/dev/vda"),
		 LAUNCH_RUN);
	CHECK_EQ(l.ndevices, 3);
	CHECK_STR(l.devices[0].type->option, "block");
	CHECK_STR(l.devices[0].opt, "rootfile");
	CHECK_STR(l.devices[1].type->option, "rng");
	CHECK(l.devices[1].opt == NULL);
	CHECK_STR(l.devices[2].opt, "other,ro");
	CHECK_STR(l.cmdline, "root=/dev/vda");
	CHECK(!l.no_virtio_console);

	CHECK_EQ(PARSE("--rng", "--rng", "64", "k"), LAUNCH_ERROR);
	CHECK(strstr(err, "--rng may be given only once"));
	CHECK_EQ(PARSE("64", "k", "--block"), LAUNCH_ERROR);
	CHECK(strstr(err, "needs a value"));
	CHECK_EQ(PARSE("64", "k", "--tunnet=192.168.19.1", "--tunnet=tap:t0"),
		 LAUNCH_RUN);
	CHECK_STR(l.devices[0].type->option, "tunnet");
	CHECK_EQ(l.ndevices, 2);
}

TEST(too_many_devices)
{
	char *argv[LAUNCH_MAX_DEVICES + 4] = {"lguest", "64", "k"};

	for (int i = 0; i <= LAUNCH_MAX_DEVICES; i++)
		argv[3 + i] = "--block=x";
	CHECK_EQ(launch_parse(&l, LAUNCH_MAX_DEVICES + 4, argv, err,
			      sizeof(err)),
		 LAUNCH_ERROR);
	CHECK(strstr(err, "more than 16 devices"));
}

TEST(console_option)
{
	CHECK_EQ(PARSE("--console=serial", "64", "k"), LAUNCH_RUN);
	CHECK(l.no_virtio_console);
	CHECK_EQ(PARSE("--console=virtio", "64", "k"), LAUNCH_RUN);
	CHECK(!l.no_virtio_console);
	CHECK_EQ(PARSE("--console=hvc", "64", "k"), LAUNCH_ERROR);
	CHECK(strstr(err, "say virtio or serial"));
}

TEST(usage_lists_device_options)
{
	char buf[8192] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	launch_usage(f);
	fclose(f);
	CHECK(strstr(buf, "--block=FILE"));
	CHECK(strstr(buf, "--rng"));
	CHECK(strstr(buf, "--console=virtio|serial"));
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
		T(device_options),
		T(too_many_devices),
		T(console_option),
		T(usage_lists_device_options),
		T(cmdline_too_long),
		T(privilege_options),
	};

	return harness_main("cmdline", tests, ARRAY_SIZE(tests));
}
