// SPDX-License-Identifier: BSD-3-Clause
/*
 * report.c -- the results as a readable table, CSV or JSON, and a PNG of
 * the ratios drawn by gnuplot from data files written next to the results.
 *
 * The plot has one panel per granularity and callback setting (ratio
 * against operation size, one line per operation, IQR error bars) and one
 * panel of horizontal bars for every other case, on a log scale so 0.5 and
 * 2 are equally far from 1.
 */
#include <errno.h>
#include <float.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpmemset.h>

#include "bench.h"

extern char **environ;

static void
cpu_model(char *buf, size_t sz)
{
	snprintf(buf, sz, "unknown CPU");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f == NULL)
		return;
	char line[256];
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
			snprintf(buf, sz, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

void
report_header(FILE *f, const struct opts *o)
{
	char cpu[128];
	struct utsname u;
	cpu_model(cpu, sizeof(cpu));
	if (uname(&u) != 0)
		snprintf(u.release, sizeof(u.release), "?");
	fprintf(f, "pmemset-bench: libpmemset %d.%d against libpmem2, files "
		"on %s\n%s, Linux %s\n%u repetitions (map/remove: %u), "
		"samples of %.0f us,\nscale cases at %zu and %zu part "
		"maps%s\n\n", PMEMSET_MAJOR_VERSION, PMEMSET_MINOR_VERSION,
		o->dir, cpu, u.release, o->reps, o->reps_heavy,
		o->sample_ns / 1e3, o->parts_small, o->parts_big,
		o->quick ? " (--quick: not a measurement)" : "");
}

/* ns with as many digits as matter at that size */
static void
fmt_ns(char *buf, size_t sz, double ns)
{
	if (ns < 100)
		snprintf(buf, sz, "%.2f", ns);
	else if (ns < 10000)
		snprintf(buf, sz, "%.1f", ns);
	else
		snprintf(buf, sz, "%.0f", ns);
}

/*
 * A ratio in at most five characters, so a noisy run (a quick run on a shared
 * machine can see A/B in the hundreds) still leaves the table in 100 columns.
 */
static void
fmt_ratio_short(char *buf, size_t sz, double r)
{
	if (r < 10)
		snprintf(buf, sz, "%.3f", r);
	else if (r < 100)
		snprintf(buf, sz, "%.2f", r);
	else if (r < 1000)
		snprintf(buf, sz, "%.1f", r);
	else if (r < 100000)
		snprintf(buf, sz, "%.0f", r);
	else
		snprintf(buf, sz, "%.0e", r);
}

static const char *
verdict(const struct result *r)
{
	return r->met < 0 ? "" : r->met ? "met" : "MISSED";
}

void
report_table(FILE *f)
{
	/*
	 * Two lines a case, so the table reads in 100 columns: group and case,
	 * then A and B (median ns), A/B with its paired IQR, and the target.
	 * The quartiles of A and B are in the CSV and JSON.
	 */
	size_t n = bench_nresults();
	fprintf(f, "ns per operation, median of the repetitions; A/B = "
		"median(A) / median(B),\n[p25-p75] of the ratios paired by "
		"repetition\n");
	int labelw = 0;
	for (size_t i = 0; i < n; i++) {
		const struct result *r = bench_result(i);
		int la = (int)strlen(r->a_label), lb = (int)strlen(r->b_label);
		labelw = la > labelw ? la : labelw;
		labelw = lb > labelw ? lb : labelw;
	}
	const char *last_group = "";
	for (size_t i = 0; i < n; i++) {
		const struct result *r = bench_result(i);
		char am[24], bm[24], med[16], p25[16], p75[16];
		fmt_ns(am, sizeof(am), r->a.median);
		fmt_ns(bm, sizeof(bm), r->b.median);
		fmt_ratio_short(med, sizeof(med), r->ratio_med);
		fmt_ratio_short(p25, sizeof(p25), r->ratio.p25);
		fmt_ratio_short(p75, sizeof(p75), r->ratio.p75);
		if (strcmp(r->group, last_group) != 0)
			fprintf(f, "\n%s\n", r->group);
		last_group = r->group;
		char line[256], target[96] = "";
		int len = snprintf(line, sizeof(line),
			"    %-*s %8s  %-*s %8s  A/B %s [%s-%s]", labelw,
			r->a_label, am, labelw, r->b_label, bm, med, p25, p75);
		if (r->target.text != NULL)
			snprintf(target, sizeof(target), "target %s%s%s",
				r->target.text, r->met < 0 ? "" : " ",
				verdict(r));
		bool fits = len + 2 + (int)strlen(target) <= 100;
		fprintf(f, "  %s\n%s%s%s\n", r->name, line,
			target[0] == '\0' ? "" : fits ? "  " : "\n      ",
			target);
	}
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		const struct result *r = bench_result(i);
		for (unsigned j = 0; j < BENCH_MAX_AUX; j++) {
			if (r->aux_name[j][0] == '\0')
				continue;
			if (first)
				fputs("\nfacts (largest over the "
					"samples):\n", f);
			first = false;
			fprintf(f, "  %s / %s:\n      %s: %s %.0f, %s %.0f\n",
				r->group, r->name, r->aux_name[j], r->a_label,
				r->a_aux[j], r->b_label, r->b_aux[j]);
		}
	}
}

