#!/bin/sh
# Install newsdigest from this repository into a fresh virtual environment.
# The one place that says how the package is installed for real: the Dockerfile runs it,
# CI runs it (tests/test_deploy.py), and it serves a plain server install too.
#
#   contrib/install.sh PREFIX [SOURCE]
#     PREFIX  where the virtual environment goes (e.g. /opt/newsdigest); must not exist
#             or be an empty folder
#     SOURCE  the repository checkout (default: the folder above this script)
# Then: PREFIX/bin/newsdigest --help
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 PREFIX [SOURCE]" >&2
    exit 2
fi
prefix=$1
source=${2:-$(cd "$(dirname "$0")/.." && pwd)}
python=${PYTHON:-python3}

if [ -e "$prefix" ] && [ -n "$(ls -A "$prefix" 2>/dev/null)" ]; then
    echo "$0: $prefix exists and is not empty; choose a new folder" >&2
    exit 2
fi
if [ ! -f "$source/pyproject.toml" ]; then
    echo "$0: $source is not a newsdigest checkout (no pyproject.toml)" >&2
    exit 2
fi

"$python" -m venv "$prefix"
"$prefix/bin/python" -m pip install --quiet --upgrade pip
# A regular (non-editable) install with the PostgreSQL driver: the checkout can be
# deleted afterwards. pip builds from a copy, so the checkout stays untouched.
"$prefix/bin/python" -m pip install --quiet "$source[postgres]"
"$prefix/bin/newsdigest" --help >/dev/null
echo "newsdigest installed in $prefix (run $prefix/bin/newsdigest)"
