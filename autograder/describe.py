"""A lab's checks as a markdown table (for ``assignments/<lab>/README.md``)."""

from __future__ import annotations

from autograder.labspec import LabSpec


def checks_table(lab: LabSpec) -> str:
    lines = [
        "| check id | kind | concept | points | public | what it catches |",
        "|---|---|---|---|---|---|",
    ]
    for check in lab.checks:
        lines.append(
            f"| `{check.id}` | {check.kind} | {check.concept or '-'} | {check.points:g} | {'yes' if check.public else 'no'} | "
            f"{check.title}: {check.catches or '-'} |"
        )
    lines.append(f"| **total** | | | **{lab.max_score:g}** | | |")
    return "\n".join(lines)
