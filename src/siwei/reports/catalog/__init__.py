"""The report catalogue (FN-7): pages, downloads and API of every report declared in the
apps' ``report_catalog.py``, through ``siwei.core.reporting``."""
