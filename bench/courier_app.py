"""The courier app's weight: the app shell's bytes, and the proof sizes from the hand-over test."""
import gzip
import json
import re
from pathlib import Path

from bench.common import report

ROOT = Path(__file__).resolve().parent.parent


def bench_shell_bytes(app) -> None:
    """Bytes of everything the service worker precaches for the courier, raw and gzipped."""
    precache = re.findall(r'"(/static/[^"]+)"', (ROOT / "service_worker.js").read_text())
    with app.test_client() as client:
        bodies = [client.get(url).get_data() for url in sorted(set(precache))]
    raw = sum(len(body) for body in bodies)
    packed = sum(len(gzip.compress(body, 6)) for body in bodies)
    report("app shell, precached static files", f"{raw / 1024:.0f} KiB, {packed / 1024:.0f} KiB gzip",
           "≤ 60 KiB gzip")
    shell_only = [b for url, b in zip(sorted(set(precache)), bodies) if "jsqr" not in url]
    packed_shell = sum(len(gzip.compress(body, 6)) for body in shell_only)
    report("  without the QR decoder (loaded by the scanner only)", f"{packed_shell / 1024:.0f} KiB gzip",
           "≤ 60 KiB gzip")


def bench_handover_sizes() -> None:
    metrics = ROOT / "build" / "metrics" / "handover.json"
    if not metrics.exists():
        report("hand-over proof sizes", "run `make test` first (the hand-over test records them)")
        return
    figures = json.loads(metrics.read_text())
    width, height = figures["photo_px"]
    report("photo from the hand-over test", f"{figures['photo_bytes'] / 1024:.0f} KiB, {width}×{height}",
           "≤ 150 KB, ≤ 1280 px")
    report("signature from the hand-over test", f"{figures['signature_bytes'] / 1024:.1f} KiB")
    report("taps for a standard hand-over", str(figures["taps"]), "≤ 6")
