"""Periodic jobs of the customer records (run by ``siwei scheduler``)."""

import datetime as dt

from siwei.core.scheduling import Job

JOBS = [
    Job("crm.recompute_customer_categories", "siwei.crm.tasks.recompute_customer_categories",
        daily_at=dt.time(2, 0),
        description="CS-4: recompute every customer's category (new/old owner, churned …)."),
]
