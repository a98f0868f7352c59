// SPDX-License-Identifier: BSD-3-Clause
/*
 * map_probe.c -- times mapping N parts of 4 KiB at consecutive offsets,
 * not coalesced, through whichever libpmemset it is linked with (ours, or
 * PMDK 1.12.1's: the source is the same, the header is compatible), or
 * through a raw libpmem2 loop. compare-map.sh runs the three side by side.
 *
 *   map_probe set temp DIR N    one temporary source in DIR (file grows)
 *   map_probe set file PATH N   PATH, sized for N parts up front
 *   map_probe raw file PATH N   per part pmem2_source_from_fd + map_new
 *   map_probe left temp|file DIR|PATH N
 *                               maps N parts (N < 1024), deletes the set
 *                               and prints the mappings and KiB of address
 *                               space it leaves behind
 *
 * set and raw print the ns per part of the map loop only, then leave with
 * _exit: PMDK's library cannot delete 1,024 or more maps (libpmem2 1.12.1
 * spends a thread key per map without a vdm and aborts), so they delete
 * nothing, and the kernel takes the mappings back.
 */
#include <fcntl.h>
#include <libpmem2.h>
#include <libpmemset.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PART 4096

/* libpmem2 1.12.1 exports it; its header does not declare it */
struct vdm;
int pmem2_config_set_vdm(struct pmem2_config *cfg, struct vdm *vdm);
static char Dummy_vdm;

static double
now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int
presized(const char *path, size_t n)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || posix_fallocate(fd, 0, (off_t)(n * PART)) != 0) {
		perror(path);
		exit(1);
	}
	return fd;
}

/* mappings in this process, and KiB of address space they span */
static void
count_mappings(size_t *n, size_t *kib)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	*n = *kib = 0;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
			(*n)++;
			*kib += (hi - lo) / 1024;
		}
	}
	if (f != NULL)
		fclose(f);
}

static struct pmemset *Set;

static double
map_set(struct pmemset_source *src, size_t n)
{
	struct pmemset_config *cfg;
	struct pmemset *set;
	if (pmemset_config_new(&cfg) != 0 ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) != 0 ||
	    pmemset_new(&set, cfg) != 0 ||
	    pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_NONE) != 0) {
		fprintf(stderr, "set: %s\n", pmemset_errormsg());
		exit(1);
	}
	double t0 = now_ns();
	for (size_t i = 0; i < n; i++) {
		struct pmemset_map_config *mc;
		if (pmemset_map_config_new(&mc) != 0 ||
		    pmemset_map_config_set_offset(mc, i * PART) != 0) {
			fprintf(stderr, "config %zu: %s\n", i,
					pmemset_errormsg());
			exit(1);
		}
		pmemset_map_config_set_length(mc, PART);
		if (pmemset_map(set, src, mc, NULL) != 0) {
			fprintf(stderr, "map %zu: %s\n", i, pmemset_errormsg());
			exit(1);
		}
		pmemset_map_config_delete(&mc);
	}
	Set = set;
	return (now_ns() - t0) / (double)n;
}

static double
map_raw(int fd, size_t n)
{
	double t0 = now_ns();
	for (size_t i = 0; i < n; i++) {
		struct pmem2_source *src;
		struct pmem2_config *cfg;
		struct pmem2_map *map;
		if (pmem2_source_from_fd(&src, fd) != 0 ||
		    pmem2_config_new(&cfg) != 0 ||
		    pmem2_config_set_required_store_granularity(cfg,
			    PMEM2_GRANULARITY_PAGE) != 0 ||
		    pmem2_config_set_offset(cfg, i * PART) != 0 ||
		    pmem2_config_set_length(cfg, PART) != 0 ||
		    pmem2_config_set_vdm(cfg, (struct vdm *)&Dummy_vdm) != 0 ||
		    pmem2_map_new(&map, cfg, src) != 0) {
			fprintf(stderr, "raw map %zu: %s\n", i,
					pmem2_errormsg());
			exit(1);
		}
		pmem2_config_delete(&cfg);
		pmem2_source_delete(&src);
	}
	return (now_ns() - t0) / (double)n;
}

int
main(int argc, char *argv[])
{
	bool known = argc == 5 && (strcmp(argv[1], "set") == 0 ||
			strcmp(argv[1], "raw") == 0 ||
			strcmp(argv[1], "left") == 0) &&
		(strcmp(argv[2], "temp") == 0 || strcmp(argv[2], "file") == 0);
	size_t n = known ? strtoul(argv[4], NULL, 10) : 0;
	bool temp = known && strcmp(argv[2], "temp") == 0;
	if (n == 0 || (temp && strcmp(argv[1], "raw") == 0)) {
		fprintf(stderr, "usage: %s set|left temp|file DIR|PATH N\n"
				"       %s raw file PATH N\n",
				argv[0], argv[0]);
		return 2;
	}
	bool left = strcmp(argv[1], "left") == 0;
	size_t maps_before, kib_before;
	count_mappings(&maps_before, &kib_before);
	double ns;
	if (strcmp(argv[1], "raw") == 0) {
		ns = map_raw(presized(argv[3], n), n);
	} else if (temp) {
		struct pmemset_source *src;
		if (pmemset_source_from_temporary(&src, argv[3]) != 0) {
			fprintf(stderr, "temp: %s\n", pmemset_errormsg());
			return 1;
		}
		ns = map_set(src, n);
	} else {
		int fd = presized(argv[3], n);
		close(fd);
		struct pmemset_source *src;
		if (pmemset_source_from_file(&src, argv[3]) != 0) {
			fprintf(stderr, "file: %s\n", pmemset_errormsg());
			return 1;
		}
		ns = map_set(src, n);
	}
	if (left) {
		if (pmemset_delete(&Set) != 0) {
			fprintf(stderr, "delete: %s\n", pmemset_errormsg());
			return 1;
		}
		size_t maps, kib;
		count_mappings(&maps, &kib);
		printf("%zd mappings, %zd KiB left\n",
				(ssize_t)(maps - maps_before),
				(ssize_t)(kib - kib_before));
	} else {
		printf("%.1f\n", ns);
	}
	fflush(stdout);
	if (!temp)
		unlink(argv[3]);
	_exit(0);
}
