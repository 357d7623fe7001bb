#!/usr/bin/env bash
# Instructions per cache hit at an edge, counted by valgrind's callgrind: a figure that does not
# move with the machine's load, for catching regressions. nginx's proxy_cache, one process under
# callgrind in front of the same origin, is counted the same way beside it. Prints a table and
# writes results/instructions.json.
#
#   benchmarks/instructions.sh [REQUESTS]
#
# KEEP=1 keeps the callgrind dumps (the script names their folder), for callgrind_annotate.
# The whole network runs under callgrind (every node is an edgesim process); the edge's counters
# are zeroed, REQUESTS hits are sent over one keep-alive connection, and the counters dumped. An
# idle stretch as long as the run is counted the same way and taken off, so timers and health
# checks are not charged to the requests.
#
# Needs valgrind (Debian: apt-get install valgrind). valgrind 3.19 cannot read the debug info of
# a Swift 6.3 build and stops at startup, so this builds edgesim with the Swift runtime linked in
# (--static-swift-stdlib, in .build-static; a first build takes several minutes) and strips a
# copy of its debug info, keeping the symbols. It cannot count a function call: valgrind 3.19 does
# not know pidfd_open, which starting a worker needs.
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

# warm SERVER_HOST PORT: each object fetched until it is a cached hit.
warm() {
    python3 - "$1" "$2" <<'PY'
import sys, time, urllib.request
for path in ("/index.html", "/64k.bin"):
    for _ in range(20):
        response = urllib.request.urlopen(f"http://{sys.argv[1]}:{sys.argv[2]}{path}", timeout=120)
        response.read()
        if "hit" in (response.headers.get("x-cache") or "").lower():
            break
        time.sleep(0.5)
PY
}
warm "$host" "$port"
warm 127.0.0.1 "$nginx_port"
{
    for server in edgesim nginx; do
        if [ "$server" = edgesim ]; then target=("$pid" "$host" "$port"); else target=("$nginx_pid" 127.0.0.1 "$nginx_port"); fi
        for path in /index.html /64k.bin; do
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
                 "background_instructions": round(background), "per_hit": round((int(total) - background) / int(n))})
nginx = {r["path"]: r["per_hit"] for r in rows if r["server"] == "nginx"}
names = {"/index.html": "212 B", "/64k.bin": "64 KB"}
print(f"{'server':<9}{'object':<8}{'requests':>10}{'instructions':>15}{'background':>13}{'per hit':>10}{'x nginx':>9}")
for r in rows:
    r["ratio_to_nginx"] = round(r["per_hit"] / nginx[r["path"]], 2)
    print(f"{r['server']:<9}{names[r['path']]:<8}{r['requests']:>10}{r['instructions']:>15,}{r['background_instructions']:>13,}"
          f"{r['per_hit']:>10,}{r['ratio_to_nginx']:>9.2f}")
print("(user-space instructions of the one process serving the hits; x nginx: instructions per hit over nginx's)")
json.dump({"benchmark": "instructions per cache hit (callgrind, one keep-alive connection)", "machine": platform.platform(),
           "cpus": os.cpu_count(), "results": rows}, open("benchmarks/results/instructions.json", "w"), indent=2)
print("wrote benchmarks/results/instructions.json")
PY
