# Empty dependencies file for pmemset_static.
# This may be replaced when dependencies are built.
