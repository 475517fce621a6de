"""The ``autograder`` command: check, grade, release, validate, demo."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from autograder.labspec import LabSpecError, available_labs, load_lab
from autograder.sandbox import SandboxUnavailable


def _grade_options(args: argparse.Namespace, **overrides):  # noqa: ANN202
    from autograder.grading import GradeOptions

    values = {
        "profile": args.profile,
        "seed": args.seed,
        "sandbox": args.sandbox,
        "unsafe_no_sandbox": args.unsafe_no_sandbox,
        "data_dir": Path(args.data) if getattr(args, "data", None) else None,
    }
    values.update(overrides)
    options = GradeOptions(**values)
    from autograder.grading import open_sandbox

    open_sandbox(options)  # refuse (SandboxUnavailable) before grading anything
    return options


def cmd_check(args: argparse.Namespace) -> int:
    """Student side: the public checks, printed readably."""
    from autograder.grading import grade_submission

    lab = load_lab(args.lab)
    notebook = Path(args.notebook)
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as tmp:
        result = grade_submission(notebook, "you", lab, Path(tmp), _grade_options(args, public_only=True))
    print(f"Public checks of {lab.id} for {notebook.name}: {result['score']:g} / {result['max_score']:g}")
    if result["status"] == "error":
        print(f"\nYour notebook could not be graded: {result['error']}")
        return 1
    for row in result["checks"]:
        mark = {"passed": "PASS ", "failed": "FAIL ", "error": "ERROR"}[row["outcome"]]
        print(f"  {mark} {row['title']} [{row['id']}]")
        if row["outcome"] != "passed":
            for line in row["message"].splitlines():
                print(f"          {line}")
    hidden = len(lab.checks) - len(lab.public_checks())
    print(f"\n{hidden} more checks run when your submission is graded.")
    return 0 if all(r["outcome"] == "passed" for r in result["checks"]) else 1


def cmd_grade(args: argparse.Namespace) -> int:
    from autograder.batch import BatchReport, discover, grade_all, summary_text
    from autograder.gradebook import Gradebook, sqlite_url

    course = _load_course(Path(args.course)) if getattr(args, "course", None) else None
    lab = load_lab(args.lab)
    course_lab = course.lab(lab.id) if course is not None else None
    if args.out:
        out = Path(args.out)
    elif course is not None:
        out = Path(course.out_dir) / lab.id
    else:
        raise ValueError("grade needs --out OUT (or --course DIR)")
    if not args.submissions:
        if course_lab is None:
            raise ValueError("grade needs SUBMISSIONS (a folder, a notebook or an LMS zip), or --course DIR")
        args.submissions = str(course_lab.submissions)
    # What the command line leaves unsaid, the course says: profile, data folder, workers.
    args.profile = args.profile or (course_lab.profile if course_lab is not None else "ci")
    if args.data is None and course_lab is not None and course_lab.data_dir is not None:
        args.data = str(course_lab.data_dir)
    if args.workers is None and course is not None:
        args.workers = course.workers
    from autograder.sandbox.docker_backend import gpu_ids

    # Refuse a missing or unsafe sandbox before anything is written: OUT stays absent.
    options = _grade_options(args, gpus=gpu_ids(args.gpus))
    submissions = _discover(discover, Path(args.submissions), lab.id, out)
    if not submissions:
        print(f"no submissions found under {args.submissions}", file=sys.stderr)
        return 2
    regrade = _students(args.student, submissions) if args.student else None
    db_url = args.db or (course.db_url if course is not None else sqlite_url(out / "gradebook.db"))
    report = BatchReport()
    results = grade_all(
        submissions, lab, out, options, workers=args.workers, progress=not args.quiet,
        gradebook=Gradebook(db_url), force=args.force, regrade=regrade,
        late_policy=_late_policy(args, course, lab.id), report=report,
    )
    print(summary_text(results))
    print(report.text())
    print(f"\nresults: {out}/<student>/results.json, feedback: {out}/<student>/feedback.md, grades: {out / 'grades.csv'}")
    from sqlalchemy.engine import make_url

    print(f"gradebook: {make_url(Gradebook(db_url).url).render_as_string(hide_password=True)}")
    return 0


def _discover(discover, root: Path, lab_id: str, out: Path):  # noqa: ANN001, ANN202
    """The submissions under ``root`` (a folder, a notebook, an LMS zip unpacked into ``OUT/.intake``).

    Prints the layout recognised and every entry left out with its reason; all of it in ``OUT/intake.json``.
    """
    from autograder.discovery import discover_report

    found = discover_report(root, lab_id, scratch=out / ".intake")
    print(found.text())
    out.mkdir(parents=True, exist_ok=True)
    (out / "intake.json").write_text(json.dumps(found.to_dict(), indent=1, ensure_ascii=False))
    return found.submissions


def _students(wanted: list[str], submissions) -> list[str]:  # noqa: ANN001
    """The safe ids of the students ``--student`` names (by id or by original name)."""
    from autograder.student_ids import safe_student_id

    ids = []
    for name in wanted:
        match = [s.student for s in submissions if name in (s.student, s.name) or safe_student_id(name) == s.student]
        if not match:
            known = ", ".join(s.student for s in submissions[:10]) + (" ..." if len(submissions) > 10 else "")
            raise ValueError(f"--student {name!r}: no such student among the submissions (found: {known})")
        ids.extend(match)
    return ids


def _load_course(directory: Path):  # noqa: ANN202
    """The course directory's ``course.toml`` (``autograder.course``)."""
    from autograder.course import load_course

    return load_course(directory)


