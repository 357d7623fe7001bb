#!/usr/bin/env bash
# Instructions per cache hit and per warm Lambda@Edge invocation at an edge, counted by valgrind's
# callgrind: figures that do not move with the machine's load, for catching regressions. nginx's
# proxy_cache, one process under callgrind in front of the same origin, is counted the same way
# beside the hits. Prints a table and writes results/instructions.json.
#
#   benchmarks/instructions.sh [REQUESTS]
#
# KEEP=1 keeps the callgrind dumps (the script names their folder), for callgrind_annotate.
# The whole network runs under callgrind (every node is an edgesim process); the edge's counters
# are zeroed, REQUESTS requests are sent over one keep-alive connection, and the counters dumped.
# An idle stretch as long as the run is counted the same way and taken off, so timers and health
# checks are not charged to the requests.
#
# An invocation is counted on the edge's side: the event built and written to the worker's pipe,
# the reply read, checked and applied, around the same hit. The worker (Node.js, Python) runs
# outside valgrind, whose instrumentation of a JIT would say little about our code; its own cost
# is in benchmarks/lambda-overhead.sh. Under valgrind an interpreter cannot be found by name (a
# spawn by name exits 127 in the child), so the script names both by path; edgesim hands such
# paths on to its edges as it does the ones it finds itself.
#
# Needs valgrind (Debian: apt-get install valgrind). valgrind 3.19 cannot read the debug info of
# a Swift 6.3 build and stops at startup, so this builds edgesim with the Swift runtime linked in
# (--static-swift-stdlib, in .build-static; a first build takes several minutes) and strips a
# copy of its debug info, keeping the symbols.
set -euo pipefail
cd "$(dirname "$0")/.."
requests="${1:-500}"
work="$(mktemp -d)"
up_pid=""
nginx_pid=""
cleanup() {
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
    [ -n "$up_pid" ] && kill "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "callgrind's dumps are in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
. benchmarks/nginx.sh
mkdir -p benchmarks/results
echo "building edgesim with the Swift runtime linked in (.build-static)…" >&2
swift build -c release --static-swift-stdlib --product edgesim --scratch-path .build-static >"$work/build.log" 2>&1 ||
    { tail -n 30 "$work/build.log" >&2; exit 1; }
cp .build-static/release/edgesim "$work/edgesim"
strip --strip-debug "$work/edgesim"   # the symbols stay, for callgrind_annotate

# The benchmarks' one-edge topology, with a 64 KB object beside the 212 B page.
cp -r benchmarks/lambda "$work/net"
chmod -R a+rX "$work/net"
head -c 65536 /dev/urandom >"$work/net/site/64k.bin"
EDGESIM_NODEJS_EXECUTABLE="$(readlink -f "$(command -v node)")" \
EDGESIM_PYTHON_EXECUTABLE="$(python3 -c 'import sys; print(sys.executable)')" \
valgrind --tool=callgrind --trace-children=yes --trace-children-skip='*/node,*/python3*,*/sh,*/bash' \
    --callgrind-out-file="$work/cg.%p.out" "$work/edgesim" up "$work/net/topology.yaml" --state-dir "$work/state" \
    >"$work/up.log" 2>&1 &
up_pid=$!
for _ in $(seq 1 300); do [ -f "$work/state/network.json" ] && break; sleep 1; done
[ -f "$work/state/network.json" ] || { echo "the network did not start under valgrind; see $work/up.log" >&2; exit 1; }
read -r host port pid origin_port < <(python3 -c "
import json, sys
nodes = {n['id']: n for n in json.load(open(sys.argv[1]))['nodes']}
print(nodes['NRT50']['host'], nodes['NRT50']['port'], nodes['NRT50']['pid'], nodes['site']['port'])" "$work/state/network.json")

# nginx, one process (no master), a caching reverse proxy to the same origin.
nginx_port=$(free_port)
nginx_config "$work/nginx" "$origin_port" "$nginx_port" single
valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p.out" nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" >"$work/nginx.log" 2>&1 &
nginx_pid=$!

# count PID HOST PORT PATH N: the process's instructions while N requests for PATH go over one
# connection, or, with PATH "idle", during N seconds without any. Prints "instructions seconds".
count() {
    local pid="$1" host="$2" port="$3" path="$4" n="$5" started ended dump
    callgrind_control -z "$pid" >/dev/null 2>&1
    started=$(date +%s.%N)
    if [ "$path" = idle ]; then sleep "$n"; else
        python3 - "$host" "$port" "$path" "$n" <<'PY'
import http.client, sys
host, port, path, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
connection = http.client.HTTPConnection(host, port, timeout=120)
for _ in range(n):
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    if response.status != 200 or "hit" not in (response.getheader("x-cache") or "").lower():
        sys.exit(f"{path}: {response.status} {response.getheader('x-cache')}, not a hit")
PY
    fi
    ended=$(date +%s.%N)
    callgrind_control -d "$pid" >/dev/null 2>&1
    dump=$(ls -t "$work"/cg."$pid".out.* | head -1)
    echo "$(grep '^summary:' "$dump" | awk '{print $2}') $(python3 -c "print($ended - $started)")"
}

# warm HOST PORT PATH…: each path fetched until it is a cached hit.
warm() {
    python3 - "$@" <<'PY'
import sys, time, urllib.request
for path in sys.argv[3:]:
    for _ in range(20):
        response = urllib.request.urlopen(f"http://{sys.argv[1]}:{sys.argv[2]}{path}", timeout=120)
        response.read()
        if "hit" in (response.headers.get("x-cache") or "").lower():
            break
        time.sleep(0.5)
PY
}
warm "$host" "$port" /index.html /64k.bin /fn/index.html /py/index.html
warm 127.0.0.1 "$nginx_port" /index.html /64k.bin
{
    for server in edgesim nginx; do
        if [ "$server" = edgesim ]; then target=("$pid" "$host" "$port"); else target=("$nginx_pid" 127.0.0.1 "$nginx_port"); fi
        paths=(/index.html /64k.bin)
        [ "$server" = edgesim ] && paths+=(/fn/index.html /py/index.html)
        for path in "${paths[@]}"; do
            read -r total seconds < <(count "${target[@]}" "$path" "$requests")
            read -r idle idle_seconds < <(count "${target[@]}" idle "$seconds")
            echo "$server $path $requests $total $seconds $idle $idle_seconds"
        done
    done
} >"$work/rows.txt"

python3 - "$work/rows.txt" <<'PY'
import json, os, platform, sys
rows = []
for line in open(sys.argv[1]):
    server, path, n, total, seconds, idle, idle_seconds = line.split()
    background = float(idle) / float(idle_seconds) * float(seconds)
    rows.append({"server": server, "path": path, "requests": int(n), "instructions": int(total), "seconds": round(float(seconds), 2),
                 "background_instructions": round(background), "per_request": round((int(total) - background) / int(n))})
nginx = {r["path"]: r["per_request"] for r in rows if r["server"] == "nginx"}
hit = next(r["per_request"] for r in rows if r["server"] == "edgesim" and r["path"] == "/index.html")
names = {"/index.html": "hit, 212 B", "/64k.bin": "hit, 64 KB", "/fn/index.html": "Node.js viewer-request + hit",
         "/py/index.html": "Python viewer-request + hit"}
print(f"{'server':<9}{'request':<30}{'requests':>9}{'instructions':>15}{'background':>13}{'per request':>12}{'x nginx':>9}{'invocation':>12}")
for r in rows:
    if r["path"] in nginx:
        r["ratio_to_nginx"] = round(r["per_request"] / nginx[r["path"]], 2)
    if r["path"] in ("/fn/index.html", "/py/index.html"):
        r["per_invocation"] = r["per_request"] - hit
    ratio = f"{r['ratio_to_nginx']:.2f}" if "ratio_to_nginx" in r else "—"
    invocation = f"{r['per_invocation']:,}" if "per_invocation" in r else "—"
    print(f"{r['server']:<9}{names[r['path']]:<30}{r['requests']:>9}{r['instructions']:>15,}{r['background_instructions']:>13,}"
          f"{r['per_request']:>12,}{ratio:>9}{invocation:>12}")
print("(user-space instructions of the one process serving the requests; x nginx: per request over nginx's;")
print(" invocation: the edge's instructions per warm invocation, the request less a hit without a function)")
json.dump({"benchmark": "instructions per cache hit and per warm invocation at the edge (callgrind, one keep-alive connection)",
           "machine": platform.platform(), "cpus": os.cpu_count(), "results": rows},
          open("benchmarks/results/instructions.json", "w"), indent=2)
print("wrote benchmarks/results/instructions.json")
PY
