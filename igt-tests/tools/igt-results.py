#!/usr/bin/env python3
# Turn an igt_runner results.json into the project's test lines:
#   PASS <name> / FAIL <name>: <reason> / SKIP <name>: <reason>
# A test's "measured: ..." output lines are appended to its PASS line.
# A subtest with dynamic subtests is reported through them, and also by
# itself when it failed while none of them did (a failure outside them,
# such as its teardown's, is its own).  Usage: igt-results.py RESULTS.json TAG  (names get "igt-TAG-").
import json
import re
import sys

path, tag = sys.argv[1], sys.argv[2]
tests = json.load(open(path)).get("tests", {})
names = sorted(tests)
fails = 0
if not names:
    # A filter that matches nothing, or a runner that ran nothing, is not
    # a pass.
    print("FAIL igt-%s: no test ran (a filter that matches nothing?)" % tag)
    sys.exit(1)


def reason(t, default):
    out = (t.get("out", "") + t.get("err", "")).splitlines()
    # A skip's own explanation follows its "Test requirement:" line.
    for i, line in enumerate(out[:-1]):
        if "Test requirement:" in line and not re.match(
                r"(Last errno|Subtest|Stack)", out[i + 1]):
            return "%s (%s)" % (out[i + 1].strip(), line.strip())
    for pat in (r"Failed assertion: .*", r"error: .*", r"Test requirement: .*",
                r"CRITICAL: .*", r"Skipping.*", r".*requirement not met.*"):
        for line in out:
            m = re.search(pat, line)
            if m:
                return m.group(0).strip()
    return default


def failed(res):
    # As for a leaf below: anything but a pass or a skip is a failure.
    return res not in ("pass", "skip")


for name in names:
    t = tests[name]
    res = t.get("result", "missing")
    children = [n for n in names if n.startswith(name + "@")]
    if children and (not failed(res) or
                     any(failed(tests[c].get("result", "")) for c in children)):
        continue
    short = "igt-%s-%s" % (tag, name.replace("igt@", "", 1).replace("@", "-"))
    if res == "pass":
        # A timing bound's measured value rides on its PASS line, so a
        # drift shows long before it fails.
        measured = [m.group(1).strip() for m in
                    re.finditer(r"^measured: (.*)$", t.get("out", ""), re.M)]
        print("PASS " + short + (" (%s)" % "; ".join(measured) if measured else ""))
    elif res == "skip":
        print("SKIP %s: %s" % (short, reason(t, "skipped")))
    elif res == "notrun":
        print("FAIL %s: not run (the run ended or the binary died before it)" % short)
        fails += 1
    else:
        extra = ""
        if res.startswith("dmesg"):
            lines = [l for l in t.get("dmesg", "").splitlines()
                     if re.match(r"<[0-3]>", l)]
            extra = " (kernel: %s)" % (lines[-1].strip() if lines else "warnings")
        print("FAIL %s: %s: %s%s" % (short, res, reason(t, res), extra))
        fails += 1
sys.exit(1 if fails else 0)
