// SPDX-License-Identifier: BSD-3-Clause
/*
 * event.c -- the event dispatcher (see event.h) and
 * pmemset_config_set_event_callback's runtime side.
 *
 * A thread-local pointer marks "inside a callback of this set": while it is
 * set, nothing fires on this thread (no recursion) and the calls that change
 * the same set refuse with PMEMSET_E_IN_CALLBACK instead of deadlocking.
 */
#include <string.h>

#include "error.h"
#include "event.h"
#include "probes.h"
#include "set.h"
#include "source.h"

/* initial-exec: read by every event and every mutating call */
static __thread struct pmemset *Callback_set
	__attribute__((tls_model("initial-exec")));

bool
event_in_callback_of(struct pmemset *set)
{
	return Callback_set == set;
}

bool
event_wanted(struct pmemset *set, enum pmemset_event type)
{
	return set->cfg.callback != NULL &&
		(set->cfg.event_mask & PMEMSET_EVENT_MASK(type)) != 0;
}

int
event_fire(struct pmemset *set, struct pmemset_event_context *ctx)
{
	if (Callback_set != NULL || !event_wanted(set, ctx->type))
		return 0;
	Callback_set = set;
	int ret = set->cfg.callback(set, ctx, set->cfg.callback_arg);
	Callback_set = NULL;
	return ret;
}

/*
 * The callback's fields are read again after each call instead of being
 * kept across it: fewer registers to save and restore, which at a no-op
 * callback is a good part of what an event costs.
 */
#define RELOAD(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

int
event_persist(struct pmemset *set, void *addr, size_t len,
		pmem2_persist_fn persist)
{
	if (Callback_set != NULL || set->cfg.callback == NULL) {
		persist(addr, len);
		return 0;
	}
	struct pmemset_event_context ctx;
	/* no lock is held and libpmem2 calls nothing back meanwhile */
	Callback_set = set;
	if (set->cfg.event_mask & PMEMSET_EVENT_MASK(PMEMSET_EVENT_FLUSH)) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.type = PMEMSET_EVENT_FLUSH;
		ctx.data.flush.addr = addr;
		ctx.data.flush.len = len;
		(void) RELOAD(set->cfg.callback)(set, &ctx,
				RELOAD(set->cfg.callback_arg));
	}
	PROBE2(persist, addr, len);
	persist(addr, len);
	if (RELOAD(set->cfg.event_mask) &
			PMEMSET_EVENT_MASK(PMEMSET_EVENT_DRAIN)) {
		/* zero again: the callback may have written into ctx */
		memset(&ctx, 0, sizeof(ctx));
		ctx.type = PMEMSET_EVENT_DRAIN;
		(void) RELOAD(set->cfg.callback)(set, &ctx,
				RELOAD(set->cfg.callback_arg));
	}
	Callback_set = NULL;
	return 0;
}

int
event_fire_stoppable(struct pmemset *set, struct pmemset_event_context *ctx,
		const char *operation)
{
	int ret = event_fire(set, ctx);
	if (ret < 0)
		return err_set(ret, "%s: the event callback stopped it, "
			"returning %d", operation, ret);
	if (ret > 0)
		return err_set(PMEMSET_E_CALLBACK_ABORTED,
			"%s: the event callback stopped it, returning %d",
			operation, ret);
	return 0;
}

static void
fire_range(struct pmemset *set, enum pmemset_event type, void *addr,
		size_t len)
{
	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = type;
	/* remove_range, part_remove, flush: the same {addr, len} layout */
	ctx.data.part_remove.addr = addr;
	ctx.data.part_remove.len = len;
	(void) event_fire(set, &ctx);
}

void
event_part_add(struct pmemset *set, void *addr, size_t len,
		struct pmem2_source *src)
{
	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	PROBE2(part_add, addr, len);
	ctx.type = PMEMSET_EVENT_PART_ADD;
	ctx.data.part_add.addr = addr;
	ctx.data.part_add.len = len;
	ctx.data.part_add.src = src;
	(void) event_fire(set, &ctx);
}

void
event_part_remove(struct pmemset *set, void *addr, size_t len)
{
	PROBE2(part_remove, addr, len);
	fire_range(set, PMEMSET_EVENT_PART_REMOVE, addr, len);
}

void
event_remove_range(struct pmemset *set, void *addr, size_t len)
{
	PROBE2(remove_range, addr, len);
	fire_range(set, PMEMSET_EVENT_REMOVE_RANGE, addr, len);
}

void
event_sds_update(struct pmemset *set, struct pmemset_source *src)
{
	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = PMEMSET_EVENT_SDS_UPDATE;
	/*
	 * A snapshot, not the live copy: another thread mapping or unmapping
	 * the same source may change the live one while the callback reads.
	 */
	struct pmemset_sds snapshot;
	pthread_mutex_lock(&src->lock);
	snapshot = src->sds;
	pthread_mutex_unlock(&src->lock);
	PROBE3(sds_update, src, snapshot.usc, snapshot.refcount);
	ctx.data.sds_update.sds = &snapshot;
	ctx.data.sds_update.src = src;
	(void) event_fire(set, &ctx);
}

int
event_refuse_in_callback(const char *func)
{
	return err_set(PMEMSET_E_IN_CALLBACK,
		"%s: called from inside an event callback of the same set; "
		"the set cannot change while it reports an event", func);
}
