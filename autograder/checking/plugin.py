"""The pytest plugin behind stage 2.

A lab's checks are plain pytest functions bound to the ids of lab.toml::

    @check("targets_shifted")
    def test_targets_shifted(artifacts, reference):
        x, y = artifacts.array("sequences", "x"), artifacts.array("sequences", "y")
        assert np.array_equal(y[:, :-1], x[:, 1:]), "y should be x shifted by one ..."

Before a check runs, the steps it needs (lab.toml ``needs``) must have
succeeded; otherwise it fails with that step's reason. Results are written,
one per declared check, as ``results.json``'s ``checks`` list.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from autograder.checking.artifacts import ArtifactError, Artifacts, StepUnavailable
from autograder.labspec import CheckSpec, LabSpec, load_lab

MARK = "autograder_check"


def check(check_id: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Bind a test function to the check ``check_id`` declared in lab.toml."""
    return getattr(pytest.mark, MARK)(check_id)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autograder")
    group.addoption("--ag-lab", required=True)
    group.addoption("--ag-artifacts", required=True)
    group.addoption("--ag-manifest", required=True)
    group.addoption("--ag-results", required=True)
    group.addoption("--ag-profile", default="ci")
    group.addoption("--ag-seed", type=int, default=0)
    group.addoption("--ag-data-dir", default=None)
    group.addoption("--ag-only", default="", help="comma-separated check ids to run")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARK}(id): binds a test to a lab check id")
    config.pluginmanager.register(GradingSession(config), "autograder-grading-session")


class GradingSession:
    """Collects one outcome per check and writes them when the session ends."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self._lab: LabSpec = load_lab(config.getoption("--ag-lab"))
        manifest_path = Path(config.getoption("--ag-manifest"))
        manifest = json.loads(manifest_path.read_text())
        self._artifacts = Artifacts(Path(config.getoption("--ag-artifacts")), manifest)
        only = config.getoption("--ag-only")
        selected = {c for c in only.split(",") if c} if only else None
        self.selected: list[CheckSpec] = [c for c in self._lab.checks if selected is None or c.id in selected]
        self.outcomes: dict[str, dict[str, Any]] = {}
        self.started: dict[str, float] = {}
        self.authoring_errors: list[str] = []
        self._metrics: dict[str, float] = {}
        self._figures: dict[str, Any] = {}

    # -- fixtures -----------------------------------------------------------------
    @pytest.fixture(scope="session")
    def lab(self) -> LabSpec:
        return self._lab

    @pytest.fixture(scope="session")
    def profile(self) -> dict[str, Any]:
        return self._lab.profile(self.config.getoption("--ag-profile"))

    @pytest.fixture(scope="session")
    def seed(self) -> int:
        return int(self.config.getoption("--ag-seed"))

    @pytest.fixture(scope="session")
    def data_dir(self) -> Path | None:
        value = self.config.getoption("--ag-data-dir")
        return Path(value) if value else None

    @pytest.fixture(scope="session")
    def artifacts(self) -> Artifacts:
        return self._artifacts

    @pytest.fixture(scope="session")
    def metrics(self) -> dict[str, float]:
        """Measured figures a check records (``metrics["heldout_bpc"] = 2.1``) for calibration."""
        return self._metrics

    @pytest.fixture(scope="session")
    def figures(self) -> dict[str, Any]:
        """Tables a check measured for the feedback pages (not calibration figures): JSON values only.

        ``figures["heldout_confusion"] = confusion_table(...)`` (``autograder.checking.figures``);
        written under checks.json's ``"figures"``. Counts and names only, never held-out data.
        """
        return self._figures

    @pytest.fixture(scope="session")
    def reference(self) -> ModuleType:
        return load_reference(self._lab)

    # -- collection ---------------------------------------------------------------
    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
        declared = {c.id for c in self._lab.checks}
        wanted = {c.id for c in self.selected}
        bound: dict[str, str] = {}  # check id -> the test function bound to it
        keep = []
        for item in items:
            marker = item.get_closest_marker(MARK)
            if marker is None:
                self.authoring_errors.append(f"{item.nodeid} is not bound to a check id")
                continue
            check_id = marker.args[0]
            if check_id not in declared:
                self.authoring_errors.append(f"{item.nodeid} binds to {check_id!r}, not declared in lab.toml")
                continue
            function = f"{item.path}::{getattr(item, 'originalname', item.name)}"
            if bound.setdefault(check_id, function) != function:
                self.authoring_errors.append(f"check {check_id!r} is bound to two test functions")
                continue
            if check_id in wanted:
                keep.append(item)
        for check_id in sorted(declared - set(bound)):
            self.authoring_errors.append(f"check {check_id!r} has no test function")
        items[:] = keep

    # -- running --------------------------------------------------------------------
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        check_id = item.get_closest_marker(MARK).args[0]
        self.started[check_id] = time.monotonic()  # per case: cases of one check run one by one
        spec = next(c for c in self._lab.checks if c.id == check_id)
        for step in spec.needs:
            self._artifacts.require(step)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]):  # noqa: ANN201
        outcome = yield
        report = outcome.get_result()
        check_id = item.get_closest_marker(MARK).args[0]
        if report.when == "call" or (report.when == "setup" and report.failed):
            found = classify(call, time.monotonic() - self.started.get(check_id, time.monotonic()))
            self._merge(check_id, found)

    def _merge(self, check_id: str, found: dict[str, Any]) -> None:
        """A parametrized check passes only if every case passes; the first failure speaks."""
        previous = self.outcomes.get(check_id)
        if previous is None:
            self.outcomes[check_id] = found
            return
        previous["duration_s"] = round(previous["duration_s"] + found["duration_s"], 3)
        if previous["outcome"] == "passed" and found["outcome"] != "passed":
            previous.update(outcome=found["outcome"], message=found["message"])

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        write_results(
            Path(self.config.getoption("--ag-results")), self.selected, self.outcomes, self.authoring_errors, self._metrics,
            self._figures,
        )


def classify(call: pytest.CallInfo[None], duration: float) -> dict[str, Any]:
    """Turn a test's result into an outcome and a student-facing message."""
    duration = round(duration, 3)
    if call.excinfo is None:
        return {"outcome": "passed", "message": "", "duration_s": duration}
    error = call.excinfo.value
    if isinstance(error, (StepUnavailable, ArtifactError)):
        return {"outcome": "failed", "message": str(error), "duration_s": duration}
    if isinstance(error, AssertionError):
        message = str(error).split("\nassert ", 1)[0].strip() or "the check's condition did not hold"
        return {"outcome": "failed", "message": message, "duration_s": duration}
    text = f"{type(error).__name__}: {error}".strip()
    return {
        "outcome": "error",
        "message": f"the check could not evaluate your output ({text[:600]})",
        "duration_s": duration,
    }


