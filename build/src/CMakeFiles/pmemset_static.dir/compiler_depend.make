# Empty compiler generated dependencies file for pmemset_static.
# This may be replaced when dependencies are built.
