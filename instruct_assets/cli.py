"""The ``instruct-assets`` command: trace an example, quarantine one."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from instruct_assets.defs.resources import DataPaths


def _paths(data_dir: str | None) -> DataPaths:
    """The same layout and environment defaults as the pipeline's ``data_paths`` resource."""
    return DataPaths(data_dir=str(Path(data_dir).resolve())) if data_dir else DataPaths()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="instruct-assets", description=__doc__)
    parser.add_argument(
        "--data-dir", help="the data folder (default: $INSTRUCT_ASSETS_DATA_DIR or ./data)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    trace = commands.add_parser("trace", help="the whole story of an example")
    trace.add_argument(
        "query",
        help="an example id, a record id, a line number of "
        "data/out/instructions.jsonl, or a fragment of text",
    )
    quarantine = commands.add_parser(
        "quarantine", help="block an example (and its near duplicates) from every future build"
    )
    quarantine.add_argument(
        "query", help="an example or record id, a published line number, or a fragment of text"
    )
    quarantine.add_argument("--reason", required=True, help="why, for the reviewers")
    quarantine.add_argument(
        "--pattern",
        action="store_true",
        help="block every example containing the text, not one example",
    )
    quarantine.add_argument("--reviewer", default=os.environ.get("USER", "unknown"))
    args = parser.parse_args(argv)
    paths = _paths(args.data_dir)
    if args.command == "trace":
        from instruct_assets.operations.trace import trace as run_trace

        print(run_trace(paths.root, paths.raw_dir, args.query))
        return 0
    from instruct_assets.operations.quarantine import quarantine as run_quarantine

    message = run_quarantine(
        paths.root, args.query, reason=args.reason, reviewer=args.reviewer, as_pattern=args.pattern
    )
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
