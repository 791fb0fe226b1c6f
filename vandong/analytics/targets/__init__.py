"""Targets as data (targets.yaml): their loader, their progress towards the
deadline and the units whose attainment would close the gap."""
