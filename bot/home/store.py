"""Who has an App Home view worth keeping current (`home_views` in `bot.db`)."""

from __future__ import annotations

from bot.storage import Database


class HomeStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def record_opened(self, user_id: str, now: float) -> None:
        """`user_id` opened their Home tab: from now on it has a view worth refreshing."""
        self.database.db["home_views"].upsert({"user_id": user_id, "opened_at": now}, pk="user_id")

    def viewers(self, since: float) -> set[str]:
        """Users who opened their Home tab at or after `since`."""
        rows = self.database.db.execute(
            "SELECT user_id FROM home_views WHERE opened_at >= ?", [since]
        )
        return {r[0] for r in rows.fetchall()}
