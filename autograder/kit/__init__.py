"""The student kit: a lab's public checks, installable with one ``pip install``, run from the notebook.

``build`` writes it (``autograder release``), ``contents``/``extract`` choose what of the lab it
holds, ``vendor`` renames the engine into it, ``record``/``codec`` carry the reference's answers
to the public checks' own calls. ``templates/`` holds the kit's own modules (copied, never
imported here).
"""
