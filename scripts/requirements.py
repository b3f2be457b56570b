"""Print the pinned requirements from pyproject.toml (plus the named extras), one per line.

pyproject.toml is the one place dependencies are pinned; the project is run from its
checkout, so we install its dependencies rather than building a wheel of it.
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
requirements = list(project["dependencies"])
for extra in sys.argv[1:]:
    requirements += project["optional-dependencies"][extra]
print("\n".join(requirements))
