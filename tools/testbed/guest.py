#!/usr/bin/env python3
"""Boot one test-bed guest, run a command in it, return its exit status.

Called by run-in-guest.sh, which resolves the cached inputs (QEMU, root,
kernel, initramfs) and passes them explicitly; see Documentation/testbed.md.
The run directory is the guest's /results: cmd and env in, output and rc
out, plus serial.log, qemu.log, events.log (every QMP event with its host
time) and requests/ (the guest-to-host request channel, see tb-qmp).
"""
import bisect
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmp import Qmp, QmpError  # noqa: E402

READY = b"TB-GUEST: running command"
# S3 is woken by the guest's RTC alarm within seconds; a guest still
# asleep after this long lost it (Run.rescue_s3).
S3_RESCUE_S = float(os.environ.get("TB_S3_RESCUE_S", "300"))


def parse(argv):
    if "--" not in argv:
        sys.exit("guest.py: missing -- CMD")
    i = argv.index("--")
    opts, cmd = argv[:i], argv[i + 1:]
    o = {"qemu_arg": [], "append": "", "mem": "1024", "smp": "1", "timeout": "600",
         "card_props": "", "iommu": True, "card": True, "disk": None,
         "qmp": None, "hook": None, "firmware": None, "quiet": False,
         "stop_on": None, "shell": False, "block_root": None}
    flags = {"--no-iommu": ("iommu", False), "--no-card": ("card", False),
             "--quiet": ("quiet", True), "--shell": ("shell", True)}
    j = 0
    while j < len(opts):
        k = opts[j]
        if k in flags:
            o[flags[k][0]] = flags[k][1]
            j += 1
            continue
        if j + 1 >= len(opts) or not k.startswith("--"):
            sys.exit("guest.py: bad option %s" % k)
        key = k[2:].replace("-", "_")
        if key == "qemu_arg":
            o[key].append(opts[j + 1])
        else:
            o[key] = opts[j + 1]
        j += 2
    for need in ("qemu_prefix", "root", "kernel_dir", "abi", "name", "initrd",
                 "repo", "run_dir", "out"):
        if need not in o:
            sys.exit("guest.py: --%s is required" % need.replace("_", "-"))
    if not cmd and not o["shell"]:
        sys.exit("guest.py: empty command")
    return o, cmd


def card_props(o):
    """The card's extra -device properties: METIS_DEVICE_PROPS from the
    environment (a comma list, e.g. "extensions=off": every guest of a
    test run gets that face of the card), then --card-props."""
    props = [p for p in (os.environ.get("METIS_DEVICE_PROPS", ""), o["card_props"]) if p]
    return ",".join(props)


def qemu_argv(o):
    p, run = o["qemu_prefix"], o["run_dir"]
    fw = os.path.join(p, "share", "qemu")
    # no_timer_check: on a loaded host TCG can miss the kernel's early
    # timer-IRQ check, which panics with interrupt remapping on.
    cmdline = "console=ttyS0,115200 panic=1 quiet no_console_suspend no_timer_check"
    if o["iommu"]:
        cmdline += " intel_iommu=on"
    if o["block_root"]:
        cmdline += " tb.root=blk"
    if o["append"]:
        cmdline += " " + o["append"]
    a = [os.path.join(p, "bin", "qemu-system-x86_64"), "-L", fw,
         "-machine", "q35", "-accel", "tcg", "-smp", o["smp"], "-m", o["mem"],
         "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
         "-drive", "if=pflash,format=raw,readonly=on,file=%s/OVMF_CODE_4M.fd" % fw,
         "-drive", "if=pflash,format=raw,file=%s/OVMF_VARS.fd" % run,
         "-serial", "stdio",
         "-qmp", "unix:%s,server=on,wait=off" % o["tb_sock"],
         "-qmp", "unix:%s,server=on,wait=off" % o["qmp"],
         # Keep the 9p devices (and their open files) across S3: with
         # No_Soft_Reset the wake-up reset skips them and the guest's
         # virtio-pci leaves them alone.
         "-global", "virtio-pci.x-pcie-pm-no-soft-reset=on",
         "-kernel", os.path.join(o["kernel_dir"], "vmlinuz"),
         "-initrd", o["initrd"], "-append", cmdline]
    if o["iommu"]:
        a += ["-device", "intel-iommu,intremap=on"]
    # The card's slot exists even without the card, for device_add.
    a += ["-device", "pcie-root-port,id=rp1,chassis=1,slot=1"]
    if o["card"]:
        dev = "metis,id=metis0,bus=rp1"
        if card_props(o):
            dev += "," + card_props(o)
        a += ["-device", dev]
    shares = [("metis", o["repo"], True),
              ("results", run, False),
              ("out", o["out"], True)]
    if o["block_root"]:
        # Root and modules on read-only virtio-blk disks (they survive S4),
        # the command's output on ttyS1.
        rootimg, modimg = o["block_root"].split(",")
        for i, (serial, img) in enumerate((("tbroot", rootimg), ("tbmods", modimg))):
            a += ["-device", "pcie-root-port,id=rpb%d,chassis=%d,slot=%d" % (i, 30 + i, 30 + i),
                  "-drive", "file=%s,if=none,format=raw,readonly=on,id=b%d" % (img, i),
                  "-device", "virtio-blk-pci,drive=b%d,bus=rpb%d,serial=%s" % (i, i, serial)]
        a += ["-chardev", "file,id=tbout,path=%s/output,append=on" % run,
              "-serial", "chardev:tbout"]
    else:
        shares += [("root", o["root"], True),
                   ("modules", os.path.join(o["kernel_dir"], "lib", "modules", o["abi"]), True)]
    for i, (tag, path, ro) in enumerate(shares):
        rp = "rpv%d" % i
        a += ["-device", "pcie-root-port,id=%s,chassis=%d,slot=%d" % (rp, 10 + i, 10 + i),
              "-fsdev", "local,id=fs%d,path=%s,security_model=passthrough%s"
              % (i, path, ",readonly=on" if ro else ""),
              "-device", "virtio-9p-pci,fsdev=fs%d,mount_tag=%s,bus=%s" % (i, tag, rp)]
    if o["disk"]:
        a += ["-device", "pcie-root-port,id=rpd,chassis=20,slot=20",
              "-drive", "file=%s,if=none,format=raw,id=d0" % o["disk"],
              "-device", "virtio-blk-pci,drive=d0,bus=rpd,serial=tbdisk"]
    return a + o["qemu_arg"]


