# Empty dependencies file for pmemset.
# This may be replaced when dependencies are built.
