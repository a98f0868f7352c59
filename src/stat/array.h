/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * array.h -- growing the arrays of the observer (children, trackers,
 * staging, tables).
 */
#ifndef PMEMSET_STAT_ARRAY_H
#define PMEMSET_STAT_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * makes room for `need` elements of `elem` bytes in *array (of capacity
 * *cap), doubling; false when out of memory (the array is intact)
 */
bool stat_grow(void **array, size_t *cap, size_t need, size_t elem);

#endif
