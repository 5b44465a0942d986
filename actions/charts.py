"""Server-rendered SVG charts: geometry computed here, drawn by templates, no script.

Every chart is shown with a table of the same numbers beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from actions.rules import RAG_LABELS

# Fill colours match the GOV.UK tag colours; the table and legend carry the words.
RAG_FILLS = {
    "overdue": "#942514",
    "red": "#ca3535",
    "amber": "#ffdd00",
    "green": "#0f7a52",
    "none": "#b1b4b6",
    "blue": "#1d70b8",
    "cancelled": "#505a5f",
}
CHART_KEYS = ["blue", "green", "amber", "red", "overdue", "none"]


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


def nice_step(peak: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5, 10, 20, 50...) that covers `peak` in about `ticks` steps."""
    raw = max(peak, 1) / ticks
    magnitude = 10 ** max(len(str(int(raw))) - 1, 0)
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def stacked_bars(points: list[dict], *, width: int = 640, height: int = 260) -> dict:
    """Stacked bars of RAG counts per point ({"label", "counts"}), with labelled axes: a
    scale of actions up the side and the month end of each bar along the bottom."""
    top, bottom, left, right = 12, 56, 58, 10
    plot_h = height - top - bottom
    n = max(len(points), 1)
    slot = (width - left - right) / n
    bar_w = slot * 0.7
    peak = max((sum(p["counts"].get(k, 0) for k in CHART_KEYS) for p in points), default=0)
    step = nice_step(peak)
    scale_top = max(step * -(-peak // step), step)
    axis_y = top + plot_h
    ticks = [
        {"value": v, "y": axis_y - plot_h * v / scale_top} for v in range(0, scale_top + 1, step)
    ]
    bars, labels = [], []
    for i, point in enumerate(points):
        x = left + i * slot + (slot - bar_w) / 2
        y = axis_y
        for key in CHART_KEYS:
            value = point["counts"].get(key, 0)
            if not value:
                continue
            h = plot_h * value / scale_top
            y -= h
            bars.append(
                Bar(x, y, bar_w, h, RAG_FILLS[key], f"{point['label']}: {value} {RAG_LABELS[key]}")
            )
        labels.append({"x": x + bar_w / 2, "y": axis_y + 16, "text": point["label"]})
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "axis_y": axis_y,
        "left": left,
        "right": width - right,
        "top": top,
        "y_title": {"x": 14, "y": top + plot_h / 2},
        "x_title": {"x": left + (width - left - right) / 2, "y": height - 8},
        "legend": [(RAG_FILLS[k], RAG_LABELS[k]) for k in CHART_KEYS],
    }


def measure_line(measure, readings, *, width: int = 640, height: int = 200) -> dict:
    """A line of readings against the baseline and target of a measure of impact."""
    top, bottom, left, right = 10, 30, 50, 10
    values = [float(measure.baseline_value), float(measure.target_value)] + [
        float(r.value) for r in readings
    ]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    dates = [measure.baseline_date, measure.target_date] + [r.date for r in readings]
    start, end = min(dates), max(dates)
    days = max((end - start).days, 1)

    def px(day, value):
        x = left + (width - left - right) * (day - start).days / days
        y = top + (height - top - bottom) * (1 - (float(value) - low) / span)
        return round(x, 1), round(y, 1)

    points = [px(measure.baseline_date, measure.baseline_value)] + [
        px(r.date, r.value) for r in readings
    ]
    return {
        "width": width,
        "height": height,
        "polyline": " ".join(f"{x},{y}" for x, y in points),
        "dots": [{"x": x, "y": y} for x, y in points],
        "target": px(measure.target_date, measure.target_value),
        "baseline_y": px(measure.baseline_date, measure.baseline_value)[1],
        "target_y": px(measure.target_date, measure.target_value)[1],
        "left": left,
        "right": width - right,
    }
