# Scenario 2: one container through each engine. create + start + wait +
# remove of /bin/true over the Docker API on the engine's Unix socket (a
# keep-alive client, as SDKs are), and `run --rm` through each engine's CLI,
# alternating engines run by run.
#
#   python3 engine.py CONFIG.json
#
# CONFIG (written by bench/run): {"runs": N, "engines": [{"name", "sock",
# "cli": argv prefix, "env": {...}, "network": "none"|"bridge"}...]}. An engine
# whose network mode is missing (ctrd before its bridge lands) gets a row
# saying n/a instead of a number.
import json
import os
import sys

from benchlib import Api, Table, alternate, run_cmd

cfg = json.load(open(sys.argv[1]))
runs = cfg["runs"]


def api_case(e):
    api = Api(e["sock"])
    return lambda i: api.run_true(network=e["network"])


def cli_case(e):
    env = dict(os.environ, **e.get("env", {}))
    argv = e["cli"] + ["run", "--rm", "--network", e["network"], "busybox", "/bin/true"]
    return lambda i: run_cmd(argv, env)


for net in ("none", "bridge"):
    engines = [e for e in cfg["engines"] if e["network"] == net]
    if not engines:
        continue
    t = Table("2. engine, one container, network %s: run /bin/true to removal" % net, "ms")
    for kind, make in (("API create+start+wait+rm", api_case), ("CLI run --rm", cli_case)):
        cands = [(e["name"], make(e)) for e in engines if not e.get("na")]
        times, errors = alternate(cands, runs)
        for e in engines:
            if e.get("na"):
                t.add(kind, e["name"], note="n/a (%s)" % e["na"])
            else:
                t.add(kind, e["name"], times[e["name"]], errors.get(e["name"]))
    print(t.render())
