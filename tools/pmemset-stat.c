// SPDX-License-Identifier: BSD-3-Clause
/*
 * pmemset-stat.c -- maps the files named on the command line as the parts
 * of one set, never storing to them, and prints the observer tree of that
 * set with all its values, as text, JSON or OpenMetrics, optionally only the
 * maps whose URI matches the given patterns. Modelled on kstat2(8).
 * It needs no write permission: a file it may only read is reported
 * (its size) without being mapped.
 *
 * With --pid, --list, --watch or --all it reads instead the live
 * publications of running processes of this user (stat_remote.c).
 *
 * usage: pmemset-stat [-j|--json|-o|--openmetrics] [-m|--match pattern]...
 *        file... | --pid PID | --all
 *        pmemset-stat --list | --watch[=SECONDS] --pid PID
 * exit: 0 success, 1 a file cannot be mapped or the tree printed (or a
 * publication read), 2 usage
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpmemset.h>
#include <libpmemset/stat.h>

#include "stat_remote.h"

static const char *Prog = "pmemset-stat";

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s [-j|--json|-o|--openmetrics] "
		"[-m|--match pattern]... file...|--pid PID|--all\n"
		"       %s --list | --watch[=SECONDS] --pid PID\n"
		"Maps each file (never writing to it) as a part of one set "
		"and prints\nits observer tree: /pmemset, /pmemset/set/<n>, "
		"/pmemset/set/<n>/part/<k>. A file it may only read is not "
		"mapped;\nits size is shown as the root's unmapped_sizes.\n"
		"  -j, --json           print JSON instead of text\n"
		"  -o, --openmetrics    print the OpenMetrics text format "
		"(Prometheus,\n"
		"                       node_exporter's textfile collector)\n"
		"  -m, --match pattern  only maps whose URI matches the "
		"fnmatch(3)\n"
		"                       pattern ('*' matches '/' too); "
		"repeatable\n"
		"  -p, --pid PID        the live tree of running process PID "
		"(which\n"
		"                       publishes: PMEMSET_STAT_PUBLISH=1), "
		"not files\n"
		"  -a, --all            the live trees of all this user's "
		"publishing\n"
		"                       processes (with -o: one pid label "
		"each)\n"
		"  -l, --list           list this user's publishing processes\n"
		"  -w, --watch[=SECONDS]  with --pid: rates per second of the "
		"counters,\n"
		"                       every SECONDS (default 1) until Ctrl-C\n"
		"  -h, --help           print this help\n", Prog, Prog);
}

static int
fail(const char *what, const char *file)
{
	if (file != NULL)
		fprintf(stderr, "%s: %s: %s: %s\n", Prog, file, what,
			pmemset_errormsg());
	else
		fprintf(stderr, "%s: %s: %s\n", Prog, what,
			pmemset_errormsg());
	return 1;
}

/*
 * The files this user may only read. libpmemset maps files for reading and
 * writing, so they cannot be parts; what can be known without a mapping,
 * their sizes, is shown as the root's USR values unmapped_paths and
 * unmapped_sizes.
 */
struct unmapped {
	const char **paths;
	uint64_t *sizes;
	size_t n;
};

/* the open failed for want of write permission, not for another reason */
static bool
no_write_permission(int ret)
{
	int e = pmemset_err_to_errno(ret);
	return e == EACCES || e == EPERM || e == EROFS;
}

