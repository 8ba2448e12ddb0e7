# cgroup v1/v2 drivers (see cgroup.h).
shim_runtime_libctrd_runtime_a_SOURCES += shim/runtime/cgroup.h
