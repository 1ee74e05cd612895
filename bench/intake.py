"""Reading a dossier file: the time and the memory each check costs, hostile files included.

Each file is read in a fresh process, so the memory figure is that process's own peak
(VmHWM, reset just before the read) above what it held before: C allocations (the zip,
the XML parser, xlrd) count too, which tracemalloc would miss. Linux only (/proc).
"""
import multiprocessing
import time
from pathlib import Path

from bench.common import report
from courier.domain.imports import ImportFileError, read_sheet
from tests import intake_files

TIME_TARGET_MS = 1000   # a hostile file is refused in under a second
MEMORY_TARGET_MB = 50   # and costs no memory worth naming


def _rows(count: int) -> dict:
    first = intake_files.HEADER_ROW + 1
    return {first + n: intake_files.record(n + 1, f"{intake_files.AGENCY}-261127-{n + 1:04d}", "Nguyễn Văn An",
                                           "0905123456", "30/11/2026") for n in range(count)}


FILES = [
    ("dimension bomb (20,000 × 16,384 declared)", intake_files.dimension_bomb, "bomb.xlsx"),
    ("zip bomb (8 MB part, ratio > 1000)", intake_files.zip_bomb, "zip.xlsx"),
    ("entity bomb (billion laughs)", intake_files.entity_bomb, "laughs.xlsx"),
    ("CSV field of 200 KB", intake_files.long_field, "long.csv"),
    ("formula cell, no cached value", intake_files.formula_cell, "formula.xlsx"),
    ("2,000 rows, XLSX", lambda: intake_files.export_xlsx(_rows(2000)), "big.xlsx"),
    ("2,000 rows, XLS (Excel 97)", lambda: intake_files.export_xls(_rows(2000)), "big.xls"),
    ("2,000 rows, CSV Windows-1258", lambda: intake_files.export_csv("cp1258", ";", _rows(2000)), "big.csv"),
]


def _kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _read_in_child(make, name, answer) -> None:
    content = make()
    before = _kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from now
    started = time.perf_counter()
    try:
        sheet = read_sheet(content, name)
        outcome = f"{len(sheet.rows)} rows"
    except ImportFileError as refused:
        outcome = f"refused: {refused.code}"
    elapsed = (time.perf_counter() - started) * 1000
    answer.send((elapsed, (_kib("VmHWM") - before) / 1024, len(content), outcome))


def bench_intake() -> None:
    """Print, per file: what reading it answered, the time, and the peak memory above the start."""
    context = multiprocessing.get_context("fork")
    for what, make, name in FILES:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_read_in_child, args=(make, name, send))
        child.start()
        elapsed, grown_mb, size, outcome = receive.recv()
        child.join()
        report(f"intake: {what} ({size / 1024:.0f} KB) → {outcome}", f"{elapsed:.0f} ms, +{grown_mb:.1f} MB",
               f"≤ {TIME_TARGET_MS} ms, ≤ {MEMORY_TARGET_MB} MB")
