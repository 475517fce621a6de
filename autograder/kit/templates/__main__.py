"""``python -m <kit> NOTEBOOK.ipynb``: the public checks from a terminal."""

from .checker import main

raise SystemExit(main())
