// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions no driver uses on registers, which KVM must emulate and
 * hand to the Launcher in pieces of at most 8 bytes: 16-byte SSE loads
 * and stores, a string move, an exchange, a locked or.  Each transport
 * says where in its register block they land (struct odd_map); the
 * attack is the same.  Should KVM refuse one (#UD, so SIGILL), that is
 * KVM's business: we go on to the next.
 */
#include <setjmp.h>
#include <signal.h>
#include <emmintrin.h>

#include "hostile.h"

static sigjmp_buf odd_jmp;

static void odd_signal(int sig)
{
	siglongjmp(odd_jmp, sig);
}

/* The exchange and the locked or, at a register's own width. */
static void odd_exchange(volatile u8 *p, unsigned int width, u32 val)
{
	if (width == 2)
		__atomic_exchange_n((u16 *)p, (u16)val, __ATOMIC_SEQ_CST);
	else
		__atomic_exchange_n((u32 *)p, val, __ATOMIC_SEQ_CST);
}

static void odd_or_zero(volatile u8 *p, unsigned int width)
{
	if (width == 1)
		__atomic_fetch_or((u8 *)p, 0, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_or((u32 *)p, 0, __ATOMIC_SEQ_CST);
}

int odd_accesses(struct target *t, const struct odd_map *m, struct why *why)
{
	volatile u8 *r = m->regs;
	struct sigaction sa = {.sa_handler = odd_signal}, old[2];
	volatile __m128i sink;
	volatile int step;
	struct vq vq;
	u8 buf[64];

	if (dev_up(t, &vq, 0, why))
		return -1;
	sigaction(SIGILL, &sa, &old[0]);
	sigaction(SIGSEGV, &sa, &old[1]);
	for (step = 0; step < 6; step++) {
		void *dst = buf, *src = (void *)r;
		size_t n = sizeof(buf);
		if (sigsetjmp(odd_jmp, 1))
			continue;
		switch (step) {
		case 0:
			sink = _mm_loadu_si128((const __m128i *)r);
			break;
		case 1:
			_mm_storeu_si128((__m128i *)(r + m->store),
					 _mm_setzero_si128());
			break;
		case 2:
			__asm__ volatile("rep movsb"
					 : "+D"(dst), "+S"(src), "+c"(n)
					 :
					 : "memory");
			break;
		case 3:
			odd_exchange(r + m->exchange, m->exchange_width,
				     t->queue);
			break;
		case 4:
			odd_or_zero(r + m->or_zero, m->or_zero_width);
			break;
		case 5:
			if (!m->config)
				break;
			sink = _mm_loadu_si128((const __m128i *)m->config);
			_mm_storeu_si128((__m128i *)m->config, sink);
			break;
		}
	}
	sigaction(SIGILL, &old[0], NULL);
	sigaction(SIGSEGV, &old[1], NULL);
	return live_after(t, &vq, S_LIVE, "odd instructions", why);
}
