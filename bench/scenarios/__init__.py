"""The scenarios, in the order they run. Each names the code it needs (module or module:attr):
when that is not importable yet, it is reported as SKIPPED ("<feature> not built yet")."""

from __future__ import annotations

import importlib

from ..report import Figure


class Scenario:
    name = ""
    title = ""
    feature = ""  # what is missing when `requires` cannot be imported
    requires: tuple[str, ...] = ()

    def missing(self) -> str | None:
        for spec in self.requires:
            module, _, attr = spec.partition(":")
            try:
                mod = importlib.import_module(module)
            except ModuleNotFoundError as exc:
                if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
                    return self.feature
                raise
            if attr and not hasattr(mod, attr):
                return self.feature
        return None

    def run(self, ctx) -> list[Figure]:
        raise NotImplementedError


from .complaint_list import ComplaintList  # noqa: E402
from .crew import CrewUpdates  # noqa: E402
from .grading import GradeRun  # noqa: E402
from .intake import Intake  # noqa: E402
from .outages import Outages  # noqa: E402
from .sla_summary import SlaSummary  # noqa: E402
from .sla_sweep import SlaSweep  # noqa: E402
from .ticket_list import TicketList  # noqa: E402

SCENARIOS: list[Scenario] = [ComplaintList(), TicketList(), SlaSummary(), GradeRun(), Intake(), CrewUpdates(), SlaSweep(),
                             Outages()]
