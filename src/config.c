// SPDX-License-Identifier: BSD-3-Clause
/*
 * config.c -- pmemset_config_*: the settings a set is created with.
 */
#include <errno.h>

#include "alloc.h"
#include "config.h"
#include "error.h"
#include "log.h"

const char *
granularity_name(enum pmem2_granularity g)
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
		return "BYTE";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "CACHE_LINE";
	case PMEM2_GRANULARITY_PAGE:
		return "PAGE";
	default:
		return "invalid";
	}
}

int
pmemset_config_new(struct pmemset_config **cfg)
{
	if (cfg == NULL)
		return ERR_NULL_ARG("cfg");
	*cfg = NULL;
	struct pmemset_config *c = mem_zalloc(sizeof(*c));
	if (c == NULL)
		return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
				"pmemset_config_new: out of memory");
	c->acceptable_states = DEFAULT_ACCEPTABLE_STATES;
	c->event_mask = PMEMSET_EVENT_MASK_ALL;
	*cfg = c;
	return 0;
}

int
pmemset_config_delete(struct pmemset_config **cfg)
{
	if (cfg == NULL)
		return ERR_NULL_ARG("cfg");
	mem_free(*cfg);
	*cfg = NULL;
	return 0;
}

int
pmemset_config_set_required_store_granularity(struct pmemset_config *cfg,
		enum pmem2_granularity g)
{
	if (cfg == NULL)
		return ERR_NULL_ARG("cfg");
	if ((unsigned)g > (unsigned)PMEM2_GRANULARITY_PAGE)
		return err_set(PMEMSET_E_GRANULARITY_NOT_SUPPORTED,
			"pmemset_config_set_required_store_granularity: "
			"invalid granularity value %d (valid: "
			"PMEM2_GRANULARITY_BYTE (%d), "
			"PMEM2_GRANULARITY_CACHE_LINE (%d), "
			"PMEM2_GRANULARITY_PAGE (%d))", (int)g,
			PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE,
			PMEM2_GRANULARITY_PAGE);
	cfg->granularity = g;
	cfg->granularity_set = true;
	return 0;
}

void
pmemset_config_set_reservation(struct pmemset_config *cfg,
		struct pmem2_vm_reservation *rsv)
{
	if (cfg == NULL) {
		ERR_NULL_ARG("cfg");
		return;
	}
	cfg->reservation = rsv;
}

int
pmemset_config_set_acceptable_states(struct pmemset_config *cfg,
		uint64_t states)
{
	if (cfg == NULL)
		return ERR_NULL_ARG("cfg");
	if (states & ~ALL_PART_STATES)
		return err_set(PMEMSET_E_INVALID_PART_STATES,
			"pmemset_config_set_acceptable_states: unknown state "
			"bits 0x%llx (valid: a mask of PMEMSET_PART_STATE_"
			"INDETERMINATE, _OK, _OK_BUT_ALREADY_OPEN, "
			"_OK_BUT_INTERRUPTED and _CORRUPTED, 0x%llx)",
			(unsigned long long)(states & ~ALL_PART_STATES),
			(unsigned long long)ALL_PART_STATES);
	cfg->acceptable_states = states;
	return 0;
}

void
pmemset_config_set_event_callback(struct pmemset_config *cfg,
		pmemset_event_callback *callback, void *arg)
{
	if (cfg == NULL) {
		ERR_NULL_ARG("cfg");
		return;
	}
	cfg->callback = callback;
	cfg->callback_arg = arg;
}

int
pmemset_config_set_event_mask(struct pmemset_config *cfg, uint64_t mask)
{
	if (cfg == NULL)
		return ERR_NULL_ARG("cfg");
	if (mask & ~PMEMSET_EVENT_MASK_ALL)
		return err_set(-EINVAL, "pmemset_config_set_event_mask: "
			"unknown event bits 0x%llx (valid: a mask of "
			"PMEMSET_EVENT_MASK(event) for events of enum "
			"pmemset_event, PMEMSET_EVENT_MASK_ALL being 0x%llx)",
			(unsigned long long)(mask & ~PMEMSET_EVENT_MASK_ALL),
			(unsigned long long)PMEMSET_EVENT_MASK_ALL);
	cfg->event_mask = mask;
	return 0;
}
