# The image and layer store (issue 4).
