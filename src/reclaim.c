// SPDX-License-Identifier: BSD-3-Clause
/*
 * reclaim.c -- read sections and deferred frees over liburcu-bp (see
 * reclaim.h). liburcu is not built with ThreadSanitizer, so TSan cannot see
 * that a grace period orders a reader's last access before the free; the
 * annotations below tell it: every read section and every queued free
 * releases one token, every deferred free acquires it.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "reclaim.h"

#if defined(__SANITIZE_THREAD__)
#define RECLAIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RECLAIM_TSAN 1
#endif
#endif

#ifdef RECLAIM_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
static char Grace_token;
#define TSAN_RELEASE() __tsan_release(&Grace_token)
#define TSAN_ACQUIRE() __tsan_acquire(&Grace_token)
#else
#define TSAN_RELEASE() do {} while (0)
#define TSAN_ACQUIRE() do {} while (0)
#endif

/* frees queued and not yet done: the exit waits only when some are */
static _Atomic long Pending;

/*
 * A child that goes on without exec needs liburcu's locks free and its
 * call_rcu thread back; liburcu leaves registering that to its user. The
 * call_rcu half only once a free was queued: before that no such thread runs.
 */
static void
before_fork(void)
{
	urcu_bp_before_fork();
}

static void
after_fork_parent(void)
{
	urcu_bp_after_fork_parent();
}

static void
after_fork_child(void)
{
	urcu_bp_after_fork_child();
}

__attribute__((constructor)) static void
reclaim_register_fork_handlers(void)
{
	(void) pthread_atfork(before_fork, after_fork_parent,
			after_fork_child);
}

static pthread_once_t Call_rcu_fork_once = PTHREAD_ONCE_INIT;

static void
register_call_rcu_fork_handlers(void)
{
	(void) pthread_atfork(urcu_bp_call_rcu_before_fork,
			urcu_bp_call_rcu_after_fork_parent,
			urcu_bp_call_rcu_after_fork_child);
}

void
reclaim_read_begin(void)
{
	urcu_bp_read_lock();
}

void
reclaim_read_end(void)
{
	TSAN_RELEASE();
	urcu_bp_read_unlock();
}

void
reclaim_free_begins(void)
{
	TSAN_ACQUIRE();
	atomic_fetch_sub_explicit(&Pending, 1, memory_order_relaxed);
}

void
reclaim_later(struct rcu_head *head, void (*free_fn)(struct rcu_head *head))
{
	(void) pthread_once(&Call_rcu_fork_once,
			register_call_rcu_fork_handlers);
	TSAN_RELEASE();
	atomic_fetch_add_explicit(&Pending, 1, memory_order_relaxed);
	urcu_bp_call_rcu(head, free_fn);
}

/*
 * So leak checkers see everything freed at exit. Not in pmemset_delete: a
 * barrier waits for grace periods (about 10 ms each while lookups run, the
 * bulletproof flavour's readers have no wake-up), and sets come and go far
 * more often than processes.
 */
__attribute__((destructor)) static void
reclaim_finish(void)
{
	if (atomic_load_explicit(&Pending, memory_order_relaxed) > 0)
		urcu_bp_barrier();
}
