# SPDX-License-Identifier: BSD-3-Clause
# the SDS life cycle and bad-block handling. Test files live on tmpfs, whose
# device reports no unsafe-shutdown count: the example must say so and fall
# back to mapping without an SDS (on a DAX file system it reports the state).
pmemset_add_example(sds_badblocks SOURCES sds_badblocks.c
	EXPECT "new pool: header written"
	       "(reports no unsafe shutdown count.*fallback: mapped without an SDS|shutdown state: OK\n)"
	       "bad-block scan: no bad blocks"
	       "run 1: 1048576 bytes mapped"
	       "closed cleanly")
