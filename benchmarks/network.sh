# Sourced by the benchmark scripts: the release build, a network started in the background
# (stopped by stop_network, which each script's EXIT trap calls), and fields of its state file.
# Needs $work, a scratch folder the script made.

swift build -c release >/dev/null 2>&1
bin="$(swift build -c release --show-bin-path 2>/dev/null)/edgesim"
state="$work/state"
mkdir -p benchmarks/results

# start_network TOPOLOGY [up options…]: starts it and waits for its state file.
start_network() {
    local topology="$1"
    shift
    "$bin" up "$topology" --state-dir "$state" "$@" >"$work/up.log" 2>&1 &
    network_pid=$!
    for _ in $(seq 1 300); do [ -f "$state/network.json" ] && return 0; sleep 0.1; done
    echo "the network did not start; see $work/up.log" >&2
    return 1
}

# stop_network: stops it and waits for every node to exit.
stop_network() {
    [ -n "${network_pid:-}" ] || return 0
    kill "$network_pid" 2>/dev/null || true
    wait "$network_pid" 2>/dev/null || true
}

# node_field NODE FIELD: a node's field (host, port, adminPort …) from the state file.
node_field() {
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print([n for n in d['nodes'] if n['id']==sys.argv[2]][0][sys.argv[3]])" \
        "$state/network.json" "$1" "$2"
}

# distribution_domain: the first distribution's domain.
distribution_domain() {
    python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['distributions'][0]['domain'])" "$state/network.json"
}
