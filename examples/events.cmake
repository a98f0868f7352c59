# SPDX-License-Identifier: BSD-3-Clause
pmemset_add_example(event_tracer SOURCES event_tracer.c
	EXPECT " 1 PART_ADD     addr=\\+0 len=65536"
	       " 2 PART_ADD     addr=\\+65536 len=65536"
	       " 3 COPY         dest=\\+0 len=6 flags=0x0\n 4 DRAIN\n 5 SET          dest=\\+65536 value=120 len=100\n 6 MOVE         dest=\\+10 src=\\+0 len=6\n 7 FLUSH        addr=\\+10 len=6\n 8 DRAIN\n 9 FLUSH        addr=\\+0 len=16\n10 DRAIN"
	       "11 REMOVE_RANGE addr=\\+65536 len=1\n12 PART_REMOVE  addr=\\+65536 len=65536 first byte 'x'"
	       "13 PART_REMOVE  addr=\\+0 len=65536 first byte 'h'"
	       "13 events")
