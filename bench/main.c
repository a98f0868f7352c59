// SPDX-License-Identifier: BSD-3-Clause
/*
 * main.c -- pmemset-bench: libpmemset against raw libpmem2, side by side in
 * one process. Options, the order of the case groups, and the output.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static void
usage(FILE *f)
{
	fputs("usage: pmemset-bench [options]\n"
		"  --dir DIR        create the benchmark files in DIR "
		"(default /dev/shm)\n"
		"  --out DIR        write results.{txt,csv,json}, summary.md "
		"and\n"
		"                   ratios.png into DIR\n"
		"  --csv, --json    print CSV or JSON instead of the table\n"
		"  --quick          every case, briefly (numbers are not "
		"meaningful)\n"
		"  --reps N         repetitions of each case (default 21; "
		"map/remove: 15)\n"
		"  --sample-us US   length of one timed sample (default 2000)\n"
		"  --parts N        part maps in the scale cases (default "
		"10000; small: 1000)\n"
		"  --filter TEXT    run only cases whose group/name contains "
		"TEXT\n"
		"  --threads N      threads of side A in the threads group "
		"(default 2)\n"
		"  --help\n", f);
}

static bool
parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v == 0)
		return false;
	*out = (size_t)v;
	return true;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	enum { O_DIR = 256, O_OUT, O_CSV, O_JSON, O_QUICK, O_REPS, O_SAMPLE,
		O_PARTS, O_FILTER, O_THREADS, O_HELP };
	static const struct option longopts[] = {
		{"dir", required_argument, NULL, O_DIR},
		{"out", required_argument, NULL, O_OUT},
		{"csv", no_argument, NULL, O_CSV},
		{"json", no_argument, NULL, O_JSON},
		{"quick", no_argument, NULL, O_QUICK},
		{"reps", required_argument, NULL, O_REPS},
		{"sample-us", required_argument, NULL, O_SAMPLE},
		{"parts", required_argument, NULL, O_PARTS},
		{"filter", required_argument, NULL, O_FILTER},
		{"threads", required_argument, NULL, O_THREADS},
		{"help", no_argument, NULL, O_HELP},
		{NULL, 0, NULL, 0},
	};
	size_t reps = 0, sample_us = 0, parts = 0, threads = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_DIR:
			o->dir = optarg;
			break;
		case O_OUT:
			o->out = optarg;
			break;
		case O_CSV:
			o->format = FMT_CSV;
			break;
		case O_JSON:
			o->format = FMT_JSON;
			break;
		case O_QUICK:
			o->quick = true;
			break;
		case O_REPS:
			if (!parse_size(optarg, &reps) || reps > 100000)
				goto bad;
			break;
		case O_SAMPLE:
			if (!parse_size(optarg, &sample_us))
				goto bad;
			break;
		case O_PARTS:
			if (!parse_size(optarg, &parts) || parts < 2 ||
			    parts > 30000)
				goto bad;
			break;
		case O_FILTER:
			o->filter = optarg;
			break;
		case O_THREADS:
			if (!parse_size(optarg, &threads) || threads > 64)
				goto bad;
			o->threads = (unsigned)threads;
			break;
		case O_HELP:
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc)
		goto bad;

	if (o->quick) {
		/* enough to run every path; medians of 3 mean nothing */
		o->reps = 3;
		o->reps_heavy = 3;
		o->sample_ns = 50e3;
		o->parts_big = 2000;
	}
	if (reps) {
		o->reps = (unsigned)reps;
		o->reps_heavy = (unsigned)reps;
	}
	if (sample_us)
		o->sample_ns = (double)sample_us * 1e3;
	if (parts) {
		o->parts_big = parts;
		if (o->parts_small > parts / 2)
			o->parts_small = parts / 2;
	}
	return 0;
bad:
	fprintf(stderr, "pmemset-bench: bad argument near \"%s\"\n",
			optind <= argc ? argv[optind - 1] : "");
	usage(stderr);
	return -1;
}

int
main(int argc, char **argv)
{
	struct opts o = {
		.dir = "/dev/shm",
		.format = FMT_TABLE,
		.reps = 21,
		.reps_heavy = 15,
		.sample_ns = 2e6,
		.parts_big = 10000,
		.parts_small = 1000,
		.max_size = 16u << 20,
		.threads = 2,
	};
	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	bench_init(&o);

	int ret = cases_data(&o);
	if (cases_parts(&o) != 0)
		ret = -1;
	/* the observer's sets leak like the lookup ones: keep them apart */
	if (bench_isolated(cases_stat, &o) != 0)
		ret = -1;
	if (cases_threads(&o) != 0)
		ret = -1;

	switch (o.format) {
	case FMT_CSV:
		report_csv(stdout);
		break;
	case FMT_JSON:
		report_json(stdout, &o);
		break;
	default:
		report_header(stdout, &o);
		report_table(stdout);
		break;
	}
	fflush(stdout);
	if (o.out != NULL && report_files(o.out, &o) != 0)
		ret = -1;
	if (ret != 0 || bench_failures() != 0) {
		fprintf(stderr, "pmemset-bench: %u failure(s)\n",
				bench_failures());
		return 1;
	}
	return 0;
}
