"""Two-stage autograder for the Unit-4 deep-learning labs.

Stage 1 (harvest) runs student code in a sandbox and writes artifacts;
stage 2 (check) runs the lab's hidden pytest checks on those artifacts,
without ever importing student code.
"""

__version__ = "0.1.0"
