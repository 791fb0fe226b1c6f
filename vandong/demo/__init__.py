"""The demo world the README starts: Lai Châu, real units, sample villages, demo users.

Each domain adds its own step; `demo_load` runs them in order.
"""

from collections.abc import Callable

from vandong.demo.analytics import load_demo_analytics
from vandong.demo.collect import load_demo_collect
from vandong.demo.contributions import load_demo_contributions
from vandong.demo.criteria import load_demo_criteria
from vandong.demo.geo import load_lai_chau, load_sample_villages
from vandong.demo.petitions import load_demo_petitions
from vandong.demo.portal import load_demo_portal
from vandong.demo.registries import load_demo_registries
from vandong.demo.users import DEMO_PASSWORD, DEMO_USERS, load_demo_users

Progress = Callable[[str], None]

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "demo_load"]


def demo_load(progress: Progress) -> None:
    load_lai_chau(progress)
    load_sample_villages(progress)
    load_demo_users(progress)
    load_demo_collect(progress)
    load_demo_contributions(progress)
    load_demo_registries(progress)
    load_demo_criteria(progress)
    load_demo_petitions(progress)
    load_demo_portal(progress)
    load_demo_analytics(progress)
