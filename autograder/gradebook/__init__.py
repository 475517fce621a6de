"""The gradebook (SQLAlchemy 2.0): what was graded, under which lab version and checks, with what
result. An SQLite file by default (``OUT/gradebook.db`` or the course's), any PostgreSQL URL too.

``record.Gradebook`` is the batch's writer; ``query.latest_results`` / ``graded_labs`` are what
reports read.
"""

from autograder.gradebook.db import normalise_url, sqlite_url
from autograder.gradebook.labhash import checks_hash
from autograder.gradebook.query import graded_labs, latest_results, run_counts
from autograder.gradebook.record import Gradebook, GradingKey

__all__ = [
    "Gradebook", "GradingKey", "checks_hash", "graded_labs", "latest_results", "normalise_url", "run_counts",
    "sqlite_url",
]
