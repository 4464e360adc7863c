"""`pixora eval`: run an eval suite, or compare two result sets.

    pixora eval [SUITE] [--model offline|openai:NAME|compatible:NAME] [--render] [--jobs N]
                [--out DIR] [--cases NAME,NAME]
    pixora eval --compare A B

Exit codes: 0 every metric met its threshold (compare: nothing regressed); 1 below a threshold,
a case broke, or (compare) something regressed; 2 a bad suite, result file or setting.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from pixora.agents.roster import RosterError
from pixora.config import ConfigError, Settings
from pixora.evals.compare import compare
from pixora.evals.report import aggregates_table, write_reports
from pixora.evals.results import load_results
from pixora.evals.runner import RunOptions, run_suite
from pixora.evals.suite import SuiteError, load_suite

DEFAULT_SUITE = Path("evals/core.yaml")


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `eval` subcommand to `pixora`'s subparsers."""
    e = subparsers.add_parser(
        "eval", help="run an agent eval suite (evals/*.yaml) or compare two runs",
        description="Run conversation cases through the agents and score trajectory, "
                    "breakdown, edits, video, cost and (with a real model) a judge.",
    )
    e.add_argument("suite", nargs="?", type=Path, default=DEFAULT_SUITE,
                   help=f"suite YAML (default {DEFAULT_SUITE})")
    e.add_argument("--model", help="offline | openai:NAME | compatible:NAME (default: settings)")
    e.add_argument("--render", action="store_true",
                   help="render videos for cases with wait_generation steps (video metric)")
    e.add_argument("--jobs", type=int, default=4, help="cases run at once (default 4)")
    e.add_argument("--out", type=Path, help="results directory (default out/evals/SUITE-TIME)")
    e.add_argument("--cases", help="comma-separated case names to run")
    e.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"),
                   help="compare two results (results.json or its directory) and exit")
    return e


def _compare(a: Path, b: Path, console: Console) -> int:
    try:
        ra, rb = load_results(a), load_results(b)
    except ValueError as err:
        console.print(f"[red]error:[/] {err}", highlight=False)
        return 2
    result = compare(ra, rb)
    for line in result.lines():
        console.print(line, highlight=False, markup=False)
    return 1 if result.regressed else 0


def run_eval_command(settings: Settings, args: argparse.Namespace,
                     console: Console | None = None) -> int:
    """Run `pixora eval` with parsed `args`; returns the exit code."""
    console = console or Console()
    if args.compare:
        return _compare(args.compare[0], args.compare[1], console)
    try:
        suite = load_suite(args.suite)
        if args.cases:
            suite = suite.select([n.strip() for n in args.cases.split(",") if n.strip()])
    except SuiteError as err:
        console.print(f"[red]error:[/] {err}", highlight=False)
        return 2
    out = args.out or Path("out/evals") / f"{suite.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    options = RunOptions(out=out, model=args.model, render=args.render, jobs=max(1, args.jobs))
    console.print(f"Running {len(suite.cases)} cases of suite {suite.name} "
                  f"({'rendering' if args.render else 'no rendering'}, {options.jobs} at once)")
    try:
        result = asyncio.run(run_suite(suite, args.suite, settings, options))
    except (ConfigError, RosterError) as err:
        console.print(f"[red]error:[/] {err}", highlight=False)
        return 2
    results, report = write_reports(result, out)
    for line in aggregates_table(result):
        console.print(line, highlight=False, markup=False)
    for case in result.cases:
        if case.status != "pass":
            reasons = "; ".join(f"{m.name}: {m.reason}" for m in case.failures) or case.error
            console.print(f"[red]{case.status.upper()}[/] {case.name}: {escape(reasons or '')}",
                          highlight=False, soft_wrap=True)
    passed = sum(1 for c in result.cases if c.status == "pass")
    console.print(f"{passed}/{len(result.cases)} cases passed in {result.wall_s:.1f} s "
                  f"(model {result.model}); {'PASSED' if result.passed else 'FAILED'} the "
                  f"suite thresholds.\nResults: {results}\nReport: {report}", highlight=False)
    return 0 if result.passed else 1
