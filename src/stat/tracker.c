// SPDX-License-Identifier: BSD-3-Clause
/*
 * tracker.c -- the trackers of a handle: per set id the core showed it,
 * what the view last applied, kept sorted by id. A new tracker learns once
 * whether the matchers let its set's URI in.
 */
#include <string.h>

#include "array.h"
#include "match.h"
#include "tracker.h"
#include "uri.h"

struct stat_tracker *
tracker_find(struct pmemset_stat *h, uint64_t id)
{
	size_t lo = 0, hi = h->ntrackers;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->trackers[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < h->ntrackers && h->trackers[lo].id == id)
		return &h->trackers[lo];
	return NULL;
}

struct stat_tracker *
tracker_insert(struct pmemset_stat *h, uint64_t id)
{
	if (!stat_grow((void **)&h->trackers, &h->trackers_cap,
			h->ntrackers + 1, sizeof(h->trackers[0])))
		return NULL;
	size_t i = h->ntrackers;
	while (i > 0 && h->trackers[i - 1].id > id)
		i--;
	memmove(&h->trackers[i + 1], &h->trackers[i],
		(h->ntrackers - i) * sizeof(h->trackers[0]));
	h->ntrackers++;
	struct stat_tracker *t = &h->trackers[i];
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->changes = UINT64_MAX; /* nothing applied yet */
	char uri[STAT_URI_MAX];
	uri_of(uri, sizeof(uri), STAT_SET, id, 0);
	t->matched = match_uri(h->matchers, h->nmatchers, uri);
	return t;
}
