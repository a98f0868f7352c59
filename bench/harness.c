// SPDX-License-Identifier: BSD-3-Clause
/*
 * harness.c -- runs the two sides of a case alternately in one process and
 * keeps the statistics.
 *
 * Each repetition times one sample of side A and one of side B; the order
 * flips every repetition so neither side always runs warm (or always right
 * after the other one polluted the caches). A light case is calibrated once
 * so a sample lasts about opts.sample_ns; both sides then use the same
 * number of operations. The headline is median(A) / median(B); the spread
 * of the ratios paired by repetition shows how much to trust it.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static struct opts O;
static struct result *Results;
static size_t Nresults, Capresults;
static unsigned Failures;

void
bench_init(const struct opts *o)
{
	O = *o;
}

double
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

void
bench_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("pmemset-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	Failures++;
}

unsigned
bench_failures(void)
{
	return Failures;
}

bool
bench_selected(const char *group, const char *name)
{
	if (O.filter == NULL)
		return true;
	char full[160];
	snprintf(full, sizeof(full), "%s/%s", group, name);
	return strstr(full, O.filter) != NULL;
}

bool
pair_selected(const struct pair *p)
{
	unsigned nm = p->nmetrics ? p->nmetrics : 1;
	for (unsigned m = 0; m < nm; m++)
		if (bench_selected(p->group, p->name[m]))
			return true;
	return false;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* linear interpolation between the closest ranks of sorted v */
static double
quantile(const double *v, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)pos;
	if (lo + 1 >= n)
		return v[n - 1];
	double frac = pos - (double)lo;
	return v[lo] + (v[lo + 1] - v[lo]) * frac;
}

