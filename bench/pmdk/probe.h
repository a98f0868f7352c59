/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * probe.h -- what the PMDK comparison probes (map_probe.c, data_probe.c)
 * share. Each probe is one source compiled against our libpmemset and
 * against PMDK 1.12.1's, so this uses only the API both have; any failure
 * ends the probe with a message, since a probe that half works measures
 * nothing.
 */
#ifndef PMEMSET_BENCH_PMDK_PROBE_H
#define PMEMSET_BENCH_PMDK_PROBE_H

#include <fcntl.h>
#include <libpmem2.h>
#include <libpmemset.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PART 4096

/*
 * libpmem2 1.12.1 exports it; its header does not declare it. Without a
 * vdm it spends a pthread key per map and aborts when maps are deleted
 * with 1,024 or more alive; the pointer is never used.
 */
struct vdm;
int pmem2_config_set_vdm(struct pmem2_config *cfg, struct vdm *vdm);
static char Dummy_vdm;

static inline double
now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* path, created or truncated and sized for n parts; its fd */
static inline int
presized(const char *path, size_t n)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || posix_fallocate(fd, 0, (off_t)(n * PART)) != 0) {
		perror(path);
		exit(1);
	}
	return fd;
}

/* a set needing granularity g, each part map its own (not coalesced) */
static inline struct pmemset *
probe_set_new(enum pmem2_granularity g)
{
	struct pmemset_config *cfg;
	struct pmemset *set;
	if (pmemset_config_new(&cfg) != 0 ||
	    pmemset_config_set_required_store_granularity(cfg, g) != 0 ||
	    pmemset_new(&set, cfg) != 0 ||
	    pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_NONE) != 0) {
		fprintf(stderr, "set: %s\n", pmemset_errormsg());
		exit(1);
	}
	pmemset_config_delete(&cfg);
	return set;
}

/* maps [off, off + len) of src into set; desc may be NULL */
static inline void
probe_map(struct pmemset *set, struct pmemset_source *src, size_t off,
		size_t len, struct pmemset_part_descriptor *desc)
{
	struct pmemset_map_config *mc;
	if (pmemset_map_config_new(&mc) != 0 ||
	    pmemset_map_config_set_offset(mc, off) != 0) {
		fprintf(stderr, "config at %zu: %s\n", off,
				pmemset_errormsg());
		exit(1);
	}
	pmemset_map_config_set_length(mc, len);
	if (pmemset_map(set, src, mc, desc) != 0) {
		fprintf(stderr, "map at %zu: %s\n", off, pmemset_errormsg());
		exit(1);
	}
	pmemset_map_config_delete(&mc);
}

/* maps [off, off + len) of src with granularity g, into rsv if not NULL */
static inline struct pmem2_map *
probe_raw_map(struct pmem2_source *src, enum pmem2_granularity g,
		size_t off, size_t len, struct pmem2_vm_reservation *rsv,
		size_t rsv_off)
{
	struct pmem2_config *cfg;
	struct pmem2_map *map;
	if (pmem2_config_new(&cfg) != 0 ||
	    pmem2_config_set_required_store_granularity(cfg, g) != 0 ||
	    pmem2_config_set_offset(cfg, off) != 0 ||
	    pmem2_config_set_length(cfg, len) != 0 ||
	    pmem2_config_set_vdm(cfg, (struct vdm *)&Dummy_vdm) != 0 ||
	    (rsv != NULL && pmem2_config_set_vm_reservation(cfg, rsv,
			rsv_off) != 0) ||
	    pmem2_map_new(&map, cfg, src) != 0) {
		fprintf(stderr, "raw map at %zu: %s\n", off, pmem2_errormsg());
		exit(1);
	}
	pmem2_config_delete(&cfg);
	return map;
}

/* splitmix64: the same sequence for every side from the same seed */
static inline uint64_t
probe_rnd(uint64_t *seed)
{
	uint64_t z = (*seed += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
