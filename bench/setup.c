// SPDX-License-Identifier: BSD-3-Clause
/*
 * setup.c -- the libpmemset side's set-up, shared by the case groups: a set
 * of a given granularity, callback and coalescing, and parts of PART_SIZE
 * mapped into it one pmemset_map call each.
 */
#include "bench.h"

int
bench_set_new(struct pmemset **set, enum pmem2_granularity g,
		pmemset_event_callback *cb, enum pmemset_coalescing coal)
{
	return bench_set_new_masked(set, g, cb, PMEMSET_EVENT_MASK_ALL, coal);
}

int
bench_set_new_masked(struct pmemset **set, enum pmem2_granularity g,
		pmemset_event_callback *cb, uint64_t mask,
		enum pmemset_coalescing coal)
{
	struct pmemset_config *cfg;
	int ret = pmemset_config_new(&cfg);
	if (ret == 0)
		ret = pmemset_config_set_required_store_granularity(cfg, g);
	if (ret == 0 && cb != NULL)
		pmemset_config_set_event_callback(cfg, cb, NULL);
	if (ret == 0)
		ret = pmemset_config_set_event_mask(cfg, mask);
	if (ret == 0)
		ret = pmemset_new(set, cfg);
	pmemset_config_delete(&cfg);
	if (ret == 0 && coal != PMEMSET_COALESCING_NONE)
		ret = pmemset_set_contiguous_part_coalescing(*set, coal);
	if (ret != 0) {
		bench_fail("cannot create a %s set: %s", gran_name(g),
				pmemset_errormsg());
		pmemset_delete(set);
	}
	return ret;
}

double
map_parts(struct pmemset *set, struct pmemset_source *src, size_t n,
		size_t first_offset, char **part_addr)
{
	struct pmemset_map_config *mc;
	if (pmemset_map_config_new(&mc) != 0) {
		bench_fail("pmemset_map_config_new: %s", pmemset_errormsg());
		return -1;
	}
	pmemset_map_config_set_length(mc, PART_SIZE);
	double t0 = now_ns();
	for (size_t i = 0; i < n; i++) {
		struct pmemset_part_descriptor d;
		int ret = pmemset_map_config_set_offset(mc,
				first_offset + i * PART_SIZE);
		if (ret == 0)
			ret = pmemset_map(set, src, mc, &d);
		if (ret != 0) {
			bench_fail("pmemset_map of part %zu failed: %s", i,
					pmemset_errormsg());
			pmemset_map_config_delete(&mc);
			return -1;
		}
		/* coalesced or not, the new part ends its part map */
		if (part_addr != NULL)
			part_addr[i] = (char *)d.addr + d.size - PART_SIZE;
	}
	double t = now_ns() - t0;
	pmemset_map_config_delete(&mc);
	return t;
}

double
remove_part_maps(struct pmemset *set, size_t *removed)
{
	*removed = 0;
	struct pmemset_part_map *pm;
	double t0 = now_ns();
	for (pmemset_first_part_map(set, &pm); pm != NULL;
			pmemset_first_part_map(set, &pm)) {
		if (pmemset_remove_part_map(set, &pm) != 0) {
			bench_fail("pmemset_remove_part_map: %s",
					pmemset_errormsg());
			pmemset_part_map_drop(&pm);
			return -1;
		}
		(*removed)++;
	}
	return now_ns() - t0;
}
