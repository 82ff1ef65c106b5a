"""Periodic jobs of the service department (run by ``siwei scheduler``)."""

import datetime as dt

from siwei.core.scheduling import Job

JOBS = [
    Job("service.mark_appointment_no_shows", "siwei.service.tasks.mark_appointment_no_shows",
        every_minutes=15,
        description="SV-4: appointments not arrived in time become no-shows."),
    Job("service.close_repair_orders", "siwei.service.tasks.close_repair_orders",
        daily_at=dt.time(1, 0),
        description="SV-16: released repair orders close after the follow-up or 7 days."),
]
