"""`bot.home.store`: who opened their Home tab, and when last."""

from __future__ import annotations

import time
from pathlib import Path

from bot.home.store import HomeStore
from bot.storage import Database


def test_home_viewers_are_the_latest_openings_since(tmp_path: Path) -> None:
    database = Database(tmp_path)
    homes = HomeStore(database)
    now = time.time()
    homes.record_opened("U1", now - 10 * 86_400)
    homes.record_opened("U2", now - 10 * 86_400)
    homes.record_opened("U2", now)  # opened again: one row, the latest time
    assert homes.viewers(now - 7 * 86_400) == {"U2"}
    assert database.db["home_views"].count == 2
