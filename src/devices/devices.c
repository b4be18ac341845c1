// SPDX-License-Identifier: GPL-2.0
/*
 * The device types this Launcher can build, in one explicit, greppable
 * table: no constructor tricks and no linker sections, so the order they
 * are listed (and offered in --help) is plain to see.
 */
#include <string.h>

#include "devices/block.h"
#include "devices/console.h"
#include "devices/net/net.h"
#include "devices/rng.h"

const struct device_type *const device_types[] = {
	&console_type, &block_type, &rng_type, &net_type, NULL,
};

const struct device_type *device_type_by_option(const char *option)
{
	for (unsigned int i = 0; device_types[i]; i++)
		if (device_types[i]->option &&
		    !strcmp(device_types[i]->option, option))
			return device_types[i];
	return NULL;
}
