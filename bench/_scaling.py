"""What the "1,000,000 within 1.5x of 10,000" benchmarks share: each size measured in a child
process of its own on a fresh SQLite file and a fresh PostgreSQL database, then every read's
time at the large size over its time at the small one."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def worker(module: str, database_url: str, var: str, *args) -> dict:
    """``python -m bench.<module> measure [args]`` against one database; its last line is JSON."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SERVICEHALL_VAR": var,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", "measure", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", sql], check=True, capture_output=True)


def compare_sizes(module: str, sizes, target: float) -> tuple[dict, bool]:
    """Measure each size on both databases; (metrics, every read within ``target``)."""
    pg_db = f"sh_bench_{module}"
    results: dict[str, dict[int, dict]] = {"sqlite": {}, "postgresql": {}}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-{module}-") as var:
            results["sqlite"][size] = worker(module, f"sqlite:///{var}/bench.sqlite3", var, size)
        psql(f"DROP DATABASE IF EXISTS {pg_db}")
        psql(f"CREATE DATABASE {pg_db}")
        try:
            with tempfile.TemporaryDirectory(prefix=f"bench-{module}-") as var:
                results["postgresql"][size] = worker(module, f"{PG}/{pg_db}", var, size)
        finally:
            psql(f"DROP DATABASE IF EXISTS {pg_db}")
    metrics, ok = {}, True
    small, large = sizes
    for vendor, by_size in results.items():
        for read in by_size[small]["ms"]:
            a, b = by_size[small]["ms"][read], by_size[large]["ms"][read]
            ratio = b / a
            ok &= ratio <= target
            metrics[f"{vendor}.{read}"] = {"ms_10k": a, "ms_1m": b, "ratio": round(ratio, 2)}
            print(f"  {vendor:10} {read:15} {a:8.2f} ms at 10k  {b:8.2f} ms at 1M  {ratio:5.2f}x")
        for size in sizes:
            metrics[f"{vendor}.shape_{size}"] = {
                **by_size[size]["shape"],
                "generate_s": by_size[size]["generate_s"],
            }
    return metrics, bool(ok)
