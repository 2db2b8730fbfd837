#!/usr/bin/env python3
"""Where a small job's time goes: reads the trace of a `bench.sh --trace`
run (metis-bench jobs N: the same jobs one by one, pipelined and batched,
several per SUBMIT, in rounds; metis-bench marks each mode in the trace)
and prints, per mode and per job: the steps of a job (metis tracepoints),
the guest CPU taken by each task and work item and by interrupt handlers.

    trace-jobs.py TRACE

submit: the tracepoint inside SUBMIT (after the job is armed); run: the
job is put on the hardware; done: its hardware fence signals. Tracing
slows the guest; compare the modes, not the absolute times."""
import collections
import re
import sys

LINE = re.compile(r"^\s*(.+?)-(\d+)\s+\[\d+\]\s+\S+\s+(\d+\.\d+): (\w+): (.*)$")
JOB = re.compile(r"queue=(\d+)(?: op=\d+)? seqno=(\d+)")
MODES = ("serial", "pipelined", "batched")


class Mode:
    def __init__(self):
        self.wall = 0.0
        self.work = collections.Counter()
        self.nwork = collections.Counter()
        self.task = collections.Counter()
        self.irq = 0.0
        self.nirq = 0
        self.jobs = []
        self.doorbells = 0


def main():
    modes = {m: Mode() for m in MODES}
    jobs = {}
    mode = seg_t0 = work_t0 = irq_t0 = last_sw = None
    work_fn = None
    prev_run_q = None
    t = 0.0
    for line in open(sys.argv[1]):
        m = LINE.match(line)
        if not m:
            continue
        task, t, ev, rest = m.group(1), float(m.group(3)) * 1e6, m.group(4), m.group(5)
        if ev == "tracing_mark_write" and "metis-bench mode=" in rest:
            if mode:
                modes[mode].wall += t - seg_t0
            mode = rest.split("mode=")[1].strip()
            seg_t0 = last_sw = t
            continue
        if mode not in modes:
            continue
        cur = modes[mode]
        if ev.startswith("metis_job_"):
            q, seq = JOB.search(rest).groups()
            key = (q, seq)
            step = ev[len("metis_job_"):]
            if step == "submit" and key not in jobs:
                jobs[key] = {"mode": mode}
                cur.jobs.append(key)
            if key in jobs:
                jobs[key].setdefault(step, t)
            if step == "run" and prev_run_q != q:
                cur.doorbells += 1
            prev_run_q = q if step == "run" else None
            continue
        prev_run_q = None
        if ev == "workqueue_execute_start":
            work_fn, work_t0 = re.search(r"function (\S+)", rest).group(1), t
        elif ev == "workqueue_execute_end" and work_fn:
            cur.work[work_fn] += t - work_t0
            cur.nwork[work_fn] += 1
            work_fn = None
        elif ev == "irq_handler_entry":
            irq_t0 = t
        elif ev == "irq_handler_exit" and irq_t0 is not None:
            cur.irq += t - irq_t0
            cur.nirq += 1
            irq_t0 = None
        elif ev == "sched_switch":
            prev = re.search(r"prev_comm=(.+?) prev_pid", rest).group(1)
            cur.task[re.sub(r"/u?\d+:\d+$|/\d+$", "", prev)] += t - last_sw
            last_sw = t
    if mode:
        modes[mode].wall += t - seg_t0

    for name in MODES:
        cur = modes[name]
        keys = [k for k in cur.jobs if "run" in jobs[k] and "done" in jobs[k]]
        n = len(keys)
        if n < 2:
            print(f"{name}: fewer than 2 complete jobs in the trace")
            continue
        j = [jobs[k] for k in keys]
        print(f"{name}: {n} jobs, {cur.wall / n:.1f} us/job, "
              f"{n / max(1, cur.doorbells):.2f} jobs/doorbell")
        print(f"  submit -> run  {sum(x['run'] - x['submit'] for x in j) / n:8.1f} us"
              " (until the job is on the hardware)")
        print(f"  run -> done    {sum(max(0, x['done'] - x['run']) for x in j) / n:8.1f} us"
              " (card and interrupt)")
        print(f"  irq handlers   {cur.irq / n:8.1f} us/job ({cur.nirq / n:.2f} per job)")
        for fn, v in cur.work.most_common(3):
            print(f"  work {fn:28s}{v / n:8.1f} us/job ({cur.nwork[fn] / n:.2f} per job)")
        for tk, v in cur.task.most_common(4):
            print(f"  task {tk:28s}{v / n:8.1f} us/job")
    return 0


if __name__ == "__main__":
    sys.exit(main())
