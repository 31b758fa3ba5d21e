"""How long ``onewindow demo`` takes before it serves: migrations and the demo load into a fresh
SQLite database (a temp dir), with the wall and CPU time of each demo extension per county.

    .venv/bin/python -m bench.demo_load [--keep]

CPU time is the process's (the aiosqlite thread included); on a busy machine the wall time
grows with the other work while the CPU time stays close, so compare CPU times across runs and
read the wall time beside the machine's load average, which is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any


def _timed(path: str, laps: list[tuple[str, str, float, float]]) -> None:
    """Wrap the extension ``module:function`` so that each call records its times."""
    module_name, _, function = path.partition(":")
    module = importlib.import_module(module_name)
    loader: Callable[..., Awaitable[Any]] = getattr(module, function)

    async def timed(session, admin, county, sites) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        await loader(session, admin, county, sites)
        laps.append((county.code, path, time.perf_counter() - wall, time.process_time() - cpu))

    setattr(module, function, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the database directory")
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="onewindow-demo-bench-")
    os.environ["ONEWINDOW_DATA_DIR"] = directory
    os.environ.pop("ONEWINDOW_DATABASE_URL", None)
    os.environ.pop("ONEWINDOW_MIGRATION_DATABASE_URL", None)
    started, started_cpu = time.perf_counter(), time.process_time()

    from api.demo import DEMO_EXTENSIONS, load_demo
    from api.settings import Settings
    from migrations.runner import upgrade
    from tenants.database import Database

    imported = time.perf_counter()
    settings = Settings.from_env()
    upgrade(settings.migration_database_url)
    migrated = time.perf_counter()
    laps: list[tuple[str, str, float, float]] = []
    for path in DEMO_EXTENSIONS:
        _timed(path, laps)

    async def load() -> None:
        db = Database(settings.database_url, **settings.engine_options())
        try:
            await load_demo(db)
        finally:
            await db.dispose()

    asyncio.run(load())
    done, done_cpu = time.perf_counter(), time.process_time()
    for code, path, wall, cpu in laps:
        print(f"  {code} {path:<24} wall {wall:6.2f} s  cpu {cpu:6.2f} s")
    print(
        f"imports {imported - started:.1f} s, migrations {migrated - imported:.1f} s, "
        f"demo {done - migrated:.1f} s; total wall {done - started:.1f} s, "
        f"cpu {done_cpu - started_cpu:.1f} s; load average {os.getloadavg()[0]:.2f}"
    )
    if args.keep:
        print(f"database kept in {directory}")
    else:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
