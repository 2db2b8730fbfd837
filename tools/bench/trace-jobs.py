#!/usr/bin/env python3
"""Where a small job's time goes: reads the metis job tracepoints of a
`bench.sh --trace` run (metis-bench jobs N: N jobs one by one, then N
pipelined) and prints, per phase, the mean time of each step of a job.

    trace-jobs.py TRACE

submit: the tracepoint inside SUBMIT (after the job is armed); run: the
job is put on the hardware; done: its hardware fence signals."""
import re
import statistics
import sys

EV = re.compile(r"\s(\d+\.\d+): metis_job_(submit|run|done): queue=(\d+)"
                r"(?: op=\d+)? seqno=(\d+)")


def main():
    jobs = {}
    order = []
    for line in open(sys.argv[1]):
        m = EV.search(line)
        if not m:
            continue
        t, ev, q, seq = float(m.group(1)) * 1e6, m.group(2), m.group(3), m.group(4)
        key = (q, seq)
        if ev == "submit":
            # A reset replays a job: keep its first submit only.
            if key in jobs:
                continue
            jobs[key] = {}
            order.append(key)
        if key in jobs:
            jobs[key].setdefault(ev, t)
    done = [k for k in order if "run" in jobs[k] and "done" in jobs[k]]
    if len(done) < 4:
        print("trace-jobs: fewer than 4 complete jobs in the trace")
        return 1
    half = len(done) // 2
    for name, keys in (("one by one", done[:half]), ("pipelined", done[half:])):
        j = [jobs[k] for k in keys]
        wall = j[-1]["done"] - j[0]["submit"]
        sub_run = statistics.mean(x["run"] - x["submit"] for x in j)
        run_done = statistics.mean(max(0, x["done"] - x["run"]) for x in j)
        nxt = statistics.mean(b["submit"] - a["done"] for a, b in zip(j, j[1:]))
        sub_gap = statistics.mean(b["submit"] - a["submit"] for a, b in zip(j, j[1:]))
        # Jobs on the hardware at once, sampled at each run.
        # (The interrupt may end a job before its run tracepoint is out.)
        evs = sorted([(min(x["run"], x["done"]), 1) for x in j] +
                     [(x["done"], -1) for x in j], key=lambda e: (e[0], -e[1]))
        cur = 0
        samples = []
        for _, d in evs:
            cur += d
            if d > 0:
                samples.append(cur)
        depth = statistics.mean(samples)
        queues = len({k[0] for k in keys})
        per_q = {}
        for k in keys:
            per_q[k[0]] = per_q.get(k[0], 0) + 1
        print(f"{name}: {len(j)} jobs on {queues} queue(s) {sorted(per_q.values(), reverse=True)}, "
              f"{wall / len(j):.1f} us/job")
        print(f"  submit -> run   {sub_run:8.1f} us (scheduler until the doorbell)")
        print(f"  run -> done     {run_done:8.1f} us (card and interrupt)")
        if name == "one by one":
            print(f"  done -> submit  {nxt:8.1f} us (wake-up, next SUBMIT until its tracepoint)")
        print(f"  submit -> submit{sub_gap:8.1f} us (CPU per job on the submit side)")
        print(f"  on the hardware {depth:8.2f} jobs at each start (mean)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
