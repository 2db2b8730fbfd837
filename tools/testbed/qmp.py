#!/usr/bin/env python3
"""Small QMP client for the test bed: a module (class Qmp) and a command line.

  qmp.py SOCK execute COMMAND ['{"arg": ...}']   print the "return" as JSON
  qmp.py SOCK wait-event EVENT [--timeout S] [--count N]
                                                 print each event as JSON
  qmp.py SOCK qom-set PATH PROPERTY VALUE       VALUE is JSON or a string
  qmp.py SOCK qom-get PATH PROPERTY
  qmp.py SOCK events                             print every event until EOF

Exit status: 0 on success, 1 on a QMP error or an event timeout, 2 on usage
or connection errors.  A QMP socket takes one client at a time; the test bed
gives each guest one socket for the test (see Documentation/testbed.md).
"""
import json
import os
import select
import socket
import sys
import time


class QmpError(Exception):
    pass


class Qmp:
    def __init__(self, path, connect_timeout=10.0):
        deadline = time.monotonic() + connect_timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        self.closed = False
        greeting = self._read(None)
        if "QMP" not in greeting:
            raise QmpError("no QMP greeting: %r" % greeting)
        self.execute("qmp_capabilities")

    def fileno(self):
        return self.sock.fileno()

    def _read(self, timeout):
        """Read one message; None on timeout.  Raises EOFError on close."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("QMP connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def execute(self, command, arguments=None, timeout=30.0):
        msg = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            resp = self._read(timeout)
            if resp is None:
                raise QmpError("%s: no reply in %s s" % (command, timeout))
            if "event" in resp:
                self.events.append(resp)
                continue
            if "error" in resp:
                raise QmpError("%s: %s" % (command, resp["error"].get("desc", resp["error"])))
            return resp.get("return")

    def poll_events(self, timeout=0.0):
        """Return the events received so far plus those arriving within timeout."""
        try:
            msg = self._read(timeout)
            while msg is not None:
                if "event" in msg:
                    self.events.append(msg)
                msg = self._read(0)
        except (EOFError, OSError):
            self.closed = True
        ev, self.events = self.events, []
        return ev

    def wait_event(self, name, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev["event"] == name:
                    del self.events[: i + 1]
                    return ev
            self.events = []
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            msg = self._read(left)
            if msg is not None and "event" in msg:
                self.events.append(msg)

    def close(self):
        self.sock.close()


def _value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    path, cmd, args = argv[1], argv[2], argv[3:]
    try:
        q = Qmp(path)
    except (OSError, QmpError, EOFError) as e:
        print("qmp.py: cannot connect to %s: %s" % (path, e), file=sys.stderr)
        return 2
    try:
        if cmd == "execute" and len(args) in (1, 2):
            ret = q.execute(args[0], json.loads(args[1]) if len(args) == 2 else None)
            print(json.dumps(ret))
        elif cmd == "qom-set" and len(args) == 3:
            q.execute("qom-set", {"path": args[0], "property": args[1], "value": _value(args[2])})
        elif cmd == "qom-get" and len(args) == 2:
            print(json.dumps(q.execute("qom-get", {"path": args[0], "property": args[1]})))
        elif cmd == "wait-event" and args:
            timeout, count = 30.0, 1
            name = args[0]
            rest = args[1:]
            while rest:
                if rest[0] == "--timeout" and len(rest) > 1:
                    timeout = float(rest[1])
                elif rest[0] == "--count" and len(rest) > 1:
                    count = int(rest[1])
                else:
                    sys.stderr.write(__doc__)
                    return 2
                rest = rest[2:]
            deadline = time.monotonic() + timeout
            for _ in range(count):
                ev = q.wait_event(name, max(0.0, deadline - time.monotonic()))
                if ev is None:
                    print("qmp.py: no %s event within %s s" % (name, timeout), file=sys.stderr)
                    return 1
                print(json.dumps(ev), flush=True)
        elif cmd == "events" and not args:
            while not q.closed:
                for ev in q.poll_events(1.0):
                    print(json.dumps(ev), flush=True)
        else:
            sys.stderr.write(__doc__)
            return 2
    except (QmpError, EOFError) as e:
        print("qmp.py: %s" % e, file=sys.stderr)
        return 1
    finally:
        q.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
