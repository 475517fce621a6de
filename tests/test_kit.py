"""The student kit: public checks only, installable with one pip line, the same messages as grading.

The kit of bptt_numpy is built by the real ``autograder release`` and installed with pip into a
fresh virtual environment where this project is not importable (only the third-party packages of
the project's venv are, through a path file), then run on a known mistake; its messages are
compared with ``autograder grade``'s at the kit's seed. The extraction of the other labs' public
parts is checked for hidden material without building (no TensorFlow needed).
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.kit.build import kit_package, kit_seed, wheel_name
from autograder.kit.contents import public_part
from autograder.labspec import available_labs, load_lab
from autograder.notebooks import KIT_CHECK_TAG, KIT_INSTALL_TAG, variant_notebook, write_notebook

ROOT = Path(__file__).resolve().parent.parent
LAB = "bptt_numpy"
#: A known mistake that fails a public check (step_forward_values): rnn_step_forward without its bias.
MISTAKE = "forward_no_bias"
#: Profile entries that are thresholds (the rest are budgets and sizes).
THRESHOLD_KEY = re.compile(r"(^|_)(min|max)(_|$)|^reference_|ratio")
SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def solution_lines(lab_id: str) -> set[str]:
    """Lines of the reference's solution regions found nowhere else (not in the student notebook,
    not in the lab's own harvest or checks code): a kit holding one holds a piece of the solution."""
    from autograder.notebooks import released_notebook

    lab = load_lab(lab_id)
    source = (ROOT / "reference" / f"{lab_id}.py").read_text()
    elsewhere = "\n".join(c.source for c in released_notebook(lab).cells)
    elsewhere += "\n".join(p.read_text() for p in lab.directory.rglob("*.py") if "mistakes" not in p.parts)
    lines = {line.strip() for region in SOLUTION_REGION.findall(source) for line in region.splitlines()}
    return {line for line in lines if len(line) >= 12 and not line.startswith("#") and line not in elsewhere}


