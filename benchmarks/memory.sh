#!/usr/bin/env bash
# Memory per role on an idle network: RSS, PSS and USS (private) of every node, medians and
# maxima by role, after the network has settled. Prints a table and writes results/memory.json.
#
#   benchmarks/memory.sh [TOPOLOGY] [SETTLE_SECONDS]
#
# RSS counts every resident page a process maps, the code it shares with every other node
# included; PSS divides each shared page among the processes that map it; USS is what the process
# alone holds. On one machine running many nodes from one executable, PSS is each node's cost.
set -euo pipefail
cd "$(dirname "$0")/.."
topology="${1:-topologies/global.yaml}"
settle="${2:-5}"
work="$(mktemp -d)"
results="benchmarks/results"
. benchmarks/network.sh
trap 'stop_network; rm -rf "$work"' EXIT
start_network "$topology"
sleep "$settle"
python3 - "$state/network.json" "$results/memory.json" "$topology" <<'PY'
import json, platform, statistics, sys
state, out, topology = sys.argv[1], sys.argv[2], sys.argv[3]
nodes = json.load(open(state))["nodes"]
by_role = {}
for node in nodes:
    fields = {}
    with open(f"/proc/{node['pid']}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                fields[parts[0][:-1]] = int(parts[1]) / 1024
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    by_role.setdefault(node["role"], []).append({"node": node["id"], "rss_mb": fields["Rss"], "pss_mb": fields["Pss"], "uss_mb": uss})
rows = []
print(f"{'role':<9}{'nodes':>6}{'RSS p50':>10}{'RSS max':>10}{'PSS p50':>10}{'PSS max':>10}{'USS p50':>10}")
for role in ["edge", "hub", "origin", "registry", "dns"]:
    values = by_role.get(role, [])
    if not values:
        continue
    med = lambda k: statistics.median(v[k] for v in values)
    top = lambda k: max(v[k] for v in values)
    row = {"role": role, "nodes": len(values), "rss_p50_mb": med("rss_mb"), "rss_max_mb": top("rss_mb"),
           "pss_p50_mb": med("pss_mb"), "pss_max_mb": top("pss_mb"), "uss_p50_mb": med("uss_mb")}
    rows.append(row)
    print(f"{role:<9}{len(values):>6}{row['rss_p50_mb']:>9.1f}M{row['rss_max_mb']:>9.1f}M{row['pss_p50_mb']:>9.1f}M{row['pss_max_mb']:>9.1f}M{row['uss_p50_mb']:>9.1f}M")
json.dump({"benchmark": "memory per role, idle", "topology": topology, "nodes": len(nodes),
           "machine": platform.platform(), "roles": rows, "by_node": by_role}, open(out, "w"), indent=2)
print(f"\nwrote {out}")
PY
