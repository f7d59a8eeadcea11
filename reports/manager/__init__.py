"""The manager's pages: the caseload dashboard, its lists, the charts and the semi-annual report."""
