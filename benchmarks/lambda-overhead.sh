#!/usr/bin/env bash
# What a Lambda@Edge viewer-request handler costs per request at an edge: cache hits with and
# without a trivial handler, in Node.js and in Python, each beside a plain server of its language
# running the same handler in-process (the practical limit), and a trivial CloudFront Function
# beside Node running it in-process on a CloudFront Functions event; plus cold starts, on the idle edge
# one at a time and in the burst of new workers that load brings. Prints a table and writes
# results/lambda-overhead.json.
#
#   benchmarks/lambda-overhead.sh [DURATION_SECONDS] [CONNECTIONS]
#
# Needs wrk (Debian: apt-get install wrk), node, python3, njs, and a release build.
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
    # For a function, the first request on the idle edge starts its first worker.
    for _ in 1 2 3; do curl -s -o /dev/null "$2"; done
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
    run "edge, trivial CloudFront Function" "http://$edge_host:$edge_port/cff/index.html"
    run "node in-process, CloudFront event" "http://127.0.0.1:$node_port/cff/index.html"
} >"$work/rows.jsonl"
# Cold starts one at a time on the idle edge: each call of `once` ends its worker, so the next
# call needs a new one; between them the edge is idle for half a second, as between a quiet
# edge's calls.
for path in once once-py; do
    for _ in $(seq 1 10); do curl -s -o /dev/null "http://$edge_host:$edge_port/$path/index.html"; sleep 0.5; done
done
init_durations() { # function: every Init Duration its REPORT lines show, in order
    cat "$work"/state/cloudwatch/*/aws/lambda/us-east-1.$1/*.log | grep -o 'Init Duration: [0-9.]*' | awk '{print $3}' || true
}
for function in trivial trivial-py once once-py; do init_durations $function >"$work/cold-$function.txt"; done
# What the calls that needed a new worker waited for it (less than its start when a spare was ready).
curl -s "http://$edge_host:$(node_field NRT50 adminPort)/metrics" | grep '^edgesim_lambda_spawn_duration_seconds_\(sum\|count\)' >"$work/waited.txt" || true

python3 - "$work/rows.jsonl" "$work" "$duration" "$connections" "$work/waited.txt" <<'PY'
import json, os, platform, re, statistics, sys
rows = {row["case"]: row for row in map(json.loads, open(sys.argv[1]))}
work = sys.argv[2]
plain = rows["edge, no function"]
waited = {}
for line in open(sys.argv[5]):
    match = re.match(r'edgesim_lambda_spawn_duration_seconds_(sum|count)\{.*function="([^"]+)".*\} (\S+)', line)
    if match: waited.setdefault(match.group(2), {})[match.group(1)] = float(match.group(3))
def cold(function):
    return [float(x) for x in open(os.path.join(work, f"cold-{function}.txt")).read().split()]
def median(values):
    return round(statistics.median(values), 1) if values else None
def runtime(function_case, anchor_case, function, once):
    fn, anchor = rows[function_case], rows[anchor_case]
    # The trivial function's first cold start served the first request on the idle edge; the
    # others came in the burst of new workers at the start of its load.
    trivial = cold(function)
    wait = waited.get(function + ":1", {})
    return {"added_p50_ms": round(fn["p50_ms"] - plain["p50_ms"], 3), "added_p99_ms": round(fn["p99_ms"] - plain["p99_ms"], 3),
            "ratio_to_in_process": round(fn["requests_per_second"] / anchor["requests_per_second"], 3),
            "idle_cold_starts": len(cold(once)), "idle_cold_start_median_ms": median(cold(once)),
            "idle_cold_start_max_ms": round(max(cold(once)), 1) if cold(once) else None,
            "first_call_cold_start_ms": trivial[0] if trivial else None,
            "burst_cold_starts": len(trivial[1:]), "burst_cold_start_median_ms": median(trivial[1:]),
            "burst_cold_start_max_ms": round(max(trivial[1:]), 1) if trivial[1:] else None,
            "waited_for_worker_mean_ms": round(1000 * wait["sum"] / wait["count"], 1) if wait.get("count") else None}
summary = {"nodejs": runtime("edge, trivial viewer-request", "node in-process", "trivial", "once"),
           "python": runtime("edge, trivial Python handler", "python in-process", "trivial-py", "once-py")}
cff, cff_anchor = rows["edge, trivial CloudFront Function"], rows["node in-process, CloudFront event"]
cloudfront_function = {"added_p50_ms": round(cff["p50_ms"] - plain["p50_ms"], 3), "added_p99_ms": round(cff["p99_ms"] - plain["p99_ms"], 3),
                       "ratio_to_in_process": round(cff["requests_per_second"] / cff_anchor["requests_per_second"], 3)}
json.dump({"benchmark": "Lambda@Edge viewer-request overhead", "duration_s": int(sys.argv[3]), "connections": int(sys.argv[4]),
           "cpus": os.cpu_count(), "machine": platform.platform(), "results": list(rows.values()), "summary": summary,
           "cloudfront_function": cloudfront_function},
          open("benchmarks/results/lambda-overhead.json", "w"), indent=2)
print(f"{'case':<32} {'requests/s':>11} {'p50':>9} {'p99':>9} {'non-2xx':>8}")
for r in rows.values():
    print(f"{r['case']:<32} {r['requests_per_second']:>11.0f} {r['p50_ms']:>7.2f}ms {r['p99_ms']:>7.2f}ms {r['non_2xx']:>8}")
print()
print(f"{'runtime':<8} {'added p50':>10} {'added p99':>10} {'× in-process':>13}")
for name, s in list(summary.items()) + [("cloudfront-js", cloudfront_function)]:
    print(f"{name:<8} {s['added_p50_ms']:>8.3f}ms {s['added_p99_ms']:>8.3f}ms {s['ratio_to_in_process']:>13.2f}")
print()
print(f"{'cold starts':<8} {'idle: n':>8} {'median':>9} {'max':>9} {'first call':>11} {'burst: n':>9} {'median':>9} {'max':>9}")
for name, s in summary.items():
    print(f"{name:<11} {s['idle_cold_starts']:>5} {s['idle_cold_start_median_ms']:>7}ms {s['idle_cold_start_max_ms']:>7}ms {s['first_call_cold_start_ms']:>9}ms "
          f"{s['burst_cold_starts']:>9} {s['burst_cold_start_median_ms']:>7}ms {s['burst_cold_start_max_ms']:>7}ms")
print("(Init Duration from the REPORT lines: what each new worker's first call waited for it. idle: one at a time on the")
print(" idle edge; first call: the first request through the function; burst: the new workers its load then needed at once)")
print("wrote benchmarks/results/lambda-overhead.json")
PY