def hidden_threshold_keys(lab_id: str) -> set[str]:
    """Profile entries that hidden check functions read and no public check function does."""
    lab = load_lab(lab_id)
    hidden = {c.id for c in lab.checks if not c.public}
    keys = set(lab.profile("ci"))
    by_kind: dict[bool, set[str]] = {True: set(), False: set()}
    for test_file in lab.checks_dir.glob("test_*.py"):
        for node in ast.parse(test_file.read_text()).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            ids = [d.args[0].value for d in node.decorator_list if isinstance(d, ast.Call) and d.args and isinstance(d.args[0], ast.Constant)]
            if not ids:
                continue
            strings = {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
            by_kind[ids[0] not in hidden] |= strings & keys
    return by_kind[False] - by_kind[True]


def assert_no_hidden_material(lab_id: str, texts: dict[str, str]) -> None:
    lab = load_lab(lab_id)
    hidden_ids = [c.id for c in lab.checks if not c.public]
    everything = "\n".join(texts.values())
    for check_id in hidden_ids:
        assert not re.search(rf"\b{re.escape(check_id)}\b", everything), f"hidden check id {check_id} in the kit"
    unique = solution_lines(lab_id)
    assert unique, f"reference/{lab_id}.py has no solution line of its own to look for"
    for line in unique:
        assert line not in everything, f"a solution line of reference/{lab_id}.py is in the kit: {line!r}"
    for key in hidden_threshold_keys(lab_id):
        if THRESHOLD_KEY.search(key):
            assert not re.search(rf"\b{re.escape(key)}\b", everything), f"hidden check threshold {key!r} in the kit"
        for name, text in texts.items():
            if name.endswith("lab.toml"):
                assert not re.search(rf"^{re.escape(key)} =", text, re.M), f"{key!r}, read by hidden checks only, in {name}"
    for name in texts:
        assert "heldout" not in name and "held_out" not in name and not name.endswith("checks/prepare.py"), name


@pytest.mark.parametrize("lab_id", available_labs())
def test_public_part_of_every_lab_holds_no_hidden_material(lab_id: str) -> None:
    lab = load_lab(lab_id)
    part = public_part(lab, "ci", kit_seed(lab))
    assert_no_hidden_material(lab_id, part.sources)
    assert [c["id"] for c in part.spec["checks"]] == [c.id for c in lab.public_checks()]
    assert part.spec["default_seed"] != lab.default_seed and lab.default_seed not in part.spec["calibration_seeds"]


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    done = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "release", LAB, "--out", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "KiB wheel" in done.stdout, done.stdout
    print(done.stdout)
    return out


@pytest.fixture(scope="module")
def kit_python(released: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the kit pip-installed; this project is not importable there."""
    python = fresh_venv(tmp_path_factory.mktemp("kitvenv"))
    venv = python.parent.parent
    wheel = released / wheel_name(load_lab(LAB))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-index", "--no-deps", str(wheel)],
                   check=True, timeout=300)
    probe = subprocess.run([str(python), "-c", "import autograder"], capture_output=True, text=True, cwd=venv)
    assert probe.returncode != 0 and "No module named 'autograder'" in probe.stderr
    return python


def test_kit_wheel_holds_only_public_material(released: Path) -> None:
    lab = load_lab(LAB)
    with zipfile.ZipFile(released / wheel_name(lab)) as wheel:
        texts = {n: wheel.read(n).decode("utf-8", "replace") for n in wheel.namelist()}
    assert_no_hidden_material(LAB, texts)
    package = kit_package(LAB)
    spec = texts[f"{package}/assignments/{LAB}/lab.toml"]
    assert {m for m in re.findall(r'^id = "(\w+)"', spec, re.M)} == {LAB} | {c.id for c in lab.public_checks()}
    assert "STEP_BACKWARD_TOLERANCE" not in "\n".join(texts.values())  # the threshold of a hidden check
    assert not any("reference" in name.split("/")[-2:-1] for name in texts), "a reference/ folder in the kit"
    for name, text in texts.items():
        if name.endswith(".py"):
            ast.parse(text, filename=name, feature_version=(3, 10))  # Colab and JupyterHub run 3.10-3.12
            assert not re.search(r"^\s*(from|import) (autograder|assignments)\b", text, re.M), name
            assert not re.search(r"^\s*import tomllib$", text, re.M) or "tomli as tomllib" in text, name
    sizes = {n: len(t) for n, t in texts.items()}
    print(f"kit wheel {(released / wheel_name(lab)).stat().st_size} bytes, {len(texts)} files, {sum(sizes.values())} unpacked")


def test_released_notebook_installs_and_runs_the_kit(released: Path) -> None:
    notebook = nbformat.read(str(released / f"{LAB}.ipynb"), as_version=4)
    tags = [c.metadata.get("tags", []) for c in notebook.cells]
    first = next(i for i, t in enumerate(tags) if KIT_INSTALL_TAG in t)
    first_code = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
    assert first == first_code <= 2 and notebook.cells[first].source == f"%pip install --quiet {wheel_name(load_lab(LAB))}"
    assert KIT_CHECK_TAG in tags[-1] and f'import_module("{kit_package(LAB)}").check()' in notebook.cells[-1].source


def test_kit_gives_grading_messages_on_a_known_mistake(released: Path, kit_python: Path, tmp_path: Path) -> None:
    lab = load_lab(LAB)
    mistake = (lab.mistakes_dir / f"{MISTAKE}.py").read_text()
    submissions = tmp_path / "subs"
    notebook = write_notebook(variant_notebook(lab, mistake), submissions / f"{MISTAKE}.ipynb")
    kit_json = tmp_path / "kit.json"
    ran = subprocess.run([str(kit_python), "-m", kit_package(LAB), str(notebook), "--json", str(kit_json)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert ran.returncode == 1, ran.stdout + ran.stderr[-3000:]
    assert "No sandbox" in ran.stdout and "FAIL  rnn_step_forward computes" in ran.stdout, ran.stdout
    graded = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", str(submissions), "--lab", LAB, "--out", str(tmp_path / "graded"),
         "--seed", str(kit_seed(lab)), "--workers", "1", "--quiet"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert graded.returncode == 0, graded.stderr[-3000:]
    grade = json.loads((tmp_path / "graded" / MISTAKE / "results.json").read_text())
    kit = json.loads(kit_json.read_text())
    by_id = {c["id"]: c for c in grade["checks"]}
    assert [c["id"] for c in kit["checks"]] == [c.id for c in lab.public_checks()]
    failed = [c for c in kit["checks"] if c["outcome"] != "passed"]
    assert [c["id"] for c in failed] == ["step_forward_values"]
    for row in kit["checks"]:
        assert (row["outcome"], row["message"]) == (by_id[row["id"]]["outcome"], by_id[row["id"]]["message"])
        assert row["message"] in ran.stdout.replace("\n          ", "\n")


def test_kit_asks_to_save_when_the_kernel_ran_newer_code(released: Path, kit_python: Path, tmp_path: Path) -> None:
    """In a real IPython shell: a function run but not saved makes the kit ask for a save and run nothing."""
    lab = load_lab(LAB)
    notebook = write_notebook(variant_notebook(lab, ""), tmp_path / f"{LAB}.ipynb")
    edited = "def clip_by_global_norm(grads, max_norm):\n    return grads, 0.0\n"
    check_cell = f"import {kit_package(LAB)} as kit\nresult = kit.check({str(notebook)!r})"
    script = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        f"shell.run_cell({edited!r}, store_history=True)\n"
        f"shell.run_cell({check_cell!r}, store_history=True)\n"
        "print('RESULT', shell.user_ns['result'])\n"
    )
    ran = subprocess.run([str(kit_python), "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert "Save the notebook first" in ran.stdout and "clip_by_global_norm" in ran.stdout, ran.stdout + ran.stderr
    assert "RESULT None" in ran.stdout


def fresh_venv(folder: Path) -> Path:
    """A virtual environment that sees the project venv's third-party packages, not this project."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    python = folder / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "project_venv_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_released_notebook_installs_and_checks_in_a_real_kernel(released: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The released notebook, its stubs filled, run by nbclient in a kernel of a fresh venv: its first cell
    pip-installs the kit from the wheel beside it, its last cell prints the public checks' result."""
    from nbclient import NotebookClient

    from autograder.notebooks import solution_notebook

    lab = load_lab(LAB)
    python = fresh_venv(tmp_path / "venv")
    kernels = tmp_path / "jupyter" / "kernels" / "kitvenv"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps(
        {"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "kit venv", "language": "python"}
    ))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    work = tmp_path / "work"
    work.mkdir()
    (work / wheel_name(lab)).write_bytes((released / wheel_name(lab)).read_bytes())
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution_notebook(lab).cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    notebook = nbformat.read(str(released / f"{LAB}.ipynb"), as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
        if cell.cell_type == "code" and cell.source.startswith('if __name__ == "__main__":'):
            cell.metadata.setdefault("tags", []).append("skip-execution")  # the experiments are another test's
    write_notebook(notebook, work / f"{LAB}.ipynb")  # saved, as the student saves before checking
    client = NotebookClient(notebook, timeout=300, kernel_name="kitvenv", resources={"metadata": {"path": str(work)}},
                            skip_cells_with_tag="skip-execution")
    client.execute(env=dict(os.environ, CUDA_VISIBLE_DEVICES=""))
    output = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    assert f"Public checks of {LAB} for {LAB}.ipynb: " in output, output
    total = sum(c.points for c in lab.public_checks())
    assert f": {total:g} / {total:g}" in output and "No sandbox" in output, output
    installed = subprocess.run([str(python), "-c", f"import {kit_package(LAB)}"], cwd=tmp_path)
    assert installed.returncode == 0  # the notebook's own %pip line installed it
