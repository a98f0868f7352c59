// SPDX-License-Identifier: BSD-3-Clause
/*
 * raw.c -- the libpmem2 side of the comparisons, written the way an
 * application using libpmem2 directly would write it, plus small helpers
 * (temporary files, forced granularity, a seeded shuffle).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/*
 * libpmem2 1.12.1 spends one pthread key per map made without a vdm and
 * aborts once a process deletes maps while holding 1,024 or more. Any
 * non-NULL vdm avoids it, and no asynchronous operation is ever started, so
 * the vdm is never touched. The setter is exported but declared only under
 * PMEM2_USE_MINIASYNC, hence the declaration here.
 */
struct vdm;
int pmem2_config_set_vdm(struct pmem2_config *cfg, struct vdm *vdm);
static char Dummy_vdm;

/* an unnamed file of `size` bytes in dir: nothing is left behind on a crash */
int
raw_tmpfile(const char *dir, size_t size)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		bench_fail("cannot create a temporary file in %s: %s", dir,
				strerror(errno));
		return -1;
	}
	if (size > 0) {
		int r = posix_fallocate(fd, 0, (off_t)size);
		if (r != 0) {
			bench_fail("cannot allocate %zu bytes in %s: %s", size,
					dir, strerror(r));
			close(fd);
			return -1;
		}
	}
	return fd;
}

int
raw_map(struct pmem2_map **map, struct pmem2_source *src,
		enum pmem2_granularity g, size_t offset, size_t length,
		struct pmem2_vm_reservation *rsv, size_t rsv_offset)
{
	struct pmem2_config *cfg;
	int ret = pmem2_config_new(&cfg);
	if (ret != 0)
		return ret;
	if ((ret = pmem2_config_set_required_store_granularity(cfg, g)) ||
	    (ret = pmem2_config_set_offset(cfg, offset)) ||
	    (ret = pmem2_config_set_length(cfg, length)) ||
	    (ret = pmem2_config_set_vdm(cfg, (struct vdm *)&Dummy_vdm)))
		goto out;
	if (rsv != NULL && (ret = pmem2_config_set_vm_reservation(cfg, rsv,
			rsv_offset)) != 0)
		goto out;
	ret = pmem2_map_new(map, cfg, src);
out:
	pmem2_config_delete(&cfg);
	return ret;
}

const char *
gran_name(enum pmem2_granularity g)
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
		return "BYTE";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "CACHE_LINE";
	default:
		return "PAGE";
	}
}

/* libpmem2 reads it at every pmem2_map_new, so it applies to later maps */
void
force_granularity(enum pmem2_granularity g)
{
	setenv("PMEM2_FORCE_GRANULARITY", gran_name(g), 1);
}

void
unforce_granularity(void)
{
	unsetenv("PMEM2_FORCE_GRANULARITY");
}

/* splitmix64: reproducible runs without touching rand()'s state */
uint64_t
rnd(uint64_t *seed)
{
	uint64_t z = (*seed += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
shuffle(size_t *v, size_t n, uint64_t *seed)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(rnd(seed) % i);
		size_t t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* one line of /proc/self/maps */
struct vma {
	uintptr_t start, end;
	unsigned long inode;
	bool prot_none;
};

/* the process's mappings, in address order; NULL on failure */
static struct vma *
read_vmas(size_t *count)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (f == NULL)
		return NULL;
	struct vma *v = NULL;
	size_t n = 0, cap = 0;
	char line[512];
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long start, end, inode;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s %*s %*s %lu", &start, &end, perms,
				&inode) != 4)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			struct vma *nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL) {
				free(v);
				fclose(f);
				return NULL;
			}
			v = nv;
		}
		v[n++] = (struct vma){start, end, inode,
				strcmp(perms, "---p") == 0};
	}
	fclose(f);
	*count = n;
	return v;
}

int
vm_usage(struct vm_usage *u)
{
	size_t n;
	struct vma *v = read_vmas(&n);
	if (v == NULL)
		return -1;
	u->vmas = (long)n;
	u->prot_none_kib = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].prot_none && v[i].inode == 0)
			u->prot_none_kib +=
				(long)((v[i].end - v[i].start) >> 10);
	free(v);
	return 0;
}

long
still_file_mapped(char *const *addr, size_t n)
{
	size_t nv;
	struct vma *v = read_vmas(&nv);
	if (v == NULL)
		return -1;
	long found = 0;
	for (size_t i = 0; i < n; i++) {
		uintptr_t a = (uintptr_t)addr[i];
		size_t lo = 0, hi = nv;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (v[mid].end <= a)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nv && v[lo].start <= a && v[lo].inode != 0)
			found++;
	}
	free(v);
	return found;
}
