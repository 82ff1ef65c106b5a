"""``siwei worker``: run the background tasks queued in the database (django-tasks-db's
``db_worker`` under Siwei's name). Several workers may run side by side on PostgreSQL."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    help = ("Run the background task worker: takes the tasks the web app and `siwei "
            "scheduler` enqueued and runs them. Options as django-tasks-db's db_worker; "
            "`--queue-name '*'` serves every queue, `--batch` runs what is queued and exits.")