/* maps the whole file, or its largest aligned prefix */
static int
map_file(struct pmemset *set, const char *path, struct pmemset_source **src,
		struct unmapped *unmapped)
{
	/* the size through a descriptor that can only read */
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "%s: %s: cannot open: %s\n", Prog, path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	/* DO_NOT_GROW: the file keeps its size; nothing is ever stored */
	int ret = pmemset_xsource_from_file(src, path,
			PMEMSET_SOURCE_FILE_DO_NOT_GROW);
	if (ret != 0 && no_write_permission(ret) && S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: %s: not mapped: libpmemset maps files "
			"read-write and this user may only read it; its size "
			"is in the root's unmapped_sizes\n", Prog, path);
		unmapped->paths[unmapped->n] = path;
		unmapped->sizes[unmapped->n++] = (uint64_t)st.st_size;
		return 0;
	}
	if (ret != 0)
		return fail("cannot open", path);
	size_t align;
	if (pmemset_source_alignment(*src, &align) != 0)
		return fail("cannot read the alignment", path);
	size_t size = (size_t)st.st_size;
	size_t length = size - size % align;
	if (length == 0) {
		fprintf(stderr, "%s: %s: %zu bytes, smaller than the %zu-byte "
			"alignment it must be mapped with\n", Prog, path, size,
			align);
		return 1;
	}
	if (length != size)
		fprintf(stderr, "%s: %s: mapping the first %zu of %zu bytes "
			"(a multiple of the %zu-byte alignment)\n", Prog, path,
			length, size, align);
	struct pmemset_map_config *mc;
	if (pmemset_map_config_new(&mc) != 0)
		return fail("cannot map", path);
	pmemset_map_config_set_length(mc, length);
	ret = pmemset_map(set, *src, mc, NULL);
	pmemset_map_config_delete(&mc);
	if (ret != 0)
		return fail("cannot map", path);
	return 0;
}

static int
print_tree(struct pmemset *set, struct pmemset_stat_matcher *m, size_t nm,
		const struct unmapped *unmapped,
		enum pmemset_stat_dump_format format)
{
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	enum pmemset_stat_status st = pmemset_stat_open(&h, set, m, nm);
	if (st != PMEMSET_STAT_S_OK)
		return fail("cannot open the observer", NULL);
	st = pmemset_stat_update(h);
	if (st == PMEMSET_STAT_S_OK)
		st = pmemset_stat_root(h, &root);
	if (st == PMEMSET_STAT_S_OK && unmapped->n > 0)
		st = pmemset_stat_map_put_string_array(root, "unmapped_paths",
			unmapped->paths, unmapped->n);
	if (st == PMEMSET_STAT_S_OK && unmapped->n > 0)
		st = pmemset_stat_map_put_uint64_array(root, "unmapped_sizes",
			unmapped->sizes, unmapped->n);
	if (st == PMEMSET_STAT_S_OK)
		st = pmemset_stat_dump(root, stdout, format);
	int ret = st == PMEMSET_STAT_S_OK ? 0 :
		fail("cannot print the tree", NULL);
	pmemset_stat_close(&h);
	return ret;
}

/* --pid, --all, --list, --watch */
struct remote_options {
	long pid;
	bool all, list, watch;
	double interval;
};

static int
remote_usage(const char *why)
{
	fprintf(stderr, "%s: %s\n", Prog, why);
	usage(stderr);
	return 2;
}

