import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# EDL_NOTEBOOKS points the notebook tests at another folder (for example a copy edited by a script).
NOTEBOOKS = Path(os.environ["EDL_NOTEBOOKS"]).resolve() if os.environ.get("EDL_NOTEBOOKS") else ROOT / "notebooks"
BUILD = ROOT / "_build"
