#!/usr/bin/env python3
"""The error between modelled and measured round trips, per viewer location, on a running network.

    edgesim up topologies/global.yaml --state-dir /tmp/rtt &     # 56 edges, 13 hubs, 2 origins
    benchmarks/rtt-error.py --state-dir /tmp/rtt [--samples 7]

For each viewer it asks its routed edge for a cached object with plain curl, once from the viewer's
loopback address (the viewer's link applies) and once from 127.0.0.1 (no link: the edge's own
time), each on a new connection. A new connection costs two round trips (handshake, request), so
measured RTT = (median(viewer) - median(local)) / 2. Prints a table and writes
benchmarks/results/rtt-error.json.

    benchmarks/rtt-error.py --state-dir /tmp/rtt --loaded [--seconds 5] [--concurrency 1]

Loaded mode measures every viewer at once, as the demo does: `edgesim measure --from all`, each
viewer on its own keep-alive connection(s), where a request costs one round trip plus the edge's
time. Per viewer the error at p50 and at p99 is the latency there less the modelled RTT and the
edge's own mean time (from Server-Timing). Writes benchmarks/results/rtt-error-loaded.json.
"""
import argparse, json, os, platform, statistics, subprocess, tempfile

def curl(url, host, interface=None):
    command = ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", "-H", f"Host: {host}", url]
    if interface:
        command[1:1] = ["--interface", interface]
    return float(subprocess.run(command, capture_output=True, text=True, check=True).stdout) * 1000

def loaded(arguments, state):
    """Every viewer at once through `edgesim measure`; the errors at p50 and p99 per viewer."""
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], capture_output=True, text=True,
                            check=True).stdout.strip() + "/edgesim"
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "measure.json")
        subprocess.run([binary, "measure", "--state-dir", arguments.state_dir, "--from", "all", "--path", arguments.path,
                        "--duration", f"{arguments.seconds}s", "--concurrency", str(arguments.concurrency), "--warmup", "3",
                        "--json", out], check=True, capture_output=True)
        result = json.load(open(out))
    rows = []
    for location in sorted(result["locations"], key=lambda l: l["target"]["modelledRTT"] or 0):
        modelled, edge = location["target"]["modelledRTT"], location["stages"]["edge"]
        rows.append({"viewer": location["target"]["viewer"], "edge": location["servedBy"], "requests": location["requests"],
                     "modelled_ms": round(modelled, 2), "p50_ms": location["p50"], "p99_ms": location["p99"],
                     "edge_ms": round(edge, 3),
                     "p50_error_ms": round(location["p50"] - modelled - edge, 2),
                     "p99_error_ms": round(location["p99"] - modelled - edge, 2)})
    total = sum(row["requests"] for row in rows)
    summary = {"viewers": len(rows), "requests": total, "requests_per_second": round(total / result["seconds"], 1),
               "concurrency": arguments.concurrency,
               "max_abs_p50_error_ms": max(abs(r["p50_error_ms"]) for r in rows),
               "max_p99_error_ms": max(r["p99_error_ms"] for r in rows),
               "viewers_within_goal": sum(1 for r in rows if abs(r["p50_error_ms"]) <= 0.5 and r["p99_error_ms"] <= 2)}
    print(f"{'viewer':<14} {'edge':<6} {'requests':>8} {'modelled':>9} {'p50':>9} {'p99':>9} {'p50 error':>10} {'p99 error':>10}")
    for r in rows:
        print(f"{r['viewer']:<14} {r['edge']:<6} {r['requests']:>8} {r['modelled_ms']:>7.1f}ms {r['p50_ms']:>7.2f}ms "
              f"{r['p99_ms']:>7.2f}ms {r['p50_error_ms']:>+8.2f}ms {r['p99_error_ms']:>+8.2f}ms")
    print(f"\n{summary['viewers']} viewers at once, {summary['requests_per_second']} requests/s: max |p50 error| "
          f"{summary['max_abs_p50_error_ms']} ms, max p99 error {summary['max_p99_error_ms']} ms; "
          f"{summary['viewers_within_goal']} within 0.5 ms at p50 and 2 ms at p99")
    os.makedirs("benchmarks/results", exist_ok=True)
    json.dump({"benchmark": "modelled vs measured viewer RTT, every viewer at once", "seconds": arguments.seconds,
               "machine": platform.platform(), "cpus": os.cpu_count(), "summary": summary, "viewers": rows},
              open("benchmarks/results/rtt-error-loaded.json", "w"), indent=2)
    print("wrote benchmarks/results/rtt-error-loaded.json")

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--state-dir", default=".edgesim")
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--path", default="/index.html")
    parser.add_argument("--loaded", action="store_true", help="measure every viewer at once, as the demo does")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=1)
    arguments = parser.parse_args()
    state = json.load(open(os.path.join(arguments.state_dir, "network.json")))
    if arguments.loaded:
        return loaded(arguments, state)
    nodes = {node["id"]: node for node in state["nodes"]}
    host = state["distributions"][0]["domain"]
    rows = []
    for viewer in sorted(state["viewers"], key=lambda v: v["rttMilliseconds"] or 0):
        edge = nodes[viewer["edge"]]
        url = f"http://{edge['host']}:{edge['port']}{arguments.path}"
        curl(url, host, viewer["address"])  # warm the edge's cache
        shaped = [curl(url, host, viewer["address"]) for _ in range(arguments.samples)]
        local = [curl(url, host) for _ in range(arguments.samples)]
        measured = (statistics.median(shaped) - statistics.median(local)) / 2
        modelled = viewer["rttMilliseconds"]
        rows.append({"viewer": viewer["id"], "location": viewer["location"], "edge": viewer["edge"],
                     "modelled_ms": round(modelled, 2), "measured_ms": round(measured, 2),
                     "error_ms": round(measured - modelled, 2),
                     "error_percent": round(100 * (measured - modelled) / modelled, 2)})
    errors = [abs(row["error_ms"]) for row in rows]
    summary = {"viewers": len(rows), "edges_running": sum(1 for n in state["nodes"] if n["role"] == "edge"),
               "mean_abs_error_ms": round(statistics.mean(errors), 2), "max_abs_error_ms": round(max(errors), 2),
               "mean_abs_error_percent": round(statistics.mean(abs(r["error_percent"]) for r in rows), 2)}
    print(f"{'viewer':<14} {'edge':<6} {'modelled':>10} {'measured':>10} {'error':>9}")
    for row in rows:
        print(f"{row['viewer']:<14} {row['edge']:<6} {row['modelled_ms']:>8.1f}ms {row['measured_ms']:>8.1f}ms {row['error_ms']:>+7.2f}ms")
    print(f"\n{summary['viewers']} viewers, {summary['edges_running']} edges running: mean |error| "
          f"{summary['mean_abs_error_ms']} ms ({summary['mean_abs_error_percent']}%), max {summary['max_abs_error_ms']} ms")
    os.makedirs("benchmarks/results", exist_ok=True)
    json.dump({"benchmark": "modelled vs measured viewer RTT", "samples": arguments.samples, "machine": platform.platform(),
               "cpus": os.cpu_count(), "summary": summary, "viewers": rows},
              open("benchmarks/results/rtt-error.json", "w"), indent=2)
    print("wrote benchmarks/results/rtt-error.json")

if __name__ == "__main__":
    main()
