/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench.h -- pmemset-bench: the harness that runs two sides of a case
 * alternately in one process (harness.c), the results it keeps, the
 * reports (report.c), the raw libpmem2 helpers (raw.c) and the case groups.
 */
#ifndef PMEMSET_BENCH_H
#define PMEMSET_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libpmem2.h>
#include <libpmemset.h>

#define BENCH_MAX_METRICS 2
/* untimed facts a side reports, e.g. VMAs left behind (max over samples) */
#define BENCH_MAX_AUX 3
/* what a side fills: metrics first, then the auxiliary values */
#define BENCH_SLOTS (BENCH_MAX_METRICS + BENCH_MAX_AUX)
#define BENCH_NAME_LEN 96
#define BENCH_LABEL_LEN 24

enum bench_format { FMT_TABLE, FMT_CSV, FMT_JSON };

struct opts {
	const char *dir;	/* where files are created */
	const char *out;	/* results and plot go here; NULL: none */
	const char *filter;	/* run only cases whose "group/name" has it */
	enum bench_format format;
	bool quick;
	unsigned reps;		/* repetitions of light cases */
	unsigned reps_heavy;	/* repetitions of map/remove cases */
	double sample_ns;	/* length of one timed sample of a light case */
	size_t parts_big;	/* part maps in the scale cases */
	size_t parts_small;
	size_t max_size;	/* largest data-path size */
	unsigned threads;	/* side A of the threads group */
};

struct stats {
	double median, p25, p75, min, max;
};

enum target_kind {
	TARGET_NONE,
	TARGET_RATIO,	/* median(A) / median(B) at most `target` */
	TARGET_NS_A,	/* median(A) at most `target` ns */
};

struct target {
	enum target_kind kind;
	double value;
	const char *text;	/* how the report shows it, e.g. "<=1.25" */
};

struct result {
	char group[32];
	char name[BENCH_NAME_LEN];
	char a_label[BENCH_LABEL_LEN], b_label[BENCH_LABEL_LEN];
	unsigned reps;
	size_t iters;		/* operations per sample */
	struct stats a, b;	/* ns per operation */
	struct stats ratio;	/* of the samples paired by repetition */
	double ratio_med;	/* median(A) / median(B): the headline */
	struct target target;
	int met;		/* 1 met, 0 missed, -1 no target */

	char aux_name[BENCH_MAX_AUX][40];	/* empty: unused */
	double a_aux[BENCH_MAX_AUX], b_aux[BENCH_MAX_AUX];

	/* where the plot puts it: a data-path line, or a bar */
	char panel[48];		/* empty: a bar in the "other" panel */
	char line[24];
	size_t size;
};

/*
 * One side of a case: performs `iters` operations and stores the elapsed
 * nanoseconds per operation of every metric in ns[0..nmetrics), and any
 * auxiliary values in ns[BENCH_MAX_METRICS + j]. ns has BENCH_SLOTS
 * entries. Returns 0, or -1 when something failed (already reported).
 */
typedef int side_fn(void *arg, size_t iters, double *ns);

struct pair {
	const char *group;
	char name[BENCH_MAX_METRICS][BENCH_NAME_LEN];
	unsigned nmetrics;	/* 0 counts as 1 */
	char a_label[BENCH_LABEL_LEN], b_label[BENCH_LABEL_LEN];
	side_fn *a, *b;
	void *a_arg, *b_arg;
	/* heavy cases: this many operations per sample, no calibration */
	size_t fixed_iters;
	/*
	 * Run every sample in a child process, so what a sample leaves
	 * behind (address space, kernel mappings) cannot pile up.
	 */
	bool isolate;
	const char *aux_name[BENCH_MAX_AUX];
	struct target target[BENCH_MAX_METRICS];
	const char *panel, *line;
	size_t size;
};

/* harness.c */
void bench_init(const struct opts *o);
double now_ns(void);
bool bench_selected(const char *group, const char *name);
bool pair_selected(const struct pair *p);
/* runs the pair if selected; 0, or -1 if a side failed */
int bench_run(const struct pair *p);
size_t bench_nresults(void);
const struct result *bench_result(size_t i);
void bench_fail(const char *fmt, ...)
	__attribute__((__format__(__printf__, 1, 2)));
unsigned bench_failures(void);
/*
 * Runs a whole case group in a child process and keeps its results: a
 * group that cannot clean up after itself (libpmem2 leaks) leaves nothing
 * behind in the process that runs the next group.
 */
int bench_isolated(int (*group)(const struct opts *), const struct opts *o);
void stats_of(double *v, size_t n, struct stats *s);

/* report.c */
void report_header(FILE *f, const struct opts *o);
void report_table(FILE *f);
void report_csv(FILE *f);
void report_json(FILE *f, const struct opts *o);
/* targets, the data path as a grid, the other cases: for README.md */
void report_markdown(FILE *f, const struct opts *o);
/* writes results.{txt,csv,json}, summary.md and ratios.png; 0 or -1 */
int report_files(const char *dir, const struct opts *o);

/* raw.c: the libpmem2 side, used the way an application would */
int raw_tmpfile(const char *dir, size_t size);
int raw_map(struct pmem2_map **map, struct pmem2_source *src,
		enum pmem2_granularity g, size_t offset, size_t length,
		struct pmem2_vm_reservation *rsv, size_t rsv_offset);
const char *gran_name(enum pmem2_granularity g);
void force_granularity(enum pmem2_granularity g);
void unforce_granularity(void);
void shuffle(size_t *v, size_t n, uint64_t *seed);
/* what the process has mapped: kernel mappings, and PROT_NONE address space */
struct vm_usage {
	long vmas;
	long prot_none_kib;
};
int vm_usage(struct vm_usage *u);
/* how many of the addresses still lie in a file mapping; -1 on error */
long still_file_mapped(char *const *addr, size_t n);
uint64_t rnd(uint64_t *seed);

/* setup.c: the parts of the scale cases are this big */
#define PART_SIZE ((size_t)4096)
/* a set needing granularity g; cb and coalescing optional; 0 or error */
int bench_set_new(struct pmemset **set, enum pmem2_granularity g,
		pmemset_event_callback *cb, enum pmemset_coalescing coal);
/* the same, the callback given only the events in mask */
int bench_set_new_masked(struct pmemset **set, enum pmem2_granularity g,
		pmemset_event_callback *cb, uint64_t mask,
		enum pmemset_coalescing coal);
/*
 * Maps n parts of PART_SIZE from src at first_offset, first_offset +
 * PART_SIZE, ... (one pmemset_map each) and stores where each landed when
 * part_addr is not NULL. Returns the elapsed ns, or -1.
 */
double map_parts(struct pmemset *set, struct pmemset_source *src, size_t n,
		size_t first_offset, char **part_addr);
/*
 * Removes every part map of the set, first_part_map + remove_part_map
 * until none is left. Returns the elapsed ns and the count in *removed,
 * or -1.
 */
double remove_part_maps(struct pmemset *set, size_t *removed);

/* the case groups: 0, or -1 when a setup failed */
int cases_data(const struct opts *o);
int cases_parts(const struct opts *o);
int cases_stat(const struct opts *o);
int cases_threads(const struct opts *o);

#endif
