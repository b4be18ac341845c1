/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The little types every file uses.  Like the original Launcher (L:110) we
 * say u8..u64 rather than uint8_t..uint64_t: guest-visible layouts are
 * easier to read when the widths stand out.
 */
#ifndef LGUEST_TYPES_H
#define LGUEST_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;
typedef int64_t s64;
typedef int32_t s32;

#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)      ((a) < (b) ? (a) : (b))
#define MAX(a, b)      ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((u64)(a)-1))

#define KiB (1024ULL)
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

/*
 * A field the guest can change under our feet is read exactly once, into a
 * local, and only the local is checked and used.  A volatile read is the
 * plain-C11 way to stop the compiler from reading it twice.
 */
static inline u16 read_once16(const void *p)
{
	return *(const volatile u16 *)p;
}

static inline u32 read_once32(const void *p)
{
	return *(const volatile u32 *)p;
}

static inline u64 read_once64(const void *p)
{
	return *(const volatile u64 *)p;
}

#endif
