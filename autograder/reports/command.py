"""The ``autograder report`` command: where the records come from, where the reports go."""

from __future__ import annotations

from pathlib import Path

from autograder.reports import records
from autograder.reports.build import ReportFiles, build_reports


def gather(db_url: str | None, results: list[str] | None, labs: list[str] | None) -> list[records.Record]:
    """The records to report on: the gradebook at ``db_url``, and/or ``autograder grade`` OUT folders."""
    gathered: list[records.Record] = []
    if db_url:
        gathered += records.from_gradebook(db_url, labs)
    if results:
        gathered += records.from_results_folders([Path(p) for p in results], labs)
    seen: dict[tuple[str, str], records.Record] = {}
    for record in gathered:  # the gradebook's record first; an OUT folder's only where it has none
        seen.setdefault((str(record["student"]), str(record["lab"])), record)
    return records.sort_records(list(seen.values()))


def run_report(db_url: str | None, out: Path, labs: list[str] | None = None, results: list[str] | None = None) -> ReportFiles | None:
    """Build every report into ``out``; None (and a message) when nothing was graded."""
    found = gather(db_url, results, labs)
    if not found:
        where = " and ".join(filter(None, [db_url and f"the gradebook {db_url}", results and ", ".join(results)]))
        print(f"nothing graded found in {where or 'nothing given'}" + (f" for {', '.join(labs)}" if labs else ""))
        return None
    files = build_reports(found, out)
    labs_found = records.labs_of(found)
    print(f"reports of {len(found)} graded submission(s) in {', '.join(labs_found)}:")
    print(f"  class report:  {files.class_report.resolve()}")
    print(f"  feedback:      {out.resolve() / 'feedback'}/<student>/<lab>/<lab>.html ({len(files.feedback)} pages)")
    print(f"  grades:        {', '.join(str(p.name) for p in files.csv.values())} in {out.resolve()}")
    return files
