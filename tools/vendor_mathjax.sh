#!/usr/bin/env bash
# Vendor MathJax 3 (SVG output, no font files needed) into a folder the book copies into its _static/,
# so that the built HTML book renders math without loading anything from the internet.
#
#   usage: bash tools/vendor_mathjax.sh <dest>      (the Makefile passes _vendor/mathjax)
#
# Produces <dest>/tex-svg-full.js from the pinned npm package mathjax@$MATHJAX_VERSION (the browser
# build, kept as the fallback of a book built without `make book`), and <node>/node_modules/mathjax-full,
# the same MathJax release for Node, with which tools/typeset_math.mjs typesets the built pages.
#
#   usage: bash tools/vendor_mathjax.sh <dest> [<node>]     (the Makefile passes _vendor/mathjax _node)
#
# Idempotent: does nothing if both are already there and are the pinned version.
set -euo pipefail

MATHJAX_VERSION="${MATHJAX_VERSION:-3.2.2}"   # newest 3.x release

if [[ $# -lt 1 || $# -gt 2 || -z "$1" ]]; then
    echo "usage: bash $0 <destination folder> [<node folder>]   (e.g. _vendor/mathjax _node)" >&2
    exit 2
fi
dest="$1"
node_dir="${2:-_node}"
target="$dest/tex-svg-full.js"
stamp="$dest/VERSION"
node_stamp="$node_dir/VERSION"

if [[ -s "$target" && -f "$stamp" && "$(cat "$stamp")" == "$MATHJAX_VERSION" \
      && -f "$node_stamp" && "$(cat "$node_stamp")" == "$MATHJAX_VERSION" ]]; then
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

echo "Fetching mathjax@$MATHJAX_VERSION and mathjax-full@$MATHJAX_VERSION with npm ..."
npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
    --prefix "$tmp" "mathjax@$MATHJAX_VERSION" >&2
rm -rf "$node_dir"
mkdir -p "$node_dir"
npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
    --prefix "$node_dir" "mathjax-full@$MATHJAX_VERSION" >&2
echo "$MATHJAX_VERSION" > "$node_stamp"

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