void
report_csv(FILE *f)
{
	fprintf(f, "group,case,a,a_median_ns,a_p25_ns,a_p75_ns,a_min_ns,"
		"a_max_ns,b,b_median_ns,b_p25_ns,b_p75_ns,b_min_ns,b_max_ns,"
		"ratio,ratio_p25,ratio_p75,ratio_min,ratio_max,reps,"
		"ops_per_sample,target,target_met\n");
	for (size_t i = 0; i < bench_nresults(); i++) {
		const struct result *r = bench_result(i);
		fprintf(f, "%s,\"%s\",%s,%.3f,%.3f,%.3f,%.3f,%.3f,"
			"%s,%.3f,%.3f,%.3f,%.3f,%.3f,"
			"%.4f,%.4f,%.4f,%.4f,%.4f,%u,%zu,\"%s\",%s\n",
			r->group, r->name, r->a_label, r->a.median, r->a.p25,
			r->a.p75, r->a.min, r->a.max, r->b_label, r->b.median,
			r->b.p25, r->b.p75, r->b.min, r->b.max, r->ratio_med,
			r->ratio.p25, r->ratio.p75, r->ratio.min, r->ratio.max,
			r->reps, r->iters,
			r->target.text ? r->target.text : "",
			r->met < 0 ? "" : r->met ? "yes" : "no");
	}
}

static void
json_stats(FILE *f, const char *key, const struct stats *s)
{
	fprintf(f, "\"%s\": {\"median\": %.4f, \"p25\": %.4f, \"p75\": %.4f, "
		"\"min\": %.4f, \"max\": %.4f}", key, s->median, s->p25,
		s->p75, s->min, s->max);
}

void
report_json(FILE *f, const struct opts *o)
{
	char when[32];
	time_t now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fprintf(f, "{\n  \"tool\": \"pmemset-bench\",\n  \"date\": \"%s\",\n"
		"  \"unit\": \"ns per operation\",\n"
		"  \"options\": {\"dir\": \"%s\", \"quick\": %s, \"reps\": %u, "
		"\"reps_heavy\": %u, \"sample_ns\": %.0f, \"parts_big\": %zu, "
		"\"parts_small\": %zu},\n  \"results\": [\n", when, o->dir,
		o->quick ? "true" : "false", o->reps, o->reps_heavy,
		o->sample_ns, o->parts_big, o->parts_small);
	size_t n = bench_nresults();
	for (size_t i = 0; i < n; i++) {
		const struct result *r = bench_result(i);
		fprintf(f, "    {\"group\": \"%s\", \"case\": \"%s\", "
			"\"a\": \"%s\", \"b\": \"%s\", \"reps\": %u, "
			"\"ops_per_sample\": %zu, ", r->group, r->name,
			r->a_label, r->b_label, r->reps, r->iters);
		json_stats(f, "a_ns", &r->a);
		fputs(", ", f);
		json_stats(f, "b_ns", &r->b);
		fprintf(f, ", \"ratio\": %.4f, ", r->ratio_med);
		json_stats(f, "paired_ratio", &r->ratio);
		if (r->target.kind != TARGET_NONE)
			fprintf(f, ", \"target\": \"%s\", \"target_met\": %s",
				r->target.text, r->met < 0 ? "null" :
				r->met ? "true" : "false");
		fprintf(f, "}%s\n", i + 1 < n ? "," : "");
	}
	fputs("  ]\n}\n", f);
}

