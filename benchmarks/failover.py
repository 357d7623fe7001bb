#!/usr/bin/env python3
"""How fast GeoDNS takes a failed edge out of its answers, and how fast it puts it back. On
topologies/minimal.yaml it fails KIX50 (Osaka's edge) a few times each way: killed (`edgesim kill
KIX50 --down 2s`, kill -9 with the restart held for 2 s) and hung (SIGSTOP for 2 s, then SIGCONT).
Meanwhile it asks the DNS server for the distribution's domain from Osaka's address every 10 ms,
and records:

- out: from the fault until the answer is no longer KIX50 (the goal: under 1 s);
- back: from the end of the outage (the restart is due, or SIGCONT) until the answer is KIX50 again.

Prints a table and writes results/failover.json.

    benchmarks/failover.py [TRIALS_PER_FAULT]

Builds and uses the release build.
"""
import json, os, random, signal, socket, struct, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRIALS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
OUTAGE = 2.0


def ask(server, name, source):
    """One A query over UDP from a source address; the first address answered, or None."""
    query_id = random.randrange(65536)
    question = b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0" + struct.pack("!HH", 1, 1)
    packet = struct.pack("!HHHHHH", query_id, 0x0100, 1, 0, 0, 0) + question
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((source, 0))
        sock.settimeout(0.5)
        sock.sendto(packet, server)
        try:
            reply, _ = sock.recvfrom(4096)
        except socket.timeout:
            return None
    answers = struct.unpack("!H", reply[6:8])[0]
    return socket.inet_ntoa(reply[-4:]) if answers else None


def wait_for(predicate, limit=20.0):
    """Polls every 10 ms; the seconds it took, or None past the limit."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.01)
    return None


def main():
    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    binary = os.path.join(subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, text=True, stderr=subprocess.DEVNULL).strip(), "edgesim")
    rows = []
    with tempfile.TemporaryDirectory(prefix="edgesim-failover-") as folder:
        state_dir = os.path.join(folder, "state")
        up = subprocess.Popen([binary, "up", os.path.join(ROOT, "topologies/minimal.yaml"), "--state-dir", state_dir],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "up.log"), "w"))
        try:
            if wait_for(lambda: os.path.exists(os.path.join(state_dir, "network.json")), 120) is None:
                raise SystemExit("the network did not start; see %s/up.log" % folder)
            load = lambda: json.load(open(os.path.join(state_dir, "network.json")))
            state = load()
            node = lambda node_id: next(n for n in load()["nodes"] if n["id"] == node_id)
            dns = (node("dns")["host"], node("dns")["port"])
            domain = state["distributions"][0]["domain"]
            osaka = next(v for v in state["viewers"] if v["id"] == "osaka-office")["address"]
            kix = node("KIX50")["host"]
            answer = lambda: ask(dns, domain, osaka)
            if wait_for(lambda: answer() == kix, 30) is None:
                raise SystemExit("Osaka is not answered with KIX50 to begin with")
            for fault in ("kill -9", "SIGSTOP"):
                trials = []
                for _ in range(TRIALS):
                    if fault == "kill -9":
                        subprocess.run([binary, "kill", "KIX50", "--down", "%g s" % OUTAGE, "--state-dir", state_dir], check=True, stdout=subprocess.DEVNULL)
                    else:
                        os.kill(node("KIX50")["pid"], signal.SIGSTOP)
                    failed = time.monotonic()
                    out = wait_for(lambda: answer() not in (kix, None))
                    time.sleep(max(0, failed + OUTAGE - time.monotonic()))
                    if fault == "SIGSTOP":
                        os.kill(node("KIX50")["pid"], signal.SIGCONT)
                    back = wait_for(lambda: answer() == kix)
                    trials.append({"out_ms": round(out * 1000, 1) if out is not None else None,
                                   "back_ms": round(back * 1000, 1) if back is not None else None})
                    wait_for(lambda: False, 1.0)  # let health settle before the next fault
                outs = sorted(t["out_ms"] for t in trials if t["out_ms"] is not None)
                backs = sorted(t["back_ms"] for t in trials if t["back_ms"] is not None)
                rows.append({"fault": fault, "trials": trials,
                             "out_p50_ms": outs[len(outs) // 2] if outs else None, "out_max_ms": outs[-1] if outs else None,
                             "back_p50_ms": backs[len(backs) // 2] if backs else None, "back_max_ms": backs[-1] if backs else None})
        finally:
            up.send_signal(signal.SIGTERM)
            up.wait(timeout=60)
    print("GeoDNS failover on minimal.yaml: KIX50 fails for %g s, %d times per fault; Osaka asks every 10 ms" % (OUTAGE, TRIALS))
    print()
    print("%-8s  %12s  %12s  %13s  %13s" % ("fault", "out p50", "out max", "back p50", "back max"))
    for row in rows:
        cell = lambda v: "%.0f ms" % v if v is not None else "never"
        print("%-8s  %12s  %12s  %13s  %13s" % (row["fault"], cell(row["out_p50_ms"]), cell(row["out_max_ms"]), cell(row["back_p50_ms"]), cell(row["back_max_ms"])))
    os.makedirs(os.path.join(ROOT, "benchmarks/results"), exist_ok=True)
    with open(os.path.join(ROOT, "benchmarks/results/failover.json"), "w") as f:
        json.dump({"outage_s": OUTAGE, "trials_per_fault": TRIALS, "rows": rows}, f, indent=2)
    print()
    print("out: fault → the answer leaves KIX50 (goal: under 1 s); back: end of outage → the answer is KIX50 again")
    print("wrote benchmarks/results/failover.json")


if __name__ == "__main__":
    main()
