"""Lifecycle evaluation from Python on the benchmark input (100k images x 10 rules).

    python bench_lifecycle.py DIR [--repeat N]

DIR holds images.json, policy.json and meta.json as written by the `lifecycle_bench_input` program (the same
repository and policy as the Rust criterion bench `benches/benches/lifecycle.rs`). Prints one JSON line per
input form, best of N (timeit). Each form runs in a fresh interpreter (``--form NAME``), so no form times the
heap an earlier one left behind. Each interpreter first allocates and frees one 31 MiB block, as the Rust bench
process does when it frees the text it parsed: glibc then serves blocks up to that size from its heap and keeps
them, where a process that never freed a large block maps and unmaps (and page-faults) every such block again:

- ``images``: a ``LifecycleImages`` parsed once, evaluated each time (the repeated-evaluation fast path);
- ``text``: the describe-images JSON text, parsed in Rust and evaluated each time;
- ``dicts``: a list of ``ImageDetail`` dicts converted and evaluated each time;
- ``images+read``: the fast path, then every result read through the handle (``expiring_digests``, the summary in
  ``repr``, and ``to_json()``: every result as text); the handle evaluated once, so reading costs no evaluation
  (goal: <= 2x Rust's evaluate + ``into_owned``);
- ``images+to_dict``: the fast path plus converting the whole preview into Python dicts;
- ``images+to_dict/gc``: the same with the cyclic garbage collector enabled, as in a program (timeit turns it
  off while timing);
- ``floor``: no ecr-core call at all: plain Python building the same document (fresh result dicts, tag lists,
  action dicts and collateral-tag entries, literal keys) from values already in memory (one tuple of strings and
  numbers per entry, made untimed from one ``to_dict()`` result). Any dict result costs at least this in Python
  on top of the evaluation itself.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import timeit
from pathlib import Path

import ecr_core


FORMS = ["images", "text", "dicts", "images+read", "images+to_dict", "images+to_dict/gc", "floor"]


def read_all(preview: ecr_core.lifecycle.LifecyclePreview) -> int:
    """Reads every result of a kept preview through its handle."""
    return len(preview.expiring_digests) + len(repr(preview)) + len(preview.to_json())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--form", help="time this form only, in this process")
    args = parser.parse_args()
    # The allocator state of a process that has freed a large block (see above).
    bytearray(31 << 20)
    if args.form is None:
        for form in FORMS:
            subprocess.run([sys.executable, __file__, str(args.dir), "--repeat", str(args.repeat), "--form", form],
                           check=True)
        return
    text = (args.dir / "images.json").read_text()
    meta = json.loads((args.dir / "meta.json").read_text())
    policy = ecr_core.lifecycle.LifecyclePolicy.from_json((args.dir / "policy.json").read_text())
    now = meta["now"]
    images = ecr_core.lifecycle.LifecycleImages.from_json(text)
    dicts = json.loads(text)
    assert len(images) == meta["images"]

    forms = {
        "images": lambda: policy.evaluate(images, now=now),
        "text": lambda: policy.evaluate(text, now=now),
        "dicts": lambda: policy.evaluate(dicts, now=now),
        "images+read": lambda: read_all(policy.evaluate(images, now=now)),
        "images+to_dict": lambda: policy.evaluate(images, now=now).to_dict(),
        "images+to_dict/gc": lambda: policy.evaluate(images, now=now).to_dict(),
    }
    assert list(forms) + ["floor"] == FORMS
    for form, run in forms.items():
        if form != args.form:
            continue
        preview = policy.evaluate(images, now=now)
        expiring = preview.to_dict()["summary"]["expiringImageTotalCount"]
        assert expiring == meta["expiringImageTotalCount"], (expiring, meta)
        repeat = args.repeat if form.startswith("images") else max(3, args.repeat // 3)
        setup = "import gc; gc.enable()" if form.endswith("/gc") else "pass"
        best = min(timeit.repeat(run, setup=setup, number=1, repeat=repeat))
        print(json.dumps({"impl": "python", "form": form, "images": meta["images"], "rules": meta["rules"],
                          "expiring": expiring, "best_ms": best * 1e3, "repeat": repeat}), flush=True)

    if args.form != "floor":
        return
    # The floor: the same document's dicts built by plain Python from values already in memory.
    document = policy.evaluate(images, now=now).to_dict()
    results = document["previewResults"]
    values = [(tuple(r["imageTags"]), r["imageDigest"], r["imagePushedAt"], r["action"]["type"],
               r["action"].get("targetStorageClass"), r["appliedRulePriority"], r["storageClass"])
              for r in results]
    collateral = [(c["imageDigest"], c["appliedRulePriority"], tuple(c["matchedTags"]), tuple(c["collateralTags"]))
                  for c in document["collateralTags"]]
    # The bench's policy protects, blocks and warns about nothing: those lists are empty.
    assert not any(document[k] for k in ("protectedImages", "blockedImages", "followingSubject", "warnings"))
    summary, reclaimed = document["summary"], document["reclaimedBytes"]

    def build() -> dict[str, object]:
        return {
            "previewResults": [
                {"imageTags": list(t), "imageDigest": d, "imagePushedAt": p,
                 "action": {"type": a} if c is None else {"type": a, "targetStorageClass": c},
                 "appliedRulePriority": n, "storageClass": s}
                for t, d, p, a, c, n, s in values],
            "summary": dict(summary),
            "reclaimedBytes": dict(reclaimed),
            "protectedImages": [],
            "blockedImages": [],
            "collateralTags": [
                {"imageDigest": d, "appliedRulePriority": n, "matchedTags": list(m), "collateralTags": list(c)}
                for d, n, m, c in collateral],
            "followingSubject": [],
            "warnings": [],
        }

    assert json.dumps(build()) == json.dumps(document)
    best = min(timeit.repeat(build, number=1, repeat=args.repeat))
    print(json.dumps({"impl": "python", "form": "floor", "images": meta["images"], "rules": meta["rules"],
                      "results": len(results), "best_ms": best * 1e3, "repeat": args.repeat}), flush=True)


if __name__ == "__main__":
    main()
