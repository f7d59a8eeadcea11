"""Dates are written one way everywhere: dd.mm.rrrr, with the time as HH:MM (Django's Polish
defaults are "7 grudnia 2026" and "07-12-2026"). The input formats stay Django's."""

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "d.m"
YEAR_MONTH_FORMAT = "m.Y"
