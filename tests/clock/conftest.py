from tests.workorders.conftest import _media, crew  # noqa: F401  (the work-order matrix needs a crew)
