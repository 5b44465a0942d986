"""Time the report importer on the Knowsley 2023 report as a PDF.

Builds the same PDF as the tests (WeasyPrint, one paragraph per line), then times
``extract_text`` and ``parse_report`` separately and together over a number of runs and prints
the median and 95th percentile in milliseconds, then one JSON line with the figures.
Run from the repository root: ``python benchmarks/bench_importer.py [runs]``. No asserts.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inspections.importer.extract import extract_text  # noqa: E402
from inspections.importer.parse import parse_report  # noqa: E402
from tests.inspections.test_importer_parse import KNOWSLEY, build_pdf  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (0 < share <= 1)."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def main(runs: int = 20) -> dict:
    started = time.perf_counter()
    pdf = build_pdf(KNOWSLEY)
    build_ms = (time.perf_counter() - started) * 1000
    timings: dict[str, list[float]] = {"extract": [], "parse": [], "total": []}
    result: dict = {}
    for _ in range(runs):
        t0 = time.perf_counter()
        text = extract_text(pdf, "knowsley.pdf")
        t1 = time.perf_counter()
        result = parse_report(text)
        t2 = time.perf_counter()
        timings["extract"].append((t1 - t0) * 1000)
        timings["parse"].append((t2 - t1) * 1000)
        timings["total"].append((t2 - t0) * 1000)
    text_parse = []
    for _ in range(runs):
        t0 = time.perf_counter()
        parse_report(KNOWSLEY)
        text_parse.append((time.perf_counter() - t0) * 1000)
    timings["parse_text_original"] = text_parse

    figures = {
        "benchmark": "importer_knowsley_pdf",
        "runs": runs,
        "pdf_bytes": len(pdf),
        "pdf_build_ms": round(build_ms, 1),
        "standards": len(result.get("standards", [])),
        "recommendations": len(result.get("recommendations", [])),
        "warnings": len(result.get("warnings", [])),
    }
    print(f"Knowsley 2023 report as PDF: {len(pdf):,} bytes, built in {build_ms:.0f} ms")
    for name, values in timings.items():
        median, p95 = statistics.median(values), percentile(values, 0.95)
        figures[f"{name}_median_ms"] = round(median, 2)
        figures[f"{name}_p95_ms"] = round(p95, 2)
        print(f"{name:>20}: median {median:8.2f} ms   p95 {p95:8.2f} ms   ({runs} runs)")
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
