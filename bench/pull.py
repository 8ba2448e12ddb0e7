# Scenario 5c: pull an image of ~M MB (busybox plus a layer of random bytes)
# from a docker-registry on 127.0.0.1, then remove it so the next pull starts
# cold; engines alternate. dockerd and ctrd pull through
# POST /images/create?fromImage= (loopback registries are plain HTTP for
# both); podman's Docker-compatible endpoint has no way to skip TLS for one
# pull, so podman pulls through its own /libpod/images/pull?tlsVerify=false.
#
#   python3 pull.py CONFIG.json
#
# CONFIG: {"runs": N, "mb": M, "ref": "127.0.0.1:PORT/bench/big:latest",
# "engines": [{"name", "sock"}]}.
import json
import sys
import urllib.parse

from benchlib import Api, Table, alternate

cfg = json.load(open(sys.argv[1]))
ref = cfg["ref"]
repo, tag = ref.rsplit(":", 1)


def check_stream(raw, name):
    """A pull answers 200 and reports failure inside its progress stream."""
    for line in raw.decode(errors="replace").splitlines():
        if line.strip().startswith("{") and ('"error"' in line or '"errorDetail"' in line):
            msg = json.loads(line)
            if msg.get("error"):
                raise RuntimeError("%s: %s" % (name, msg["error"]))


def pull_case(e):
    api = Api(e["sock"])
    lib = Api(e["sock"], "v4.0.0")

    def once(i):
        if e["name"] == "podman":
            raw = lib.call("POST", "/libpod/images/pull?reference=%s&tlsVerify=false"
                           % urllib.parse.quote(ref, safe=""), raw_body=True)
        else:
            raw = api.call("POST", "/images/create?fromImage=%s&tag=%s" % (urllib.parse.quote(repo, safe=""), tag),
                           raw_body=True)
        check_stream(raw, e["name"])
        # The image must really be there, random layer and all.
        size = api.call("GET", "/images/%s/json" % urllib.parse.quote(ref, safe=""))["Size"]
        if size < cfg["mb"] * 1000 * 1000:
            raise RuntimeError("pulled image has %d bytes, fewer than the random layer" % size)
        api.call("DELETE", "/images/%s?force=1" % urllib.parse.quote(ref, safe=""))
    return once


for e in cfg["engines"]:
    # dockerd pushed the image: it must not pull from its own cache.
    try:
        Api(e["sock"]).call("DELETE", "/images/%s?force=1" % urllib.parse.quote(ref, safe=""))
    except RuntimeError:
        pass
t = Table("5c. pull: a %d MB image (busybox + random bytes) from docker-registry on 127.0.0.1, then rmi"
          % cfg["mb"], "s")
times, errors = alternate([(e["name"], pull_case(e)) for e in cfg["engines"]], cfg["runs"], warmup=0)
for e in cfg["engines"]:
    err = errors.get(e["name"])
    if err and "HTTP 501" in err:
        err = "n/a (feature not in %s yet: %s)" % (e["name"], err)
    t.add("pull (cold) + rmi", e["name"], [x / 1000 for x in times[e["name"]]] or None, err)
print(t.render())
