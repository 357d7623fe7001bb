#!/usr/bin/env bash
# What a Lambda@Edge viewer-request handler costs per request at an edge: cache hits with and
# without a trivial handler, in Node.js and in Python, each beside a plain server of its language
# running the same handler in-process (the practical limit); plus cold starts. Prints a table and
# writes results/lambda-overhead.json.
#
#   benchmarks/lambda-overhead.sh [DURATION_SECONDS] [CONNECTIONS]
#
# Needs wrk (Debian: apt-get install wrk), node, python3, and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
connections="${2:-8}"
work="$(mktemp -d)"
. benchmarks/network.sh
. benchmarks/nginx.sh   # free_port
node_pid=""
python_pid=""
cleanup() {
    [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null || true
    [ -n "$python_pid" ] && kill "$python_pid" 2>/dev/null || true
    stop_network
    rm -rf "$work"
}
trap cleanup EXIT
start_network benchmarks/lambda/topology.yaml
edge_port="$(node_field NRT50 port)"
edge_host="$(node_field NRT50 host)"
node_port=$(free_port)
node benchmarks/lambda/in-process-server.js "$node_port" &
node_pid=$!
python_port=$(free_port)
python3 benchmarks/lambda/in-process-server.py "$python_port" &
python_pid=$!
sleep 0.5

run() { # name url
    # The first request on the idle edge is timed apart: for a function, it starts the first worker.
    curl -s -o /dev/null -w '%{time_total}' "$2" >"$work/$1.first"
    for _ in 1 2; do curl -s -o /dev/null "$2"; done
    wrk -t2 -c"$connections" -d"${duration}s" --latency "$2" >"$work/$1.txt"
    python3 - "$1" "$work/$1.txt" <<'PY'
import json, re, sys
name, text = sys.argv[1], open(sys.argv[2]).read()
def ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(json.dumps({"case": name, "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
                  "p50_ms": ms(latency["50"]), "p99_ms": ms(latency["99"]), "non_2xx": int(errors.group(1)) if errors else 0}))
PY
}
{
    run "edge, no function" "http://$edge_host:$edge_port/index.html"
    run "edge, trivial viewer-request" "http://$edge_host:$edge_port/fn/index.html"
    run "node in-process" "http://127.0.0.1:$node_port/fn/index.html"
    run "edge, trivial Python handler" "http://$edge_host:$edge_port/py/index.html"
    run "python in-process" "http://127.0.0.1:$python_port/py/index.html"
} >"$work/rows.jsonl"
for function in trivial trivial-py; do
    cat "$work"/state/cloudwatch/*/aws/lambda/us-east-1.$function/*.log | grep -o 'Init Duration: [0-9.]*' | awk '{print $3}' >"$work/cold-$function.txt" || true
done
# What the calls that needed a new worker waited for it (less than its start when a spare was ready).
curl -s "http://$edge_host:$(node_field NRT50 adminPort)/metrics" | grep '^edgesim_lambda_spawn_duration_seconds_\(sum\|count\)' >"$work/waited.txt" || true

python3 - "$work/rows.jsonl" "$work/cold-trivial.txt" "$work/cold-trivial-py.txt" "$duration" "$connections" "$work/waited.txt" "$work" <<'PY'
import json, os, platform, re, statistics, sys
rows = {row["case"]: row for row in map(json.loads, open(sys.argv[1]))}
# The first request of each case on the idle edge (a cache miss in every case), in milliseconds.
first = {case: 1000 * float(open(os.path.join(sys.argv[7], case + ".first")).read()) for case in rows}
plain = rows["edge, no function"]
waited = {}
for line in open(sys.argv[6]):
    match = re.match(r'edgesim_lambda_spawn_duration_seconds_(sum|count)\{.*function="([^"]+)".*\} (\S+)', line)
    if match: waited.setdefault(match.group(2), {})[match.group(1)] = float(match.group(3))
def runtime(function_case, anchor_case, cold_path, function):
    fn, anchor = rows[function_case], rows[anchor_case]
    cold = [float(x) for x in open(cold_path).read().split()]
    wait = waited.get(function, {})
    return {"added_p50_ms": round(fn["p50_ms"] - plain["p50_ms"], 3), "added_p99_ms": round(fn["p99_ms"] - plain["p99_ms"], 3),
            "ratio_to_in_process": round(fn["requests_per_second"] / anchor["requests_per_second"], 3),
            "cold_starts": len(cold), "cold_start_median_ms": round(statistics.median(cold), 1) if cold else None,
            "cold_start_max_ms": round(max(cold), 1) if cold else None,
            "waited_for_worker_mean_ms": round(1000 * wait["sum"] / wait["count"], 1) if wait.get("count") else None,
            "idle_first_call_added_ms": round(first[function_case] - first["edge, no function"], 1)}
summary = {"nodejs": runtime("edge, trivial viewer-request", "node in-process", sys.argv[2], "trivial:1"),
           "python": runtime("edge, trivial Python handler", "python in-process", sys.argv[3], "trivial-py:1")}
json.dump({"benchmark": "Lambda@Edge viewer-request overhead", "duration_s": int(sys.argv[4]), "connections": int(sys.argv[5]),
           "cpus": os.cpu_count(), "machine": platform.platform(), "results": list(rows.values()), "summary": summary},
          open("benchmarks/results/lambda-overhead.json", "w"), indent=2)
print(f"{'case':<32} {'requests/s':>11} {'p50':>9} {'p99':>9} {'non-2xx':>8}")
for r in rows.values():
    print(f"{r['case']:<32} {r['requests_per_second']:>11.0f} {r['p50_ms']:>7.2f}ms {r['p99_ms']:>7.2f}ms {r['non_2xx']:>8}")
print()
print(f"{'runtime':<8} {'added p50':>10} {'added p99':>10} {'× in-process':>13} {'cold starts':>12} {'median':>9} {'max':>9} {'waited, mean':>13} {'idle first call':>16}")
for name, s in summary.items():
    print(f"{name:<8} {s['added_p50_ms']:>8.3f}ms {s['added_p99_ms']:>8.3f}ms {s['ratio_to_in_process']:>13.2f} {s['cold_starts']:>12} "
          f"{s['cold_start_median_ms']:>7}ms {s['cold_start_max_ms']:>7}ms {s['waited_for_worker_mean_ms']:>11}ms {s['idle_first_call_added_ms']:>14}ms")
print("(cold starts: each worker's own start, from its REPORT line; waited: what the calls that needed a new worker waited for it;")
print(" idle first call: what the first request through each function added on the idle edge, as curl timed it, beside the first plain miss)")
print("wrote benchmarks/results/lambda-overhead.json")
PY
