"""Schema revisions, oldest first: 0001 initial, 0002 submissions and the audit guard."""
