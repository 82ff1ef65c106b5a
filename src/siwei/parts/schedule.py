"""Periodic jobs of the parts department (run by ``siwei scheduler``)."""

import datetime as dt

from siwei.core.scheduling import Job

JOBS = [
    Job("parts.recompute_abc_classes", "siwei.parts.tasks.recompute_abc_classes",
        daily_at=dt.time(3, 0),
        description="PT-12/PT-13: store every part's ABC class for the cycle counts."),
]
