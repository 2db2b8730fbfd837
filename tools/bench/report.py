#!/usr/bin/env python3
"""Turn metis-bench's raw lines into ratios, a table, a CSV and plots.

    report.py OUT_DIR PREVIOUS_CSV LOG [THROTTLED_LOG] [--check]

Every figure is a ratio of two things measured in the same run and guest
(Documentation/performance.md says how to read each).  The CSV has one row
per figure: figure,value,better,goal,description.  Figures worse than in
PREVIOUS_CSV by more than 10 % are pointed out.  With --check, the output's
internal consistency is verified and PASS/FAIL lines are printed (the
smoke suite); performance itself never fails.
"""
import math
import os
import subprocess
import sys


def parse(path):
    rows = {}
    dma = []
    for line in open(path, errors="replace"):
        line = line.strip()
        i = line.find("R,")
        if i < 0:
            continue
        parts = line[i:].split(",", 3)
        if len(parts) != 4:
            continue
        _, sec, key, val = parts
        if "=" in val:
            kv = dict(x.split("=", 1) for x in val.split())
            kv = {k: (float(v) if k != "ok" else int(v)) for k, v in kv.items()}
            if sec == "dma":
                dma.append(kv)
            rows[(sec, key)] = kv
        else:
            try:
                v = float(val)
                # Repeated cold starts: the fastest is the reference.
                if sec == "cold" and (sec, key) in rows:
                    v = min(v, rows[(sec, key)])
                rows[(sec, key)] = v
            except ValueError:
                rows[(sec, key)] = val
    return rows, dma


