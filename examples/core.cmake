# SPDX-License-Identifier: BSD-3-Clause
pmemset_add_example(basic SOURCES basic.c
	EXPECT "part map 0: 128 KiB"
	       "part map 1: 128 KiB"
	       "part map 2: 128 KiB"
	       "3 part maps")
