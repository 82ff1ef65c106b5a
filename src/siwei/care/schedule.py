"""Periodic jobs of customer care (run by ``siwei scheduler``)."""

import datetime as dt

from siwei.core.scheduling import Job

JOBS = [
    Job("care.create_reminders", "siwei.care.tasks.create_reminders", daily_at=dt.time(7, 0),
        description="CR-5: reminder tasks and messages (maintenance, insurance, birthdays …)."),
    Job("care.escalate_complaints", "siwei.care.tasks.escalate_complaints", every_minutes=15,
        description="CR-7: escalate complaints that breached their SLA."),
    Job("care.send_campaigns", "siwei.care.tasks.send_campaigns", every_minutes=5,
        description="CR-11, CR-12: send due campaigns and deliver queued messages."),
    Job("care.retrain_classifiers", "siwei.care.tasks_classification.retrain_classifiers",
        daily_at=dt.time(4, 0),
        description="CR-8: relearn the complaint classifier from staff corrections."),
]
