"""The ``siwei`` command: Django's manage.py for this project.

``siwei migrate``, ``siwei demo``, ``siwei runserver``, ``siwei createsuperuser`` …
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siwei.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["siwei", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
