"""`python -m cli`, the same as the `territoires` command."""

import sys

from cli import main

sys.exit(main())
