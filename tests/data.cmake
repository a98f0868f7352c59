# SPDX-License-Identifier: BSD-3-Clause
# tests of the data path and the event callback
pmemset_add_test(data_test SOURCES data_test.c)
