/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map_config.h -- where in a source pmemset_map maps: offset and length.
 */
#ifndef PMEMSET_MAP_CONFIG_H
#define PMEMSET_MAP_CONFIG_H

#include <stddef.h>

struct pmemset_map_config {
	size_t offset;
	size_t length; /* 0: to the end of the file */
};

#endif
