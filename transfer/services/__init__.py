"""The services of `transfer`: the import of spreadsheets (`importing`) and the export of the
whole centre (`exporting`)."""
