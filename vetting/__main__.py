"""``python -m vetting`` runs the command-line interface."""

import sys

from vetting.cli import main

sys.exit(main())
