"""``python -m vetting`` runs the command-line interface."""

import sys

from vetting.cli import main
from vetting.memory import keep_freed_memory

keep_freed_memory()  # a process setting, so here at the edge rather than in main()
sys.exit(main())
