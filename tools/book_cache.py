"""Put the notebooks nbval executed into the book's execution cache, so the build does not run them again.

    python tools/book_cache.py CACHE_DIR EXECUTED.ipynb ...

Jupyter Book (``execute_notebooks: cache``) looks each chapter up in a jupyter-cache folder by the
hash of its code cells and uses the cached outputs when it finds them. Each executed notebook is
cached under its source path ``notebooks/<name>.ipynb``, replacing an older entry of the same code.
"""

import sys
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cache = get_cache(argv[0])
    for executed in map(Path, argv[1:]):
        source = Path("notebooks") / executed.name
        if not source.is_file():
            raise ValueError(f"executed notebook {executed} has no source notebook {source}")
        nb = nbformat.read(executed, as_version=4)
        cache.cache_notebook_bundle(CacheBundleIn(nb, str(source.resolve())), check_validity=False, overwrite=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
