#!/usr/bin/env python3
"""How long a new function version takes to reach every edge, against the number of edges
(10, 50, 100), with the links' modelled latency off and on. For each size and mode it starts a
generated topology (edges spread over the world, each behind the nearest of five hubs), runs
`edgesim propagation` a few times, and records p50 and max over edges of the time from publish
to switch. Prints a table and writes results/propagation.json.

    benchmarks/propagation.py [RUNS_PER_CASE]

Needs a release build (swift build -c release).
"""
import json, math, os, random, signal, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
HUBS = {"us-east-1": (38.9, -77.4), "eu-west-1": (53.3, -6.3), "ap-northeast-1": (35.7, 139.7),
        "ap-southeast-2": (-33.9, 151.2), "sa-east-1": (-23.5, -46.6)}


def distance(a, b):
    (la1, lo1), (la2, lo2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def topology(folder, edges):
    rng = random.Random(edges)
    lines = ["name: propagation-%d" % edges, "hubs:"]
    lines += ["  %s: { location: { lat: %.2f, lon: %.2f } }" % (h, *p) for h, p in HUBS.items()]
    lines.append("edges:")
    for i in range(edges):
        place = (rng.uniform(-45, 60), rng.uniform(-180, 180))
        hub = min(HUBS, key=lambda h: distance(place, HUBS[h]))
        code = "Q" + chr(65 + i // 26 % 26) + chr(65 + i % 26)  # POP ids: a three-letter code and a number
        lines.append("  %s%d: { location: { lat: %.2f, lon: %.2f }, hub: %s }" % (code, 50 + i % 10, place[0], place[1], hub))
    lines += ["viewers:", "  ashburn: { location: { lat: 39.0, lon: -77.5 } }", "origins:", "  site: { location: { lat: 38.9, lon: -77.4 }, static: %s }" % os.path.join(ROOT, "topologies/sites/demo"),
              "functions:", "  probe: { runtime: nodejs, handler: trivial.handler, code: %s }" % os.path.join(ROOT, "benchmarks/lambda/function"),
              "distributions:", "  E2PROPAGATION1:", "    origins: [site]", "    edges: all",
              "    behaviors:", '      - { path: "*", origin: site, functions: { viewer-request: "probe:1" } }']
    path = os.path.join(folder, "topology-%d.yaml" % edges)
    open(path, "w").write("\n".join(lines) + "\n")
    return path


def case(binary, folder, edges, latency):
    state = os.path.join(folder, "state-%d-%s" % (edges, latency))
    args = [binary, "up", topology(folder, edges), "--state-dir", state, "--ready-timeout", "300"]
    if latency == "off":
        args.append("--no-link-latency")
    up = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "up.log"), "w"))
    try:
        for _ in range(3000):
            if os.path.exists(os.path.join(state, "network.json")):
                break
            time.sleep(0.1)
        else:
            raise SystemExit("the %d-edge network did not start; see %s/up.log" % (edges, folder))
        runs = []
        for run in range(RUNS):
            out = os.path.join(folder, "run.json")
            subprocess.run([binary, "propagation", "--state-dir", state, "--json", out], check=True, stdout=subprocess.DEVNULL)
            result = json.load(open(out))
            times = sorted((n["switchedAt"] - result["publishedAt"]) * 1000 for n in result["nodes"] if n["role"] == "edge")
            runs.append({"p50_ms": times[len(times) // 2], "max_ms": times[-1], "converged": result["converged"]})
        return runs
    finally:
        up.send_signal(signal.SIGTERM)
        up.wait(timeout=60)


def main():
    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    binary = os.path.join(subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, text=True, stderr=subprocess.DEVNULL).strip(), "edgesim")
    rows = []
    with tempfile.TemporaryDirectory(prefix="edgesim-propagation-") as folder:
        for latency in ("off", "on"):
            for edges in (10, 50, 100):
                runs = case(binary, folder, edges, latency)
                median = lambda key: sorted(r[key] for r in runs)[len(runs) // 2]
                rows.append({"edges": edges, "link_latency": latency, "runs": runs,
                             "p50_ms": median("p50_ms"), "max_ms": median("max_ms"), "worst_max_ms": max(r["max_ms"] for r in runs)})
                print("  %3d edges, latency %-3s: p50 %7.1f ms, max %7.1f ms" % (edges, latency, rows[-1]["p50_ms"], rows[-1]["max_ms"]), flush=True)
    print("\n| edges | link latency | p50 over edges | max over edges | worst max of %d runs |" % RUNS)
    print("| ---: | --- | ---: | ---: | ---: |")
    for r in rows:
        print("| %d | %s | %.1f ms | %.1f ms | %.1f ms |" % (r["edges"], r["link_latency"], r["p50_ms"], r["max_ms"], r["worst_max_ms"]))
    os.makedirs(os.path.join(ROOT, "benchmarks/results"), exist_ok=True)
    report = {"benchmark": "function version propagation: publish to switch at every edge", "runs_per_case": RUNS,
              "machine": "%d cores" % os.cpu_count(), "results": rows}
    json.dump(report, open(os.path.join(ROOT, "benchmarks/results/propagation.json"), "w"), indent=2)
    print("\nwrote benchmarks/results/propagation.json")


main()
