"""``autograder release``: the student notebook and, beside it, the lab's student kit.

Two layouts:

- a folder (``--out DIR``): ``DIR/<lab>.ipynb`` (solutions stripped into stubs, opening with the
  kit's ``pip install`` line and closing with its check cell), ``DIR/<kit wheel>`` and
  ``DIR/<package>-kit/`` (the same kit as a project folder);
- an nbgrader course (``--nbgrader COURSE``): ``COURSE/source/<lab>/<lab>.ipynb`` is the
  *source* version (solution regions marked, nbgrader cell metadata) with the kit's wheel beside
  it, so ``nbgrader generate_assignment`` strips it and ``release_assignment`` ships the wheel
  with the notebook; ``autograder grade COURSE/submitted --lab LAB`` grades what ``collect``
  gathered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.kit.build import Kit, build_kit
from autograder.labspec import LabSpec
from autograder.notebooks import (
    released_notebook,
    solution_notebook,
    with_kit_cells,
    write_notebook,
)

NBGRADER_CONFIG = '''\
# Written by `autograder release --nbgrader`: the smallest course configuration nbgrader needs.
# Edit it as for any nbgrader course (exchange directory, course id, students).
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course!r}
'''


@dataclass
class Release:
    notebook: Path
    kit: Kit | None


def install_target(kit: Kit, kit_url: str | None) -> str:
    """What the notebook's ``pip install`` line takes: the published address, else the wheel beside it."""
    return kit_url or kit.wheel.name


def release_folder(lab: LabSpec, out: Path, *, kit_url: str | None = None, with_kit: bool = True, sandbox: str = "bwrap") -> Release:
    """Write the student notebook and the kit into ``out``."""
    notebook = released_notebook(lab)
    kit = None
    if with_kit:
        kit = build_kit(lab, out, sandbox=sandbox)
        notebook = with_kit_cells(notebook, lab, install_target(kit, kit_url), kit.package)
    return Release(write_notebook(notebook, out / f"{lab.id}.ipynb"), kit)


def release_nbgrader(lab: LabSpec, course: Path, *, kit_url: str | None = None, sandbox: str = "bwrap") -> Release:
    """Write ``course/source/<lab>/`` (nbgrader's source notebook and the kit's wheel)."""
    source = course / "source" / lab.id
    source.mkdir(parents=True, exist_ok=True)
    kit = build_kit(lab, source, sandbox=sandbox)
    # nbgrader copies every file of source/<lab>/ into the release: only the wheel goes with the notebook.
    import shutil

    shutil.rmtree(kit.folder)
    notebook = with_kit_cells(solution_notebook(lab), lab, install_target(kit, kit_url), kit.package, locked=True)
    config = course / "nbgrader_config.py"
    if not config.exists():
        config.write_text(NBGRADER_CONFIG.format(root=str(course.resolve()), course="unit4"))
    return Release(write_notebook(notebook, source / f"{lab.id}.ipynb"), kit)


def kit_summary(kit: Kit) -> str:
    """The kit's size and contents, for the instructor (printed by ``release``)."""
    folders: dict[str, list[int]] = {}
    for path, size in kit.files.items():
        top = path.split("/")[0] if "/" in path else "(top)"
        folders.setdefault(top, []).append(size)
    parts = ", ".join(f"{top}/ {len(sizes)} files {sum(sizes) / 1024:.1f} KiB" for top, sizes in sorted(folders.items()))
    return (
        f"kit {kit.wheel.name}: {kit.wheel_bytes / 1024:.1f} KiB wheel, {len(kit.files)} files "
        f"({sum(kit.files.values()) / 1024:.1f} KiB unpacked: {parts}); practice seed {kit.seed}"
    )
