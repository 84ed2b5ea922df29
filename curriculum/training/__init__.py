"""The CIFAR-10 classifier of the 60-minute blitz, trained fast and headless.

`blitz-tui train --headless --json` (or `python -m curriculum.training`) streams one JSON event per
line; docs/training.md describes the command, docs/ARCHITECTURE.md the events. Nothing heavy is
imported here so the CLI can register its subcommand cheaply.
"""