def human(n):
    n = int(n)
    for unit, div in (("M", 1 << 20), ("K", 1 << 10)):
        if n >= div and n % div == 0:
            return "%d%s" % (n // div, unit)
    return str(n)


class Figures:
    def __init__(self):
        self.items = []  # (name, value, better, goal, desc)

    def add(self, name, value, better, goal, desc):
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return
        self.items.append((name, float(value), better, goal, desc))

    def get(self, name):
        for it in self.items:
            if it[0] == name:
                return it[1]
        return None


def goal_ok(value, better, goal):
    if goal in ("", None):
        return None
    g = float(goal)
    return value >= g if better == "higher" else value <= g


def dma_figures(fig, dma, prefix, label):
    for r in dma:
        size, ch = int(r["size"]), int(r["ch"])
        wall = r["wall_ns"]
        if wall <= 0:
            continue
        fig.add("%s.%s.ch%d.vs_memcpy" % (prefix, human(size), ch),
                r["memcpy_ns"] / wall, "higher", "",
                "%s round trip %s on %d channel(s): throughput / in-guest memcpy" % (label, human(size), ch))
        fig.add("%s.%s.ch%d.vs_model" % (prefix, human(size), ch),
                (r["busy_ns"] / ch) / wall, "higher", "",
                "%s round trip %s on %d channel(s): throughput / the model's copy rate (stat-bytes/stat-busy-ns)" % (label, human(size), ch))


def build(main, thr):
    rows, dma = main
    fig = Figures()
    dma_figures(fig, dma, "dma", "DMA")
    if dma:
        big = max(int(r["size"]) for r in dma)
        r1 = [r for r in dma if int(r["size"]) == big and int(r["ch"]) == 1]
        if r1:
            r = r1[0]
            fig.add("dma.largest.ch1.vs_model", r["busy_ns"] / r["wall_ns"], "higher", "0.9",
                    "largest round trip (%s) on one channel / the model's copy rate (goal >= 0.9)" % human(big))
    if thr:
        trows, tdma = thr
        dma_figures(fig, tdma, "thr", "throttled DMA")
        if tdma:
            big = max(int(r["size"]) for r in tdma)
            w = {int(r["ch"]): r["wall_ns"] for r in tdma if int(r["size"]) == big}
            for ch in (2, 3, 4):
                if 1 in w and ch in w:
                    fig.add("thr.%s.speedup.ch%d" % (human(big), ch), w[1] / w[ch], "higher",
                            "3" if ch == 4 else "",
                            "throttled (bandwidth-mbps=%s) round trip %s: %d channels / one channel%s"
                            % (trows.get(("info", "bandwidth"), "?"), human(big), ch,
                               " (goal >= 3)" if ch == 4 else ""))
    g = rows.get
    if g(("jobs", "pipelined_ns")):
        fig.add("jobs.pipelined_vs_serial", g(("jobs", "serial_ns")) / g(("jobs", "pipelined_ns")),
                "higher", "5", "%d small jobs: one by one time / pipelined through syncobjs (goal >= 5)"
                % g(("jobs", "count")))
    if g(("jobs", "batched_ns")):
        fig.add("jobs.batched_vs_serial", g(("jobs", "serial_ns")) / g(("jobs", "batched_ns")),
                "higher", "5", "%d small jobs: one by one time / %d per SUBMIT, two SUBMITs in flight "
                "(goal >= 5)" % (g(("jobs", "count")), 8))
    ref = g(("lat_ioctl", "median_ns"))
    if ref and g(("lat_1", "median_ns")):
        for sec, who in (("lat_1", "one client"), ("lat_multi", "4 clients")):
            fig.add("%s.median_vs_ioctl" % sec, g((sec, "median_ns")) / ref, "lower", "",
                    "minimal job latency median, %s / a GET_PARAM ioctl median" % who)
            fig.add("%s.p99_vs_ioctl" % sec, g((sec, "p99_ns")) / ref, "lower", "",
                    "minimal job latency p99, %s / a GET_PARAM ioctl median" % who)
        fig.add("lat_multi.median_vs_single", g(("lat_multi", "median_ns")) / g(("lat_1", "median_ns")),
                "lower", "", "minimal job latency median, 4 clients / one client")
    nat = g(("native", "run"))
    for name in ("udmabuf", "vgem"):
        r = g((name, "run"))
        if isinstance(r, dict) and isinstance(nat, dict):
            fig.add("dmabuf.%s.vs_native" % name, nat["wall_ns"] / r["wall_ns"], "higher", "0.9",
                    "%s import round trip / native host BO round trip, throughput" % name)
            fig.add("dmabuf.%s.vs_model" % name, r["busy_ns"] / r["wall_ns"], "higher", "",
                    "%s import round trip: throughput / the model's copy rate (native: %.3g)"
                    % (name, nat["busy_ns"] / nat["wall_ns"]))
            fig.add("dmabuf.%s.model_bytes_vs_requested" % name, r["model_bytes"] / r["bytes"],
                    "equal", "1", "%s: bytes the card moved / bytes requested (1 = each byte moved once)" % name)
    cold = g(("cold", "probe_to_first_job_ns"))
    if cold:
        if g(("s3", "resume_to_first_job_ns")) is not None:
            res = g(("s3", "resume_cb_us")) * 1000 + g(("s3", "resume_to_first_job_ns"))
            fig.add("s3.resume_to_job_vs_cold", res / cold, "lower", "1.2",
                    "S3: resume callbacks + resume to first completed job / cold insmod to first job (goal <= 1.2)")
            fig.add("s3.suspend_cb_vs_cold", g(("s3", "suspend_cb_us")) * 1000 / cold, "lower", "",
                    "S3: time in the card's suspend callbacks (pm_print_times) / cold insmod to first job")
            fig.add("s3.resume_cb_vs_cold", g(("s3", "resume_cb_us")) * 1000 / cold, "lower", "",
                    "S3: time in the card's resume callbacks (pm_print_times) / cold insmod to first job")
        if g(("rpm", "resume_to_first_job_ns")) is not None:
            fig.add("rpm.resume_to_job_vs_cold", g(("rpm", "resume_to_first_job_ns")) / cold, "lower", "1.2",
                    "runtime PM: runtime-suspended to first completed job / cold insmod to first job (goal <= 1.2)")
            fig.add("rpm.resume_to_job_vs_warm", g(("rpm", "resume_to_first_job_ns")) / g(("rpm", "warm_open_job_ns")),
                    "lower", "", "runtime PM: runtime-suspended to first job / the same on an active card")
    if g(("upload", "before_first_ns")):
        fig.add("upload.first_after_s3_vs_before", g(("upload", "after_first_ns")) / g(("upload", "before_first_ns")),
                "lower", "", "model binary upload (%s) into fresh buffers: after S3 / before"
                % human(g(("upload", "bytes"))))
        fig.add("upload.again_after_s3_vs_before", g(("upload", "after_again_ns")) / g(("upload", "before_again_ns")),
                "lower", "", "model binary upload (%s) again into the same buffers: after S3 / before"
                % human(g(("upload", "bytes"))))
        fig.add("upload.first_vs_again", g(("upload", "before_first_ns")) / g(("upload", "before_again_ns")),
                "lower", "", "model binary upload (%s) before S3: fresh buffers / the same buffers again"
                % human(g(("upload", "bytes"))))
    return fig


def read_prev(path):
    prev = {}
    if not path or not os.path.exists(path):
        return prev
    for line in open(path):
        p = line.rstrip("\n").split(",", 4)
        if len(p) >= 3 and p[0] != "figure":
            try:
                prev[p[0]] = (float(p[1]), p[2])
            except ValueError:
                pass
    return prev


def worse_by(value, prev, better):
    """Fraction by which value is worse than prev (positive = worse)."""
    if prev == 0:
        return 0.0
    if better == "higher":
        return (prev - value) / prev
    if better == "lower":
        return (value - prev) / prev
    return abs(value - prev) / abs(prev)


def compare(fig, prev):
    """The table (markdown) and the figures worse than @prev by > 10 %."""
    regressions = []
    lines = ["| figure | ratio | better | goal | previous | change |", "|---|---|---|---|---|---|"]
    for name, v, better, goal, desc in fig.items:
        ok = goal_ok(v, better, goal) if better != "equal" else (abs(v - float(goal)) < 1e-9)
        p = prev.get(name)
        change = ""
        if p:
            w = worse_by(v, p[0], better)
            change = "%+.0f%%" % (100 * (v - p[0]) / p[0]) if p[0] else ""
            if w > 0.10:
                change += " **WORSE**"
                regressions.append((name, p[0], v))
        lines.append("| %s | %.3g | %s | %s%s | %s | %s |" % (
            name, v, better, goal, "" if ok is None else (" ok" if ok else " MISSED"),
            "%.3g" % p[0] if p else "", change))
    return "\n".join(lines), regressions


def plots(out, fig, main, thr):
    import shutil
    gp = shutil.which("gnuplot")
    if not gp:
        print("bench: no gnuplot: no plots")
        return []
    made = []
    for prefix, data, title in (("dma", main[1], "DMA round trip"),
                                ("thr", thr[1] if thr else [], "throttled DMA round trip")):
        if not data:
            continue
        chans = sorted({int(r["ch"]) for r in data})
        for kind, ylabel in (("vs_model", "throughput / model copy rate"),
                             ("vs_memcpy", "throughput / in-guest memcpy")):
            dat = os.path.join(out, "%s_%s.dat" % (prefix, kind))
            with open(dat, "w") as f:
                for size in sorted({int(r["size"]) for r in data}):
                    vals = [fig.get("%s.%s.ch%d.%s" % (prefix, human(size), c, kind)) for c in chans]
                    f.write("%d %s %s\n" % (size, human(size), " ".join("%.6g" % (v if v is not None else float("nan")) for v in vals)))
            for term, ext in (("pngcairo size 800,500", "png"), ("svg size 800,500", "svg")):
                img = os.path.join(out, "%s_%s.%s" % (prefix, kind, ext))
                cmds = ["set terminal %s" % term, "set output '%s'" % img,
                        "set title '%s: %s'" % (title, ylabel), "set logscale x 2",
                        "set xlabel 'bytes per round trip'", "set ylabel '%s'" % ylabel,
                        "set termoption noenhanced", "set key bottom right box opaque",
                        "set grid", "set yrange [0:*]", "set offsets graph 0.03, graph 0.03, 0, 0"]
                if kind == "vs_model":
                    cmds.append("set arrow from graph 0, first 0.9 to graph 1, first 0.9 nohead dt 2")
                cmds.append("plot " + ", ".join(
                    "'%s' using 1:%d%s with linespoints title '%d channel%s'"
                    % (dat, i + 3, ":xtic(2)" if i == 0 else "", c, "s" if c > 1 else "")
                    for i, c in enumerate(chans)))
                r = subprocess.run([gp], input="\n".join(cmds) + "\n", text=True,
                                   capture_output=True)
                if r.returncode == 0 and os.path.getsize(img) > 0:
                    made.append(img)
                else:
                    print("bench: gnuplot failed for %s: %s" % (img, r.stderr.strip()[:200]))
    # The other figures as one bar chart (log scale: ratios around 1).
    others = [it for it in fig.items if not it[0].startswith(("dma.", "thr.")) or ".speedup" in it[0]
              or it[0] == "dma.largest.ch1.vs_model"]
    if others:
        dat = os.path.join(out, "summary.dat")
        with open(dat, "w") as f:
            for i, it in enumerate(others):
                f.write("%d \"%s\" %.6g %s\n" % (i, it[0], it[1], it[3] if it[3] else "NaN"))
        for term, ext in (("pngcairo size 1000,600", "png"), ("svg size 1000,600", "svg")):
            img = os.path.join(out, "summary.%s" % ext)
            cmds = ["set terminal %s" % term, "set output '%s'" % img,
                    "set title 'metis bench: ratios (bars) and goals (points)'",
                    "set style fill solid 0.6", "set boxwidth 0.6", "set logscale y",
                    "set xtics rotate by -40 font ',8'", "set grid ytics", "set key top right",
                    "set bmargin 12", "set rmargin 8", "set termoption noenhanced",
                    "plot '%s' using 1:3:xtic(2) with boxes title 'ratio', '' using 1:4 with points pt 7 ps 1.5 title 'goal'" % dat]
            r = subprocess.run([gp], input="\n".join(cmds) + "\n", text=True, capture_output=True)
            if r.returncode == 0 and os.path.getsize(img) > 0:
                made.append(img)
            else:
                print("bench: gnuplot failed for %s: %s" % (img, r.stderr.strip()[:200]))
    return made


def check(main, thr, fig, csv, made, want_plots):
    rows, dma = main
    res = []

    def t(name, ok, why):
        res.append((name, ok, why))

    t("bench-ran", rows.get(("info", "done")) == 1, "the guest half did not finish")
    t("dma-rows", len(dma) > 0 and all(r["ok"] == 1 for r in dma),
      "no DMA rows or data mismatch after a round trip")
    t("dma-model-bytes", all(r["model_bytes"] == r["bytes"] for r in dma),
      "the model's stat-bytes differs from the bytes requested: %s" %
      [(r["size"], r["ch"], r["model_bytes"], r["bytes"]) for r in dma if r["model_bytes"] != r["bytes"]][:3])
    t("dma-transfers", all(r["transfers"] % (2 * r["ch"]) == 0 and r["transfers"] > 0 for r in dma),
      "stat-transfers is not a multiple of 2 x channels")
    t("dma-busy-within-wall", all(r["busy_ns"] / r["ch"] <= r["wall_ns"] * 1.05 for r in dma),
      "the model was busy longer than the wall time of the transfers")
    t("jobs", all(rows.get(("jobs", k + "_ns"), 0) > 0 for k in ("serial", "pipelined", "batched")),
      "job path timings missing")
    t("latency", 0 < rows.get(("lat_1", "median_ns"), 0) <= rows.get(("lat_1", "p99_ns"), 0)
      and 0 < rows.get(("lat_multi", "median_ns"), 0) <= rows.get(("lat_multi", "p99_ns"), 0),
      "latency median/p99 missing or p99 < median")
    for name in ("udmabuf", "vgem"):
        r = rows.get((name, "run"))
        t("dmabuf-" + name, isinstance(r, dict) and r["ok"] == 1 and r["model_bytes"] == r["bytes"]
          and r["attached"] > 0,
          "%s import: %s" % (name, r))
    t("power", fig.get("s3.resume_to_job_vs_cold") is not None and rows.get(("s3", "resume_cb_us"), 0) > 0
      and rows.get(("s3", "suspend_cb_us"), 0) > 0 and fig.get("rpm.resume_to_job_vs_cold") is not None,
      "S3 or runtime PM figures missing (pm_print_times lines of the card not found?)")
    t("upload", fig.get("upload.first_after_s3_vs_before") is not None and fig.get("upload.again_after_s3_vs_before") is not None, "upload figures missing")
    t("figures-finite", len(fig.items) > 10 and all(math.isfinite(v) and v > 0 for _, v, _, _, _ in fig.items),
      "a figure is missing, zero or not finite")
    ok_csv = os.path.exists(csv) and len(read_prev(csv)) == len(fig.items)
    t("csv", ok_csv, "%s does not hold every figure" % csv)
    import shutil
    if want_plots and not shutil.which("gnuplot"):
        print("SKIP bench-plots: no gnuplot on the host (bench.sh installs gnuplot-nox with apt)")
    elif want_plots:
        t("plots", len(made) >= 3 and all(os.path.getsize(m) > 1000 for m in made), "plots: %s" % made)
    # The comparison flags exactly the figures made worse by > 10 %.
    prev = {it[0]: (it[1], it[2]) for it in fig.items}
    hi = [it for it in fig.items if it[2] == "higher"]
    lo = [it for it in fig.items if it[2] == "lower"]
    if hi and lo:
        prev[hi[0][0]] = (hi[0][1] * 1.25, "higher")
        prev[lo[0][0]] = (lo[0][1] * 0.8, "lower")
        prev[lo[-1][0]] = (lo[-1][1] * 0.95, "lower")  # 5 %: not flagged
        _, reg = compare(fig, prev)
        t("regression-compare", sorted(r[0] for r in reg) == sorted([hi[0][0], lo[0][0]]),
          "flagged %s" % [r[0] for r in reg])
    for name, ok, why in res:
        print("PASS bench-%s" % name if ok else "FAIL bench-%s: %s" % (name, why))
    return all(ok for _, ok, _ in res)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    do_check = "--check" in sys.argv
    out, prev_csv, log = args[0], args[1], args[2]
    main_r = parse(log)
    thr = parse(args[3]) if len(args) > 3 and os.path.exists(args[3]) else None
    if thr:
        for line in open(args[3]):
            if "R,info,bandwidth," in line:
                thr[0][("info", "bandwidth")] = line.strip().split(",")[-1]
    fig = build(main_r, thr)
    prev = read_prev(prev_csv)
    os.makedirs(out, exist_ok=True)
    csv = os.path.join(out, "results.csv")
    with open(csv, "w") as f:
        f.write("figure,value,better,goal,description\n")
        for name, v, better, goal, desc in fig.items:
            f.write("%s,%.4g,%s,%s,%s\n" % (name, v, better, goal, desc.replace(",", ";")))
    table, regressions = compare(fig, prev)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(table + "\n")
    print(table)
    if regressions:
        print("\nbench: %d figure(s) worse than the committed result (%s) by more than 10%%:"
              % (len(regressions), prev_csv))
        for name, a, b in regressions:
            print("  REGRESSION %s: %.3g -> %.3g" % (name, a, b))
    elif prev:
        print("\nbench: no figure worse than the committed result by more than 10%")
    else:
        print("\nbench: no committed result to compare with (%s)" % prev_csv)
    missed = [it[0] for it in fig.items if it[3] and it[2] != "equal" and goal_ok(it[1], it[2], it[3]) is False]
    if missed:
        print("bench: goals missed: %s" % ", ".join(missed))
    made = plots(out, fig, main_r, thr)
    print("bench: CSV %s, table %s, plots: %s" % (csv, os.path.join(out, "table.md"),
                                                     " ".join(made) if made else "none"))
    if do_check:
        return 0 if check(main_r, thr, fig, csv, made, True) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
