"""Log filters: no PESEL number reaches a log line.

A PESEL can end up in a message or a traceback without anyone meaning it: a database error
quoting the duplicate key, an exception message, a URL with a query string. The filter masks
every run of exactly 11 digits in the message and in the formatted traceback; names cannot be
recognised this way, so code never puts them in a log message on purpose.
"""

import logging
import re

# Exactly 11 digits, not part of a longer number (a PESEL; timestamps and ids are shorter or longer).
ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
MASK = "*" * 11
_formatter = logging.Formatter()


def mask(text: str) -> str:
    return ELEVEN_DIGITS.sub(MASK, text)


class MaskPesel(logging.Filter):
    """Rewrites the record in place: the formatted message, then the traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
