"""``python -m geo.extract REPORT``: candidate incidents of a report, as JSON."""

import sys

from geo.extract.pipeline import main

sys.exit(main())
