"""``python -m deskwatch.live.saved_child``: one listing from the saved cache, for a viewer.

Reads a pickled ``(cfg, drill, arg, now)`` on stdin and writes a pickled ``("ok", rows as
Arrow IPC, saved_at)`` or ``("error", one line)`` on stdout. A viewer runs it per listing so
the frames it reads (hundreds of MB at 1M tickets) leave with the process.
"""

from __future__ import annotations

import pickle
import sys


def main() -> int:
    from deskwatch.live.source import saved_listing_ipc

    cfg, drill, arg, now = pickle.loads(sys.stdin.buffer.read())
    try:
        rows, saved_at = saved_listing_ipc(cfg, drill, arg, now)
        out: tuple[object, ...] = ("ok", rows, saved_at)
    except OSError as exc:
        out = ("error", str(exc) or type(exc).__name__)
    sys.stdout.buffer.write(pickle.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
