#!/usr/bin/env python3
"""The error between modelled and measured round trips, per viewer location, on a running network.

    edgesim up topologies/global.yaml --state-dir /tmp/rtt &     # 56 edges, 13 hubs, 2 origins
    benchmarks/rtt-error.py --state-dir /tmp/rtt [--samples 7]

For each viewer it asks its routed edge for a cached object with plain curl, once from the viewer's
loopback address (the viewer's link applies) and once from 127.0.0.1 (no link: the edge's own
time), each on a new connection. A new connection costs two round trips (handshake, request), so
measured RTT = (median(viewer) - median(local)) / 2. Prints a table and writes
benchmarks/results/rtt-error.json.
"""
import argparse, json, os, platform, statistics, subprocess

def curl(url, host, interface=None):
    command = ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", "-H", f"Host: {host}", url]
    if interface:
        command[1:1] = ["--interface", interface]
    return float(subprocess.run(command, capture_output=True, text=True, check=True).stdout) * 1000

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--state-dir", default=".edgesim")
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--path", default="/index.html")
    arguments = parser.parse_args()
    state = json.load(open(os.path.join(arguments.state_dir, "network.json")))
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
