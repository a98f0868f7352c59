// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_remote.c -- pmemset-stat --pid, --list, --watch and --all: the live
 * publications of this user's processes (publication_reader.c), found in
 * the directory pub_dir_path() names.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stat_remote.h"

static const char *Prog = "pmemset-stat";

/*
 * The directory, if it is this user's own: a link or another user's
 * directory planted in its place could show made-up publications.
 * 0 it is, 1 it is not there, -1 refused (with a message).
 */
static int
dir_check(const char *dir)
{
	struct stat st;
	if (lstat(dir, &st) != 0)
		return errno == ENOENT ? 1 : (fprintf(stderr, "%s: %s: %s\n",
			Prog, dir, strerror(errno)), -1);
	const char *why = S_ISLNK(st.st_mode) ? "a symbolic link" :
		!S_ISDIR(st.st_mode) ? "not a directory" :
		st.st_uid != geteuid() ? "another user's directory" : NULL;
	if (why == NULL)
		return 0;
	fprintf(stderr, "%s: %s: refused: %s\n", Prog, dir, why);
	return -1;
}

static int
file_of(long pid, char *buf, size_t len)
{
	char dir[4096];
	int n = pubr_dir(dir, sizeof(dir));
	if (n < 0 || (size_t)n >= sizeof(dir))
		return -1;
	if (dir_check(dir) < 0)
		return -2;
	n = snprintf(buf, len, "%s/%ld", dir, pid);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* the live snapshot of pid, or 1 with a message */
static int
read_live(long pid, struct pubr_snapshot *s)
{
	char path[4200], why[4400];
	int f = file_of(pid, path, sizeof(path));
	if (f == -2)
		return 1;
	if (f != 0) {
		fprintf(stderr, "%s: the publication directory's path is too "
			"long\n", Prog);
		return 1;
	}
	enum pubr_status st = pubr_read(path, s, why, sizeof(why));
	if (st == PUBR_BUSY && pubr_liveness(&s->hdr) != PUBR_ALIVE)
		snprintf(why, sizeof(why), "stale: process %ld is gone, killed "
			"while it wrote the file", pid);
	if (st == PUBR_NOT_FOUND) {
		fprintf(stderr, "%s: process %ld publishes nothing (%s); start "
			"it with PMEMSET_STAT_PUBLISH=1\n", Prog, pid, path);
		return 1;
	}
	if (st != PUBR_OK) {
		fprintf(stderr, "%s: %s: %s\n", Prog, path, why);
		return 1;
	}
	if (s->hdr.pid != (uint64_t)pid) {
		fprintf(stderr, "%s: %s: corrupt: it names pid %" PRIu64 "\n",
			Prog, path, s->hdr.pid);
		pubr_free(s);
		return 1;
	}
	enum pubr_liveness l = pubr_liveness(&s->hdr);
	if (l != PUBR_ALIVE) {
		fprintf(stderr, "%s: process %ld (%s) %s: its publication %s "
			"is stale\n", Prog, pid, s->hdr.program,
			l == PUBR_GONE ? "is gone" :
			"is gone, its pid now another process's", path);
		pubr_free(s);
		return 1;
	}
	return 0;
}

int
remote_show(long pid, enum remote_format format, const struct pubr_filter *m)
{
	struct pubr_snapshot s;
	if (read_live(pid, &s) != 0)
		return 1;
	if (format == REMOTE_JSON)
		pubr_print_json(stdout, &s, m);
	else if (format == REMOTE_OPENMETRICS)
		pubr_print_openmetrics(stdout, &s, 1, m);
	else
		pubr_print_text(stdout, &s, m);
	pubr_free(&s);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* the pid a directory entry names, or -1 */
static long
entry_pid(const char *name)
{
	char *end;
	errno = 0;
	long pid = strtol(name, &end, 10);
	if (errno != 0 || end == name || *end != '\0' || pid <= 0)
		return -1;
	return pid;
}

/* files of processes that are gone: reported, and removed if ours */
static void
stale(const char *dir, const char *name, const struct pub_header *h,
		enum pubr_liveness l)
{
	char path[4400];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	struct stat st;
	bool ours = lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		st.st_uid == geteuid();
	bool removed = ours && unlink(path) == 0;
	fprintf(stderr, "%s: %s: stale: process %s (%s) %s; %s\n", Prog,
		path, name, h->program, l == PUBR_GONE ? "is gone" :
		"is gone, its pid reused",
		removed ? "removed" : "left (not this user's file)");
}

typedef void remote_visit(void *arg, struct pubr_snapshot *s);

/* every live publication of the user, in pid order; 1 when none could be */
static int
each_live(remote_visit *fn, void *arg, size_t *found)
{
	char dir[4096];
	int n = pubr_dir(dir, sizeof(dir));
	if (n < 0 || (size_t)n >= sizeof(dir))
		return 1;
	*found = 0;
	int d = dir_check(dir);
	if (d != 0)
		return d < 0 ? 1 : 0;	/* missing: nobody ever published */
	struct dirent **names;
	int count = scandir(dir, &names, NULL, versionsort);
	if (count < 0) {
		if (errno == ENOENT)
			return 0;	/* nobody ever published */
		fprintf(stderr, "%s: %s: %s\n", Prog, dir, strerror(errno));
		return 1;
	}
	int ret = 0;
	for (int i = 0; i < count; i++) {
		const char *name = names[i]->d_name;
		if (entry_pid(name) > 0) {
			char path[4400], why[4600];
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			struct pubr_snapshot s;
			enum pubr_status st = pubr_read(path, &s, why,
					sizeof(why));
			enum pubr_liveness l = st == PUBR_OK ||
				st == PUBR_BUSY ? pubr_liveness(&s.hdr) :
				PUBR_GONE;
			if (st == PUBR_BUSY && l != PUBR_ALIVE) {
				stale(dir, name, &s.hdr, l);	/* killed mid-pass */
			} else if (st != PUBR_OK) {
				fprintf(stderr, "%s: %s: %s\n", Prog, path,
					why);
				ret = 1;
			} else if (l != PUBR_ALIVE) {
				stale(dir, name, &s.hdr, l);
				pubr_free(&s);
			} else {
				(*found)++;
				fn(arg, &s);
			}
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

static void
list_one(void *arg, struct pubr_snapshot *s)
{
	(void) arg;
	uint64_t bytes = 0;
	for (size_t i = 0; i < s->hdr.nsets; i++)
		bytes += s->sets[i].rec.mapped_bytes;
	printf("%-8" PRIu64 " %-24s %6" PRIu64 " %8" PRIu64 " %16" PRIu64
		"\n", s->hdr.pid, s->hdr.program, s->hdr.nsets,
		s->hdr.nparts, bytes);
	pubr_free(s);
}

int
remote_list(void)
{
	printf("%-8s %-24s %6s %8s %16s\n", "PID", "PROGRAM", "SETS",
		"PARTS", "BYTES_MAPPED");
	size_t found;
	int ret = each_live(list_one, NULL, &found);
	return fflush(stdout) == 0 ? ret : 1;
}

struct gathered {
	struct pubr_snapshot *s;
	size_t n;
	bool nomem;
};

static void
gather(void *arg, struct pubr_snapshot *s)
{
	struct gathered *g = arg;
	struct pubr_snapshot *more = realloc(g->s, (g->n + 1) * sizeof(*more));
	if (more == NULL) {
		g->nomem = true;
		pubr_free(s);
		return;
	}
	g->s = more;
	g->s[g->n++] = *s;
}

int
remote_all(enum remote_format format, const struct pubr_filter *m)
{
	struct gathered g = {NULL, 0, false};
	size_t found;
	int ret = each_live(gather, &g, &found);
	if (g.nomem) {
		fprintf(stderr, "%s: out of memory\n", Prog);
		ret = 1;
	}
	if (format == REMOTE_OPENMETRICS) {
		pubr_print_openmetrics(stdout, g.s, g.n, m);
	} else {
		if (format == REMOTE_JSON)
			fputs("[", stdout);
		for (size_t i = 0; i < g.n; i++) {
			if (format == REMOTE_JSON) {
				fputs(i ? "," : "\n", stdout);
				pubr_print_json(stdout, &g.s[i], m);
			} else {
				fputs(i ? "\n" : "", stdout);
				pubr_print_text(stdout, &g.s[i], m);
			}
		}
		if (format == REMOTE_JSON)
			fputs("]\n", stdout);
	}
	for (size_t i = 0; i < g.n; i++)
		pubr_free(&g.s[i]);
	free(g.s);
	return fflush(stdout) == 0 ? ret : 1;
}

/* --- --watch ------------------------------------------------------------ */

static volatile sig_atomic_t Interrupted;

static void
on_interrupt(int sig)
{
	(void) sig;
	Interrupted = 1;
}

/* the set of id in the earlier snapshot, or NULL for a new set */
static const struct pub_set *
earlier(const struct pubr_snapshot *s, uint64_t id)
{
	for (size_t i = 0; s->sets != NULL && i < s->hdr.nsets; i++)
		if (s->sets[i].rec.id == id)
			return &s->sets[i].rec;
	return NULL;
}

static void
watch_header(void)
{
	printf("%-8s %5s %6s %10s %10s %10s %10s %10s %10s %10s %12s\n",
		"TIME", "SET", "PARTS", "persist/s", "flush/s", "drain/s",
		"copy/s", "move/s", "set/s", "MiB/s", "MAPPED");
}

/*
 * One line per set: rates of calls between the two passes of the writer
 * the snapshots come from (0 when no pass came between), bytes in MiB/s.
 */
static void
watch_lines(const struct pubr_snapshot *prev, const struct pubr_snapshot *s,
		double dt)
{
	char when[16];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&now, &tm));
	if (s->hdr.nsets == 0)
		printf("%-8s %5s (no set)\n", when, "-");
	for (size_t i = 0; i < s->hdr.nsets; i++) {
		const struct pub_set *r = &s->sets[i].rec;
		const struct pub_set *e = earlier(prev, r->id);
		double rate[PUB_COUNTERS];
		for (int k = 0; k < PUB_COUNTERS; k++)
			rate[k] = e == NULL || dt <= 0 ||
				r->counters[k] < e->counters[k] ? 0 :
				(double)(r->counters[k] - e->counters[k]) / dt;
		/* persist, flush, copy, move and set bytes together */
		double mib = (rate[PUB_PERSIST_BYTES] + rate[PUB_FLUSH_BYTES] +
			rate[PUB_COPY_BYTES] + rate[PUB_MOVE_BYTES] +
			rate[PUB_SET_BYTES]) / (1024.0 * 1024.0);
		printf("%-8s %5" PRIu64 " %6" PRIu64 " %10.0f %10.0f %10.0f "
			"%10.0f %10.0f %10.0f %10.1f %12" PRIu64 "\n", when,
			r->id, r->parts, rate[PUB_PERSIST_CALLS],
			rate[PUB_FLUSH_CALLS], rate[PUB_DRAIN_CALLS],
			rate[PUB_COPY_CALLS], rate[PUB_MOVE_CALLS],
			rate[PUB_SET_CALLS], mib, r->mapped_bytes);
	}
}

int
remote_watch(long pid, double interval)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct pubr_snapshot prev, s;
	if (read_live(pid, &prev) != 0)
		return 1;
	printf("process %" PRIu64 " (%s), every %g s; rates per second; "
		"Ctrl-C ends\n", prev.hdr.pid, prev.hdr.program, interval);
	int ret = 0;
	for (unsigned lines = 0; !Interrupted; lines++) {
		struct timespec d = {(time_t)interval,
			(long)((interval - (double)(time_t)interval) * 1e9)};
		/* a signal ends the sleep early: then we stop */
		if (nanosleep(&d, NULL) != 0 && Interrupted)
			break;
		if (read_live(pid, &s) != 0) {
			ret = 1;
			break;
		}
		/* the writer's clock: the counters are of its passes */
		double dt = (double)(s.hdr.updated_ns - prev.hdr.updated_ns) /
			1e9;
		if (lines % 20 == 0)
			watch_header();
		watch_lines(&prev, &s, s.hdr.updated_ns > prev.hdr.updated_ns ?
			dt : 0);
		fflush(stdout);
		pubr_free(&prev);
		prev = s;
	}
	pubr_free(&prev);
	if (Interrupted)
		printf("interrupted: watched process %ld\n", pid);
	return fflush(stdout) == 0 ? ret : 1;
}
