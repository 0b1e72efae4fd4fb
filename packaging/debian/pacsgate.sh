#!/bin/sh
# /usr/bin/pacsgate: runs the CLI with the Node.js runtime bundled in the package.
exec /usr/lib/pacsgate/node/bin/node /usr/lib/pacsgate/bin/pacsgate.js "$@"
