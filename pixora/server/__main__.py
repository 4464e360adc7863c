"""`python -m pixora.server [--host H] [--port P]`: serve Pixora with settings from the
environment (the same server as `pixora serve`)."""

from __future__ import annotations

import argparse

from pixora.config import load_settings
from pixora.server.app import run_server


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m pixora.server")
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    run_server(load_settings(), args.host, args.port)


if __name__ == "__main__":
    main()
