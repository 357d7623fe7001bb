#!/usr/bin/env bash
# Cache hits at one edge with emulation off, beside nginx as a caching proxy in front of the same
# origin, the same files (212 B and 64 KB) and the same load (wrk). Besides the rate and latency it
# reads each server's CPU time per request from /proc (user + system, all of nginx's workers): a
# figure that does not depend on how much of the two cores wrk took. Prints a table and writes
# results/hits-vs-nginx.json.
#
#   benchmarks/hits-vs-nginx.sh [DURATION_SECONDS] [CONNECTIONS]
#
# Needs wrk and nginx (Debian: apt-get install wrk nginx-light) and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
connections="${2:-32}"
work="$(mktemp -d)"
results="benchmarks/results"
. benchmarks/network.sh
. benchmarks/nginx.sh
. benchmarks/wrk.sh

nginx_pid=""
cleanup() {
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    stop_network
    rm -rf "$work"
}
trap cleanup EXIT
# The minimal topology, its origin serving the demo page (212 B) and a 64 KB object.
mkdir -p "$work/site"
cp topologies/sites/demo/index.html "$work/site/index.html"
head -c 65536 /dev/urandom >"$work/site/64k.bin"
sed "s|static: sites/demo|static: $work/site|" topologies/minimal.yaml >"$work/minimal.yaml"
start_network "$work/minimal.yaml"
edge_port="$(node_field NRT50 port)"
edge_host="$(node_field NRT50 host)"
origin_port="$(node_field site port)"

# nginx: a caching reverse proxy to the same built-in origin, the same 60 s TTL.
nginx_port=$(free_port)
nginx_config "$work/nginx" "$origin_port" "$nginx_port"
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
sleep 0.5


run() { # name file url pid…
    local name="$1" file="$2" url="$3"
    shift 3
    curl -s -o /dev/null "$url"; curl -s -D - -o /dev/null "$url" | grep -i "x-cache\|^HTTP" >&2 || true   # warm: the next requests are hits
    local before after
    before=$(cpu_ticks "$@")
    wrk -t2 -c"$connections" -d"${duration}s" --latency "$url" >"$work/$name-$file.txt"
    after=$(cpu_ticks "$@")
    wrk_row "{\"server\": \"$name\", \"file\": \"$file\"}" "$work/$name-$file.txt" "$((after - before))"
}
{
    edge_pid="$(node_field NRT50 pid)"
    nginx_pids="$nginx_pid $(pgrep -P "$nginx_pid" | tr '\n' ' ')"
    for file in index.html 64k.bin; do
        run edgesim "$file" "http://$edge_host:$edge_port/$file" "$edge_pid"
        # shellcheck disable=SC2086
        run nginx "$file" "http://127.0.0.1:$nginx_port/$file" $nginx_pids
    done
} >"$work/rows.jsonl"

python3 - "$work/rows.jsonl" "$results/hits-vs-nginx.json" "$duration" "$connections" <<'PY'
import json, platform, os, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
report = {"benchmark": "cache hits at one edge, emulation off, vs nginx proxy_cache",
          "files": {"index.html": 212, "64k.bin": 65536},
          "duration_s": int(sys.argv[3]), "connections": int(sys.argv[4]), "threads": 2, "cpus": os.cpu_count(),
          "machine": platform.platform(), "results": rows}
nginx = {r["file"]: r for r in rows if r["server"] == "nginx"}
for r in rows:
    r["ratio_to_nginx"] = round(r["requests_per_second"] / nginx[r["file"]]["requests_per_second"], 3)
json.dump(report, open(sys.argv[2], "w"), indent=2)
print(f"{'server':<10} {'file':<11} {'requests/s':>12} {'× nginx':>8} {'p50':>10} {'p99':>10} {'CPU/request':>12} {'non-2xx':>8}")
for r in rows:
    print(f"{r['server']:<10} {r['file']:<11} {r['requests_per_second']:>12.0f} {r['ratio_to_nginx']:>8.2f} "
          f"{r['p50_ms']:>8.2f}ms {r['p99_ms']:>8.2f}ms {r['cpu_us_per_request']:>10.1f}µs {r['non_2xx']:>8}")
print(f"\nwrote {sys.argv[2]}")
PY