/* sorts v in place */
void
stats_of(double *v, size_t n, struct stats *s)
{
	if (n == 0) {
		memset(s, 0, sizeof(*s));
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	s->min = v[0];
	s->max = v[n - 1];
	s->median = quantile(v, n, 0.5);
	s->p25 = quantile(v, n, 0.25);
	s->p75 = quantile(v, n, 0.75);
}

static struct result *new_result(void);

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* what a child sends back before it exits */
struct child_head {
	int ret;
	unsigned failures;
	size_t nresults;
};

/*
 * Forks; the child runs fn(arg) and sends back its status, its failure
 * count and `extra` bytes from `out` (filled by fn). Returns fn's status.
 */
static int
in_child(int (*fn)(void *), void *arg, void *out, size_t extra)
{
	int fds[2];
	if (pipe(fds) != 0) {
		bench_fail("pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		bench_fail("fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		size_t before = Nresults;
		Failures = 0;
		struct child_head h = {fn(arg), 0, 0};
		h.failures = Failures;
		h.nresults = Nresults - before;
		int bad = write_all(fds[1], &h, sizeof(h)) ||
			write_all(fds[1], out, extra) ||
			write_all(fds[1], Results + before,
				h.nresults * sizeof(*Results));
		fflush(stderr);
		_exit(bad ? 3 : 0);
	}
	close(fds[1]);
	struct child_head h;
	int ret = read_all(fds[0], &h, sizeof(h));
	if (ret == 0)
		ret = read_all(fds[0], out, extra);
	for (size_t i = 0; ret == 0 && i < h.nresults; i++) {
		struct result r;
		ret = read_all(fds[0], &r, sizeof(r));
		if (ret == 0)
			*new_result() = r;
	}
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ret != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		bench_fail("a child process died (status 0x%x)", status);
		return -1;
	}
	Failures += h.failures;
	return h.ret;
}

struct side_call {
	side_fn *fn;
	void *arg;
	size_t iters;
	double *slots;
};

static int
call_side(void *arg)
{
	struct side_call *c = arg;
	return c->fn(c->arg, c->iters, c->slots);
}

static int
run_side(const struct pair *p, side_fn *fn, void *arg, size_t iters,
		double *slots)
{
	for (size_t i = 0; i < BENCH_SLOTS; i++)
		slots[i] = 0;
	if (!p->isolate)
		return fn(arg, iters, slots);
	struct side_call c = {fn, arg, iters, slots};
	return in_child(call_side, &c, slots, BENCH_SLOTS * sizeof(double));
}

struct group_call {
	int (*group)(const struct opts *);
	const struct opts *o;
};

static int
call_group(void *arg)
{
	struct group_call *c = arg;
	return c->group(c->o);
}

int
bench_isolated(int (*group)(const struct opts *), const struct opts *o)
{
	struct group_call c = {group, o};
	return in_child(call_group, &c, NULL, 0);
}

/* iterations for one sample of about O.sample_ns, measured on side A */
static int
calibrate(const struct pair *p, size_t *iters_out)
{
	double ns[BENCH_SLOTS];
	size_t iters = 1;
	for (;;) {
		if (run_side(p, p->a, p->a_arg, iters, ns) != 0)
			return -1;
		double total = ns[0] * (double)iters;
		if (total >= O.sample_ns || iters >= ((size_t)1 << 30))
			break;
		double grow = total > 0 ? O.sample_ns / total * 1.1 : 16.0;
		if (grow < 2)
			grow = 2;
		if (grow > 1024)
			grow = 1024;
		iters = (size_t)ceil((double)iters * grow);
	}
	/* warm side B with the same amount of work */
	if (run_side(p, p->b, p->b_arg, iters, ns) != 0)
		return -1;
	*iters_out = iters;
	return 0;
}

static struct result *
new_result(void)
{
	if (Nresults == Capresults) {
		size_t cap = Capresults ? Capresults * 2 : 64;
		struct result *r = realloc(Results, cap * sizeof(*r));
		if (r == NULL) {
			perror("pmemset-bench: realloc");
			exit(2);
		}
		Results = r;
		Capresults = cap;
	}
	struct result *r = &Results[Nresults++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void
add_result(const struct pair *p, unsigned m, unsigned reps, size_t iters,
		double *a, double *b, double *ratio, const double *a_aux,
		const double *b_aux)
{
	struct result *r = new_result();
	unsigned nm = p->nmetrics ? p->nmetrics : 1;
	/* the facts belong to the whole sample: show them once, at the end */
	for (unsigned j = 0; j < BENCH_MAX_AUX && m + 1 == nm; j++) {
		if (p->aux_name[j] == NULL)
			continue;
		snprintf(r->aux_name[j], sizeof(r->aux_name[j]), "%s",
				p->aux_name[j]);
		r->a_aux[j] = a_aux[j];
		r->b_aux[j] = b_aux[j];
	}
	snprintf(r->group, sizeof(r->group), "%s", p->group);
	snprintf(r->name, sizeof(r->name), "%s", p->name[m]);
	snprintf(r->a_label, sizeof(r->a_label), "%s", p->a_label);
	snprintf(r->b_label, sizeof(r->b_label), "%s", p->b_label);
	snprintf(r->panel, sizeof(r->panel), "%s", p->panel ? p->panel : "");
	snprintf(r->line, sizeof(r->line), "%s", p->line ? p->line : "");
	r->size = p->size;
	r->reps = reps;
	r->iters = iters;
	for (unsigned i = 0; i < reps; i++)
		ratio[i] = b[i] > 0 ? a[i] / b[i] : 0;
	stats_of(a, reps, &r->a);
	stats_of(b, reps, &r->b);
	stats_of(ratio, reps, &r->ratio);
	r->ratio_med = r->b.median > 0 ? r->a.median / r->b.median : 0;
	r->target = p->target[m];
	/* --quick numbers mean nothing: judge no target with them */
	switch (O.quick ? TARGET_NONE : r->target.kind) {
	case TARGET_RATIO:
		r->met = r->ratio_med <= r->target.value;
		break;
	case TARGET_NS_A:
		r->met = r->a.median <= r->target.value;
		break;
	default:
		r->met = -1;
		break;
	}
}

int
bench_run(const struct pair *p)
{
	if (!pair_selected(p))
		return 0;
	unsigned nm = p->nmetrics ? p->nmetrics : 1;
	unsigned reps = p->fixed_iters ? O.reps_heavy : O.reps;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "  %-12s %s\n", p->group, p->name[0]);

	size_t iters = p->fixed_iters;
	if (iters == 0 && calibrate(p, &iters) != 0)
		return -1;

	size_t n = (size_t)reps * nm;
	double *a = calloc(n, sizeof(double));
	double *b = calloc(n, sizeof(double));
	double *ratio = calloc(reps, sizeof(double));
	if (a == NULL || b == NULL || ratio == NULL) {
		perror("pmemset-bench: calloc");
		exit(2);
	}
	int ret = 0;
	double a_aux[BENCH_MAX_AUX] = {0}, b_aux[BENCH_MAX_AUX] = {0};
	for (unsigned r = 0; r < reps && ret == 0; r++) {
		double na[BENCH_SLOTS], nb[BENCH_SLOTS];
		if (r % 2 == 0)
			ret = run_side(p, p->a, p->a_arg, iters, na) ?:
				run_side(p, p->b, p->b_arg, iters, nb);
		else
			ret = run_side(p, p->b, p->b_arg, iters, nb) ?:
				run_side(p, p->a, p->a_arg, iters, na);
		/* metric-major, so each metric's samples are contiguous */
		for (unsigned m = 0; m < nm; m++) {
			a[m * reps + r] = na[m];
			b[m * reps + r] = nb[m];
		}
		for (unsigned j = 0; j < BENCH_MAX_AUX; j++) {
			double va = na[BENCH_MAX_METRICS + j];
			double vb = nb[BENCH_MAX_METRICS + j];
			a_aux[j] = r == 0 || va > a_aux[j] ? va : a_aux[j];
			b_aux[j] = r == 0 || vb > b_aux[j] ? vb : b_aux[j];
		}
	}
	if (ret == 0)
		for (unsigned m = 0; m < nm; m++)
			add_result(p, m, reps, iters, &a[m * reps],
					&b[m * reps], ratio, a_aux, b_aux);
	free(a);
	free(b);
	free(ratio);
	return ret;
}

size_t
bench_nresults(void)
{
	return Nresults;
}

const struct result *
bench_result(size_t i)
{
	return &Results[i];
}
