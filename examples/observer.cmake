# SPDX-License-Identifier: BSD-3-Clause
# the observer module: an application tracking its mappings with the tree,
# data and destroy callbacks (libpmemset/stat.h)
pmemset_add_example(observer_tree SOURCES observer_tree.c
	EXPECT "-- update \\(two regions mapped\\)\ntree: added /pmemset/set/[0-9]+\ntree: added /pmemset/set/[0-9]+/part/[0-9]+\n  data part/[0-9]+: \"header\", 256 KiB at file offset 0 KiB of [^\n]+\ntree: added /pmemset/set/[0-9]+/part/[0-9]+\n  data part/[0-9]+: \"log\", 256 KiB at file offset 256 KiB"
	       "-- update \\(a third region\\)\ntree: added [^\n]+\n  data part/[0-9]+: \"data\", 256 KiB at file offset 512 KiB"
	       "-- update \\(the log removed\\)\n  data gone part/[0-9]+ \\(\"log\"\\)\ntree: removed [^\n]+\n  destroy part/[0-9]+: freeing label \"log\"\n-- update"
	       "-- update \\(a write persisted\\)\nset: 2 parts, 1 persist call\\(s\\), 4096 bytes\n"
	       "-- update \\(the set deleted\\)\n  data gone part/[0-9]+ \\(\"header\"\\)\ntree: removed [^\n]+/part/[0-9]+\n  destroy part/[0-9]+: freeing label \"header\"\n  data gone part/[0-9]+ \\(\"data\"\\)\ntree: removed [^\n]+/part/[0-9]+\n  destroy part/[0-9]+: freeing label \"data\"\ntree: removed /pmemset/set/[0-9]+\nroot now holds 3 values and no set\n")
