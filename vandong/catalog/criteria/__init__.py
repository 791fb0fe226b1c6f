"""Criteria sets (bộ tiêu chí) as data: the official standards a unit is judged
by, read from versioned YAML files (`spec`, `reader`) and kept in the
database (`models`, `store`), where an administrator edits thresholds."""
