"""Message senders for people's phones. Puente has no WhatsApp provider yet: the log stands in for one."""

from __future__ import annotations

import logging

from services.portal.ports import TextMessage

log = logging.getLogger("puente.portal.messages")


def masked(phone: str) -> str:
    """Return a phone number with all but its last three digits hidden, for the log."""
    digits = [ch for ch in phone if ch.isdigit()]
    return "…" + "".join(digits[-3:]) if digits else "?"


class LogMessenger:
    """Writes each message to the log instead of sending it. With ``show_text`` (the embedded default and
    development) the text is logged too, so a developer sees what the person would read; otherwise only that a
    message was due, to a masked number, so no person's data reaches a production log."""

    def __init__(self, show_text: bool = True):
        self.show_text = show_text

    def send(self, message: TextMessage) -> None:
        """Log the message (masked number; the text only when ``show_text``)."""
        if self.show_text:
            log.warning("message not sent (no messaging provider); to %s:\n%s", masked(message.to), message.text)
        else:
            log.warning("message not sent (no messaging provider); to %s, %s characters", masked(message.to),
                        len(message.text))
