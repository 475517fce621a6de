"""Known mistakes of independent steps graded together (``autograder validate`` only).

A known mistake redefines a few names of the reference notebook. The steps whose dependency
closure (``reuse.reachable``) touches none of those names compute what they compute for the
reference, and validate already copies their artifacts from the reference's grading
(``reuse.reusable_steps``): the checks that need only such steps pass by construction. So two
mistakes whose changed names, affected steps and affected checks are disjoint can share one
grading: the notebook is the reference plus both mistakes' cells, and each mistake is judged on
every check except those the other members' changes reach — exactly the checks that would
have run on its own changes (or on the reference's copied artifacts) had it been graded alone.

What a member must show is unchanged: its declared checks fail and every other check it is
judged on passes. A check that no member reaches is judged for every member, so an unexpected
failure there is a disagreement for all of them, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.intake import ExtractedSubmission
from autograder.labspec import LabSpec
from autograder.reuse import final_definitions, reachable

#: A mistake file's own declaration: in every mistake, used by nothing, so it is no change.
DECLARATION = "EXPECT_FAILED"


@dataclass(frozen=True)
class MistakeReach:
    """What one known mistake can change: its redefined names, the steps and checks they reach."""

    name: str  # the mistake file's stem
    path: Path
    declared: tuple[str, ...]  # EXPECT_FAILED
    description: str
    changed: frozenset[str]
    steps: frozenset[str]
    checks: frozenset[str]

    def independent_of(self, other: MistakeReach) -> bool:
        return not (self.changed & other.changed or self.steps & other.steps or self.checks & other.checks)


@dataclass(frozen=True)
class MistakeGroup:
    """Known mistakes graded as one notebook; ``judged_on`` says which checks judge each."""

    members: tuple[MistakeReach, ...]

    @property
    def name(self) -> str:
        """Unique and short: each mistake is in one group only."""
        first = self.members[0].name
        return first if len(self.members) == 1 else f"{first}-and-{len(self.members) - 1}-more"

    def judged_on(self, member: MistakeReach, all_checks: tuple[str, ...]) -> tuple[str, ...]:
        """Every check but those another member's changes reach."""
        others = {c for m in self.members if m is not member for c in m.checks}
        return tuple(c for c in all_checks if c not in others)


def mistake_reach(
    lab: LabSpec, name: str, path: Path, declared: tuple[str, ...], description: str,
    reference: ExtractedSubmission, variant: ExtractedSubmission,
) -> MistakeReach:
    """The names ``variant`` (the reference plus one mistake) redefines, and the steps and checks they reach."""
    ref, var = final_definitions(reference), final_definitions(variant)
    changed = {
        n for n in set(ref) | set(var) if n != DECLARATION and ref.get(n, ("",))[0] != var.get(n, ("",))[0]
    }
    steps = {
        step.name for step in lab.steps
        if (reachable(var, list(step.uses)) | reachable(ref, list(step.uses))) & changed
    }
    checks = {check.id for check in lab.checks if set(check.needs) & steps}
    return MistakeReach(name, path, declared, description, frozenset(changed), frozenset(steps), frozenset(checks))


def group_mistakes(mistakes: list[MistakeReach]) -> list[MistakeGroup]:
    """First fit, in the given order. A mistake whose declared checks lie outside its reach (it
    would disagree alone) or that changes nothing a step reaches is graded alone."""
    groups: list[list[MistakeReach]] = []
    for mistake in mistakes:
        groupable = bool(mistake.steps) and set(mistake.declared) <= mistake.checks
        for group in groups if groupable else []:
            if all(member.independent_of(mistake) for member in group) and _groupable(group[0]):
                group.append(mistake)
                break
        else:
            groups.append([mistake])
    return [MistakeGroup(tuple(group)) for group in groups]


def _groupable(mistake: MistakeReach) -> bool:
    return bool(mistake.steps) and set(mistake.declared) <= mistake.checks
