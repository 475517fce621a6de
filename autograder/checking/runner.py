"""The stage-2 process: run a lab's checks on one artifacts directory.

``python -m autograder.checking.runner --lab L --artifacts A --manifest M --results R``

It imports no student code: it reads the artifacts as data through
:mod:`autograder.checking.artifacts` and writes ``R`` (the checks' outcomes).
"""

from __future__ import annotations

import argparse
import os
import sys

import pytest

from autograder import paths
from autograder.labspec import load_lab


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograder-check-stage")
    parser.add_argument("--lab", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--profile", default="ci")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(paths.project_root()))
    lab = load_lab(args.lab)
    # TensorFlow is not imported here: checks that read no model (the stub's, a data function's)
    # run without it, and when a check does import it, TF_NUM_INTRAOP_THREADS and
    # TF_NUM_INTEROP_THREADS (``thread_environment``) size its pools as the stage's share.
    pytest_args = [
        str(lab.checks_dir),
        "-p", "autograder.checking.plugin",
        "-p", "no:cacheprovider",
        "-p", "no:randomly",
        # Its cleanup runs gc.collect() five times over a heap that holds TensorFlow: 1.4 s of every
        # grading's stage 2 (measured with py-spy), to report unraisable exceptions nobody reads here.
        "-p", "no:unraisableexception",
        "--assert=plain",
        "-q", "--no-header", "-rN", "--tb=no", "-W", "ignore",
        "--rootdir", str(lab.checks_dir),
        "-c", os.devnull,
        "--ag-lab", args.lab,
        "--ag-artifacts", args.artifacts,
        "--ag-manifest", args.manifest,
        "--ag-results", args.results,
        "--ag-profile", args.profile,
        "--ag-seed", str(args.seed),
        "--ag-only", args.only,
    ]
    if args.data_dir:
        pytest_args += ["--ag-data-dir", args.data_dir]
    code = pytest.main(pytest_args)
    sys.stdout.flush()
    os._exit(0 if code in (0, 1) else int(code))


if __name__ == "__main__":
    main()