/* a ratio with its paired IQR, as the markdown tables show it */
static void
fmt_ratio(char *buf, size_t sz, const struct result *r)
{
	snprintf(buf, sz, "%.3f (%.3f-%.3f)", r->ratio_med, r->ratio.p25,
			r->ratio.p75);
}

static const struct result *
find_cell(const char *panel, const char *line, size_t size)
{
	for (size_t i = 0; i < bench_nresults(); i++) {
		const struct result *r = bench_result(i);
		if (r->size == size && strcmp(r->panel, panel) == 0 &&
		    strcmp(r->line, line) == 0)
			return r;
	}
	return NULL;
}

void
report_markdown(FILE *f, const struct opts *o)
{
	size_t n = bench_nresults();
	char buf[64];
	fputs("```\n", f);
	report_header(f, o);
	fputs("```\n\n### Targets\n\n| case | A | B | A/B (IQR) | "
		"median A ns | target | |\n|---|---|---|---|---|---|---|\n",
		f);
	for (size_t i = 0; i < n; i++) {
		const struct result *r = bench_result(i);
		if (r->target.kind == TARGET_NONE)
			continue;
		fmt_ratio(buf, sizeof(buf), r);
		fprintf(f, "| %s: %s | %s | %s | %s | %.2f | %s | %s |\n",
			r->group, r->name, r->a_label, r->b_label, buf,
			r->a.median, r->target.text, r->met < 0 ?
			"not judged" : r->met ? "met" : "**missed**");
	}

	/* the data path as a grid: operation and size by granularity */
	const char *panels[16];
	size_t np = 0;
	for (size_t i = 0; i < n && np < 16; i++) {
		const struct result *r = bench_result(i);
		bool seen = r->panel[0] == '\0';
		for (size_t p = 0; p < np && !seen; p++)
			seen = strcmp(panels[p], r->panel) == 0;
		if (!seen)
			panels[np++] = r->panel;
	}
	if (np > 0) {
		fputs("\n### Data path: libpmemset / libpmem2, median (IQR of "
			"paired ratios)\n\n| operation |", f);
		for (size_t p = 0; p < np; p++)
			fprintf(f, " %s |", panels[p]);
		fputs("\n|---|", f);
		for (size_t p = 0; p < np; p++)
			fputs("---|", f);
		fputc('\n', f);
		for (size_t i = 0; i < n; i++) {
			const struct result *r = bench_result(i);
			/* one row per operation and size, at its first panel */
			if (r->panel[0] == '\0' || strcmp(r->panel, panels[0]))
				continue;
			fprintf(f, "| %s |", r->name);
			for (size_t p = 0; p < np; p++) {
				const struct result *c = find_cell(panels[p],
						r->line, r->size);
				if (c != NULL)
					fmt_ratio(buf, sizeof(buf), c);
				fprintf(f, " %s |", c ? buf : "");
			}
			fputc('\n', f);
		}
	}

	fputs("\n### Other cases (ns per operation, median)\n\n"
		"| group | case | A | A ns | B | B ns | A/B (IQR) |\n"
		"|---|---|---|---|---|---|---|\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct result *r = bench_result(i);
		if (r->panel[0] != '\0')
			continue;
		fmt_ratio(buf, sizeof(buf), r);
		fprintf(f, "| %s | %s | %s | %.1f | %s | %.1f | %s |\n",
			r->group, r->name, r->a_label, r->a.median, r->b_label,
			r->b.median, buf);
	}
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		const struct result *r = bench_result(i);
		for (unsigned j = 0; j < BENCH_MAX_AUX; j++) {
			if (r->aux_name[j][0] == '\0')
				continue;
			if (first)
				fputs("\n### Facts (largest over the "
					"samples)\n\n"
					"| case | fact | A | B |\n"
					"|---|---|---|---|\n", f);
			first = false;
			fprintf(f, "| %s: %s | %s | %s %.0f | %s %.0f |\n",
				r->group, r->name, r->aux_name[j], r->a_label,
				r->a_aux[j], r->b_label, r->b_aux[j]);
		}
	}
}

