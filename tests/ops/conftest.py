import socket

import pytest


def closed_port() -> int:
    """A port in this helper's range (18500-18599) where nothing listens."""
    for port in range(18590, 18500, -1):
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no closed port in 18500-18599")


@pytest.fixture
def swept(db):
    """One sweep through the task's wrapper (heartbeat written now)."""
    from complaints.tasks import enforce_sla

    return enforce_sla()
