// SPDX-License-Identifier: BSD-3-Clause
// The public headers compile as C++ with C linkage (built, not run).
#include <libpmemset.h>
#if __has_include(<libpmemset/stat.h>)
#include <libpmemset/stat.h>
#endif

int header_cxx_probe();

int
header_cxx_probe()
{
	struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
	pmemset_event_context ctx = {};
	ctx.type = PMEMSET_EVENT_PART_ADD;
	pmemset_event_callback *cb = nullptr;
	int (*map)(pmemset *, pmemset_source *, pmemset_map_config *,
		pmemset_part_descriptor *) = pmemset_map;
	return sds.refcount + (cb == nullptr) + (map != nullptr) +
		static_cast<int>(sizeof(ctx));
}
