// SPDX-License-Identifier: BSD-3-Clause
/*
 * pmem_env.c -- the persistent-memory environment of the tests (see
 * pmem_env.h).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "pmem_env.h"

const char *
pmem_env_get(const char *name, const char *what, bool *required)
{
	const char *v = getenv(name);
	const char *req = getenv("PMEMSET_TEST_REQUIRE_PMEM");
	*required = req != NULL && strcmp(req, "1") == 0;
	if (v != NULL && v[0] != '\0')
		return v;
	printf("%s: %s is not set (%s); scripts/pmem-vm.sh sets it in a guest "
		"with an emulated NVDIMM\n",
		*required ? "FAILED (PMEMSET_TEST_REQUIRE_PMEM=1)" : "SKIPPED",
		name, what);
	fflush(stdout);
	return NULL;
}

/* the component "regionN" of a sysfs device path, with what is before it */
static bool
region_prefix(const char *syspath, char *dir, size_t len)
{
	const char *p = syspath;
	const char *found = NULL;
	while ((p = strstr(p, "/region")) != NULL) {
		const char *q = p + strlen("/region");
		if (*q >= '0' && *q <= '9') {
			while (*q >= '0' && *q <= '9')
				q++;
			if (*q == '/' || *q == '\0')
				found = q;
		}
		p++;
	}
	if (found == NULL || (size_t)(found - syspath) >= len)
		return false;
	memcpy(dir, syspath, (size_t)(found - syspath));
	dir[found - syspath] = '\0';
	return true;
}

bool
pmem_env_region_dir(const char *path, char *dir, size_t len)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	char link[PATH_MAX];
	char real[PATH_MAX];
	if (S_ISCHR(st.st_mode))
		snprintf(link, sizeof(link), "/sys/dev/char/%u:%u",
			major(st.st_rdev), minor(st.st_rdev));
	else
		snprintf(link, sizeof(link), "/sys/dev/block/%u:%u",
			major(st.st_dev), minor(st.st_dev));
	if (realpath(link, real) == NULL)
		return false;
	return region_prefix(real, dir, len);
}

enum pmem2_granularity
pmem_env_region_granularity(const char *region_dir)
{
	char path[PATH_MAX];
	char domain[64] = "";
	snprintf(path, sizeof(path), "%s/persistence_domain", region_dir);
	FILE *f = fopen(path, "r");
	if (f != NULL) {
		if (fgets(domain, sizeof(domain), f) == NULL)
			domain[0] = '\0';
		fclose(f);
	}
	return strncmp(domain, "cpu_cache", 9) == 0 ?
		PMEM2_GRANULARITY_BYTE : PMEM2_GRANULARITY_CACHE_LINE;
}

enum pmem2_granularity
pmem_env_dir_granularity(const char *dir)
{
	enum pmem2_granularity g = PMEM2_GRANULARITY_PAGE;
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "pmem_env: cannot create a file in %s\n", dir);
		abort();
	}
	long page = sysconf(_SC_PAGESIZE);
	struct pmem2_source *src = NULL;
	struct pmem2_config *cfg = NULL;
	struct pmem2_map *map = NULL;
	if (ftruncate(fd, page) != 0 ||
	    pmem2_source_from_fd(&src, fd) != 0 ||
	    pmem2_config_new(&cfg) != 0 ||
	    pmem2_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) != 0 ||
	    pmem2_map_new(&map, cfg, src) != 0) {
		fprintf(stderr, "pmem_env: libpmem2 cannot map a file in %s: "
			"%s\n", dir, pmem2_errormsg());
		abort();
	}
	g = pmem2_map_get_store_granularity(map);
	pmem2_map_delete(&map);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	close(fd);
	return g;
}

bool
pmem_env_vma_flags(const void *addr, char *flags, size_t len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (f == NULL)
		return false;
	char line[4096];
	bool inside = false;
	bool found = false;
	while (fgets(line, sizeof(line), f) != NULL) {
		uintptr_t lo, hi;
		/* a mapping's first line: "lo-hi perms ..."; field lines
		 * ("Size:", "AnonHugePages:") never parse as two numbers */
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &lo, &hi) == 2) {
			inside = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (inside && strncmp(line, "VmFlags:", 8) == 0) {
			snprintf(flags, len, "%s", line + 8);
			flags[strcspn(flags, "\n")] = '\0';
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

bool
pmem_env_has_vma_flag(const char *flags, const char *flag)
{
	size_t n = strlen(flag);
	for (const char *p = flags; (p = strstr(p, flag)) != NULL; p += n) {
		bool starts = p == flags || p[-1] == ' ';
		bool ends = p[n] == ' ' || p[n] == '\0';
		if (starts && ends)
			return true;
	}
	return false;
}
