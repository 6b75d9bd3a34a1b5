#!/usr/bin/env bash
# Vendor MathJax 3 (SVG output, no font files needed) into a folder the book copies into its _static/,
# so that the built HTML book renders math without loading anything from the internet.
#
#   usage: bash tools/vendor_mathjax.sh <dest>      (the Makefile passes _vendor/mathjax)
#
# Produces <dest>/tex-svg-full.js from the pinned npm package mathjax@$MATHJAX_VERSION.
# Idempotent: does nothing if the file is already there and is the pinned version.
set -euo pipefail

MATHJAX_VERSION="${MATHJAX_VERSION:-3.2.2}"   # newest 3.x release

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: bash $0 <destination folder>   (e.g. _vendor/mathjax)" >&2
    exit 2
fi
dest="$1"
target="$dest/tex-svg-full.js"
stamp="$dest/VERSION"

if [[ -s "$target" && -f "$stamp" && "$(cat "$stamp")" == "$MATHJAX_VERSION" ]]; then
    echo "MathJax $MATHJAX_VERSION already vendored in $dest"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm is not installed; it is needed to vendor MathJax $MATHJAX_VERSION." >&2
    echo "       Install Node.js and npm (e.g. 'apt-get install npm'), then run this again." >&2
    exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/vendor-mathjax.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "Fetching mathjax@$MATHJAX_VERSION with npm ..."
npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
    --prefix "$tmp" "mathjax@$MATHJAX_VERSION" >&2

src="$tmp/node_modules/mathjax/es5/tex-svg-full.js"
if [[ ! -s "$src" ]]; then
    echo "error: npm installed mathjax@$MATHJAX_VERSION but $src is missing" >&2
    exit 1
fi

mkdir -p "$dest"
cp "$src" "$target.tmp"
mv "$target.tmp" "$target"
echo "$MATHJAX_VERSION" > "$stamp"
echo "Vendored MathJax $MATHJAX_VERSION: $target ($(wc -c < "$target") bytes)"
