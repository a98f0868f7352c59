// SPDX-License-Identifier: BSD-3-Clause
/*
 * array.c -- growing the observer's arrays by doubling, so appending is
 * amortised O(1) and a failed growth leaves the array as it was.
 */
#include <stdint.h>

#include "alloc.h"
#include "array.h"

bool
stat_grow(void **array, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 4;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / elem)
		return false;
	void *a = mem_realloc(*array, n * elem);
	if (a == NULL)
		return false;
	*array = a;
	*cap = n;
	return true;
}