def tail(path, n=40):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return "(no %s)" % path
    ansi = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")
    return "\n".join(ansi.sub("", line) for line in lines[-n:])


class Run:
    def __init__(self, o, cmd):
        self.o, self.cmd = o, cmd
        self.run = o["run_dir"]
        self.t0 = time.monotonic()
        self.out_pos = 0
        self.ser_pos = 0
        self.boot_time = None
        self.pending_serial = []
        self.asleep_since = None
        self.stopped_on = None
        self.partial = b""
        self.events_log = open(os.path.join(self.run, "events.log"), "a")

    def now(self):
        return time.monotonic() - self.t0

    def prepare(self):
        run, o = self.run, self.o
        for f in ("output", "rc", "serial.log", "qemu.log", "serial.in",
                  "kallsyms", "hang-cpu.txt"):
            try:
                os.unlink(os.path.join(run, f))
            except FileNotFoundError:
                pass
        os.makedirs(os.path.join(run, "requests"), exist_ok=True)
        with open(os.path.join(run, "cmd"), "w") as f:
            f.write(shlex.join(self.cmd) + "\n")
        shell = os.path.join(run, "shell")
        if o["shell"]:
            open(shell, "w").close()
        elif os.path.exists(shell):
            os.unlink(shell)
        with open(os.path.join(run, "env"), "w") as f:
            for k, v in (("TB_KERNEL", o["name"]), ("TB_ABI", o["abi"]),
                         ("TB_IOMMU", "1" if o["iommu"] else "0"),
                         ("TB_CARD", "1" if o["card"] else "0"),
                         # For a device_add of the card in the guest.
                         ("TB_CARD_PROPS", card_props(o))):
                f.write("export %s=%s\n" % (k, shlex.quote(v)))
        fwdir = os.path.join(run, "firmware")
        shutil.rmtree(fwdir, ignore_errors=True)
        if o["firmware"]:
            os.makedirs(fwdir)
            shutil.copy(o["firmware"], os.path.join(fwdir, "metis-fw.bin"))
        vars_file = os.path.join(run, "OVMF_VARS.fd")
        if not os.path.exists(vars_file) or not o.get("keep_vars"):
            shutil.copy(os.path.join(o["qemu_prefix"], "share", "qemu", "OVMF_VARS_4M.fd"), vars_file)

    def start(self):
        run = self.run
        fifo = os.path.join(run, "serial.in")
        os.mkfifo(fifo)
        # Held open read-write so QEMU never sees end of file on the serial.
        self.fifo_fd = os.open(fifo, os.O_RDWR)
        self.serial = open(os.path.join(run, "serial.log"), "wb")
        self.qemu_log = open(os.path.join(run, "qemu.log"), "wb")
        argv = qemu_argv(self.o)
        with open(os.path.join(run, "qemu.cmd"), "w") as f:
            f.write(shlex.join(argv) + "\n")
        if self.o["shell"]:
            # Interactive: the serial console is this terminal.
            self.qemu = subprocess.Popen(argv, stderr=self.qemu_log)
        else:
            self.qemu = subprocess.Popen(argv, stdin=self.fifo_fd, stdout=self.serial,
                                         stderr=self.qemu_log, start_new_session=True)
        self.tbq = None
        try:
            self.tbq = Qmp(self.o["tb_sock"], connect_timeout=20)
        except (OSError, QmpError, EOFError) as e:
            print("TB: cannot connect to QEMU's QMP: %s" % e, file=sys.stderr)
        self.hook = None
        if self.o["hook"]:
            env = dict(os.environ, TB_QMP=self.o["qmp"], TB_RUN_DIR=run,
                       TB_SERIAL_IN=fifo, TB_QEMU_PID=str(self.qemu.pid),
                       TB_EVENTS=os.path.join(run, "events.log"))
            self.hook = subprocess.Popen(self.o["hook"], shell=True, env=env,
                                         start_new_session=True)

    def log_events(self, events):
        for ev in events:
            self.events_log.write("%.3f %s %s\n" % (self.now(), ev["event"],
                                                    json.dumps(ev.get("data", {}))))
            if ev["event"] == "SUSPEND":
                self.asleep_since = self.now()
            elif ev["event"] in ("WAKEUP", "RESET", "SHUTDOWN"):
                self.asleep_since = None
        if events:
            self.events_log.flush()

    def rescue_s3(self):
        """A guest whose RTC alarm never woke it from S3 sleeps until the
        run's time limit: after S3_RESCUE_S it is woken through QMP, said
        on stderr and counted in RUN/s3-rescues (a guest test may check
        it), so the run goes on and its tests report."""
        if self.asleep_since is None or self.now() - self.asleep_since < S3_RESCUE_S:
            return
        self.asleep_since = None
        print("TB: guest asleep in S3 for %d s, its wake alarm lost: woken through QMP "
              "(system_wakeup)" % S3_RESCUE_S, file=sys.stderr)
        with open(os.path.join(self.run, "s3-rescues"), "a") as f:
            f.write("%.3f\n" % self.now())
        try:
            self.tbq.execute("system_wakeup")
        except (QmpError, EOFError, OSError) as e:
            print("TB: system_wakeup failed: %s" % e, file=sys.stderr)

    def poll(self, timeout):
        if self.tbq and not self.tbq.closed:
            self.log_events(self.tbq.poll_events(timeout))
            self.rescue_s3()
        else:
            time.sleep(timeout)
        self.stream_output()
        self.watch_serial()
        self.serve_requests()

    def stream_output(self):
        if self.o["quiet"]:
            return
        try:
            with open(os.path.join(self.run, "output"), "rb") as f:
                f.seek(self.out_pos)
                data = f.read()
        except OSError:
            return
        if data:
            self.out_pos += len(data)
            if self.o["block_root"]:
                # ttyS1: drop the firmware's escape sequences (it writes to
                # every serial port), keeping a split one for the next read.
                text = self.partial + data.replace(b"\r", b"")
                cut = text.rfind(b"\x1b")
                if cut >= 0 and not re.match(rb"\x1b\[[0-9;?=]*[A-Za-z]", text[cut:]):
                    text, self.partial = text[:cut], text[cut:]
                else:
                    self.partial = b""
                data = re.sub(rb"\x1b\[[0-9;?=]*[A-Za-z]", b"", text)
            sys.stdout.buffer.write(data)
            sys.stdout.flush()

    def watch_serial(self):
        stop = self.o["stop_on"]
        if self.boot_time is not None and not stop:
            return
        with open(os.path.join(self.run, "serial.log"), "rb") as f:
            log = f.read()
        if stop and self.stopped_on is None and stop.encode() in log:
            self.stopped_on = self.now()
        if self.boot_time is None and READY in log:
            self.boot_time = self.now()
            with open(os.path.join(self.run, "boot-time"), "w") as t:
                t.write("%.2f\n" % self.boot_time)

    def serve_requests(self):
        now = self.now()
        for due, data in list(self.pending_serial):
            if now >= due:
                os.write(self.fifo_fd, data.encode())
                self.pending_serial.remove((due, data))
        rdir = os.path.join(self.run, "requests")
        for name in sorted(os.listdir(rdir)):
            if not name.endswith(".json"):
                continue
            path = os.path.join(rdir, name)
            try:
                with open(path) as f:
                    req = json.load(f)
                reply = self.handle(req)
            except (ValueError, OSError) as e:
                reply = {"error": "bad request: %s" % e}
            os.unlink(path)
            tmp = path[:-5] + ".tmp"
            with open(tmp, "w") as f:
                json.dump(reply, f)
                f.write("\n")
            os.rename(tmp, path[:-5] + ".reply")

    def handle(self, req):
        if "serial-write" in req:
            # "delay": seconds, or a list of them (a byte at each).
            delays = req.get("delay", 0)
            if not isinstance(delays, list):
                delays = [delays]
            for d in delays:
                self.pending_serial.append((self.now() + float(d),
                                           str(req["serial-write"])))
            return {"return": {}}
        if "serial-cancel" in req:
            # The guest woke: the wake bytes still to come are dropped.
            n = len(self.pending_serial)
            self.pending_serial = []
            return {"return": {"dropped": n}}
        if "execute" in req:
            if not self.tbq or self.tbq.closed:
                return {"error": "no QMP connection"}
            try:
                ret = self.tbq.execute(req["execute"], req.get("arguments"))
                self.log_events(self.tbq.poll_events(0))
                return {"return": ret}
            except (QmpError, EOFError, OSError) as e:
                return {"error": str(e)}
        return {"error": "unknown request"}

    def stop_hook(self):
        if self.hook and self.hook.poll() is None:
            try:
                os.killpg(self.hook.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.hook.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.hook.pid, signal.SIGKILL)
                self.hook.wait()
            return None
        return self.hook.returncode if self.hook else 0

    def kill_qemu(self):
        if self.qemu.poll() is None:
            self.qemu.terminate()
            try:
                self.qemu.wait(5)
            except subprocess.TimeoutExpired:
                self.qemu.kill()
                self.qemu.wait()

    def symbols(self):
        """(address, name) sorted, from RUN/kallsyms (tb-syms in the guest)
        and, where the kernel directory has one (the debug kernel), its
        System.map moved by the KASLR offset; [] if there is none."""
        syms, text = [], None
        try:
            with open(os.path.join(self.run, "kallsyms")) as f:
                for line in f:
                    w = line.split()
                    if len(w) >= 3:
                        syms.append((int(w[0], 16), " ".join(w[2:])))
                        if w[2] == "_text" and len(w) == 3:
                            text = int(w[0], 16)
        except (OSError, ValueError):
            return []
        try:
            with open(os.path.join(self.o["kernel_dir"], "System.map")) as f:
                smap = [(int(a, 16), n) for a, t, n in (l.split()[:3] for l in f)
                        if t in "tT"]
            base = [a for a, n in smap if n == "_text"]
            if text is not None and base:
                syms += [(a - base[0] + text, n) for a, n in smap]
        except (OSError, ValueError):
            pass
        return sorted(syms)

    def dump_cpu(self):
        """A guest at its time limit: its CPU's registers and the words on
        its kernel stack, three times, each address the symbols know named,
        to RUN/hang-cpu.txt; the innermost names on stderr. Under TCG no
        watchdog reports a CPU spinning with interrupts off."""
        if not self.tbq or self.tbq.closed:
            return
        # The blocked tasks' stacks on the serial console (sysrq 8: every
        # message; w: tasks in D state), where the kernel still runs.
        try:
            for key in ("alt-sysrq-8", "alt-sysrq-w"):
                self.tbq.execute("human-monitor-command",
                                 {"command-line": "sendkey %s" % key})
                time.sleep(1)
            time.sleep(3)
            print("TB: tasks in D state (sysrq w), if the kernel still ran: "
                  "serial.log", file=sys.stderr)
        except (QmpError, EOFError, OSError) as e:
            print("TB: sysrq through the keyboard failed: %s" % e, file=sys.stderr)
        syms = self.symbols()
        keys = [a for a, _ in syms]

        def name(v):
            i = bisect.bisect_right(keys, v) - 1
            # _text alone (no System.map): the kernel's 64 MiB of text;
            # else no function is longer than 64 KiB (past the module's
            # last symbol lies another module).
            limit = 0x4000000 if i >= 0 and syms[i][1] == "_text" else 0x10000
            if i < 0 or v - keys[i] > limit:
                return None
            return "%s+%#x" % (syms[i][1], v - keys[i])

        path = os.path.join(self.run, "hang-cpu.txt")
        seen = []
        try:
            with open(path, "w") as f:
                for sample in range(3):
                    regs = self.tbq.execute("human-monitor-command",
                                            {"command-line": "info registers"})
                    f.write("=== sample %d\n%s\n" % (sample, regs))
                    rip = re.search(r"RIP=([0-9a-f]+)", regs)
                    rsp = re.search(r"RSP=([0-9a-f]+)", regs)
                    if not rip or not rsp:
                        continue
                    rip, rsp = int(rip.group(1), 16), int(rsp.group(1), 16)
                    words = self.tbq.execute("human-monitor-command",
                                             {"command-line": "x/256gx %#x" % rsp})
                    named = [name(rip) or "%#x" % rip]
                    for v in re.findall(r"0x([0-9a-f]{16})", words.split(":", 1)[-1]):
                        n = name(int(v, 16))
                        if n:
                            named.append(n)
                    f.write("RIP and stack words with a name:\n  %s\n"
                            % "\n  ".join(named))
                    seen.append(" < ".join(named[:8]))
                    time.sleep(0.3)
        except (QmpError, EOFError, OSError) as e:
            print("TB: CPU dump failed: %s" % e, file=sys.stderr)
        for s in seen:
            print("TB: guest CPU at the time limit: %s" % s, file=sys.stderr)
        print("TB: registers and stack words in %s" % path, file=sys.stderr)

    def wait(self):
        timeout = float(self.o["timeout"])
        timed_out = False
        while self.qemu.poll() is None:
            self.poll(0.1)
            if self.stopped_on is not None and self.now() > self.stopped_on + 1:
                break
            if self.now() > timeout:
                timed_out = True
                try:
                    self.dump_cpu()
                except Exception as e:  # QEMU must be killed whatever happens
                    print("TB: CPU dump failed: %r" % e, file=sys.stderr)
                break
        self.kill_qemu()
        self.poll(0)
        hook_rc = self.stop_hook()
        if self.tbq:
            self.tbq.close()
        os.close(self.fifo_fd)
        for f in ("serial.in",):
            try:
                os.unlink(os.path.join(self.run, f))
            except FileNotFoundError:
                pass
        sys.stdout.flush()
        what = "kernel %s" % self.o["name"]
        if timed_out:
            print("TB: guest (%s) timed out after %d s; serial log tail:\n%s"
                  % (what, timeout, tail(os.path.join(self.run, "serial.log"))), file=sys.stderr)
            return 124
        if self.stopped_on is not None:
            return 0
        try:
            if self.o["block_root"]:
                # The status line init.sh writes on ttyS0.
                with open(os.path.join(self.run, "serial.log"), "rb") as f:
                    marks = re.findall(rb"TB-GUEST: command exited with ([0-9]+)", f.read())
                rc = int(marks[-1])
            else:
                with open(os.path.join(self.run, "rc")) as f:
                    rc = int(f.read().strip())
        except (OSError, ValueError, IndexError):
            print("TB: guest (%s) stopped without a result (QEMU status %s); serial log tail:\n%s\n%s"
                  % (what, self.qemu.returncode, tail(os.path.join(self.run, "serial.log")),
                     tail(os.path.join(self.run, "qemu.log"), 10)), file=sys.stderr)
            return 125
        if rc == 0 and hook_rc:
            print("TB: host hook exited with %s" % hook_rc, file=sys.stderr)
            return 1
        return rc


