"""Student kit: run your lab's public checks on your saved notebook, where you work.

    import KIT
    KIT.check()            # or .check("path/to/notebook.ipynb")

It holds the public checks only, and what they need: the same messages as grading gives for
the same mistake, on practice probes of the kit's own. Python 3.10-3.12 on Linux (Colab,
JupyterHub); no root, no sandbox.
"""

from .checker import check, main

__all__ = ["check", "main"]
