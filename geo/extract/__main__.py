"""``python -m geo.extract REPORT [MORE ...]``: candidate incidents of reports, as JSON."""

import sys

from geo.extract.cli import main

sys.exit(main())