def write_results(
    path: Path,
    checks: list[CheckSpec],
    outcomes: dict[str, dict[str, Any]],
    authoring_errors: list[str],
    metrics: dict[str, float] | None = None,
    figures: dict[str, Any] | None = None,
) -> None:
    """checks.json: one row per check, the authoring errors, ``metrics`` (floats, for calibration) and
    ``figures`` (JSON tables for the feedback pages; one that JSON cannot hold is left out)."""
    rows = []
    for spec in checks:
        found = outcomes.get(spec.id)
        if found is None:
            problem = "; ".join(authoring_errors) if authoring_errors else "the check did not run"
            found = {"outcome": "error", "message": f"grader problem, not yours: {problem}", "duration_s": 0.0}
        rows.append(
            {
                "id": spec.id,
                "kind": spec.kind,
                "title": spec.title,
                "points": spec.points if found["outcome"] == "passed" else 0.0,
                "max_points": spec.points,
                "outcome": found["outcome"],
                "message": found["message"],
                "duration_s": found["duration_s"],
            }
        )
    import resource

    payload = {
        "checks": rows,
        "authoring_errors": authoring_errors,
        "metrics": metrics or {},
        "figures": _json_values(figures or {}),
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 2),
    }
    path.write_text(json.dumps(payload, indent=1))


def _json_values(figures: dict[str, Any]) -> dict[str, Any]:
    """``figures`` without the entries ``json`` cannot write (a picture must never cost the results)."""
    kept = {}
    for key, value in figures.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            continue
        kept[str(key)] = value
    return kept


_IMPORT_LOCK = threading.Lock()


def load_reference(lab: LabSpec) -> ModuleType:
    """Import ``reference/<lab>.py`` (trusted: the instructor's solution); thread-safe.

    The reference is written like a student's notebook, imports included (``IPython.display``,
    ``tqdm.auto``): an import of a module this environment lacks (the slim grading image has no
    IPython) binds placeholders, as in a student's notebook, instead of failing every check.
    """
    import ast

    from autograder.harvest.placeholders import StudentImports, run_statements

    name = f"reference_{lab.id}"
    with _IMPORT_LOCK:
        if name in sys.modules:
            return sys.modules[name]
        if not lab.reference_path.is_file():
            raise FileNotFoundError(f"no reference solution at {lab.reference_path}")
        filename = str(lab.reference_path)
        tree = ast.parse(lab.reference_path.read_text(), filename=filename)
        module = ModuleType(name)
        module.__file__ = filename
        sys.modules[name] = module  # dataclasses and pickling look their module up while it runs
        try:
            run_statements(tree, list(range(len(tree.body))), filename, module.__dict__, StudentImports())
        except BaseException:
            del sys.modules[name]
            raise
        return module
