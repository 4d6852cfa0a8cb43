"""Run the benchmarks: `python -m bench` runs all, `python -m bench NAME` one.

Each benchmark is a module ``bench/NAME.py`` with ``run() -> {"metrics", "targets", "pass"}``
that measures its own baseline in the same run (the machines are noisy: ratios, not seconds).
The result is printed and written to ``bench/results/NAME.json``.
"""

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_"))


def run_one(name: str) -> dict:
    module = importlib.import_module(f"bench.{name}")
    started = time.perf_counter()
    result = module.run()
    result = {"name": name, **result, "seconds": round(time.perf_counter() - started, 1)}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(
        f"[{name}] {'PASS' if result['pass'] else 'FAIL'}  metrics={json.dumps(result['metrics'], ensure_ascii=False)}"
    )
    return result


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    wanted = [a for a in argv if a] or names()
    unknown = set(wanted) - set(names())
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(names())}")
        return 2
    results = [run_one(name) for name in wanted]
    return 0 if all(r["pass"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
