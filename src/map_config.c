// SPDX-License-Identifier: BSD-3-Clause
/*
 * map_config.c -- pmemset_map_config_*.
 */
#include <errno.h>
#include <stdint.h>

#include "libpmemset.h"
#include "alloc.h"
#include "error.h"
#include "map_config.h"

int
pmemset_map_config_new(struct pmemset_map_config **map_cfg)
{
	if (map_cfg == NULL)
		return ERR_NULL_ARG("map_cfg");
	*map_cfg = mem_zalloc(sizeof(**map_cfg));
	if (*map_cfg == NULL)
		return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
				"pmemset_map_config_new: out of memory");
	return 0;
}

int
pmemset_map_config_set_offset(struct pmemset_map_config *map_cfg,
		size_t offset)
{
	if (map_cfg == NULL)
		return ERR_NULL_ARG("map_cfg");
	/* mmap takes off_t */
	if (offset > (size_t)INT64_MAX)
		return err_set(PMEMSET_E_OFFSET_OUT_OF_RANGE,
			"pmemset_map_config_set_offset: offset %zu is above "
			"INT64_MAX", offset);
	map_cfg->offset = offset;
	return 0;
}

void
pmemset_map_config_set_length(struct pmemset_map_config *map_cfg,
		size_t length)
{
	if (map_cfg == NULL) {
		ERR_NULL_ARG("map_cfg");
		return;
	}
	map_cfg->length = length;
}

int
pmemset_map_config_delete(struct pmemset_map_config **map_cfg)
{
	if (map_cfg == NULL)
		return ERR_NULL_ARG("map_cfg");
	mem_free(*map_cfg);
	*map_cfg = NULL;
	return 0;
}
