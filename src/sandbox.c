// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox (sandbox.h).  Placeholder until the seccomp filters land.
 */
#include "sandbox.h"

void sandbox_enter(const char *who, const struct sandbox_rules *rules)
{
	(void)who;
	(void)rules;
}

void sandbox_drop_privileges(const char *user, const char *chroot_dir)
{
	(void)user;
	(void)chroot_dir;
}
