"""Keep tokens out of the server log: :class:`TokenFilter` and :func:`install_token_filter`.

Tornado's access log and Jupyter's warnings print request URLs, and a visitor's URL may
carry ``?token=...`` (right or wrong), also URL-encoded in a login redirect's ``next=``.
The filter rewrites every record's message with ``token=[secret]`` and replaces the
server's own token wherever it appears.
"""

from __future__ import annotations

import logging
import re

SCRUBBED = "[secret]"
#: token=VALUE or token%3DVALUE, VALUE up to &, %26, a space, a quote or an angle bracket.
TOKEN_IN_URL = re.compile(r"(?i)(token(?:=|%3D))((?:(?!%26)[^&\s'\"<>])+)")
#: The loggers of the Voilà server: tornado's, the application's, and the root.
SERVER_LOGGERS = ("tornado.access", "tornado.application", "tornado.general", "Voila",
                  "ServerApp", "traitlets", "")


def scrub(text: str, secrets=()) -> str:
    """``text`` with every ``token=...`` value and every secret replaced by [secret]."""
    text = TOKEN_IN_URL.sub(lambda m: m.group(1) + SCRUBBED, text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, SCRUBBED)
    return text


class TokenFilter(logging.Filter):
    """Rewrites a record's message (formatted with its arguments) without tokens."""

    def __init__(self, secrets=()):
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let logging report it as usual
            return True
        clean = scrub(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def install_token_filter(secrets=(), names=SERVER_LOGGERS) -> TokenFilter:
    """Put one :class:`TokenFilter` on the named loggers and on each of their handlers
    (a logger's filter does not see records of its children, a handler's does), and on
    :data:`logging.lastResort`. Safe to call again: a logger keeps one such filter."""
    token_filter = TokenFilter(secrets)
    targets = [logging.lastResort] if logging.lastResort is not None else []
    for name in names:
        logger = logging.getLogger(name)
        targets.append(logger)
        targets.extend(logger.handlers)
    for target in targets:
        for old in [f for f in target.filters if isinstance(f, TokenFilter)]:
            target.removeFilter(old)
        target.addFilter(token_filter)
    return token_filter
