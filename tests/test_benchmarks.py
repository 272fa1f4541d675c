"""`make bench` runs: every benchmark on its tiny (--quick) setting writes its section."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_bench_runs_on_a_tiny_setting(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = out.read_text()
    assert "- machine:" in text and "- versions: Python" in text
    for section in ["## Notebooks", "## Widgets", "## Attention", "## Install"]:
        assert section in text, f"missing {section!r}"
    modules = sorted(p.stem for p in (ROOT / "benchmarks").glob("bench_*.py"))
    assert len(text.split("\n## ")) - 1 >= len(modules)
