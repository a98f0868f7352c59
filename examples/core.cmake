# SPDX-License-Identifier: BSD-3-Clause
pmemset_add_example(basic SOURCES basic.c
	EXPECT "part map 0: 128 KiB"
	       "part map 1: 128 KiB"
	       "part map 2: 128 KiB"
	       "3 part maps")
pmemset_add_example(append_log SOURCES append_log.c
	EXPECT "wrote 3000 records into 3 parts, 1 part map\\(s\\), 192 KiB contiguous"
	       "reopened 192 KiB: 3000 of 3000 records intact, last \"record 3000\"")
