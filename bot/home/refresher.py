"""Keep App Home tabs current when an escalation changes, without slowing any listener.

Who gets a new view: the asker and the supervisors, but only those who opened their Home tab
within `VIEWER_DAYS` (recorded on `app_home_opened`). Someone who never opened it has no view
to correct, and anyone opening it later gets a fresh one then (`opened`), so a supervisor
channel of dozens costs one views.publish (Tier 4) per person who actually uses the tab.

How: `escalation_changed` and `refresh` only note who is due and wake a background thread, so
they are safe before a listener's ack (`escalate` commits before acking). The thread coalesces a
burst of changes into one publish per person. A failed publish (rate limited past the client's
retries, a deactivated user) is logged and dropped: it never touches the escalation, and the
next change or the next opening of the tab corrects the view.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from slack_sdk import WebClient

from bot.escalation.store import Escalation, EscalationStore
from bot.escalation.supervisors import Supervisors
from bot.home.store import HomeStore
from bot.home.view import DEFAULT_NUMBER, OWN_LIMIT, QUEUE_LIMIT, home_view
from bot.slack.background import BackgroundWorker, failure_reason
from bot.slack.blocks import Block
from bot.storage import DAY

log = logging.getLogger(__name__)

VIEWER_DAYS = 7.0  # a view opened longer ago is left alone: it is refreshed when next opened
# Another feature's part of a Home: (user_id, is_supervisor, language) -> its blocks
# (bot.checkins.home); `language` is the Home's, the user's Slack language ("": English)
HomePanel = Callable[[str, bool, str], list[Block]]


class HomeRefresher(BackgroundWorker):
    name = "home-refresh"

    def __init__(
        self,
        homes: HomeStore,
        escalations: EscalationStore,
        supervisors: Supervisors,
        client: WebClient,
        viewer_days: float = VIEWER_DAYS,
        *,
        language: Callable[[str], str] = lambda user_id: "",
        emergency_number: str = DEFAULT_NUMBER,
        review: Callable[[], list[Block]] = list,
        panels: Sequence[HomePanel] = (),
    ) -> None:
        super().__init__()
        self.homes = homes
        self.escalations = escalations
        self.supervisors = supervisors
        self.client = client
        self.viewer_days = viewer_days
        self.language = language  # the user's Slack language ("" unknown: English)
        self.emergency_number = emergency_number
        self.review = review  # the supervisors' review part (guidance, gaps), read per publish
        self.panels = list(panels)
        self._lock = threading.Lock()
        self._askers: set[str] = set()  # whose escalations or check-ins changed (queue too)
        self._users: set[str] = set()  # to refresh whether or not they are recent viewers
        self._supervisors = False  # whether the review part changed (every supervisor's Home)

    # --- called from listeners and the escalation service: never waits on Slack -----------
    def opened(self, user_id: str) -> None:
        """The user opened their Home tab: remember that, and show it current now."""
        self.homes.record_opened(user_id, time.time())
        self.publish(user_id)

    def escalation_changed(self, escalation: Escalation) -> None:
        """An escalation was raised, claimed, resolved or cancelled."""
        self.user_changed(escalation.asker)

    def user_changed(self, user_id: str) -> None:
        """Something of this user's that supervisors see changed too (an escalation, a
        check-in): refresh theirs and the supervisors' Homes, for recent viewers."""
        with self._lock:
            self._askers.add(user_id)
        self.wake()

    def review_changed(self) -> None:
        """Guidance was suggested, reviewed or retracted: the supervisors' Homes show it."""
        with self._lock:
            self._supervisors = True
        self.wake()

    def refresh(self, user_id: str) -> None:
        """Refresh this user's Home soon, whatever it shows (e.g. they clicked in it)."""
        with self._lock:
            self._users.add(user_id)
        self.wake()

    # --- one pass (on the background thread) ----------------------------------------------
    def run_once(self) -> int:
        """Publish every Home now due; returns how many were published."""
        with self._lock:
            askers, users, supervisors = self._askers, self._users, self._supervisors
            self._askers, self._users, self._supervisors = set(), set(), False
        published = 0
        for user_id in sorted(self._recipients(askers, supervisors) | users):
            if self.stopping:
                break
            try:
                self.publish(user_id)
                published += 1
            except Exception as exc:  # one person's failure must not cost the others theirs
                log.warning("App Home of %s not refreshed: %s", user_id, failure_reason(exc))
        return published

    def _recipients(self, askers: set[str], supervisors: bool = False) -> set[str]:
        """The askers and supervisors among recent Home viewers (every change moves the queue;
        `supervisors`: the review part changed, so the supervisors at least)."""
        if not askers and not supervisors:
            return set()
        viewers = self.homes.viewers(time.time() - self.viewer_days * DAY)
        if not supervisors and not viewers - askers:
            return viewers & askers  # no supervisor can be among them: skip the member lookup
        return viewers & (askers | self.supervisors.members())

    def publish(self, user_id: str) -> None:
        """Publish the user's Home as it is now (views.publish replaces the whole tab)."""
        own = self.escalations.of_asker(user_id, OWN_LIMIT)
        supervisor = self.supervisors.is_supervisor(user_id)
        queue = self.escalations.queue(QUEUE_LIMIT) if supervisor else None
        language = self.language(user_id)
        panels = [block for p in self.panels for block in p(user_id, supervisor, language)]
        review = self.review() if supervisor else []
        view = home_view(
            own,
            queue,
            review,
            panels,
            language=language,
            number=self.emergency_number,
        )
        self.client.views_publish(user_id=user_id, view=view)
