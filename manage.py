#!/usr/bin/env python
"""Same as the ``siwei`` command, for those who type manage.py."""

from siwei.cli import main

if __name__ == "__main__":
    main()
