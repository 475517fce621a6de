"""Reports read from graded results: CSV exports, per-student feedback pages, the class report.

Everything here runs on the trusted side. It reads what a grading recorded
(results.json dicts, from the gradebook or an ``autograder grade`` OUT folder)
and, for pictures, the student's stage-1 artifacts as data only (JSON, npz
without pickle), and the small tables stage 2's checks kept for the pages (checks.json
``"figures"``); it never loads a saved model or imports anything a student wrote.

- ``records``: the graded results as plain dicts, and the score that counts (late penalty applied);
- ``csv_exports``: the grades tables and the LMS import formats (cells neutralised against formulas);
- ``lab_figures``: a lab's ``assignments/<lab>/report.py`` hook (its pictures), discovered by lab id;
- ``plots``: matplotlib on Agg, PNG data URIs, the confusion-matrix drawing the labs share;
- ``confusion``: the held-out confusion-matrix panel of the image classifiers (vgg16_transfer, densenet);
- ``feedback_pages``: one self-contained HTML page per student and lab;
- ``class_report``: one HTML page for the instructor;
- ``build``: all of it into one folder (``autograder report``).
"""