static int
write_file(const char *dir, const char *name, void (*fn)(FILE *, const void *),
		const void *arg)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		bench_fail("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	fn(f, arg);
	if (fclose(f) != 0) {
		bench_fail("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void
table_to(FILE *f, const void *arg)
{
	report_header(f, arg);
	report_table(f);
}

static void
markdown_to(FILE *f, const void *arg)
{
	report_markdown(f, arg);
}

static void
csv_to(FILE *f, const void *arg)
{
	(void) arg;
	report_csv(f);
}

static void
json_to(FILE *f, const void *arg)
{
	report_json(f, arg);
}

/* the distinct panels and lines of the data-path results, in run order */
struct names {
	char v[16][48];
	size_t n;
};

static size_t
name_index(struct names *ns, const char *s)
{
	for (size_t i = 0; i < ns->n; i++)
		if (strcmp(ns->v[i], s) == 0)
			return i;
	if (ns->n == 16)
		return (size_t)-1;
	snprintf(ns->v[ns->n], sizeof(ns->v[0]), "%s", s);
	return ns->n++;
}

struct plot_layout {
	struct names panels, lines;
	/* gnuplot index of each (panel, line) block with data, -1: none */
	int index[16][16];
	double lo[16], hi[16];	/* y range of each panel, from the medians */
	size_t nbars;
};

static void
data_blocks(FILE *f, const void *arg)
{
	const struct plot_layout *L = arg;
	for (size_t p = 0; p < L->panels.n; p++) {
		for (size_t l = 0; l < L->lines.n; l++) {
			if (L->index[p][l] < 0)
				continue;
			fprintf(f, "# %s / %s\n", L->panels.v[p],
					L->lines.v[l]);
			for (size_t i = 0; i < bench_nresults(); i++) {
				const struct result *r = bench_result(i);
				if (strcmp(r->panel, L->panels.v[p]) == 0 &&
				    strcmp(r->line, L->lines.v[l]) == 0)
					fprintf(f, "%zu %.4f %.4f %.4f\n",
						r->size, r->ratio_med,
						r->ratio.p25, r->ratio.p75);
			}
			fputs("\n\n", f);
		}
	}
}

static void
bar_rows(FILE *f, const void *arg)
{
	(void) arg;
	size_t k = 0;
	fputs("# index ratio p25 p75 box_lo box_hi target label\n", f);
	for (size_t i = 0; i < bench_nresults(); i++) {
		const struct result *r = bench_result(i);
		if (r->panel[0] != '\0')
			continue;
		double lo = r->ratio_med < 1 ? r->ratio_med : 1;
		double hi = r->ratio_med < 1 ? 1 : r->ratio_med;
		double tgt = r->target.kind == TARGET_RATIO ?
				r->target.value : -1;
		fprintf(f, "%zu %.4f %.4f %.4f %.4f %.4f %.4f "
			"\"%s: %s (%s/%s)\"\n",
			k++, r->ratio_med, r->ratio.p25, r->ratio.p75, lo, hi,
			tgt, r->group, r->name, r->a_label, r->b_label);
	}
}

static void
plot_script(FILE *f, const void *arg)
{
	const struct plot_layout *L = arg;
	const int panel_h = 360, bar_h = 17, bars_extra = 140;
	size_t rows = (L->panels.n + 1) / 2;
	int bars_h = L->nbars ? (int)L->nbars * bar_h + bars_extra : 0;
	int height = (int)rows * panel_h + bars_h + 40;
	fprintf(f, "set terminal pngcairo noenhanced size 1500,%d "
		"font ',9'\n", height);
	fputs("set output 'ratios.png'\nset multiplot title "
		"'pmemset-bench: libpmemset / libpmem2, median of alternating "
		"repetitions (bars: IQR of paired ratios)'\n", f);
	fputs("set grid\nset key top left\nset logscale x 2\n"
		"set xtics ('8' 8, '64' 64, '256' 256, '4K' 4096, '64K' 65536, "
		"'1M' 1048576, '16M' 16777216)\nset xlabel 'bytes'\n"
		"set ylabel 'A / B'\nset xrange [5:24000000]\n", f);
	double ph = (double)panel_h / height, top = 1.0 - 40.0 / height;
	for (size_t p = 0; p < L->panels.n; p++) {
		double x = (p % 2) * 0.5, y = top - (double)(p / 2 + 1) * ph;
		/* the medians decide the scale; a wild IQR is cut off */
		double lo = L->lo[p] < 0.9 ? L->lo[p] * 0.95 : 0.85;
		double hi = L->hi[p] > 1.1 ? L->hi[p] * 1.1 : 1.15;
		fprintf(f, "set origin %.4f,%.4f\nset size 0.5,%.4f\n"
			"set yrange [%.3f:%.3f]\nset title '%s'\n"
			"plot 1 notitle dt 2 lc 'black'", x, y, ph, lo, hi,
			L->panels.v[p]);
		for (size_t l = 0; l < L->lines.n; l++)
			if (L->index[p][l] >= 0)
				fprintf(f, ", 'ratios-data.dat' index %d using "
					"1:2:3:4 with yerrorlines title '%s'",
					L->index[p][l], L->lines.v[l]);
		fputc('\n', f);
	}
	if (L->nbars > 0) {
		fprintf(f, "set origin 0,0\nset size 1,%.4f\n",
				(double)bars_h / height);
		fputs("unset xtics\nset xtics\nset logscale x 10\n"
			"set xrange [*:*]\nset xlabel 'A / B (log scale)'\n"
			"unset ylabel\nset lmargin 95\nset ytics font ',8'\n"
			"set title 'other cases: A / B'\n", f);
		fprintf(f, "set yrange [%zu.5:-0.5]\n", L->nbars - 1);
		fputs("plot 'ratios-bars.dat' using 2:1:5:6:($1-0.35):($1+0.35)"
			":ytic(8) with boxxyerror fs solid 0.4 title 'A / B', "
			"'' using 2:1:3:4 with xerrorbars pt 7 ps 0.5 "
			"lc 'black' title 'IQR', "
			"'' using ($7 > 0 ? $7 : 1/0):1 with points pt 2 "
			"ps 1.5 lc 'red' title 'target'\n", f);
	}
	fputs("unset multiplot\n", f);
}

static int
run_gnuplot(const char *dir)
{
	char *argv[] = {"gnuplot", "ratios.gp", NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	/* gnuplot resolves the data and output names against dir */
	int ret = posix_spawn_file_actions_addchdir_np(&fa, dir);
	pid_t pid;
	if (ret == 0)
		ret = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret != 0) {
		fprintf(stderr, "pmemset-bench: note: no plot, cannot run "
				"gnuplot: %s\n", strerror(ret));
		return 0;
	}
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		bench_fail("gnuplot did not finish");
		return -1;
	}
	if (WEXITSTATUS(status) == 127) {
		fprintf(stderr, "pmemset-bench: note: no plot, gnuplot is "
				"not installed\n");
		return 0;
	}
	if (WEXITSTATUS(status) != 0) {
		bench_fail("gnuplot failed (exit %d) on %s/ratios.gp",
				WEXITSTATUS(status), dir);
		return -1;
	}
	return 0;
}

int
report_files(const char *dir, const struct opts *o)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		bench_fail("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	struct plot_layout L;
	memset(&L, 0, sizeof(L));
	bool has[16][16];
	memset(has, 0, sizeof(has));
	for (size_t p = 0; p < 16; p++) {
		L.lo[p] = DBL_MAX;
		L.hi[p] = 0;
	}
	for (size_t i = 0; i < bench_nresults(); i++) {
		const struct result *r = bench_result(i);
		if (r->panel[0] == '\0') {
			L.nbars++;
			continue;
		}
		size_t p = name_index(&L.panels, r->panel);
		size_t l = name_index(&L.lines, r->line);
		if (p == (size_t)-1 || l == (size_t)-1)
			continue;
		has[p][l] = true;
		if (r->ratio_med < L.lo[p])
			L.lo[p] = r->ratio_med;
		if (r->ratio_med > L.hi[p])
			L.hi[p] = r->ratio_med;
	}
	/* blocks are written in panel-major order, only those with data */
	int next = 0;
	for (size_t p = 0; p < 16; p++)
		for (size_t l = 0; l < 16; l++)
			L.index[p][l] = has[p][l] ? next++ : -1;
	if (write_file(dir, "results.txt", table_to, o) != 0 ||
	    write_file(dir, "results.csv", csv_to, NULL) != 0 ||
	    write_file(dir, "results.json", json_to, o) != 0 ||
	    write_file(dir, "summary.md", markdown_to, o) != 0 ||
	    write_file(dir, "ratios-data.dat", data_blocks, &L) != 0 ||
	    write_file(dir, "ratios-bars.dat", bar_rows, NULL) != 0 ||
	    write_file(dir, "ratios.gp", plot_script, &L) != 0)
		return -1;
	if (L.panels.n == 0 && L.nbars == 0)
		return 0;
	return run_gnuplot(dir);
}
