// SPDX-License-Identifier: BSD-3-Clause
/*
 * powercut_log.c -- the program the power-cut test (tests/powercut/
 * power-cut.sh) runs in the guest, and checks after every cut.
 *
 *   powercut_log write DIR [--part-size BYTES] [--records N]
 *   powercut_log verify DIR REPORTED
 *
 * write: a log of fixed-size, checksummed records across part files
 * DIR/part-NNNNNN, each made with PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED and
 * mapped into one set in two halves: the first map creates and grows the
 * file to half its size, the second grows it to the whole. Every record is
 * written through the set and persisted; then, and only then, its line is
 * printed:
 *
 *   MAP <file> <size> E          pmemset_map returned; the file has size
 *   REC <seq> <file> <offset> <checksum> E
 *                                 the record is persisted
 *
 * (the trailing E lets a reader drop a line the power cut tore). Started on
 * a directory that holds a log, it recovers first: it maps every part file
 * there is, finds the first slot that does not hold the next record, and
 * appends from there. It runs until --records records are written
 * (default: until it is killed).
 *
 * verify: every MAP and REC line of REPORTED (what a host read from the
 * console before it cut the power) must hold: the file exists with at least
 * that size, the record is there with its sequence number and checksum.
 * Read with pread, not the library. Prints "VERIFY ok ..." or the first
 * failure ("VERIFY FAIL ...") and exits 0 or 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpmemset.h>

#define RECORD_SIZE 256
#define RECORD_MAGIC 0x676f6c7463757470ULL /* "ptcutlog" */
#define MAX_PARTS 100000
#define NAME_FMT "part-%06zu"

struct record {
	uint64_t magic;
	uint64_t seq;
	uint8_t payload[RECORD_SIZE - 3 * sizeof(uint64_t)];
	uint64_t checksum;	/* FNV-1a of everything before it */
};

_Static_assert(sizeof(struct record) == RECORD_SIZE, "record size");

static uint64_t
fnv1a(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
record_make(struct record *r, uint64_t seq)
{
	r->magic = RECORD_MAGIC;
	r->seq = seq;
	uint64_t x = seq * 0x9e3779b97f4a7c15ULL + 1;
	for (size_t i = 0; i < sizeof(r->payload); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r->payload[i] = (uint8_t)x;
	}
	r->checksum = fnv1a(r, offsetof(struct record, checksum));
}

/* does r hold record seq, whole? */
static bool
record_ok(const struct record *r, uint64_t seq)
{
	return r->magic == RECORD_MAGIC && r->seq == seq &&
		r->checksum == fnv1a(r, offsetof(struct record, checksum));
}

static void
die(const char *what)
{
	fprintf(stdout, "FAIL %s: %s\n", what, pmemset_errormsg());
	fflush(stdout);
	exit(2);
}

/* ---- write ---- */

struct writer {
	const char *dir;
	size_t part_size;
	struct pmemset *set;
	struct pmemset_map_config *mc;
	char *half[MAX_PARTS][2]; /* where each half of a part file is mapped */
	size_t mapped[MAX_PARTS]; /* how much of it is mapped */
	size_t nparts;
};

static void
part_name(char *buf, size_t len, size_t i)
{
	snprintf(buf, len, NAME_FMT, i);
}

/*
 * Maps [from, to) of part i (creating the file if it is not there), and
 * reports it once pmemset_map has returned.
 */
static void
map_part(struct writer *w, size_t i, size_t from, size_t to)
{
	char name[32], path[4096];
	part_name(name, sizeof(name), i);
	snprintf(path, sizeof(path), "%s/%s", w->dir, name);
	struct pmemset_source *src;
	if (pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED) != 0)
		die("pmemset_xsource_from_file");
	if (pmemset_map_config_set_offset(w->mc, from) != 0)
		die("pmemset_map_config_set_offset");
	pmemset_map_config_set_length(w->mc, to - from);
	/* the part map's own address is not the part's when coalesced */
	struct pmemset_part_descriptor d;
	if (pmemset_map(w->set, src, w->mc, &d) != 0)
		die("pmemset_map");
	w->half[i][from != 0] = (char *)d.addr + d.size - (to - from);
	w->mapped[i] = to;
	if (pmemset_source_delete(&src) != 0)
		die("pmemset_source_delete");
	printf("MAP %s %zu E\n", name, to);
}

static char *
record_at(struct writer *w, size_t i, size_t off)
{
	size_t half = w->part_size / 2;
	return w->half[i][off >= half] + off % half;
}

static size_t
file_size(const char *dir, size_t i)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/" NAME_FMT, dir, i);
	struct stat st;
	return stat(path, &st) == 0 ? (size_t)st.st_size : (size_t)-1;
}

/*
 * Maps what the files there hold, and returns the next sequence number;
 * *slot is where it goes (part * records per part + index).
 */
static uint64_t
recover(struct writer *w, size_t *slot)
{
	size_t per_part = w->part_size / RECORD_SIZE;
	size_t half = w->part_size / 2;
	size_t n = 0;
	while (n < MAX_PARTS && file_size(w->dir, n) != (size_t)-1)
		n++;
	uint64_t seq = 0;
	bool end = false;
	size_t s = 0;
	for (size_t i = 0; i < n && !end; i++) {
		/* (a file the cut left shorter than a half grows to one) */
		map_part(w, i, 0, half);
		if (file_size(w->dir, i) > half)
			map_part(w, i, half, w->part_size);
		w->nparts = i + 1;
		for (size_t k = 0; k < per_part; k++, s++) {
			size_t off = k * RECORD_SIZE;
			if (off >= w->mapped[i] ||
			    !record_ok((const void *)record_at(w, i, off),
					seq)) {
				end = true;
				break;
			}
			seq++;
		}
	}
	*slot = s;
	printf("RECOVERED %zu part file(s), next record %" PRIu64
		" at slot %zu E\n", n, seq, s);
	return seq;
}

