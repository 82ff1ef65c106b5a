"""The default backend: the message goes to the log and nowhere else."""

from __future__ import annotations

import logging

from .base import Backend

logger = logging.getLogger("siwei.messaging")


class ConsoleBackend(Backend):
    name = "console"

    def send(self, message) -> str:
        logger.info("message %s (%s) to %s: %s", message.pk, message.channel, message.to,
                    message.body)
        return f"console-{message.pk}"
