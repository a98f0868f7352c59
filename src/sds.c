// SPDX-License-Identifier: BSD-3-Clause
/*
 * sds.c -- the shutdown data state (SDS): pmemset_source_set_sds, the state
 * every pmemset_map of a source with an SDS computes (api.md §5), and the
 * reference count in the library's copy (a map acquires, each unmapped part
 * releases).
 *
 * The application owns the persistent SDS; the library works on its copy
 * and reports each change with SDS_UPDATE so the application can store it.
 * The device is asked only through device.h.
 *
 * Locks: a map holds the source's grow_lock (map.c) from the check to the
 * commit, so two maps never both see the SDS unopened; releases and
 * pmemset_source_set_sds take it too, so none slips in between. It comes
 * before any set lock. src->lock guards the copy itself and is only ever
 * held for a moment, because the observer takes it while holding a set
 * lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "device.h"
#include "error.h"
#include "sds.h"
#include "set.h"
#include "source.h"

bool
sds_map_lock_held(struct pmemset_source *src)
{
	if (pthread_mutex_trylock(&src->grow_lock) != 0)
		return true;
	pthread_mutex_unlock(&src->grow_lock);
	return false;
}

/* what the device says now */
struct device_now {
	char id[PMEMSET_SDS_DEVICE_ID_LEN + 1];
	uint64_t usc;
};

static const char *
state_name(enum pmemset_part_state s)
{
	switch (s) {
	case PMEMSET_PART_STATE_INDETERMINATE:
		return "INDETERMINATE";
	case PMEMSET_PART_STATE_OK:
		return "OK";
	case PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN:
		return "OK_BUT_ALREADY_OPEN";
	case PMEMSET_PART_STATE_OK_BUT_INTERRUPTED:
		return "OK_BUT_INTERRUPTED";
	case PMEMSET_PART_STATE_CORRUPTED:
		return "CORRUPTED";
	default:
		return "?";
	}
}

/* why a state was reached, for the refusal message */
static const char *
state_reason(enum pmemset_part_state s)
{
	switch (s) {
	case PMEMSET_PART_STATE_INDETERMINATE:
		return "the SDS was left open on another device";
	case PMEMSET_PART_STATE_CORRUPTED:
		return "the device had an unsafe shutdown while the SDS was "
			"open";
	case PMEMSET_PART_STATE_OK_BUT_INTERRUPTED:
		return "the SDS was left open by a user that never unmapped";
	case PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN:
		return "this source already has parts mapped";
	default:
		return "the SDS is clean";
	}
}

/* "OK|OK_BUT_ALREADY_OPEN" */
static void
states_string(uint64_t states, char *buf, size_t size)
{
	buf[0] = '\0';
	size_t used = 0;
	for (unsigned bit = 0; bit < 5; bit++) {
		unsigned s = 1u << bit;
		if (!(states & s))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s",
				used ? "|" : "",
				state_name((enum pmemset_part_state)s));
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(buf, size, "none");
}

int
pmemset_source_set_sds(struct pmemset_source *src, struct pmemset_sds *sds,
		enum pmemset_part_state *state_ptr)
{
	if (src == NULL)
		return ERR_NULL_ARG("src");
	if (sds == NULL)
		return ERR_NULL_ARG("sds");
	/* a NULL state_ptr is allowed (as PMDK): the state is not reported */
	/* an SDS read back from storage may be garbage: check it first */
	if (memchr(sds->id, '\0', sizeof(sds->id)) == NULL)
		return err_set(-EINVAL, "pmemset_source_set_sds: sds->id is "
			"not NUL-terminated within its %zu bytes",
			sizeof(sds->id));
	if (sds->refcount < 0)
		return err_set(-EINVAL, "pmemset_source_set_sds: "
			"sds->refcount is negative (%d)", sds->refcount);

	int ret = 0;
	pthread_mutex_lock(&src->grow_lock);
	pthread_mutex_lock(&src->lock);
	if (src->has_sds) {
		ret = err_set(PMEMSET_E_SDS_ALREADY_SET,
			"pmemset_source_set_sds: source %p already has an SDS",
			(void *)src);
	} else if (atomic_load(&src->nparts) > 0) {
		/* those parts were never counted: releasing them would lie */
		ret = err_set(PMEMSET_E_PART_EXISTS,
			"pmemset_source_set_sds: source %p already has %zu "
			"part(s) mapped; set the SDS before the first map",
			(void *)src, atomic_load(&src->nparts));
	} else {
		src->sds = *sds;
		src->state_ptr = state_ptr;
		src->has_sds = true;
	}
	pthread_mutex_unlock(&src->lock);
	pthread_mutex_unlock(&src->grow_lock);
	return ret;
}

