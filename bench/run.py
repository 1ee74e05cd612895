"""`make bench`: every figure with its target, on this machine."""
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import courier_app, dispatch, handover_load, intake, labels_and_chain, scanner  # noqa: E402
from bench.common import SCALE, postgres_available, print_table, report  # noqa: E402


def main() -> None:
    started = time.monotonic()
    print(f"courier benchmarks on {platform.node()} ({platform.machine()}, {platform.python_version()}), "
          f"scale {SCALE}")
    kinds = ["sqlite"] + (["postgresql"] if postgres_available() else [])
    from courier import create_app

    courier_app.bench_shell_bytes(create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "bench"}))
    courier_app.bench_handover_sizes()
    courier_app.bench_courier_phone()  # Chromium, Slow 4G, CPU ÷4: about 3 minutes
    scanner.bench_scanner()  # Chromium, the app's scanner on 28 hard frames: about 30 s
    intake.bench_intake()  # each file read in a process of its own: about 5 s
    labels_and_chain.bench_labels()
    # verify reads rows the same way on both databases (43 s a million on each here): once is enough.
    labels_and_chain.bench_verify("sqlite")
    dispatch.bench_board_and_search(kinds)   # the rows made once, loaded into each
    handover_load.bench_handover_load(kinds)  # gunicorn + wrk, about 3 minutes
    report("whole bench run", f"{time.monotonic() - started:.0f} s", "≤ 15 min")
    print_table()


if __name__ == "__main__":
    main()
