/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * probes.h -- the USDT probes (provider "libpmemset") that perf, bpftrace,
 * SystemTap and gdb can attach to in a running program; libpmemset(7),
 * PROBES, lists them with their arguments.
 *
 * A probe site is one nop and a note in the ELF file, nothing more until a
 * tracer attaches (no semaphores: they would add a load to the data path).
 * With the CMake option PMEMSET_USDT off every probe is nothing at all.
 * Only the library's sources include this: the installed header and
 * libpmemset.pc know nothing of <sys/sdt.h>.
 */
#ifndef PMEMSET_PROBES_H
#define PMEMSET_PROBES_H

#ifdef PMEMSET_USDT

#include <sys/sdt.h>

#define PROBE0(name) STAP_PROBE(libpmemset, name)
#define PROBE1(name, a) STAP_PROBE1(libpmemset, name, a)
#define PROBE2(name, a, b) STAP_PROBE2(libpmemset, name, a, b)
#define PROBE3(name, a, b, c) STAP_PROBE3(libpmemset, name, a, b, c)
#define PROBE4(name, a, b, c, d) STAP_PROBE4(libpmemset, name, a, b, c, d)

#else

/* sizeof: the arguments count as used, and nothing is evaluated */
#define PROBE0(name) ((void)0)
#define PROBE1(name, a) ((void)sizeof(a))
#define PROBE2(name, a, b) ((void)sizeof(a), (void)sizeof(b))
#define PROBE3(name, a, b, c) (PROBE2(name, a, b), (void)sizeof(c))
#define PROBE4(name, a, b, c, d) (PROBE3(name, a, b, c), (void)sizeof(d))

#endif

#endif
