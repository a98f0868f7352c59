# Empty dependencies file for pmemset_objects.
# This may be replaced when dependencies are built.