static int
do_write(const char *dir, size_t part_size, uint64_t limit)
{
	static struct writer w;
	w.dir = dir;
	w.part_size = part_size;
	struct pmemset_config *cfg;
	if (pmemset_config_new(&cfg) != 0 ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) != 0 ||
	    pmemset_new(&w.set, cfg) != 0)
		die("pmemset_new");
	pmemset_config_delete(&cfg);
	if (pmemset_set_contiguous_part_coalescing(w.set,
			PMEMSET_COALESCING_OPPORTUNISTIC) != 0 ||
	    pmemset_map_config_new(&w.mc) != 0)
		die("set-up");

	size_t slot;
	uint64_t seq = recover(&w, &slot);
	size_t per_part = part_size / RECORD_SIZE;
	size_t half = part_size / 2;
	printf("WRITING E\n");
	fflush(stdout);
	struct record r;
	for (uint64_t done = 0; limit == 0 || done < limit; done++, seq++,
			slot++) {
		size_t i = slot / per_part;
		size_t off = slot % per_part * RECORD_SIZE;
		if (i >= MAX_PARTS) {
			printf("FULL E\n");
			break;
		}
		if (i >= w.nparts) {
			map_part(&w, i, 0, half);
			w.nparts = i + 1;
		}
		if (off >= w.mapped[i])
			map_part(&w, i, w.mapped[i], part_size);
		record_make(&r, seq);
		char *dst = record_at(&w, i, off);
		memcpy(dst, &r, sizeof(r));
		if (pmemset_persist(w.set, dst, sizeof(r)) != 0)
			die("pmemset_persist");
		/* persisted: only now is it reported */
		char name[32];
		part_name(name, sizeof(name), i);
		printf("REC %" PRIu64 " %s %zu %016" PRIx64 " E\n", seq, name,
				off, r.checksum);
	}
	fflush(stdout);
	pmemset_map_config_delete(&w.mc);
	if (pmemset_delete(&w.set) != 0)
		die("pmemset_delete");
	return 0;
}

/* ---- verify ---- */

static int
do_verify(const char *dir, const char *reported)
{
	FILE *f = fopen(reported, "r");
	if (f == NULL) {
		printf("VERIFY FAIL cannot open %s: %s\n", reported,
				strerror(errno));
		return 1;
	}
	char line[512];
	size_t records = 0, maps = 0, lineno = 0;
	size_t max_part = 0;
	bool any_part = false;
	int ret = 0;
	while (ret == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		char name[64], path[4096];
		size_t size, off;
		uint64_t seq, sum;
		struct stat st;
		if (sscanf(line, "MAP %63s %zu E", name, &size) == 2) {
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			maps++;
			if (stat(path, &st) != 0) {
				printf("VERIFY FAIL line %zu: %s was mapped "
					"(size %zu), and is gone: %s\n", lineno,
					name, size, strerror(errno));
				ret = 1;
			} else if ((size_t)st.st_size < size) {
				printf("VERIFY FAIL line %zu: %s was mapped "
					"with size %zu, it has %lld\n", lineno,
					name, size, (long long)st.st_size);
				ret = 1;
			}
			size_t k;
			if (sscanf(name, "part-%zu", &k) == 1) {
				any_part = true;
				max_part = k > max_part ? k : max_part;
			}
		} else if (sscanf(line, "REC %" SCNu64 " %63s %zu %" SCNx64
				" E", &seq, name, &off, &sum) == 4) {
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			records++;
			struct record r;
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			ssize_t got = fd >= 0 ? pread(fd, &r, sizeof(r),
					(off_t)off) : -1;
			if (fd >= 0)
				close(fd);
			if (got != (ssize_t)sizeof(r) || !record_ok(&r, seq) ||
			    r.checksum != sum) {
				printf("VERIFY FAIL line %zu: record %" PRIu64
					" (%s offset %zu) is %s\n", lineno, seq,
					name, off, got != (ssize_t)sizeof(r) ?
					"not there (file missing or short)" :
					"not intact");
				ret = 1;
			}
		}
	}
	fclose(f);
	if (ret == 0)
		printf("VERIFY ok records=%zu maps=%zu files=%zu E\n", records,
			maps, any_part ? max_part + 1 : 0);
	fflush(stdout);
	return ret;
}

static void
usage(void)
{
	fprintf(stderr, "usage: powercut_log write DIR [--part-size BYTES] "
		"[--records N]\n       powercut_log verify DIR REPORTED\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3)
		usage();
	if (strcmp(argv[1], "verify") == 0) {
		if (argc != 4)
			usage();
		return do_verify(argv[2], argv[3]);
	}
	if (strcmp(argv[1], "write") != 0)
		usage();
	size_t part_size = 64 << 10;
	uint64_t limit = 0;
	for (int i = 3; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--part-size") == 0)
			part_size = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--records") == 0)
			limit = strtoull(argv[++i], NULL, 0);
		else
			usage();
	}
	/* two halves of whole pages, each a whole number of records */
	if (part_size < 2 * 4096 || part_size % (2 * 4096) != 0) {
		fprintf(stderr, "powercut_log: --part-size must be a multiple "
			"of 8 KiB\n");
		return 2;
	}
	return do_write(argv[2], part_size, limit);
}
