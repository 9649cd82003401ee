"""Escalation: handing a question to a supervisor, from raising it to its resolution, and the
deliveries to Slack (cards, reminders, notices) that each step queues."""
