/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tiny device the transport tests (test_mmio.c, test_pci.c) drive:
 * its queue threads hand back every chain saying they wrote 1 byte, it
 * offers one feature bit and 8 bytes of config, and it counts what it
 * served and how often it was reset.  Each test names its own struct
 * device_type around these, with the queues and the ID it needs; the
 * transport fuzz targets (tests/fuzz/transport.h) take its creation and
 * reset, and serve with checks of their own.
 */
#ifndef LGUEST_ECHO_DEVICE_H
#define LGUEST_ECHO_DEVICE_H

#include <stdatomic.h>

#include "virtio/device.h"

#define ECHO_F_X 3 /* the echo device's one feature bit */

extern atomic_int echo_served;
extern atomic_uint echo_resets;

void echo_service(struct virtqueue *vq);
int echo_create(struct device *dev, const char *opt, char *err, size_t errlen);
void echo_reset(struct device *dev);

#endif
