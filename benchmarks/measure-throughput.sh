#!/usr/bin/env bash
# What `edgesim measure` itself can drive, and what it adds: the minimal topology started with
# --no-link-latency (links add nothing), one viewer location measured closed loop at several
# connection counts, beside wrk against the same edge and file. Prints a table and writes
# results/measure-throughput.json.
#
#   benchmarks/measure-throughput.sh [SECONDS]
#
# Needs wrk (Debian: apt-get install wrk) and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
work="$(mktemp -d)"
. benchmarks/network.sh
cleanup() {
    stop_network
    rm -rf "$work"
}
trap cleanup EXIT
start_network topologies/minimal.yaml --no-link-latency
edge_port="$(node_field NRT50 port)"
edge_host="$(node_field NRT50 host)"
domain="$(distribution_domain)"

for connections in 1 8 32; do
    "$bin" measure --state-dir "$work/state" --from tokyo-home --duration "$seconds s" --concurrency "$connections" \
        --warmup 10 --json "$work/measure-$connections.json" >/dev/null
    wrk -t"$(( connections < 2 ? 1 : 2 ))" -c"$connections" -d"${seconds}s" --latency -H "Host: $domain" "http://$edge_host:$edge_port/" >"$work/wrk-$connections.txt"
done

python3 - "$work" "$seconds" <<'PY'
import json, re, sys
work, seconds = sys.argv[1], float(sys.argv[2])
def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rows = []
for connections in (1, 8, 32):
    m = json.load(open(f"{work}/measure-{connections}.json"))
    location = m["locations"][0]
    rows.append({"tool": "edgesim measure", "connections": connections, "requests_per_second": location["requests"] / m["seconds"],
                 "p50_ms": location["p50"], "p99_ms": location["p99"]})
    text = open(f"{work}/wrk-{connections}.txt").read()
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    rows.append({"tool": "wrk", "connections": connections, "requests_per_second": rate, "p50_ms": ms(latency["50"]), "p99_ms": ms(latency["99"])})
print("| tool | connections | requests/s | p50 | p99 |")
print("| --- | ---: | ---: | ---: | ---: |")
for r in rows:
    print(f"| {r['tool']} | {r['connections']} | {r['requests_per_second']:,.0f} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms |")
json.dump({"benchmark": "edgesim measure's own throughput and overhead vs wrk, links add no latency",
           "seconds": seconds, "results": rows}, open("benchmarks/results/measure-throughput.json", "w"), indent=2)
print("\nwrote benchmarks/results/measure-throughput.json")
PY
