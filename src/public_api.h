/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * public_api.h -- force-included into every library source (see
 * src/CMakeLists.txt). Everything is compiled with -fvisibility=hidden; the
 * public headers are read here with default visibility, so exactly the
 * functions they declare are exported (and the version script names them).
 */
#ifndef PMEMSET_PUBLIC_API_H
#define PMEMSET_PUBLIC_API_H

#pragma GCC visibility push(default)
#include "libpmemset.h"
#if __has_include("libpmemset/stat.h")
#include "libpmemset/stat.h"
#endif
#pragma GCC visibility pop

#endif
