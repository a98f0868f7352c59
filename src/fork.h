/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fork.h -- the library's pthread_atfork handlers (see fork.c).
 */
#ifndef PMEMSET_FORK_H
#define PMEMSET_FORK_H

/* registers the handlers once; called before any process-wide lock is used */
void fork_guard_install(void);

#endif
