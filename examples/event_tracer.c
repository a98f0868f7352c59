// SPDX-License-Identifier: BSD-3-Clause
/*
 * event_tracer.c -- prints every event of a small session: two parts
 * mapped with coalescing, writes through the set, a removed range, delete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>

#define KIB ((size_t)1024)

struct tracer {
	char *base; /* addresses are printed as offsets from here */
	int n;
};

static long
rel(struct tracer *t, void *p)
{
	return (long)((char *)p - t->base);
}

static int
trace(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) set;
	struct tracer *t = arg;
	int n = ++t->n;
	switch (ctx->type) {
	case PMEMSET_EVENT_COPY:
		printf("%2d COPY         dest=+%ld len=%zu flags=0x%x\n", n,
			rel(t, ctx->data.copy.dest), ctx->data.copy.len,
			ctx->data.copy.flags);
		break;
	case PMEMSET_EVENT_MOVE:
		printf("%2d MOVE         dest=+%ld src=+%ld len=%zu\n", n,
			rel(t, ctx->data.move.dest), rel(t, ctx->data.move.src),
			ctx->data.move.len);
		break;
	case PMEMSET_EVENT_SET:
		printf("%2d SET          dest=+%ld value=%d len=%zu\n", n,
			rel(t, ctx->data.set.dest), ctx->data.set.value,
			ctx->data.set.len);
		break;
	case PMEMSET_EVENT_FLUSH:
		printf("%2d FLUSH        addr=+%ld len=%zu\n", n,
			rel(t, ctx->data.flush.addr), ctx->data.flush.len);
		break;
	case PMEMSET_EVENT_DRAIN:
		printf("%2d DRAIN\n", n);
		break;
	case PMEMSET_EVENT_REMOVE_RANGE:
		printf("%2d REMOVE_RANGE addr=+%ld len=%zu\n", n,
			rel(t, ctx->data.remove_range.addr),
			ctx->data.remove_range.len);
		break;
	case PMEMSET_EVENT_PART_ADD:
		if (t->base == NULL)
			t->base = ctx->data.part_add.addr;
		printf("%2d PART_ADD     addr=+%ld len=%zu\n", n,
			rel(t, ctx->data.part_add.addr), ctx->data.part_add.len);
		break;
	case PMEMSET_EVENT_PART_REMOVE:
		printf("%2d PART_REMOVE  addr=+%ld len=%zu first byte '%c'\n", n,
			rel(t, ctx->data.part_remove.addr),
			ctx->data.part_remove.len,
			*(char *)ctx->data.part_remove.addr);
		break;
	default:
		printf("%2d event %d\n", n, (int)ctx->type);
		break;
	}
	return 0;
}

static void __attribute__((noreturn))
die(const char *what)
{
	pmemset_perror("%s", what);
	exit(1);
}

int
main(void)
{
	const char *dir = getenv("PMEMSET_TEST_DIR");
	struct tracer t = {NULL, 0};
	struct pmemset_config *cfg;
	struct pmemset *set;
	struct pmemset_source *src;
	if (pmemset_config_new(&cfg) ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE))
		die("config");
	pmemset_config_set_event_callback(cfg, trace, &t);
	if (pmemset_new(&set, cfg) ||
	    pmemset_source_from_temporary(&src, dir ? dir : "/tmp"))
		die("set");
	pmemset_config_delete(&cfg);
	pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_OPPORTUNISTIC);

	struct pmemset_map_config *mc;
	struct pmemset_part_descriptor d;
	pmemset_map_config_new(&mc);
	pmemset_map_config_set_length(mc, 64 * KIB);
	printf("-- map two 64 KiB parts\n");
	if (pmemset_map(set, src, mc, &d))
		die("map 1");
	pmemset_map_config_set_offset(mc, 64 * KIB);
	if (pmemset_map(set, src, mc, &d))
		die("map 2");
	pmemset_map_config_delete(&mc);
	printf("   part map: %zu KiB\n", d.size / KIB);

	char *p = d.addr;
	printf("-- write\n");
	pmemset_memcpy(set, p, "hello", 6, 0);
	pmemset_memset(set, p + 64 * KIB, 'x', 100, PMEMSET_F_MEM_NODRAIN);
	pmemset_memmove(set, p + 10, p, 6, PMEMSET_F_MEM_NOFLUSH);
	pmemset_flush(set, p + 10, 6);
	pmemset_drain(set);
	pmemset_persist(set, p, 16);

	printf("-- remove the second part\n");
	if (pmemset_remove_range(set, p + 64 * KIB, 1))
		die("remove_range");
	printf("-- delete the set\n");
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	printf("%d events\n", t.n);
	return 0;
}
