"""Forms of the cases app, a module per feature: `families` (family, members, consent,
reassignment), `plans`, `assessments`, `closure`, `removal`; `fields` holds what they share."""
