#!/bin/sh
# The Python Docker SDK (Debian's python3-docker) against ctrd:
# containers.run attached and detached, exec_run, logs, wait, remove, images.list.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
PY=/usr/bin/python3
[ -x "$PY" ] && "$PY" -c 'import docker' 2>/dev/null || skip "needs python3-docker (apt-get install python3-docker)"
start_ctrd_for_containers
import_busybox
"$PY" - "$SOCK" <<'PY'
import sys
import docker

c = docker.DockerClient(base_url="unix://" + sys.argv[1])
assert c.ping()
out = c.containers.run("busybox", ["sh", "-c", "echo hello; echo oops >&2"], network_mode="none",
                       remove=True, stderr=True)
assert out == b"hello\noops\n", out
ctr = c.containers.run("busybox", ["sleep", "300"], detach=True, network_mode="none", name="py1")
ctr.reload()
assert ctr.status == "running", ctr.status
for i in range(20):
    code, output = ctr.exec_run(["sh", "-c", "echo run %d; exit %d" % (i, i % 3)])
    assert code == i % 3 and output == b"run %d\n" % i, (i, code, output)
ctr.kill()
assert ctr.wait()["StatusCode"] == 137
ctr2 = c.containers.run("busybox", ["sh", "-c", "echo a; echo b"], detach=True, network_mode="none")
assert ctr2.wait()["StatusCode"] == 0
assert ctr2.logs() == b"a\nb\n", ctr2.logs()
ctr2.remove()
ctr.remove()
assert any("busybox:latest" in (i.tags or []) for i in c.images.list())
assert c.containers.list(all=True) == []
print("docker-py ok")
PY
[ -z "$(leftover_cgroups)" ] || fail "cgroups left: $(leftover_cgroups)"
echo "PASS: $TEST_NAME"
