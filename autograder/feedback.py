"""The per-student feedback file: each check, its points, and what to fix."""

from __future__ import annotations

from typing import Any

from autograder.student_ids import visible_characters

OUTCOME_MARK = {"passed": "PASS", "failed": "FAIL", "error": "ERROR"}
_MARKDOWN_ACTIVE = set("\\`*_{}[]<>()#+-.!|~")


def markdown_text(text: str) -> str:
    """``text`` shown literally in markdown: active characters escaped, control and bidi characters dropped."""
    return "".join("\\" + ch if ch in _MARKDOWN_ACTIVE else ch for ch in visible_characters(text))


def render(result: dict[str, Any], manifest: dict[str, Any] | None) -> str:
    lines = [
        f"# Feedback: {result['lab']} (version {result['lab_version']}) for {markdown_text(result.get('student_name') or result['student'])}",
        "",
        f"**Score: {result['score']:g} / {result['max_score']:g}**",
        "",
    ]
    if result["status"] == "error":
        lines += [f"Your submission could not be graded: {result['error']}", ""]
    if manifest:
        lines += _notes(manifest)
    lines += ["| check | points | result |", "|---|---|---|"]
    for row in result["checks"]:
        lines.append(f"| {row['title']} (`{row['id']}`) | {row['points']:g} / {row['max_points']:g} | {OUTCOME_MARK[row['outcome']]} |")
    lines.append("")
    for row in result["checks"]:
        if row["outcome"] != "passed":
            lines += [f"## {OUTCOME_MARK[row['outcome']]}: {row['title']} (`{row['id']}`)", "", _indent(row["message"]), ""]
    return "\n".join(lines) + "\n"


def _notes(manifest: dict[str, Any]) -> list[str]:
    notes = []
    missing = manifest.get("import", {}).get("missing_modules") or []
    if missing:
        notes.append(
            "Modules your notebook imports are not installed where grading runs: "
            + ", ".join(f"`{m}`" for m in missing)
            + ". The import was replaced by a placeholder; a graded function that uses it fails."
        )
    dropped = manifest.get("dropped") or []
    statements = [d for d in dropped if d["reason"] == "statement"]
    if statements:
        cells = sorted({d["cell"] for d in statements})
        notes.append(
            f"{len(statements)} top-level statement(s) in cell(s) {', '.join(map(str, cells))} were not run: "
            "grading imports your definitions (functions, classes, imports, literal constants) and "
            "does not re-run training or experiment cells."
        )
    magics = [d for d in dropped if d["reason"] in ("magic", "shell")]
    if magics:
        notes.append(f"{len(magics)} magic or shell line(s) (%, !) were ignored.")
    return [f"- {note}" for note in notes] + ([""] if notes else [])


def _indent(message: str) -> str:
    return "\n".join("    " + line for line in (message or "").splitlines()) or "    (no message)"
