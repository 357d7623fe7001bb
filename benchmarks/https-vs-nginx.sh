#!/usr/bin/env bash
# HTTPS at one edge with emulation off, beside nginx serving the same file over TLS 1.3 with the
# same ECDSA P-256 certificate (the distribution's, from the network's CA) and a session cache,
# as a caching proxy in front of the same origin. Two loads (wrk): keep-alive HTTPS hits, and
# full handshakes (`Connection: close`, so each request opens a new TLS connection). Besides the
# rate it reads each server's CPU time per request from /proc. Prints a table and writes
# results/https-vs-nginx.json.
#
#   benchmarks/https-vs-nginx.sh [DURATION_SECONDS] [CONNECTIONS]
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
mkdir -p "$work/site"
cp topologies/sites/demo/index.html "$work/site/index.html"
sed "s|static: sites/demo|static: $work/site|" topologies/minimal.yaml >"$work/minimal.yaml"
start_network "$work/minimal.yaml"
edge_host="$(node_field NRT50 host)"
edge_https="$(node_field NRT50 httpsPort)"
origin_port="$(node_field site port)"
domain="$(distribution_domain)"
distribution="$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['distributions'][0]['id'])" "$state/network.json")"

nginx_port=$(free_port)
nginx_tls_config "$work/nginx" "$origin_port" "$nginx_port" "$state/tls/$distribution.pem" "$state/tls/$distribution-key.pem"
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
sleep 0.5


run() { # name load url pid…
    local name="$1" load="$2" url="$3"
    shift 3
    local close=()
    [ "$load" = handshakes ] && close=(-H "Connection: close")
    curl -sk -o /dev/null -H "Host: $domain" "$url"; curl -sk -o /dev/null -H "Host: $domain" "$url"   # warm: the next requests are hits
    local before after
    before=$(cpu_ticks "$@")
    wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Host: $domain" "${close[@]}" "$url" >"$work/$name-$load.txt"
    after=$(cpu_ticks "$@")
    wrk_row "{\"server\": \"$name\", \"load\": \"$load\"}" "$work/$name-$load.txt" "$((after - before))"
}
{
    edge_pid="$(node_field NRT50 pid)"
    nginx_pids="$nginx_pid $(pgrep -P "$nginx_pid" | tr '\n' ' ')"
    for load in keep-alive handshakes; do
        run edgesim "$load" "https://$edge_host:$edge_https/index.html" "$edge_pid"
        # shellcheck disable=SC2086
        run nginx "$load" "https://127.0.0.1:$nginx_port/index.html" $nginx_pids
    done
} >"$work/rows.jsonl"

python3 - "$work/rows.jsonl" "$results/https-vs-nginx.json" "$duration" "$connections" <<'PY'
import json, platform, os, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
report = {"benchmark": "HTTPS at one edge (TLS 1.3, ECDSA P-256), emulation off, vs nginx proxy_cache over TLS",
          "file_bytes": 212, "duration_s": int(sys.argv[3]), "connections": int(sys.argv[4]), "threads": 2,
          "cpus": os.cpu_count(), "machine": platform.platform(), "results": rows}
nginx = {r["load"]: r for r in rows if r["server"] == "nginx"}
for r in rows:
    r["ratio_to_nginx"] = round(r["requests_per_second"] / nginx[r["load"]]["requests_per_second"], 3)
json.dump(report, open(sys.argv[2], "w"), indent=2)
print(f"{'server':<10} {'load':<11} {'requests/s':>12} {'× nginx':>8} {'p50':>10} {'p99':>10} {'CPU/request':>12} {'errors':>7}")
for r in rows:
    print(f"{r['server']:<10} {r['load']:<11} {r['requests_per_second']:>12.0f} {r['ratio_to_nginx']:>8.2f} "
          f"{r['p50_ms']:>8.2f}ms {r['p99_ms']:>8.2f}ms {r['cpu_us_per_request']:>10.1f}µs {r['non_2xx'] + r['socket_errors']:>7}")
print(f"\nwrote {sys.argv[2]}")
PY
