"""Lab specs: profiles may give steps more time than the ci budgets they are sized for."""

from __future__ import annotations

from autograder.harvest.supervisor import _with_profile_timeout
from autograder.labspec import load_lab


def test_profile_step_timeouts_override_the_steps() -> None:
    lab = load_lab("vgg16_transfer")
    train = lab.step("train")
    assert _with_profile_timeout(train, lab.profile("ci")).timeout_s == train.timeout_s
    assert _with_profile_timeout(train, lab.profile("class")).timeout_s == 2400
    assert float(lab.profile("class")["total_budget_s"]) > lab.total_budget_s
