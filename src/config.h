/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config.h -- struct pmemset_config: what pmemset_new copies into a set.
 */
#ifndef PMEMSET_CONFIG_H
#define PMEMSET_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include "libpmemset.h"

#define DEFAULT_ACCEPTABLE_STATES \
	((uint64_t)(PMEMSET_PART_STATE_OK | PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN))

#define ALL_PART_STATES ((uint64_t)(PMEMSET_PART_STATE_INDETERMINATE | \
	PMEMSET_PART_STATE_OK | PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN | \
	PMEMSET_PART_STATE_OK_BUT_INTERRUPTED | PMEMSET_PART_STATE_CORRUPTED))

struct pmemset_config {
	bool granularity_set;
	enum pmem2_granularity granularity;
	struct pmem2_vm_reservation *reservation;
	uint64_t acceptable_states;
	pmemset_event_callback *callback;
	void *callback_arg;
	uint64_t event_mask;	/* the events the callback is given */
};

/*
 * The events the data path fires: with none of them in the mask it takes
 * its fast path. PERSIST is not one: it is never fired.
 */
#define DATA_PATH_EVENTS (PMEMSET_EVENT_MASK(PMEMSET_EVENT_COPY) | \
	PMEMSET_EVENT_MASK(PMEMSET_EVENT_MOVE) | \
	PMEMSET_EVENT_MASK(PMEMSET_EVENT_SET) | \
	PMEMSET_EVENT_MASK(PMEMSET_EVENT_FLUSH) | \
	PMEMSET_EVENT_MASK(PMEMSET_EVENT_DRAIN))

const char *granularity_name(enum pmem2_granularity g);

#endif
