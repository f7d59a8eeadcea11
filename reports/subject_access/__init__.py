"""The data-subject access export (GDPR art. 15): what the centre holds about one family member."""
