"""Visit check-ins: "check on me in 90 minutes". At the due time the worker is asked "Are you
OK?"; if nobody answers within the grace period, supervisors get an urgent escalation that
climbs the ladder (`bot.escalation`). Kept in bot.db, so a restart or a kill loses none."""