def _late_policy(args: argparse.Namespace, course, lab_id: str):  # noqa: ANN001, ANN202
    """The late policy of this run: ``--due`` / ``--penalty-per-day`` / ``--cutoff-days`` over the course's."""
    from autograder.lateness import resolve_policy

    course_lab = course.labs.get(lab_id) if course is not None else None
    return resolve_policy(
        course_lab.late_policy if course_lab is not None else None,
        due=getattr(args, "due", None),
        penalty_per_day=getattr(args, "penalty_per_day", None),
        cutoff_days=getattr(args, "cutoff_days", None),
        timezone_name=course.timezone if course is not None else "UTC",
    )


def cmd_release(args: argparse.Namespace) -> int:
    from autograder.kit.release import kit_summary, release_folder, release_nbgrader

    lab = load_lab(args.lab)
    if not args.out and not args.nbgrader:
        print("autograder release: give --out DIR and/or --nbgrader COURSE_DIR", file=sys.stderr)
        return 2
    for release in (
        release_folder(lab, Path(args.out), kit_url=args.kit_url, with_kit=not args.no_kit, sandbox=args.sandbox) if args.out else None,
        release_nbgrader(lab, Path(args.nbgrader), kit_url=args.kit_url, sandbox=args.sandbox) if args.nbgrader else None,
    ):
        if release is not None:
            print(f"released {release.notebook}")
            if release.kit is not None:
                print(kit_summary(release.kit))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from autograder.validate import validate_lab

    lab = load_lab(args.lab)
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else None
    report = validate_lab(
        lab, Path(args.out) if args.out else None, seeds=seeds, workers=args.workers, sandbox=args.sandbox,
        profile=args.profile, reuse_reference=not args.no_reuse, data_dir=Path(args.data) if args.data else None,
        quick=args.quick, nulls=not args.no_nulls, variants=args.variants.split(",") if args.variants else None,
        grouped=not args.one_by_one, train_memo=not args.no_train_memo,
    )
    print(report.text())
    if args.json:
        Path(args.json).write_text(json.dumps(report.to_dict(), indent=1))
    return 0 if report.ok else 1


