"""Building a lab's student kit: a folder and a pure-Python wheel, installed with one ``pip install``.

The kit (package ``unit4_kit_<lab>``, distribution ``unit4-kit-<lab>``) holds:

- ``assignments/<lab>/``: the public checks and the stage-1 steps they need, extracted
  (:mod:`autograder.kit.contents`), and a ``lab.toml`` listing only those;
- ``engine/``: the engine modules grading runs, renamed into the kit (:mod:`autograder.kit.vendor`);
- ``recorded/<lab>.*``: the reference's answers to the public checks' own calls on the kit's
  practice probes (:mod:`autograder.kit.record`), when a public check asks the reference;
- ``checker.py``, ``freshness.py``, ``replay.py``, ``codec.py``: running the checks from a notebook;
- ``kit.json``: the lab, the kit's seed and profile, the number of hidden checks (not their ids).

Never: a hidden check, the reference solution, held-out data, or a threshold of a hidden check.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.kit.contents import public_part
from autograder.kit.toml_text import toml_text
from autograder.kit.vendor import KIT_OWN, engine_closure, module_file, rename
from autograder.labspec import LabSpec

TEMPLATES = Path(__file__).resolve().parent / "templates"
CODEC = Path(__file__).resolve().parent / "codec.py"
#: The kit's practice probes are drawn from the lab's default seed plus this: never a grading seed
#: of the lab's calibration, so the recorded answers tell nothing about the graded probes.
KIT_SEED_OFFSET = 1000
PYTHON_REQUIRES = ">=3.10"
REQUIREMENTS = ("numpy>=1.23", "nbformat>=5.1", "pytest>=7", 'tomli>=1.1; python_version < "3.11"')
_TOMLLIB = "import tomllib\n"
_TOMLLIB_310 = (
    "try:\n    import tomllib\nexcept ModuleNotFoundError:  # Python 3.10: the same parser, as a package\n"
    "    import tomli as tomllib\n"
)


@dataclass
class Kit:
    """A built kit: its folder (the installable project) and its wheel."""

    lab: str
    package: str
    distribution: str
    version: str
    seed: int
    folder: Path  # a project folder: `pip install FOLDER` works too
    wheel: Path
    files: dict[str, int]  # path inside the package -> bytes

    @property
    def wheel_bytes(self) -> int:
        return self.wheel.stat().st_size


def kit_package(lab_id: str) -> str:
    return f"unit4_kit_{lab_id}"


def kit_distribution(lab_id: str) -> str:
    return f"unit4-kit-{lab_id.replace('_', '-')}"


def kit_seed(lab: LabSpec) -> int:
    return lab.default_seed + KIT_SEED_OFFSET


def wheel_name(lab: LabSpec) -> str:
    return f"{kit_package(lab.id)}-{lab.version}-py3-none-any.whl"


def build_kit(
    lab: LabSpec, out_dir: Path, *, profile: str = "ci", seed: int | None = None, sandbox: str = "bwrap"
) -> Kit:
    """Write ``out_dir/<package>-kit/`` (a project folder) and ``out_dir/<wheel>``."""
    seed = kit_seed(lab) if seed is None else seed
    package = kit_package(lab.id)
    part = public_part(lab, profile, seed)
    files: dict[str, bytes] = {}
    lab_root = f"assignments/{lab.id}"
    for relative, source in part.sources.items():
        files[f"{lab_root}/{relative}"] = rename(source, package).encode()
    for relative in part.package_inits:
        files[f"{lab_root}/{relative}"] = b""
    files[f"{lab_root}/lab.toml"] = toml_text(part.spec).encode()
    for name in engine_closure(list(part.sources.values())):
        target = "engine/" + (name.replace(".", "/") + ".py" if name else "__init__.py")
        if module_file(name) is not None and module_file(name).name == "__init__.py" and name:
            target = f"engine/{name.replace('.', '/')}/__init__.py"
        if name in KIT_OWN:
            own = TEMPLATES / target
            files[target] = own.read_bytes()
            continue
        source = module_file(name).read_text()  # type: ignore[union-attr]
        if name == "labspec":
            if _TOMLLIB not in source:
                raise RuntimeError("autograder/labspec.py no longer imports tomllib as the kit expects")
            source = source.replace(_TOMLLIB, _TOMLLIB_310, 1)
        files[target] = rename(source, package).encode()
    for template in ("__init__.py", "__main__.py", "checker.py", "freshness.py", "replay.py"):
        text = (TEMPLATES / template).read_text().replace("KIT", package) if template == "__init__.py" else (TEMPLATES / template).read_text()
        files[template] = text.encode()
    files["codec.py"] = CODEC.read_bytes()
    if part.uses_reference:
        files.update(_recorded_reference(lab, part, profile, seed, sandbox))
    files["kit.json"] = json.dumps(_kit_info(lab, package, profile, seed), indent=1).encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = out_dir / f"{package}-kit"
    if folder.exists():
        shutil.rmtree(folder)
    for relative, data in files.items():
        path = folder / package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (folder / "pyproject.toml").write_text(_pyproject(lab, package))
    wheel = _write_wheel(out_dir / wheel_name(lab), lab, package, files)
    return Kit(lab.id, package, kit_distribution(lab.id), lab.version, seed, folder, wheel, {k: len(v) for k, v in sorted(files.items())})


def _kit_info(lab: LabSpec, package: str, profile: str, seed: int) -> dict:
    public = lab.public_checks()
    built_with = {"python": platform.python_version()}
    for module in ("numpy", "keras", "tensorflow") if lab.framework == "keras" else ("numpy",):
        try:
            built_with[module] = __import__(module).__version__
        except ImportError:
            built_with[module] = None
    return {
        "lab": lab.id,
        "lab_version": lab.version,
        "title": lab.title,
        "package": package,
        "framework": lab.framework,
        "profile": profile,
        "seed": seed,
        "notebook": f"{lab.id}.ipynb",
        "public_checks": len(public),
        "hidden_checks": len(lab.checks) - len(public),
        "functions": lab.student_functions(),
        "python_requires": PYTHON_REQUIRES,
        "tested_with": {k: v for k, v in built_with.items() if v},
    }


def _recorded_reference(lab: LabSpec, part, profile: str, seed: int, sandbox: str) -> dict[str, bytes]:  # noqa: ANN001
    """Run the public checks on the reference's harvest with the reference recording (trusted side)."""
    from autograder.grading import GradeOptions, open_sandbox
    from autograder.harvest.supervisor import base_environment, run_harvest
    from autograder.intake import extract
    from autograder.notebooks import solution_notebook, write_notebook
    from autograder.prepare import prepare_stage1_inputs

    public = lab.public_checks()
    with tempfile.TemporaryDirectory(prefix="autograder-kit-record-") as tmp:
        work = Path(tmp)
        notebook = write_notebook(solution_notebook(lab), work / "reference.ipynb")
        options = GradeOptions(sandbox=sandbox)
        prepared = prepare_stage1_inputs(lab, lab.profile(profile), seed, None, work / "prepared")
        harvest = run_harvest(
            lab, extract(notebook), work / "stage1", open_sandbox(options),
            seed=seed, profile_name=profile, steps=lab.steps_for(public), prepared_dir=prepared,
        )
        failed = {k: v for k, v in harvest.manifest["steps"].items() if v["status"] != "ok"}
        if failed:
            raise RuntimeError(f"the reference's own public steps failed at the kit's seed {seed}: {failed}")
        out = work / "recorded.json"
        results = work / "checks.json"
        stage2 = work / "stage2"
        for folder in (stage2 / "home", stage2 / "tmp"):
            folder.mkdir(parents=True)
        argv = [
            sys.executable, "-m", "autograder.kit.record", str(out), "--",
            "--lab", lab.id, "--artifacts", str(harvest.artifacts_dir), "--manifest", str(harvest.manifest_path),
            "--results", str(results), "--profile", profile, "--seed", str(seed), "--only", ",".join(c.id for c in public),
        ]
        env = dict(base_environment(stage2), PYTHONPATH=os.pathsep.join(sys.path))
        done = subprocess.run(argv, env=env, cwd=stage2, capture_output=True, text=True, timeout=600)
        if not results.is_file():
            raise RuntimeError(f"recording the reference's answers failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        rows = json.loads(results.read_text())["checks"]
        wrong = [f"{r['id']}: {r['message']}" for r in rows if r["outcome"] != "passed"]
        if wrong:
            raise RuntimeError(f"the reference fails its own public checks at the kit's seed {seed}: {wrong}")
        recording = json.loads(out.read_text())
        if recording["problems"]:
            raise RuntimeError("the public checks use the reference in ways a kit cannot record: " + "; ".join(recording["problems"]))
        module = (
            f'"""The reference\'s answers to the public checks\' calls on the kit\'s probes (seed {seed}), '
            'recorded by `autograder release`: data, no solution code."""\n\n'
            "from __future__ import annotations\n\n"
            f"from {kit_package(lab.id)}.replay import fill_namespace\n\n"
            "fill_namespace(globals(), __file__)\n"
        )
        payload = {"calls": recording["calls"], "constants": recording["constants"]}
        return {
            f"recorded/{lab.id}.py": module.encode(),
            f"recorded/{lab.id}.json": json.dumps(payload, sort_keys=True).encode(),
            f"recorded/{lab.id}.npz": out.with_suffix(".npz").read_bytes(),
        }


def _pyproject(lab: LabSpec, package: str) -> str:
    requirements = ", ".join(json.dumps(r) for r in REQUIREMENTS)
    return (
        "[build-system]\nrequires = [\"setuptools>=61\"]\nbuild-backend = \"setuptools.build_meta\"\n\n"
        f"[project]\nname = \"{kit_distribution(lab.id)}\"\nversion = \"{lab.version}\"\n"
        f"description = \"Public checks of the {lab.id} lab, for students\"\n"
        f"requires-python = \"{PYTHON_REQUIRES}\"\ndependencies = [{requirements}]\n\n"
        f"[tool.setuptools]\npackages = {{find = {{include = [\"{package}*\"]}}}}\n"
        f"[tool.setuptools.package-data]\n\"*\" = [\"*.json\", \"*.toml\", \"*.npz\"]\n"
    )


def _metadata(lab: LabSpec) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {kit_distribution(lab.id)}",
        f"Version: {lab.version}",
        f"Summary: Public checks of the {lab.id} lab ({lab.title}), for students",
        f"Requires-Python: {PYTHON_REQUIRES}",
    ]
    lines += [f"Requires-Dist: {r}" for r in REQUIREMENTS]
    return "\n".join(lines) + "\n"


def _write_wheel(path: Path, lab: LabSpec, package: str, files: dict[str, bytes]) -> Path:
    """A pure-Python wheel (PEP 427), written directly: no build backend, works offline."""
    dist_info = f"{package}-{lab.version}.dist-info"
    entries = {f"{package}/{k}": v for k, v in sorted(files.items())}
    entries[f"{dist_info}/METADATA"] = _metadata(lab).encode()
    entries[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: autograder-release\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for name, data in entries.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    entries[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path.unlink(missing_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as wheel:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            wheel.writestr(info, data)
    return path
