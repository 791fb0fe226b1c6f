"""The demo's analytics: the shipped indicators and targets, and the store
built from everything the demo loaded before it."""

from collections.abc import Callable

from vandong.analytics import services
from vandong.analytics.loader import load_indicators
from vandong.analytics.refresh import wait_idle
from vandong.analytics.targets.loader import load_targets

Progress = Callable[[str], None]


def load_demo_analytics(progress: Progress) -> None:
    indicators = load_indicators()
    targets = load_targets()
    progress(f"Chỉ số / indicators: {indicators}; mục tiêu / targets: {targets}")
    # Refreshes asked for while the demo wrote run first; then one rebuild.
    wait_idle()
    report = services.rebuild(cold=True)
    progress(
        f"Bảng phân tích / analytics tables: {report.facts:,} dữ kiện / facts, "
        f"{sum(report.rows.values()):,} dòng / rows ({report.seconds:.1f} s)"
    )
