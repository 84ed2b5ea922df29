"""`python -m curriculum.training ...` runs the same command as `blitz-tui train ...`."""

import sys

from curriculum.training.cli import main

sys.exit(main())
