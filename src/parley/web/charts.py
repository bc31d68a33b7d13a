"""Charts drawn on the server as SVG geometry for the templates (`_charts.html`): bars per
phase (planned, received, exceptions) and the reconciliation's progress. No script."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from parley.app.desk_views import PhaseDay
from parley.web.i18n import N_

BAR_SERIES = (
    ("planned", N_("Planned")),
    ("received", N_("Received")),
    ("exceptions", N_("Exceptions")),
)


@dataclass(frozen=True)
class Bar:
    series: str  # a CSS class: the colour
    label: str  # a message id, translated when shown
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Group:
    title: str
    bars: tuple[Bar, ...]
    x: float


@dataclass(frozen=True)
class BarChart:
    groups: tuple[Group, ...]
    width: float
    height: float
    series: tuple[tuple[str, str], ...]


def phase_bars(
    phases: Sequence[tuple[str, Mapping[str, int]]], *, height: float = 160.0
) -> BarChart:
    """One group of bars a phase, scaled to the largest count."""
    top = max((counts.get(k, 0) for _, counts in phases for k, _ in BAR_SERIES), default=0)
    scale = height / top if top else 0.0
    margin = 16.0  # room above the tallest bar for its figure
    bar, gap = 22.0, 36.0
    groups = []
    for i, (title, counts) in enumerate(phases):
        x0 = gap / 2 + i * (len(BAR_SERIES) * bar + gap)
        bars = tuple(
            Bar(
                key,
                label,
                counts.get(key, 0),
                x0 + j * bar,
                margin + height - counts.get(key, 0) * scale,
                bar - 4,
                counts.get(key, 0) * scale,
            )
            for j, (key, label) in enumerate(BAR_SERIES)
        )
        groups.append(Group(title, bars, x0))
    width = max(gap + len(phases) * (len(BAR_SERIES) * bar + gap), 200.0)
    return BarChart(tuple(groups), width, height + margin, BAR_SERIES)


@dataclass(frozen=True)
class Progress:
    """Decided and open proposals as parts of one bar 0..`width`."""

    parts: tuple[tuple[str, str, int, float, float], ...]  # class, label, count, x, width
    total: int
    width: float


PROGRESS_SERIES = (
    ("confirmed", N_("Confirmed")),
    ("rejected", N_("Rejected")),
    ("proposed", N_("Awaiting a decision")),
    ("ambiguous", N_("Too close to tell apart")),
)


def progress(counts: Mapping[str, int], *, width: float = 600.0) -> Progress:
    total = sum(counts.get(k, 0) for k, _ in PROGRESS_SERIES)
    x = 0.0
    parts = []
    for key, label in PROGRESS_SERIES:
        w = width * counts.get(key, 0) / total if total else 0.0
        parts.append((key, label, counts.get(key, 0), x, w))
        x += w
    return Progress(tuple(parts), total, width)


@dataclass(frozen=True)
class Line:
    series: str  # a CSS class: the colour
    label: str  # a message id, translated when shown
    points: str  # SVG polyline points
    last: int  # the value at the end


@dataclass(frozen=True)
class Timeline:
    """Running counts day by day as lines, with the first and last day and the top value."""

    lines: tuple[Line, ...]
    width: float
    height: float
    first: str
    last: str
    top: int


def timeline(days: Sequence[PhaseDay], *, width: float = 600.0, height: float = 140.0) -> Timeline:
    """One line a series over the days (evenly spaced: a day with no step draws no point)."""
    top = max((getattr(d, k) for d in days for k, _ in BAR_SERIES), default=0)
    step = width / (len(days) - 1) if len(days) > 1 else 0.0
    margin = 8.0

    def y(value: int) -> float:
        return round(margin + height - (value / top * height if top else 0.0), 1)

    lines = []
    for key, label in BAR_SERIES:
        points = " ".join(f"{round(i * step, 1)},{y(getattr(d, key))}" for i, d in enumerate(days))
        if len(days) == 1:
            points += f" {width},{y(getattr(days[0], key))}"
        lines.append(Line(key, label, points, getattr(days[-1], key) if days else 0))
    return Timeline(
        tuple(lines),
        width,
        height + margin,
        days[0].day if days else "",
        days[-1].day if days else "",
        top,
    )
