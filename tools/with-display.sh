#!/bin/sh
# Runs a command with an X display: the current one when DISPLAY is set, else a private Xvfb.
export LIBGL_ALWAYS_SOFTWARE=1
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
    XDG_RUNTIME_DIR=$(mktemp -d /tmp/citytwin-xdg.XXXXXX) && chmod 700 "$XDG_RUNTIME_DIR"
    export XDG_RUNTIME_DIR
fi
if [ -n "${DISPLAY:-}" ]; then
    exec "$@"
fi
exec xvfb-run -a -s "-screen 0 1280x1024x24" "$@"
