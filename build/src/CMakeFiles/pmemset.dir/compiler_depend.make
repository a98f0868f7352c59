# Empty compiler generated dependencies file for pmemset.
# This may be replaced when dependencies are built.