static int
remote_option(struct remote_options *r, int c, const char *arg)
{
	char *end;
	switch (c) {
	case 'p':
		errno = 0;
		r->pid = strtol(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0' || r->pid <= 0)
			return remote_usage("--pid wants a process id, a "
				"positive number");
		return 0;
	case 'a':
		r->all = true;
		return 0;
	case 'l':
		r->list = true;
		return 0;
	default:
		r->watch = true;
		if (arg == NULL)
			return 0;
		errno = 0;
		r->interval = strtod(arg, &end);
		if (errno != 0 || end == arg || *end != '\0' ||
				!(r->interval >= 0.01 && r->interval <= 86400))
			return remote_usage("--watch wants an interval in "
				"seconds, from 0.01 to 86400");
		return 0;
	}
}

static int
remote_run(const struct remote_options *r,
		enum pmemset_stat_dump_format format,
		const struct pmemset_stat_matcher *m, size_t nm)
{
	int modes = (r->pid >= 0 && !r->watch) + r->all + r->list + r->watch;
	if (modes != 1)
		return remote_usage("give one of --pid, --all, --list, "
			"--watch --pid");
	if (r->watch && r->pid < 0)
		return remote_usage("--watch needs --pid");
	if ((r->list || r->watch) && (format != PMEMSET_STAT_DUMP_TEXT ||
			nm > 0))
		return remote_usage("--list and --watch take no --json, "
			"--openmetrics or --match");
	char **patterns = calloc(nm + 1, sizeof(*patterns));
	if (patterns == NULL) {
		fprintf(stderr, "%s: out of memory\n", Prog);
		return 1;
	}
	for (size_t i = 0; i < nm; i++)
		patterns[i] = (char *)m[i].pattern;
	struct pubr_filter f = {patterns, nm};
	enum remote_format rf = format == PMEMSET_STAT_DUMP_JSON ?
		REMOTE_JSON : format == PMEMSET_STAT_DUMP_OPENMETRICS ?
		REMOTE_OPENMETRICS : REMOTE_TEXT;
	int ret;
	if (r->list)
		ret = remote_list();
	else if (r->watch)
		ret = remote_watch(r->pid, r->interval);
	else if (r->all)
		ret = remote_all(rf, &f);
	else
		ret = remote_show(r->pid, rf, &f);
	free(patterns);
	return ret;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"openmetrics", no_argument, NULL, 'o'},
		{"match", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{"pid", required_argument, NULL, 'p'},
		{"all", no_argument, NULL, 'a'},
		{"list", no_argument, NULL, 'l'},
		{"watch", optional_argument, NULL, 'w'},
		{NULL, 0, NULL, 0},
	};
	struct remote_options r = {-1, false, false, false, 1.0};
	enum pmemset_stat_dump_format format = PMEMSET_STAT_DUMP_TEXT;
	struct pmemset_stat_matcher *m = calloc((size_t)argc,
			sizeof(*m));
	size_t nm = 0;
	if (m == NULL) {
		fprintf(stderr, "%s: out of memory\n", Prog);
		return 1;
	}
	int c;
	while ((c = getopt_long(argc, argv, "jom:hp:alw::", longopts,
			NULL)) != -1) {
		switch (c) {
		case 'j':
			format = PMEMSET_STAT_DUMP_JSON;
			break;
		case 'o':
			format = PMEMSET_STAT_DUMP_OPENMETRICS;
			break;
		case 'm':
			m[nm].type = PMEMSET_STAT_MATCH_GLOB;
			m[nm].pattern = optarg;
			nm++;
			break;
		case 'h':
			usage(stdout);
			free(m);
			return 0;
		case 'p':
		case 'a':
		case 'l':
		case 'w':
			if (remote_option(&r, c, optarg) == 0)
				break;
			free(m);
			return 2;
		default:
			usage(stderr);
			free(m);
			return 2;
		}
	}
	int nfiles = argc - optind;
	if (r.pid >= 0 || r.all || r.list || r.watch) {
		/* PMEMSET_STAT_PUBLISH=1 in the shell: the reader is not news */
		(void) pmemset_stat_publish_stop();
		int ret = nfiles > 0 ? remote_usage("files and live processes "
			"cannot be shown together") :
			remote_run(&r, format, m, nm);
		free(m);
		return ret;
	}
	if (nfiles == 0) {
		fprintf(stderr, "%s: no file given\n", Prog);
		usage(stderr);
		free(m);
		return 2;
	}

	struct pmemset_source **srcs = calloc((size_t)nfiles, sizeof(*srcs));
	struct unmapped unmapped = {
		calloc((size_t)nfiles, sizeof(*unmapped.paths)),
		calloc((size_t)nfiles, sizeof(*unmapped.sizes)), 0
	};
	struct pmemset_config *cfg = NULL;
	struct pmemset *set = NULL;
	int ret = 1;
	if (srcs == NULL || unmapped.paths == NULL || unmapped.sizes == NULL) {
		fprintf(stderr, "%s: out of memory\n", Prog);
		goto out;
	}
	/* PAGE is the coarsest: every file that maps at all is accepted */
	if (pmemset_config_new(&cfg) != 0 ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) != 0 ||
	    pmemset_new(&set, cfg) != 0) {
		ret = fail("cannot create a set", NULL);
		goto out;
	}
	for (int i = 0; i < nfiles; i++)
		if (map_file(set, argv[optind + i], &srcs[i], &unmapped) != 0)
			goto out;
	ret = print_tree(set, m, nm, &unmapped, format);
out:
	pmemset_delete(&set);
	for (int i = 0; srcs != NULL && i < nfiles; i++)
		pmemset_source_delete(&srcs[i]);
	pmemset_config_delete(&cfg);
	free(srcs);
	free(unmapped.paths);
	free(unmapped.sizes);
	free(m);
	return ret;
}
