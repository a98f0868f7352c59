#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Compares a tree as pmemset_stat_dump(3) printed it in-process with the
same tree as pmemset-stat --pid printed it from the publication: they must
be the same, but for what only a publication has, listed here and nowhere
else (the root's pid, program and updated_ns; the pid label of every
OpenMetrics sample and the program label of pmemset_info). A value,
family, HELP, TYPE or UNIT renamed or added on one side only fails.

usage: sameness_check.py text|json|om IN_PROCESS PUBLISHED PID
"""
import json
import sys

PUBLISHED_ONLY_ROOT_VALUES = ("pid", "program", "updated_ns")
PUBLISHED_ONLY_INFO_LABELS = ("program",)


def fail(why):
    print("FAILED: " + why, file=sys.stderr)
    sys.exit(1)


def text_blocks(path):
    """[(uri, [(name, value)...])...] of a text dump"""
    blocks = []
    for line in open(path, encoding="utf-8").read().splitlines():
        if not line:
            continue
        if line.startswith("\t"):
            if not blocks:
                fail(f"{path}: a value before any map")
            name, _, value = line[1:].partition(" ")
            blocks[-1][1].append((name, value.strip()))
        else:
            blocks.append((line, []))
    return blocks


def check_text(inproc, published, pid):
    a, b = text_blocks(inproc), text_blocks(published)
    if not b or b[0][0] != "/pmemset":
        fail(f"{published}: no root")
    extra = [v for v in b[0][1] if v[0] in PUBLISHED_ONLY_ROOT_VALUES]
    if [n for n, _ in extra] != list(PUBLISHED_ONLY_ROOT_VALUES):
        fail(f"{published}: the root lacks {PUBLISHED_ONLY_ROOT_VALUES}")
    if dict(extra)["pid"] != str(pid):
        fail(f"{published}: pid {dict(extra)['pid']}, not {pid}")
    b[0] = (b[0][0], [v for v in b[0][1] if v not in extra])
    compare(a, b, "text")
    return a


def check_json(inproc, published, pid):
    a = json.load(open(inproc, encoding="utf-8"))
    b = json.load(open(published, encoding="utf-8"))
    for name in PUBLISHED_ONLY_ROOT_VALUES:
        if name not in b["values"]:
            fail(f"{published}: the root has no {name}")
    if b["values"]["pid"] != pid:
        fail(f"{published}: pid {b['values']['pid']}, not {pid}")
    for name in PUBLISHED_ONLY_ROOT_VALUES:
        del b["values"][name]
    compare(a, b, "JSON")
    return a


def om_lines(path):
    """the metadata lines (TYPE, UNIT, HELP, EOF) and samples, in order"""
    return open(path, encoding="utf-8").read().splitlines()


def drop_label(sample, name):
    """the sample without the label name="..." (values hold no quote here)"""
    head, brace, rest = sample.partition("{")
    if not brace:
        return sample
    labels, _, value = rest.rpartition("}")
    kept = [l for l in labels.split(",") if not l.startswith(name + "=")]
    return head + ("{" + ",".join(kept) + "}" if kept else "") + value


def check_om(inproc, published, pid):
    a, b = om_lines(inproc), om_lines(published)
    for i, line in enumerate(b):
        if line.startswith("#"):
            continue
        if f'pid="{pid}"' not in line:
            fail(f"{published}: a sample without pid=\"{pid}\": {line}")
        line = drop_label(line, "pid")
        if line.startswith("pmemset_info{"):
            for label in PUBLISHED_ONLY_INFO_LABELS:
                if f'{label}="' not in line:
                    fail(f"{published}: pmemset_info has no {label}")
                line = drop_label(line, label)
        b[i] = line
    compare(a, b, "OpenMetrics")
    return [l for l in a if l.startswith("# TYPE ")]


def compare(a, b, what):
    if a == b:
        return
    import difflib
    diff = difflib.unified_diff(
        json.dumps(a, indent=1).splitlines() if what == "JSON" else
        [str(x) for x in a],
        json.dumps(b, indent=1).splitlines() if what == "JSON" else
        [str(x) for x in b],
        "pmemset_stat_dump", "pmemset-stat --pid", lineterm="")
    fail(f"{what}: the in-process and the published tree differ "
         "(beyond what only a publication has):\n" + "\n".join(diff))


def main():
    if len(sys.argv) != 5:
        fail(__doc__.strip().splitlines()[-1])
    kind, inproc, published, pid = sys.argv[1:5]
    pid = int(pid)
    if kind == "text":
        blocks = check_text(inproc, published, pid)
        # not two empty outputs: the root, a set and its parts, all valued
        if len(blocks) < 3 or any(len(v) < 3 for _, v in blocks):
            fail(f"{inproc}: too little to compare: {blocks}")
        print(f"text: {len(blocks)} maps, "
              f"{sum(len(v) for _, v in blocks)} values the same")
    elif kind == "json":
        tree = check_json(inproc, published, pid)
        if not tree["maps"] or not tree["maps"][0]["maps"]:
            fail(f"{inproc}: no set or no part to compare")
        print(f"JSON: the same, {len(tree['maps'][0]['maps'])} parts")
    elif kind == "om":
        families = check_om(inproc, published, pid)
        if len(families) < 20:
            fail(f"{inproc}: only {len(families)} families")
        print(f"OpenMetrics: {len(families)} families the same "
              "(TYPE, UNIT, HELP, samples)")
    else:
        fail(f"unknown kind {kind}")


if __name__ == "__main__":
    main()
