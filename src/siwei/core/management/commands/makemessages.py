"""``makemessages`` that also collects ``_lazy("…")``: modules that need both the immediate
and the lazy ``gettext`` import ``gettext_lazy as _lazy``."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
