/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio console's side door (src/devices/console.c).  The Launcher's
 * main thread owns stdin: it reads the user's keys, watches for ^C^C^C and
 * hands each key either to the serial port or, once the guest's
 * virtio_console driver is listening, to us.  These calls are that hand-off,
 * plus where guest output goes.
 */
#ifndef LGUEST_DEVICES_CONSOLE_H
#define LGUEST_DEVICES_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

#include "output.h"
#include "types.h"
#include "virtio/device.h"

/* The type the Launcher creates itself, with console_type.create(dev,
 * NULL, ...): there is no option for it. */
extern const struct device_type console_type;

/* Bytes of input we hold while the guest has no receive buffer posted. */
#define CONSOLE_INPUT_SIZE 4096

/*
 * Is the guest's driver listening on (dev)?  True from the moment the
 * receive queue's thread starts (the driver set the queue up and reached
 * DRIVER_OK) until it stops (reset, reboot, a broken queue).  While false,
 * input belongs to the serial port.  Any thread.
 */
bool console_input_live(struct device *dev);

/* Has the guest written anything to the console since its last reset?  A
 * guest whose shell runs on hvc0 has; one booted with console=ttyS0 alone
 * never writes to hvc0, and its keys belong to the serial port even
 * though the driver is up.  Any thread. */
bool console_spoken(struct device *dev);

/* How many bytes console_input() would take now: 0 while not live or
 * while the guest has not drained what we hold.  Any thread. */
size_t console_input_room(struct device *dev);

/*
 * Queue up to (len) bytes of the user's input from (buf) for the guest and
 * wake the receive thread.  Returns how many were taken: 0 while not live,
 * fewer than (len) when our buffer fills.  The caller keeps the rest.
 * Input thread (the Launcher's main thread); one caller at a time.
 */
size_t console_input(struct device *dev, const u8 *buf, size_t len);

/*
 * Send guest output to (out) (output.h) from now on; without one it is
 * dropped.  Main thread, during set-up, before the threads start.
 */
void console_set_output(struct device *dev, struct output *out);

/*
 * The transmit half, without a queue: put the buffers (iov)[0..(n)-1] into
 * (out), in order, waiting for room while the user's stdout is slow, but
 * never past a signal on eventfd (stop_fd).  Returns 0, or -ESHUTDOWN when
 * stopped (the rest is dropped).  The buffers are guest memory (already
 * checked); their lengths are guest-controlled.  Any thread.
 */
int console_send(struct device *dev, const struct iovec *iov, unsigned int n,
		 int stop_fd);

/*
 * The receive half, without a queue: move as much held input as fits into
 * the writable buffers (iov)[0..(n)-1] (guest memory, guest-controlled
 * lengths) and return how many bytes that was: the used length.  Any
 * thread, though only the receive thread should take input.
 */
size_t console_take_input(struct device *dev, const struct iovec *iov,
			  unsigned int n);

#endif
