# Empty compiler generated dependencies file for pmemset_test_util.
# This may be replaced when dependencies are built.
