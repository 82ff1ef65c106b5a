"""Periodic jobs of finance (run by ``siwei scheduler``)."""

import datetime as dt

from siwei.core.scheduling import Job

JOBS = [
    Job("finance.sync_receivables", "siwei.finance.tasks_receivables.sync_receivables",
        daily_at=dt.time(5, 30),
        description="FN-4: receivables from approved claims, insured repairs and loans."),
]
