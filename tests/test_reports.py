"""Reports: CSV exports, per-student feedback pages and the class report, looked at in a real Chromium.

A small bptt_numpy class is graded for real (the cheap lab: ~15 s); char_rnn's and vgg16_transfer's
pictures are drawn from real grading output kept in tests/data/reports/char_rnn and
tests/data/reports/vgg16_transfer, densenet's confusion matrix from tests/data/reports/densenet (JSON and
npz only, no model is trained here).
The screenshots are kept under tests/output/reports/ (printed by the tests).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from autograder.batch import grade_all
from autograder.gradebook import Gradebook, sqlite_url
from autograder.grading import GradeOptions
from autograder.labspec import SYLLABUS_CONCEPTS, available_labs, load_lab
from autograder.lateness import LatePolicy
from autograder.reports import csv_exports, records
from autograder.reports.build import build_reports
from autograder.submissions import Submission
from tests.helpers import reference_notebook, reference_plus

HERE = Path(__file__).resolve().parent
CHAR_RNN_RESULTS = HERE / "data" / "reports" / "char_rnn"
VGG_RESULTS = HERE / "data" / "reports" / "vgg16_transfer"
DENSENET_RESULTS = HERE / "data" / "reports" / "densenet"
SCREENSHOTS = HERE / "output" / "reports"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

SCRIPT_NAME = "<script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
AT_NAME = "@SUM(1+1)"


def test_every_check_declares_a_known_concept():
    for lab_id in available_labs():
        lab = load_lab(lab_id)
        unknown = {c.id: c.concept for c in lab.checks if c.concept not in SYLLABUS_CONCEPTS}
        assert not unknown, f"{lab_id}: checks without a known syllabus concept (labspec.SYLLABUS_CONCEPTS): {unknown}"


def test_safe_cell_neutralises_formulas():
    for text in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_exports.safe_cell(text) == "'" + text
    assert csv_exports.safe_cell("alice") == "alice"
    assert csv_exports.safe_cell(-1.5) == -1.5  # numbers stay numbers
    assert csv_exports.safe_cell(None) == ""


def _mistake(name: str) -> str:
    return (load_lab("bptt_numpy").mistakes_dir / f"{name}.py").read_text()


DUE = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
RECEIVED = DUE + timedelta(days=1.5)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    """A bptt_numpy class graded for real into a gradebook, with hostile display names, one submission
    handed in a day and a half late (10% a day) and one notebook that cannot be read; reported from the
    gradebook (``latest_results``) together with char_rnn's and vgg16_transfer's kept output."""
    root = tmp_path_factory.mktemp("reports")
    folder = root / "submissions"
    folder.mkdir()
    broken = folder / "broken.ipynb"
    broken.write_text("{ this is not a notebook")
    on_time = {"received_at": DUE - timedelta(hours=1)}
    submissions = [
        Submission.named(SCRIPT_NAME, reference_notebook("bptt_numpy", folder / "a.ipynb"), **on_time),
        Submission.named(FORMULA_NAME, reference_plus("bptt_numpy", folder / "b.ipynb", _mistake("tanh_derivative")),
                         received_at=RECEIVED, lms_user_id="4711"),
        Submission.named(AT_NAME, reference_plus("bptt_numpy", folder / "c.ipynb", _mistake("no_flow_through_time")),
                         source_layout="moodle", lms_user_id="77", **on_time),
        Submission.named("-2+3 broken", broken, **on_time),
    ]
    out = root / "graded" / "bptt_numpy"
    db_url = sqlite_url(root / "gradebook.db")
    results = grade_all(submissions, load_lab("bptt_numpy"), out, GradeOptions(), workers=1, progress=False,
                        gradebook=Gradebook(db_url), late_policy=LatePolicy(DUE, penalty_per_day=0.1))
    assert {r["student_name"]: r["status"] for r in results}[SCRIPT_NAME] == "graded"
    found = records.sort_records(records.from_gradebook(db_url) + records.from_results_folders([CHAR_RNN_RESULTS, VGG_RESULTS]))
    report = root / "report"
    files = build_reports(found, report)
    by_name = {r["student_name"]: r for r in found}
    assert by_name[FORMULA_NAME]["late"]["penalty_points"] > 0 and by_name[SCRIPT_NAME]["late"] is None
    return {"records": found, "files": files, "report": report, "by_name": by_name, "db_url": db_url, "out": out}


def _csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_grades_csv_applies_the_late_penalty_and_totals(graded):
    rows = _csv(graded["files"].csv["grades.csv"])
    header = rows[0]
    assert header[:3] == ["student", "student_name", "lms_user_id"]
    assert {"bptt_numpy", "char_rnn", "bptt_numpy late penalty", "total", "max_total"} <= set(header)
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    late = by_name["'" + FORMULA_NAME]  # the name is neutralised, never a formula
    block = graded["by_name"][FORMULA_NAME]["late"]
    assert float(late["bptt_numpy"]) == pytest.approx(block["final_score"]) and block["final_score"] < 11.0
    assert float(late["bptt_numpy late penalty"]) == pytest.approx(block["penalty_points"])
    assert float(by_name[SCRIPT_NAME]["bptt_numpy"]) == 12.5
    reference = by_name["reference"]  # the kept char_rnn and vgg16_transfer gradings of the reference
    assert float(reference["char_rnn"]) == 14.0 and float(reference["vgg16_transfer"]) == 14.0
    assert reference["bptt_numpy"] == ""
    assert float(reference["max_total"]) == 12.5 + 14.0 + 14.0
    for row in rows:
        for cell in row:
            assert not cell.startswith(csv_exports.FORMULA_STARTS), f"formula cell {cell!r} in grades.csv"


def test_every_export_is_neutralised_and_has_its_format(graded):
    files = graded["files"].csv
    for name, path in files.items():
        for row in _csv(path):
            for cell in row:
                assert not cell.startswith(csv_exports.FORMULA_STARTS), f"{name}: formula cell {cell!r}"
    canvas = _csv(files["canvas.csv"])
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas[1][0] == "Points Possible" and float(canvas[1][5]) in (12.5, 14.0)
    moodle = _csv(files["moodle.csv"])
    assert moodle[0][:2] == ["Full name", "ID number"] and moodle[0][2].endswith("(Real)")
    worksheet = _csv(files["moodle_worksheet_bptt_numpy.csv"])  # the Moodle student's lab only
    assert tuple(worksheet[0]) == csv_exports.MOODLE_WORKSHEET_COLUMNS
    moodle_row = next(row for row in worksheet[1:] if row[0] == "Participant 77")
    assert moodle_row[1] == "'" + AT_NAME and float(moodle_row[4]) == graded["by_name"][AT_NAME]["score"]
    assert "moodle_worksheet_char_rnn.csv" not in files
    nbgrader = _csv(files["nbgrader.csv"])
    assert tuple(nbgrader[0]) == csv_exports.NBGRADER_COLUMNS
    late = next(dict(zip(nbgrader[0], row, strict=True)) for row in nbgrader[1:] if row[5] == "'" + FORMULA_NAME)
    block = graded["by_name"][FORMULA_NAME]["late"]
    assert float(late["raw_score"]) == 11.0 and float(late["score"]) == pytest.approx(block["final_score"])
    assert float(late["late_submission_penalty"]) == pytest.approx(block["penalty_points"])
    assert late["duedate"] == DUE.isoformat() and late["timestamp"] == RECEIVED.isoformat()
    checks = _csv(files["checks.csv"])
    concepts = {row[4] for row in checks[1:]}
    assert "backpropagation through time" in concepts and "sampling" in concepts and "" not in concepts


# -- in the browser -----------------------------------------------------------------

PROBE = """<!DOCTYPE html><html><body><pre id="seen">not loaded</pre>
<iframe id="page" src="{src}" style="width:1000px;height:800px"></iframe>
<script>
document.getElementById("page").onload = function () {{
  var d = this.contentDocument, name = d.getElementById("student-name");
  document.getElementById("seen").textContent = JSON.stringify({{
    text: d.body.innerText,
    name: name ? name.textContent : null,
    scripts: d.getElementsByTagName("script").length,
    images: Array.prototype.map.call(d.images, function (i) {{ return [i.naturalWidth, i.naturalHeight, i.alt]; }}),
    external: Array.prototype.filter.call(d.querySelectorAll("[src],link[href]"), function (e) {{
      var u = e.getAttribute("src") || e.getAttribute("href"); return !/^data:/.test(u); }}).length
  }});
}};
</script></body></html>"""


def _chromium(*args: str) -> str:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files",
         "--virtual-time-budget=5000", *args],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def seen_in_browser(page: Path, screenshot_name: str, height: int = 2400) -> dict:
    """What Chromium renders of ``page``: its visible text, images as decoded, scripts; and a screenshot."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / screenshot_name
    shot.unlink(missing_ok=True)
    _chromium(f"--screenshot={shot}", f"--window-size=1000,{height}", page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 10_000, "Chromium wrote no screenshot"
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert float(np.std(pixels[..., :3])) > 0.05, "the screenshot is blank"
    print(f"screenshot: {shot}")
    probe = page.parent / f".probe-{page.stem}.html"
    probe.write_text(PROBE.format(src=page.name))
    dom = _chromium("--dump-dom", probe.as_uri())
    probe.unlink()
    start, end = dom.index('<pre id="seen">') + len('<pre id="seen">'), dom.index("</pre>")
    import html

    raw = html.unescape(dom[start:end])
    assert raw != "not loaded", "the page did not load in Chromium"
    return json.loads(raw)


def _page(graded: dict, name: str, lab: str) -> Path:
    return graded["files"].feedback[(graded["by_name"][name]["student"], lab)]


def test_feedback_page_shows_checks_pictures_and_a_hostile_name_as_text(graded):
    page = _page(graded, SCRIPT_NAME, "bptt_numpy")
    assert page.relative_to(graded["report"]).parts[0] == "feedback"  # feedback/<student>/<lab>/<lab>.html
    seen = seen_in_browser(page, "feedback-bptt_numpy-script-name.png")
    assert seen["name"] == SCRIPT_NAME, "the hostile name must be shown as text"
    assert seen["scripts"] == 0 and seen["external"] == 0, "no markup from the name, nothing fetched from a network"
    assert "Score: 12.5 / 12.5" in seen["text"]
    lab = load_lab("bptt_numpy")
    for check in lab.checks:
        assert check.title in seen["text"]
    assert "Gradient norm against time step" in seen["text"]
    assert len(seen["images"]) == 2 and all(w > 300 and h > 150 for w, h, _ in seen["images"]), seen["images"]


def test_feedback_page_of_a_mistake_says_what_failed_and_the_late_penalty(graded):
    seen = seen_in_browser(_page(graded, FORMULA_NAME, "bptt_numpy"), "feedback-bptt_numpy-late.png")
    assert seen["name"] == FORMULA_NAME
    block = graded["by_name"][FORMULA_NAME]["late"]
    assert f"Score: {block['final_score']:g} / 12.5" in seen["text"] and "before the late penalty: 11" in seen["text"]
    assert f"{block['penalty_points']:g} point(s) taken off" in seen["text"]
    assert " ".join(block["explanation"].split()) in " ".join(seen["text"].split())
    assert "FAIL: rnn_step_backward returns the five gradients of one step" in seen["text"]
    record = graded["by_name"][FORMULA_NAME]
    message = next(c["message"] for c in record["checks"] if c["id"] == "step_backward_values")
    assert message.splitlines()[0] in seen["text"]


def test_feedback_page_never_shows_hidden_check_source(graded):
    text = _page(graded, AT_NAME, "bptt_numpy").read_text()
    for source in (load_lab("bptt_numpy").checks_dir / "test_bptt.py").read_text().splitlines():
        line = source.strip()
        if len(line) > 40 and ("assert" in line or line.startswith("def ")):
            assert line not in text, f"hidden check source on a student's page: {line}"


def test_char_rnn_pictures_from_real_artifacts(graded):
    seen = seen_in_browser(_page(graded, "softmax_output", "char_rnn"), "feedback-char_rnn-softmax_output.png", 3000)
    assert "Your model's loss, and its held-out bits per character" in seen["text"]
    assert "yours: 5.08" not in seen["text"]  # inside the picture, not text; the message states the figure:
    assert "5.08 bits per character" in seen["text"]
    assert "Your sample at two temperatures" in seen["text"]
    texts = json.loads((CHAR_RNN_RESULTS / "softmax_output/stage1/artifacts/sample_temperature.json").read_text())
    assert texts["low"] in seen["text"] and texts["high"] in seen["text"]
    assert len(seen["images"]) == 1 and seen["images"][0][0] > 500


CONFUSION_TITLE = "Your model on the held-out images: confusion matrix"


def _kept_confusion(student: str) -> tuple[dict, float]:
    """The held-out confusion table and accuracy stage 2 kept for a vgg16_transfer student."""
    checks = json.loads((VGG_RESULTS / student / "stage2" / "checks.json").read_text())
    return checks["figures"]["heldout_confusion"], checks["metrics"]["heldout_accuracy"]


def test_vgg16_confusion_matrix_from_real_grading(graded):
    """rescaling_in_model fails heldout_accuracy: its page still shows the matrix, which says why."""
    table, accuracy = _kept_confusion("rescaling_in_model")
    counts = np.array(table["counts"])
    assert counts.sum() == 200 and np.trace(counts) == round(accuracy * 200) == 40  # the figure the check measured
    assert (counts[:, 2] == 40).all(), "the kept grading: every held-out image taken for blue_checks"
    seen = seen_in_browser(_page(graded, "rescaling_in_model", "vgg16_transfer"), "feedback-vgg16_transfer-rescaling.png", 3400)
    text = " ".join(seen["text"].split())
    assert "FAIL: Trained by the grader" in text and CONFUSION_TITLE in text
    assert "Each row is the true class of the grader's held-out images, each column the class your model predicted" in text
    assert "40 of 200 held-out images are right" in text
    assert "Most often: red_stripes taken for blue_checks, 40 times (3 other confusions as often)" in text
    assert "Your model gave all 200 images the same class, blue_checks" in text
    assert "Adam at 0.003, sparse categorical cross-entropy, 10 epochs on VGG16-preprocessed images" in text
    assert "could not be drawn" not in text
    # the preprocess bars, the short run and, one more, the confusion matrix: all decoded by the browser
    assert [alt for _, _, alt in seen["images"]][-1] == CONFUSION_TITLE and len(seen["images"]) == 3, seen["images"]
    assert all(w > 300 and h > 150 for w, h, _ in seen["images"]), seen["images"]

    reference = _page(graded, "reference", "vgg16_transfer").read_text()
    assert "200 of 200 held-out images are right. None of the images was taken for another class." in reference


def test_a_grading_without_figures_gives_a_page_without_the_matrix(tmp_path):
    """checks.json of an older grading (no "figures"): the page keeps its other pictures, no error, no note."""
    from autograder.reports.feedback_pages import page_html

    old = tmp_path / "rescaling_in_model"
    shutil.copytree(VGG_RESULTS / "rescaling_in_model", old)
    checks = json.loads((old / "stage2" / "checks.json").read_text())
    del checks["figures"]
    (old / "stage2" / "checks.json").write_text(json.dumps(checks))
    (record,) = records.from_results_folders([tmp_path])
    assert records.figures_of(record) == {} and records.metrics_of(record)["heldout_accuracy"] == 0.2
    page = page_html(record)
    assert CONFUSION_TITLE not in page and "held-out images are right" not in page and "could not be drawn" not in page
    assert "Your preprocess, channel by channel" in page and page.count('src="data:image/png;base64,') == 2

    new = page_html(records.from_results_folders([VGG_RESULTS / "rescaling_in_model"])[0])
    assert CONFUSION_TITLE in new and new.count('src="data:image/png;base64,') == 3
    for record in records.from_results_folders([CHAR_RNN_RESULTS]):  # char_rnn's kept output has no "figures" either
        assert records.figures_of(record) == {}
        assert "could not be drawn" not in page_html(record)


def test_densenet_draws_its_confusion_matrix_from_the_kept_table(tmp_path):
    from autograder.checking.artifacts import Artifacts
    from autograder.checking.figures import confusion_table
    from autograder.reports.lab_figures import ReportContext, panels_for

    lab = load_lab("densenet")
    names = ("h_stripes", "v_stripes", "checks", "disc", "noise")
    table = confusion_table([0, 0, 1, 1, 2, 3, 3, 3, 4, 4], [0, 1, 1, 1, 2, 0, 0, 3, 4, 4], names)
    context = ReportContext(lab=lab, result={"checks": []}, artifacts=Artifacts(tmp_path, {"steps": {}}),
                            profile_name="ci", seed=0, figures={"heldout_confusion": table})
    panels, notes = panels_for(context)
    assert notes == [] and [p.title for p in panels] == ["Your DenseNet on the held-out images: confusion matrix"]
    caption = panels[0].caption
    assert "7 of 10 held-out images are right" in caption and "Most often: disc taken for h_stripes, 2 times." in caption
    profile = lab.profile("ci")
    assert f"Adam at {float(profile['grader_learning_rate']):g}, sparse categorical cross-entropy, {profile['epochs']} epochs" in caption
    assert panels[0].png[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image

    pixels = matplotlib.image.imread(io.BytesIO(panels[0].png))
    assert pixels.shape[0] > 300 and pixels.shape[1] > 300 and float(np.std(pixels[..., :3])) > 0.05
    context.figures = {}  # an older grading, or a heldout_accuracy that never ran: no panel, no note
    assert panels_for(context) == ([], [])


def test_densenet_pages_from_real_grading(tmp_path):
    """head_no_softmax (logits under the probabilities loss) fails heldout_accuracy; its page shows the matrix."""
    from autograder.reports.feedback_pages import write_pages

    found = records.from_results_folders([DENSENET_RESULTS])
    assert {r["student"]: r["score"] for r in found} == {"head_no_softmax": 18.0, "reference": 20.5}
    pages = write_pages(found, tmp_path)
    seen = seen_in_browser(pages[("head_no_softmax", "densenet")], "feedback-densenet-head_no_softmax.png", 2600)
    text = " ".join(seen["text"].split())
    assert "FAIL: Trained by the grader" in text and "Your DenseNet on the held-out images: confusion matrix" in text
    assert "40 of 200 held-out images are right. Most often: noise taken for checks, 32 times." in text
    profile = load_lab("densenet").profile("ci")
    regimen = f"Adam at {float(profile['grader_learning_rate']):g}, sparse categorical cross-entropy, {profile['epochs']} epochs"
    assert f"({regimen} on images scaled to [0, 1])" in text
    assert [alt for _, _, alt in seen["images"]] == ["Your DenseNet on the held-out images: confusion matrix"]
    assert seen["images"][0][0] > 300 and seen["images"][0][1] > 300
    reference = pages[("reference", "densenet")].read_text()
    assert "199 of 200 held-out images are right. Most often: checks taken for disc, 1 time." in reference


def test_confusion_table_counts_and_odd_predictions():
    from autograder.checking.figures import confusion_table

    table = confusion_table(np.array([0, 1, 2, 2, 1, 0]), np.array([0, 2, 2, 2, 1, 1]), ["a", "b", "c"])
    assert table == {"labels": ["a", "b", "c"], "counts": [[1, 1, 0], [0, 1, 1], [0, 0, 2]]}
    # a class id the model cannot have (7, -1), a non-number, a fraction: left out, never an error
    odd = confusion_table([0, 1, 2, 0, 1, 2], np.array([7, -1, np.nan, 0.5, 1, 2.0]), ("a", "b", "c"))
    assert odd["counts"] == [[0, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert confusion_table([0, 1], ["x", "y"], ["a", "b"])["counts"] == [[0, 0], [0, 0]]
    assert confusion_table([0, 1, 1], [1], ["a", "b"])["counts"] == [[0, 1], [0, 0]]  # unequal lengths: the common part
    assert json.loads(json.dumps(table)) == table  # plain JSON: ints and strings only


def test_checks_json_keeps_the_figures_beside_the_metrics(tmp_path):
    from autograder.checking.plugin import write_results

    path = tmp_path / "checks.json"
    figures = {"heldout_confusion": {"labels": ["a"], "counts": [[3]]}, "broken": {"x": object()}}
    write_results(path, [], {}, [], {"heldout_accuracy": 1.0}, figures)
    payload = json.loads(path.read_text())
    assert payload["metrics"] == {"heldout_accuracy": 1.0}
    assert payload["figures"] == {"heldout_confusion": {"labels": ["a"], "counts": [[3]]}}  # what JSON cannot hold is left out
    write_results(path, [], {}, [])
    assert json.loads(path.read_text())["figures"] == {}


def test_page_of_a_submission_that_could_not_be_graded(graded):
    seen = seen_in_browser(_page(graded, "-2+3 broken", "bptt_numpy"), "feedback-not-graded.png", 1400)
    assert "Your submission could not be graded." in seen["text"] and "Score: 0 / 12.5" in seen["text"]


def test_class_report_in_the_browser(graded):
    seen = seen_in_browser(graded["files"].class_report, "class-report.png", 5200)
    text = seen["text"]
    assert seen["scripts"] == 0 and seen["external"] == 0
    assert "Pass rate per syllabus concept" in text
    for concept in ("backpropagation through time", "vanishing/exploding gradients and clipping", "sampling", "language modelling"):
        assert concept in text
    # 3 bptt students graded: "returns_documented_types" passed by all 3 (the reference, tanh_derivative, no_flow)
    for name in (SCRIPT_NAME, FORMULA_NAME, AT_NAME, "-2+3 broken"):
        assert name in text, f"{name!r} missing from the class report's text"
    assert "Submissions that could not be graded" in text and "-2+3 broken" in text
    bptt = [r for r in graded["records"] if r["lab"] == "bptt_numpy" and r["status"] == "graded"]
    passed = sum(c["outcome"] == "passed" for r in bptt for c in r["checks"] if c["id"] == "gradient_flow_through_time")
    assert f"{passed} / {len(bptt)}" in text
    mean = sum(records.final_score(r) for r in graded["records"] if r["lab"] == "bptt_numpy") / 4
    assert f"mean {mean:.2f}" in text
    # histograms (3 labs), the concept chart and the timing chart, all decoded by the browser
    assert len(seen["images"]) == 5 and all(w > 300 for w, _, _ in seen["images"]), seen["images"]


def test_report_command_from_the_gradebook_and_from_results_folders(graded, tmp_path):
    from autograder.cli import main

    out = tmp_path / "from-db"
    assert main(["report", "--db", graded["db_url"], "--out", str(out), "--lab", "bptt_numpy"]) == 0
    pages = sorted(p.relative_to(out).parts[1] for p in out.glob("feedback/*/bptt_numpy/bptt_numpy.html"))
    assert pages == sorted(r["student"] for r in graded["records"] if r["lab"] == "bptt_numpy")
    rows = _csv(out / "canvas.csv")
    late = next(row for row in rows if row[0] == "'" + FORMULA_NAME)
    assert late[1] == "4711" and float(late[5]) == pytest.approx(graded["by_name"][FORMULA_NAME]["late"]["final_score"])

    from autograder.course import init_course

    course = tmp_path / "course"
    init_course(course, ["bptt_numpy"], db_url=graded["db_url"])
    assert main(["report", "--course", str(course)]) == 0
    grades = _csv(course / "reports" / "grades.csv")
    assert grades[0][3] == "bptt_numpy" and len(grades) == 1 + 4  # the course's labs only: no char_rnn column

    out = tmp_path / "from-folders"
    assert main(["report", "--results", str(graded["out"]), "--results", str(CHAR_RNN_RESULTS), "--out", str(out), "--lab", "char_rnn"]) == 0
    assert (out / "class_report.html").is_file()
    pages = sorted(p.relative_to(out).as_posix() for p in out.glob("feedback/*/*/*.html"))
    assert pages == [f"feedback/{s}/char_rnn/char_rnn.html" for s in ("reference", "sample_ignores_temperature", "softmax_output")]


def test_png_in_pages_are_real_pictures(graded):
    text = graded["files"].class_report.read_text()
    uri = text.split('src="data:image/png;base64,', 1)[1].split('"', 1)[0]
    assert base64.b64decode(uri)[:8] == b"\x89PNG\r\n\x1a\n"