def cmd_describe(args: argparse.Namespace) -> int:
    from autograder.describe import checks_table

    print(checks_table(load_lab(args.lab)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from autograder.reports.command import run_report

    course = None
    if args.course:
        from autograder.course import load_course

        course = load_course(Path(args.course))
    db_url = args.db or (course.db_url if course is not None and not args.results else None)
    if not db_url and not args.results:
        raise ValueError("report needs --db URL, --course DIR or --results OUT")
    out = Path(args.out) if args.out else (Path(course.directory) / "reports" if course is not None else None)
    if out is None:
        raise ValueError("report needs --out DIR (or --course DIR)")
    labs = args.lab or (list(course.labs) if course is not None else None)
    return 0 if run_report(db_url, out, labs=labs, results=args.results) else 1


def cmd_course(args: argparse.Namespace) -> int:
    """``course init DIR --labs a,b ...`` writes course.toml; ``course show DIR`` prints it, checked."""
    from autograder.course import init_course, load_course

    if args.action == "show":
        print(load_course(Path(args.directory)).text())
        return 0
    if not args.labs:
        raise ValueError(f"course init needs --labs (comma-separated, of {', '.join(available_labs())})")
    course = init_course(
        Path(args.directory), [lab.strip() for lab in args.labs.split(",") if lab.strip()],
        due=_pairs(args.due, "--due"), penalty_per_day=args.penalty_per_day, cutoff_days=args.cutoff_days,
        profile=args.profile, name=args.name, data=_pairs(args.data, "--data"), db_url=args.db,
        workers=args.workers, timezone_name=args.timezone, force=args.force,
    )
    print(course.text())
    print(f"\nwrote {course.directory / 'course.toml'}; put each lab's submissions (folder or LMS zip) in its "
          f"submissions folder, then: autograder grade <submissions> --lab LAB --course {course.directory}")
    return 0


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """``["lab=value", ...]`` as a dict; an error naming the option for anything else."""
    pairs = {}
    for value in values or []:
        key, sep, rest = value.partition("=")
        if not sep or not key or not rest:
            raise ValueError(f"{option} takes LAB=VALUE (e.g. {option} bptt_numpy=...), found {value!r}")
        pairs[key.strip()] = rest.strip()
    return pairs


def cmd_demo(args: argparse.Namespace) -> int:
    from autograder.demo import run_demo

    labs = args.labs.split(",") if args.labs else None
    return run_demo(Path(args.out), labs=labs, workers=args.workers, sandbox=args.sandbox)


def _use_scheduler(address: str) -> str:
    """``--scheduler``: where ``pool.run_gradings`` sends this run's gradings (``autograder.cluster``)."""
    from autograder.pool import use_scheduler

    return use_scheduler(address) or address


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Grade the Unit-4 deep-learning labs.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--profile", default="ci", help="lab profile: ci (CPU, synthetic data) or class")
        p.add_argument("--seed", type=int, default=None, help="grading seed (default: the lab's)")
        p.add_argument("--sandbox", default="bwrap", help="sandbox backend: bwrap (default; warm stages as root), bwrap-cold, docker, subprocess")
        p.add_argument(
            "--unsafe-no-sandbox", action="store_true",
            help="allow --sandbox subprocess: student code runs unisolated (trusted notebooks only)",
        )
        p.add_argument("--data", default=None, help="folder of the instructor's data (class profile)")

    p = sub.add_parser("check", help="run the public checks on your notebook")
    p.add_argument("notebook")
    p.add_argument("--lab", required=True)
    common(p)
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("grade", help="grade every submission under a folder (what is already graded is not graded again)")
    p.add_argument("submissions", nargs="?", default=None,
                   help="folder, notebook or LMS zip (default with --course: the lab's submissions folder)")
    p.add_argument("--lab", required=True)
    p.add_argument("--out", default=None, help="results folder (default with --course: the course's graded/<lab>)")
    p.add_argument("--db", default=None,
                   help="gradebook URL: sqlite:///file.db or postgresql://user@host/db (default: the course's, else OUT/gradebook.db)")
    p.add_argument("--force", action="store_true", help="grade every submission again, even those already graded")
    p.add_argument("--student", action="append", default=None, metavar="ID",
                   help="grade only this student, again (repeatable); by safe id or original name")
    p.add_argument("--course", default=None, help="course directory (course.toml): its gradebook, folders and late policy")
    p.add_argument("--due", default=None, metavar="ISO",
                   help="due time, ISO 8601 (2026-12-01T23:59, +01:00 or Z; no offset: the course's timezone, else UTC)")
    p.add_argument("--penalty-per-day", type=float, default=None, metavar="F",
                   help="fraction of the lab's points taken per started day late (0.1 = 10%%); default: the course's, else 0")
    p.add_argument("--cutoff-days", type=float, default=None, metavar="N",
                   help="more than N days late earns 0 points (0: no late work); default: the course's, else none")
    p.add_argument("--workers", type=int, default=None,
                   help="gradings at once (default: one per core, within memory, at most one per --gpus device)")
    p.add_argument("--gpus", default=None, help='GPUs for stage 1, a pool (a grading takes a free one): "all" or ids "0,1"')
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:8786", type=_use_scheduler,
                   help="grade on this Dask distributed cluster instead of here (workers share the filesystem)")
    p.add_argument("--quiet", action="store_true")
    common(p)
    p.set_defaults(run=cmd_grade, profile=None)  # profile: --profile, else the course's, else ci

    p = sub.add_parser("release", help="write the student notebook (solutions stripped by nbgrader) and the student kit")
    p.add_argument("lab")
    p.add_argument("--out", default=None, help="folder for the notebook, the kit's wheel and its project folder")
    p.add_argument("--nbgrader", default=None, metavar="COURSE_DIR",
                   help="also (or instead) write COURSE_DIR/source/LAB/ for nbgrader generate_assignment")
    p.add_argument("--kit-url", default=None,
                   help="where students pip install the kit from (default: the wheel beside the notebook)")
    p.add_argument("--no-kit", action="store_true", help="the notebook only (no kit, no install and check cells)")
    p.add_argument("--sandbox", default="bwrap", help="where the reference's answers are recorded (bwrap, docker)")
    p.set_defaults(run=cmd_release)

    p = sub.add_parser(
        "validate", help="prove a lab's checks: reference and correct alternatives over seeds, known mistakes, null variants"
    )
    p.add_argument("lab")
    p.add_argument("--seeds", default=None, help="comma-separated seeds (default: the lab's calibration seeds)")
    p.add_argument("--out", default=None)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--sandbox", default="bwrap",
                   help="bwrap (default), docker, or fork: the lab's own notebooks forked from a process that "
                        "imported TensorFlow once (no isolation: they are trusted; saves two imports a grading)")
    p.add_argument("--profile", default="ci")
    p.add_argument("--json", default=None, help="also write the report as JSON here")
    p.add_argument("--data", default=None, help="the instructor's data folder (class profile)")
    p.add_argument("--no-reuse", action="store_true",
                   help="run every step of every mistake (default: copy the reference's steps a mistake cannot change)")
    p.add_argument("--no-train-memo", action="store_true",
                   help="fit every model (default under fork: a fit that starts from exactly the state of one "
                   "already run takes that fit's result)")
    p.add_argument("--quick", action="store_true",
                   help="correct alternatives on the default seed only (default: on every calibration seed)")
    p.add_argument("--no-nulls", action="store_true", help="skip the null variants (functions that do nothing)")
    p.add_argument("--one-by-one", action="store_true",
                   help="grade each known mistake and null variant alone (default: those of independent steps "
                   "share a grading, each judged on the checks only it reaches)")
    p.add_argument("--variants", default=None,
                   help="comma-separated variant names: grade only these besides the reference (e.g. null-sample-none)")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("describe", help="print a lab's checks as a markdown table")
    p.add_argument("lab")
    p.set_defaults(run=cmd_describe)

    p = sub.add_parser("report", help="grades CSVs (Canvas, Moodle, nbgrader), feedback pages and the class report")
    p.add_argument("--db", default=None, help="the gradebook's URL (sqlite:///path or postgresql://...)")
    p.add_argument("--course", default=None, help="a course directory: its gradebook, labs and reports/ folder")
    p.add_argument("--results", action="append", default=None, metavar="OUT",
                   help="an `autograder grade` OUT folder to read instead of (or beside) a gradebook; repeatable")
    p.add_argument("--out", default=None, help="where the reports go (default with --course: DIR/reports)")
    p.add_argument("--lab", action="append", default=None, help="only this lab (repeatable; default: every lab graded)")
    p.set_defaults(run=cmd_report)

    p = sub.add_parser("course", help="a course directory: course init DIR --labs a,b (course.toml), course show DIR")
    p.add_argument("action", choices=["init", "show"])
    p.add_argument("directory")
    p.add_argument("--labs", default=None, help=f"comma-separated, of {', '.join(available_labs())}")
    p.add_argument("--due", action="append", default=None, metavar="LAB=ISO",
                   help="a lab's due time, ISO 8601 (repeatable); no offset: --timezone")
    p.add_argument("--penalty-per-day", type=float, default=None, metavar="F",
                   help="fraction of a lab's points taken per started day late (0.1 = 10%%)")
    p.add_argument("--cutoff-days", type=float, default=None, metavar="N", help="more than N days late earns 0 points")
    p.add_argument("--profile", default="ci", help="grading profile of every lab: ci or class")
    p.add_argument("--data", action="append", default=None, metavar="LAB=DIR", help="a lab's data folder (class profile)")
    p.add_argument("--db", default=None, help="gradebook URL (default: sqlite file gradebook.db in DIR)")
    p.add_argument("--name", default=None, help="the course's name (default: the folder's)")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--timezone", default="UTC", help="IANA zone of due times written without an offset")
    p.add_argument("--force", action="store_true", help="replace an existing course.toml")
    p.set_defaults(run=cmd_course)

    p = sub.add_parser("demo", help="release the labs, grade a demo class, print the table")
    p.add_argument("--out", default="demo-out")
    p.add_argument("--labs", default=None, help=f"comma-separated (default: all of {', '.join(available_labs())})")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--sandbox", default="bwrap")
    p.set_defaults(run=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    # The grader's own process only prepares data; keep TensorFlow's start-up banners out of its tables.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (LabSpecError, FileNotFoundError, ValueError, SandboxUnavailable) as err:
        print(f"autograder: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
