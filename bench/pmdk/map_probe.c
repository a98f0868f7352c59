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
#include "probe.h"

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

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
	struct pmemset *set = probe_set_new(PMEM2_GRANULARITY_PAGE);
	double t0 = now_ns();
	for (size_t i = 0; i < n; i++)
		probe_map(set, src, i * PART, PART, NULL);
	Set = set;
	return (now_ns() - t0) / (double)n;
}

static double
map_raw(int fd, size_t n)
{
	double t0 = now_ns();
	for (size_t i = 0; i < n; i++) {
		struct pmem2_source *src;
		if (pmem2_source_from_fd(&src, fd) != 0) {
			fprintf(stderr, "raw source %zu: %s\n", i,
					pmem2_errormsg());
			exit(1);
		}
		probe_raw_map(src, PMEM2_GRANULARITY_PAGE, i * PART, PART,
				NULL, 0);
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
	struct pmemset_source *src = NULL;
	if (strcmp(argv[1], "raw") == 0) {
		ns = map_raw(presized(argv[3], n), n);
	} else if (temp) {
		if (pmemset_source_from_temporary(&src, argv[3]) != 0) {
			fprintf(stderr, "temp: %s\n", pmemset_errormsg());
			return 1;
		}
		ns = map_set(src, n);
	} else {
		int fd = presized(argv[3], n);
		close(fd);
		if (pmemset_source_from_file(&src, argv[3]) != 0) {
			fprintf(stderr, "file: %s\n", pmemset_errormsg());
			return 1;
		}
		ns = map_set(src, n);
	}
	if (left) {
		if (pmemset_delete(&Set) != 0 ||
		    pmemset_source_delete(&src) != 0) {
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