static int
read_device(struct pmemset_source *src, struct device_now *now)
{
	err_pmem2_mark();
	int ret = device_usc(src->pmem2_src, &now->usc);
	if (ret == PMEM2_E_NOSUPP)
		return err_set(PMEMSET_E_SDS_NOSUPP,
			"pmemset_map: the source has an SDS, but its device "
			"cannot report an unsafe shutdown count (not "
			"persistent memory, or DIMMs without a health "
			"interface, as emulated ones); map it without an SDS");
	if (ret != 0)
		return err_pmem2(ret, "pmemset_map: cannot read the unsafe "
				"shutdown count of the source's device");

	size_t len = 0;
	err_pmem2_mark();
	ret = device_id(src->pmem2_src, NULL, &len);
	if (ret == PMEM2_E_NOSUPP)
		return err_set(PMEMSET_E_SDS_NOSUPP,
			"pmemset_map: the source has an SDS, but its device "
			"cannot report its id; map it without an SDS");
	if (ret != 0)
		return err_pmem2(ret, "pmemset_map: cannot read the length of "
				"the id of the source's device");
	/* len counts the terminating NUL */
	if (len > sizeof(now->id))
		return err_set(PMEMSET_E_SDS_DEVICE_ID_LEN_TOO_BIG,
			"pmemset_map: the device id is %zu bytes long, more "
			"than the SDS holds (%zu)", len - 1,
			PMEMSET_SDS_DEVICE_ID_LEN);
	memset(now->id, 0, sizeof(now->id));
	len = sizeof(now->id);
	err_pmem2_mark();
	ret = device_id(src->pmem2_src, now->id, &len);
	if (ret != 0)
		return err_pmem2(ret, "pmemset_map: cannot read the id of the "
				"source's device");
	now->id[sizeof(now->id) - 1] = '\0';
	return 0;
}

/*
 * api.md §5: the first rule that applies. `next` is what the SDS becomes
 * once the map succeeds.
 */
static enum pmemset_part_state
compute_state(const struct pmemset_sds *sds, const struct device_now *now,
		size_t own_parts, struct pmemset_sds *next)
{
	bool same_device = strcmp(sds->id, now->id) == 0;
	*next = *sds;
	if (sds->refcount > 0) {
		enum pmemset_part_state st;
		if (!same_device)
			st = PMEMSET_PART_STATE_INDETERMINATE;
		else if (sds->usc != now->usc)
			st = PMEMSET_PART_STATE_CORRUPTED;
		else if (own_parts > 0)
			st = PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN;
		else
			st = PMEMSET_PART_STATE_OK_BUT_INTERRUPTED;

		if (st == PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN) {
			next->refcount++;
		} else {
			/*
			 * A map that accepts a dirty state takes the SDS over:
			 * references no part of this source holds belong to a
			 * user that will never release them, and the device is
			 * what it is now. Otherwise the SDS would stay dirty
			 * forever.
			 */
			memcpy(next->id, now->id, sizeof(next->id));
			next->usc = now->usc;
			next->refcount = (int)own_parts + 1;
		}
		return st;
	}
	if (!same_device || sds->id[0] == '\0') {
		memcpy(next->id, now->id, sizeof(next->id));
		next->usc = now->usc;
	} else if (sds->usc != now->usc) {
		/* a count that moved while clean lost nothing */
		next->usc = now->usc;
	}
	next->refcount++;
	return PMEMSET_PART_STATE_OK;
}

int
sds_before_map(struct pmemset *set, struct pmemset_source *src,
		struct sds_pending *pending)
{
	pending->active = false;
	pthread_mutex_lock(&src->lock);
	bool has_sds = src->has_sds;
	struct pmemset_sds sds = src->sds;
	pthread_mutex_unlock(&src->lock);
	if (!has_sds)
		return 0;

	/* only maps and releases change the copy: it holds still now */
	struct device_now now;
	int ret = read_device(src, &now);
	if (ret != 0)
		return ret;
	/* every part of this source is counted: set_sds comes before maps */
	size_t own_parts = atomic_load(&src->nparts);
	enum pmemset_part_state st = compute_state(&sds, &now, own_parts,
			&pending->next);
	pending->state = st;
	pthread_mutex_lock(&src->lock);
	src->last_state = st;
	/* written even when refused: the caller learns why */
	if (src->state_ptr != NULL)
		*src->state_ptr = st;
	pthread_mutex_unlock(&src->lock);
	source_journal_note(src);

	uint64_t acceptable = set->cfg.acceptable_states;
	if (!(acceptable & (uint64_t)st)) {
		char states[128];
		states_string(acceptable, states, sizeof(states));
		return err_set(PMEMSET_E_UNDESIRABLE_PART_STATE,
			"pmemset_map: the part state is %s (%s), which is not "
			"among the set's acceptable states (%s); nothing was "
			"mapped", state_name(st), state_reason(st), states);
	}
	pending->active = true;
	return 0;
}

bool
sds_after_map(struct pmemset_source *src, struct sds_pending *pending)
{
	if (!pending->active)
		return false;
	pthread_mutex_lock(&src->lock);
	src->sds = pending->next;
	pthread_mutex_unlock(&src->lock);
	pending->active = false;
	return true;
}

bool
sds_release(struct pmemset_source *src)
{
	/*
	 * has_sds is set before the source's first map and never after, so
	 * a source without one needs no lock (and does not wait for maps).
	 */
	if (!src->has_sds)
		return false;
	bool changed = false;
	pthread_mutex_lock(&src->grow_lock);
	pthread_mutex_lock(&src->lock);
	/* never below zero, whatever the application stored */
	if (src->has_sds && src->sds.refcount > 0) {
		src->sds.refcount--;
		changed = true;
	}
	pthread_mutex_unlock(&src->lock);
	pthread_mutex_unlock(&src->grow_lock);
	return changed;
}
