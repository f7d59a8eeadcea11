"""Views of the cases app, a module per feature: `families` (the family list and file, members, the
case page, consent, reassignment), `plans`, `assessments`, `closure` (and monitoring), `removal`
(records added by mistake), `retention` (files past retention); `work_panel` is the case page's
work panel, `access` who may do what in a case's work. Every URL is in cases/urls.py."""
