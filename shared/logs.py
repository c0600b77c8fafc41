"""JSON logging with the service name and the current correlation (request) id on every line."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from shared.context import current_correlation_id


class _ContextFilter(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.request_id = current_correlation_id()
        return True


def configure_logging(service: str, level: str = "INFO", stream=None) -> None:
    """Send every log record to ``stream`` (stderr) as one JSON object per line."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_ContextFilter(service))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # kafka-python logs every reconnect attempt at WARNING/ERROR; its own retries are reported by us.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("kafka").setLevel(max(logging.getLogger().level, logging.ERROR))
