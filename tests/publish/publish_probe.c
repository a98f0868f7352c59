// SPDX-License-Identifier: BSD-3-Clause
/*
 * publish_probe.c -- a program to watch from outside (the scripts beside it):
 * maps PARTS parts of 4 KiB of FILE (created, PARTS x 4 KiB), persists 64
 * bytes PERSISTS times, prints one line "ready pid=<pid> published=<path>"
 * ("published=none" when it does not publish), then waits for a line or
 * the end of its standard input, and deletes everything.
 * With --api it starts publishing itself (pmemset_stat_publish_start);
 * otherwise only PMEMSET_STAT_PUBLISH=1 does. With --busy it goes on
 * persisting (about 10,000 times a second) while it waits. Linked with the
 * library's objects, so a setuid copy needs no library path.
 *
 * usage: publish_probe [--api|--busy] FILE PARTS PERSISTS
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>
#include <libpmemset/stat.h>

/* LeakSanitizer cannot look into a setuid process: as in env_probe.c */
int __lsan_is_turned_off(void);

int
__lsan_is_turned_off(void)
{
	return 1;
}

static int
die(const char *what)
{
	fprintf(stderr, "publish_probe: %s: %s\n", what, pmemset_errormsg());
	return 1;
}

int
main(int argc, char *argv[])
{
	int a = 1;
	bool api = argc > 1 && strcmp(argv[1], "--api") == 0;
	bool busy = argc > 1 && strcmp(argv[1], "--busy") == 0;
	a += api || busy;
	if (argc - a != 3) {
		fprintf(stderr, "usage: publish_probe [--api] FILE PARTS "
			"PERSISTS\n");
		return 2;
	}
	const char *file = argv[a];
	size_t parts = strtoul(argv[a + 1], NULL, 10);
	unsigned long persists = strtoul(argv[a + 2], NULL, 10);
	if (api && pmemset_stat_publish_start() != PMEMSET_STAT_S_OK)
		return die("pmemset_stat_publish_start");
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)(parts * 4096)) != 0) {
		perror(file);
		return 1;
	}
	close(fd);
	struct pmemset_config *cfg;
	struct pmemset *set;
	struct pmemset_source *src;
	if (pmemset_config_new(&cfg) != 0 ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) != 0 ||
	    pmemset_new(&set, cfg) != 0)
		return die("a set");
	if (pmemset_source_from_file(&src, file) != 0)
		return die(file);
	void *first = NULL;
	for (size_t i = 0; i < parts; i++) {
		struct pmemset_map_config *mc;
		struct pmemset_part_descriptor d;
		if (pmemset_map_config_new(&mc) != 0)
			return die("map config");
		pmemset_map_config_set_offset(mc, i * 4096);
		pmemset_map_config_set_length(mc, 4096);
		if (pmemset_map(set, src, mc, &d) != 0)
			return die("map");
		pmemset_map_config_delete(&mc);
		if (i == 0)
			first = d.addr;
	}
	for (unsigned long i = 0; i < persists; i++) {
		memset(first, (int)i, 64);
		if (pmemset_persist(set, first, 64) != 0)
			return die("persist");
	}
	char path[4096];
	if (pmemset_stat_publish_path(path, sizeof(path)) != PMEMSET_STAT_S_OK)
		strcpy(path, "none");
	printf("ready pid=%ld published=%s\n", (long)getpid(), path);
	fflush(stdout);
	char line[64];
	struct pollfd in = {0, POLLIN, 0};
	while (busy && poll(&in, 1, 0) == 0) {
		for (int i = 0; i < 100; i++)
			if (pmemset_persist(set, first, 64) != 0)
				return die("persist");
		usleep(10000);
	}
	(void) fgets(line, sizeof(line), stdin);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	pmemset_config_delete(&cfg);
	unlink(file);
	return 0;
}
