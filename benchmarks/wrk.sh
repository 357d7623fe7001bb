# Sourced by the benchmarks that drive a server with wrk and read its CPU time: the CPU ticks a
# set of processes has used, and one wrk run's figures as a JSON row.

# cpu_ticks PID…: the user and system clock ticks the processes have used.
cpu_ticks() { for pid in "$@"; do awk '{print $14 + $15}' "/proc/$pid/stat"; done | awk '{s += $1} END {print s}'; }

# wrk_row LABELS_JSON WRK_OUTPUT TICKS: prints the labels with wrk's rate, p50, p99, CPU per
# request (from TICKS, the server's ticks over the run), non-2xx answers and socket errors.
wrk_row() {
    python3 - "$1" "$2" "$3" "$(getconf CLK_TCK)" <<'PY'
import json, re, sys
labels, text = json.loads(sys.argv[1]), open(sys.argv[2]).read()
cpu_seconds = int(sys.argv[3]) / int(sys.argv[4])
def ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
requests = int(re.search(r"(\d+) requests in", text).group(1))
print(json.dumps({**labels, "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
                  "cpu_us_per_request": round(cpu_seconds * 1e6 / max(1, requests), 1),
                  "p50_ms": ms(latency["50"]), "p99_ms": ms(latency["99"]),
                  "non_2xx": int(errors.group(1)) if errors else 0,
                  "socket_errors": sum(map(int, sockets.groups())) if sockets else 0}))
PY
}
