"""`python -m okr_shared.provision topics | tables --service S [--grant-to ROLE] | check`."""

import sys

from okr_shared.provision.cli import main

if __name__ == "__main__":
    sys.exit(main())
