#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks an OpenMetrics text file with a real parser (prometheus_client's
OpenMetrics parser, Debian python3-prometheus-client), then with the rules
that parser leaves out, then that given samples hold given values.

usage: openmetrics_check.py FILE [--expect SAMPLE VALUE N (LABEL VALUE)*N]...
                                 [--count SAMPLE N]...
An --expect holds when exactly one sample of that name has those labels
(among others) and its value is VALUE, exactly. Label values given here
are byte strings: bytes that are not UTF-8 stand for U+FFFD, as the writer
replaces them.

exit: 0 valid and as expected, 1 not, 77 prometheus_client is missing.
"""
import os
import re
import sys

try:
    from prometheus_client.openmetrics.parser import \
        text_string_to_metric_families
except ImportError:
    print("SKIPPED: python3 cannot import prometheus_client "
          "(apt-get install python3-prometheus-client)")
    sys.exit(77)

METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def identity(family):
    """the labels that say which map a sample of the family belongs to"""
    for prefix, labels in (("pmemset_part", {"set", "part", "path"}),
                           ("pmemset_set", {"set"})):
        if family == prefix or family.startswith(prefix + "_"):
            return labels
    return set()


def as_label(arg):
    """a command-line argument as the label value the writer makes of it"""
    return os.fsencode(arg).decode("utf-8", "replace")


def parse_args(argv):
    expects, counts, i = [], [], 0
    while i < len(argv):
        if argv[i] == "--expect":
            name, value, n = argv[i + 1], int(argv[i + 2]), int(argv[i + 3])
            pairs = argv[i + 4:i + 4 + 2 * n]
            labels = {pairs[k]: as_label(pairs[k + 1])
                      for k in range(0, 2 * n, 2)}
            expects.append((name, value, labels))
            i += 4 + 2 * n
        elif argv[i] == "--count":
            counts.append((argv[i + 1], int(argv[i + 2])))
            i += 3
        else:
            sys.exit("unknown argument " + repr(argv[i]))
    return expects, counts


def main():
    path = sys.argv[1]
    expects, counts = parse_args(sys.argv[2:])
    with open(path, "rb") as f:
        raw = f.read()
    errors = []
    try:
        text = raw.decode("utf-8")  # strict: the format is UTF-8
    except UnicodeDecodeError as e:
        print("FAIL: not UTF-8: %s" % e)
        return 1
    try:
        families = list(text_string_to_metric_families(text))
    except ValueError as e:
        print("FAIL: the OpenMetrics parser rejects it: %s" % e)
        return 1

    if not text.endswith("\n# EOF\n") or text.count("# EOF") != 1:
        errors.append("does not end with one '# EOF' line")
    samples = []
    for fam in families:
        if not METRIC_NAME.match(fam.name):
            errors.append("bad metric name %r" % fam.name)
        if fam.type == "unknown" and "_user_" not in fam.name:
            errors.append("%s has no TYPE" % fam.name)
        if not fam.documentation:
            errors.append("%s has no HELP" % fam.name)
        if "\n# TYPE %s " % fam.name not in "\n" + text:
            errors.append("%s has no TYPE line" % fam.name)
        if not fam.samples:
            errors.append("%s has metadata but no sample" % fam.name)
        if fam.type == "counter" and fam.name.endswith("_total"):
            errors.append("counter family %s ends in _total" % fam.name)
        seen = set()
        for s in fam.samples:
            for ln in s.labels:
                if not LABEL_NAME.match(ln) or ln.startswith("__"):
                    errors.append("bad label name %r in %s" % (ln, s.name))
            key = (s.name, tuple(sorted(s.labels.items())))
            if key in seen:
                errors.append("duplicate series %r" % (key,))
            seen.add(key)
            need = identity(fam.name) - set(s.labels)
            if need:
                errors.append("%s lacks labels %s" % (s.name, sorted(need)))
            samples.append(s)

    for name, value, labels in expects:
        found = [s for s in samples if s.name == name and
                 all(s.labels.get(k) == v for k, v in labels.items())]
        if len(found) != 1:
            errors.append("%d samples %s%r, expected 1" %
                          (len(found), name, labels))
        elif found[0].value != value or not isinstance(found[0].value, int):
            errors.append("%s%r is %r, expected %d" %
                          (name, labels, found[0].value, value))
    for name, n in counts:
        got = sum(1 for s in samples if s.name == name)
        if got != n:
            errors.append("%d samples %s, expected %d" % (got, name, n))

    for e in errors:
        print("FAIL: " + e)
    if not errors:
        print("ok: %d families, %d samples, %d expectations" %
              (len(families), len(samples), len(expects) + len(counts)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
