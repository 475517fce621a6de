"""Trusted preparation of stage-1 inputs (a lab's optional ``checks/prepare.py``).

Some harvest steps train the student's model on the grader's own data
pipeline (so a bug in the student's pipeline costs one check, not all of
them). That pipeline may use the reference solution, which stage 1 must not
see; so it runs here, on the trusted side, and stage 1 receives only its
output files (``h.prepared_dir``), read-only.

A lab opts in with ``assignments/<lab>/checks/prepare.py`` defining::

    def prepare(profile: dict, seed: int, data_dir: Path | None, out_dir: Path) -> None
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from typing import Any

from autograder.labspec import LabSpec

_LOCK = threading.Lock()


def prepare_stage1_inputs(
    lab: LabSpec, profile: dict[str, Any], seed: int, data_dir: Path | None, out_dir: Path
) -> Path | None:
    """Run the lab's prepare hook into ``out_dir``; None when the lab has none."""
    hook_file = lab.checks_dir / "prepare.py"
    if not hook_file.is_file():
        return None
    from autograder import paths

    root = str(paths.project_root())
    if root not in sys.path:
        sys.path.insert(0, root)
    name = f"autograder_prepare_{lab.id}"
    with _LOCK:
        module = sys.modules.get(name)
        if module is None:
            spec = importlib.util.spec_from_file_location(name, hook_file)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules[name] = module
    out_dir.mkdir(parents=True, exist_ok=True)
    module.prepare(profile=profile, seed=seed, data_dir=data_dir, out_dir=out_dir)
    return out_dir
