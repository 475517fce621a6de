"""Stage 1 sees only the entries of the instructor's --data folder that the profile lists."""

from __future__ import annotations

from pathlib import Path

from helpers import reference_plus

from autograder.grading import GradeOptions, grade_submission
from autograder.harvest.supervisor import readable_for_harvest
from autograder.labspec import load_lab

#: Runs at import in stage 1: records which of the data folder's files it could read.
PROBE = '''
class _Peek:
    import json, pathlib
    job = json.loads((pathlib.Path.cwd() / "job.json").read_text())
    seen = {}
    for name in ("train.txt", "test.txt"):
        try:
            seen[name] = (pathlib.Path(job["data_dir"]) / name).read_text()[:20]
        except OSError as err:
            seen[name] = type(err).__name__
    (pathlib.Path(job["out_dir"]) / "seen.json").write_text(json.dumps(seen))  # HOME is removed after stage 1
'''


def test_only_listed_entries_are_readable() -> None:
    lab = load_lab("ner_lstm")
    data = Path("/srv/course-data")
    listed = readable_for_harvest(lab, data, {"stage1_data": ["train.txt"]})
    assert data not in listed
    assert readable_for_harvest(lab, data, {}) == readable_for_harvest(lab, None, {})


def test_heldout_file_is_hidden_from_student_code(tmp_path: Path) -> None:
    import json

    lab = load_lab("ner_lstm")
    data = tmp_path / "conll"
    data.mkdir()
    (data / "train.txt").write_text("EU B-ORG\nrejects O\n\n")
    (data / "test.txt").write_text("Peter B-PER\nBlackburn I-PER\n\n")
    notebook = reference_plus("ner_lstm", tmp_path / "peek.ipynb", PROBE)
    options = GradeOptions(profile="class", data_dir=data, check_ids=["vocab_word_ids"])
    result = grade_submission(notebook, "peek", lab, tmp_path / "out", options)
    seen = json.loads((tmp_path / "out" / "peek" / "stage1" / "artifacts" / "seen.json").read_text())
    assert seen["train.txt"].startswith("EU B-ORG")
    assert seen["test.txt"] in ("FileNotFoundError", "PermissionError")
    assert result["checks"][0]["outcome"] == "passed"
