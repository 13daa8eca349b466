#!/bin/sh
# Like upstream Bun images: run the arguments, or bun when the first one is a flag.
set -e
if [ "${1#-}" != "$1" ]; then set -- /usr/local/bin/bun "$@"; fi
exec "$@"