def main(argv):
    o, cmd = parse(argv)
    os.makedirs(o["run_dir"], exist_ok=True)
    # Unix socket paths are limited to 107 bytes and checkouts can be deep:
    # the sockets live in a short private directory; RESULTS/qmp.sock is a
    # symbolic link to the test's socket (connect() follows it).
    sockdir = tempfile.mkdtemp(prefix="tb-qmp-", dir="/tmp")
    o["tb_sock"] = os.path.join(sockdir, "tb.sock")
    link = os.path.join(o["run_dir"], "qmp.sock")
    if os.path.lexists(link):
        os.unlink(link)
    if not o["qmp"]:
        o["qmp"] = os.path.join(sockdir, "qmp.sock")
        os.symlink(o["qmp"], link)
    if len(o["qmp"]) > 100:
        sys.exit("guest.py: QMP socket path too long: %s" % o["qmp"])
    if os.path.exists(o["qmp"]):
        os.unlink(o["qmp"])
    r = Run(o, cmd)
    r.prepare()
    r.start()

    def on_signal(signum, frame):
        r.kill_qemu()
        r.stop_hook()
        shutil.rmtree(sockdir, ignore_errors=True)
        sys.exit(130)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    rc = r.wait()
    if os.path.exists(o["qmp"]):
        os.unlink(o["qmp"])
    shutil.rmtree(sockdir, ignore_errors=True)
    if os.path.islink(link):
        os.unlink(link)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
