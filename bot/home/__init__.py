"""The App Home tab: what the bot is for, your own requests, the supervisors' queue, kept
current for the people who look at it."""
