# SPDX-License-Identifier: BSD-3-Clause
#
# usdt_check.py -- run by "gdb -batch -x usdt_check.py --args usdt_target":
# lists the libpmemset USDT probes (info probes), stops at every one
# (break -probe-stap libpmemset:<name>) and compares $_probe_argc and
# $_probe_arg0... with what usdt_target wrote into Expect[] just before the
# call. Ends with "USDT CHECK PASSED" and exit 0, or the mismatches and
# exit 1.
import gdb

PROBES = ["persist", "flush", "drain", "memcpy", "memmove", "memset", "map",
          "part_add", "part_remove", "remove_range", "sds_update",
          "badblock", "badblocks_cleared", "error"]

failures = []
hits = {}


def fail(text):
    failures.append(text)
    print("MISMATCH: " + text)


def expectation(name):
    n = int(gdb.parse_and_eval("Nexpect"))
    for i in range(n):
        e = gdb.parse_and_eval("Expect[%d]" % i)
        if e["name"].string() == name:
            return e
    return None


class ProbeBreak(gdb.Breakpoint):
    def __init__(self, name):
        super().__init__("-probe-stap libpmemset:" + name, internal=False)
        self.probe = name

    def stop(self):
        name = self.probe
        hits[name] = hits.get(name, 0) + 1
        e = expectation(name)
        if e is None:
            fail("%s fired, the program expected no such probe" % name)
            return False
        argc = int(gdb.parse_and_eval("$_probe_argc"))
        want_argc = int(e["argc"])
        if argc != want_argc:
            fail("%s has %d arguments, expected %d" % (name, argc, want_argc))
            return False
        any_arg = int(e["any_arg"])
        shown = []
        for i in range(argc):
            got = int(gdb.parse_and_eval("(long long)$_probe_arg%d" % i))
            shown.append(hex(got & (2**64 - 1)))
            if i == any_arg:
                continue
            want = int(e["args"][i])
            if got != want:
                fail("%s (hit %d) argument %d is %#x, expected %#x" %
                     (name, hits[name], i, got & (2**64 - 1),
                      want & (2**64 - 1)))
        if name == "error":
            text = gdb.parse_and_eval("(const char *)$_probe_arg1").string()
            want = gdb.parse_and_eval("Expect_error_text").string()
            if want not in text:
                fail("error's message is %r, expected it to name %r" %
                     (text, want))
            shown.append(repr(text))
        print("probe libpmemset:%s hit %d: %s" %
              (name, hits[name], " ".join(shown)))
        return False


class DoneBreak(gdb.Breakpoint):
    """usdt_target calls usdt_done() last: every expectation is final"""

    def __init__(self):
        super().__init__("usdt_done", internal=True)
        self.reached = False

    def stop(self):
        self.reached = True
        n = int(gdb.parse_and_eval("Nexpect"))
        for i in range(n):
            e = gdb.parse_and_eval("Expect[%d]" % i)
            name = e["name"].string()
            if hits.get(name, 0) != int(e["calls"]):
                fail("%s fired %d times, the program expected %d" %
                     (name, hits.get(name, 0), int(e["calls"])))
        for name in PROBES:
            if name not in hits:
                fail("%s never fired" % name)
        return False


gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("start", to_string=True)
listing = gdb.execute("info probes stap libpmemset", to_string=True)
print(listing)
for name in PROBES:
    if (" " + name + " ") not in listing:
        fail("info probes does not list libpmemset:%s" % name)
for name in PROBES:
    ProbeBreak(name)
done = DoneBreak()
gdb.execute("continue")

try:
    status = int(gdb.parse_and_eval("$_exitcode"))
except gdb.error:
    status = None
if status != 0:
    fail("usdt_target exited with %s" % status)
if not done.reached:
    fail("usdt_target never reached usdt_done()")

if failures:
    print("USDT CHECK FAILED: %d mismatch(es)" % len(failures))
    gdb.execute("quit 1")
print("USDT CHECK PASSED: %d probes, %d hits" %
      (len(hits), sum(hits.values())))
gdb.execute("quit 0")
