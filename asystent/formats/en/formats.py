"""The English interface writes dates as the Polish one does (asystent/formats/pl): dd.mm.rrrr."""

from asystent.formats.pl.formats import (  # noqa: F401 - the format module's names
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)
