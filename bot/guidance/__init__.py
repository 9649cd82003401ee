"""Supervisors' answers become guidance: suggestions from resolved escalations, their review in
the App Home, the approved Markdown files in the knowledge folder, and the gaps to write for."""
