#!/bin/sh
# Same logic as the official node image's docker-entrypoint.sh: run the command with node
# if the first argument is a flag or not a system command.
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
