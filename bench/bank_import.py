"""How long converting a Moodle bank takes, and how much memory it needs.

Builds a Moodle XML file of N questions (a third multiple choice with an embedded
image, a third short answer, a third CodeRunner with three tests each), then times
reading it, writing the packages and exporting the bank back to Moodle XML; prints
seconds, questions per second and the peak of Python's allocations. The validation and
self-check that the import command runs afterwards are `sync_bank`'s stages 1 and 2,
measured by that command's own figures.

    .venv/bin/python bench/bank_import.py [--questions 3000]
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(2000)).decode()


def _question(i: int) -> str:
    kind = i % 3
    if kind == 0:
        return f"""<question type="multichoice"><name><text>Choice {i}</text></name>
<questiontext format="html"><text><![CDATA[<p>Which one, <b>{i}</b>?</p>
<p><img src="@@PLUGINFILE@@/fig{i}.png" alt="figure"></p>]]></text>
<file name="fig{i}.png" path="/" encoding="base64">{PNG}</file></questiontext>
<penalty>0</penalty><single>true</single>
<answer fraction="100"><text>a{i}</text></answer><answer fraction="0"><text>b{i}</text></answer>
<answer fraction="0"><text>c{i}</text></answer></question>"""
    if kind == 1:
        return f"""<question type="shortanswer"><name><text>Short {i}</text></name>
<questiontext format="html"><text>Name {i}?</text></questiontext><penalty>0</penalty>
<answer fraction="100"><text>n{i}</text></answer></question>"""
    tests = "".join(
        f"""<testcase mark="1"><testcode><text>print(f{i}({k}))</text></testcode>
<stdin><text></text></stdin><expected><text>{k * i}</text></expected>
<display><text>SHOW</text></display></testcase>"""
        for k in range(3)
    )
    return f"""<question type="coderunner"><name><text>Code {i}</text></name>
<questiontext format="html"><text><![CDATA[<p>Write <code>f{i}(k)</code>.</p>]]></text></questiontext>
<penalty>0</penalty><coderunnertype>python3</coderunnertype><allornothing>0</allornothing>
<answer>def f{i}(k):
    return k * {i}</answer><testcases>{tests}</testcases></question>"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=3000)
    args = parser.parse_args()

    from questions.interchange import convert_file, export_bank, write_bank

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bank.xml"
        body = "".join(_question(i) for i in range(args.questions))
        src.write_text(f'<?xml version="1.0"?>\n<quiz>{body}</quiz>\n')
        size_mb = src.stat().st_size / 1e6

        t0 = time.perf_counter()
        conversion = convert_file(src)
        t1 = time.perf_counter()
        report = write_bank(conversion, Path(tmp) / "bank")
        t2 = time.perf_counter()
        export_bank(Path(tmp) / "bank", Path(tmp) / "out.xml")
        t3 = time.perf_counter()
        # Memory in a second pass: tracing allocations slows the first one down.
        tracemalloc.start()
        write_bank(convert_file(src), Path(tmp) / "again")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    n = len(report.written)
    print(f"file: {args.questions} questions, {size_mb:.1f} MB")
    print(f"read:   {t1 - t0:6.2f} s  ({args.questions / (t1 - t0):,.0f} questions/s)")
    print(f"write:  {t2 - t1:6.2f} s  ({n} packages)")
    print(f"export: {t3 - t2:6.2f} s  (load_bank and Moodle XML)")
    print(f"peak Python allocations while reading and writing: {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
