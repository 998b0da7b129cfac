"""Run every benchmark in turn and print their figures (``make bench``).

Each benchmark module is run as its own process, so one's memory and caches do not help
another. The figures go to the terminal; bench/README.md records the ones quoted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def modules() -> list[str]:
    found = []
    for path in sorted((ROOT / "bench").glob("*/*.py")):
        if path.name.startswith("_") or path.name in {"common.py", "support.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        if 'if __name__ == "__main__":' in text:
            found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def main() -> int:
    failed = 0
    for module in modules():
        print(f"\n=== {module} ===", flush=True)
        failed += subprocess.call([sys.executable, "-m", module], cwd=ROOT) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
