"""Probe inputs of the bptt_numpy lab, drawn from the grader's seed.

Stage 1 feeds them to the student's functions; stage 2 draws the same ones
again (it never trusts inputs read back from artifacts).
"""

from __future__ import annotations

import numpy as np

from autograder.harvest import rng_for


def _pick(rng: np.random.Generator, low: int, high: int, taken: set[int]) -> int:
    value = int(rng.choice([v for v in range(low, high) if v not in taken]))
    taken.add(value)
    return value


def sizes(seed: int) -> dict[str, int]:
    """Grader-chosen sizes N, T, D, H for this seed (never the notebook's).

    The four are always different, so a transposed weight, a (T, N, H) layout or
    an input handed back unchanged never has the expected shape by chance.
    """
    rng = rng_for(seed, "sizes")
    taken: set[int] = set()
    N = _pick(rng, 2, 5, taken)
    T = _pick(rng, 4, 8, taken)
    D = _pick(rng, 3, 7, taken)
    H = _pick(rng, 4, 9, taken)
    return {"N": N, "T": T, "D": D, "H": H}


def weights(rng: np.random.Generator, D: int, H: int, scale: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    Wx = rng.normal(0.0, scale, (D, H))
    Wh = rng.normal(0.0, scale, (H, H))
    b = rng.normal(0.0, 0.1, H)
    return Wx, Wh, b


def step(seed: int) -> dict[str, np.ndarray]:
    """Inputs of one step: x, h_prev (not zero), Wx, Wh, b and an upstream gradient dh_next."""
    s = sizes(seed)
    rng = rng_for(seed, "step")
    Wx, Wh, b = weights(rng, s["D"], s["H"])
    return {
        "x": rng.normal(size=(s["N"], s["D"])),
        "h_prev": rng.normal(size=(s["N"], s["H"])) * 0.5,
        "Wx": Wx, "Wh": Wh, "b": b,
        "dh_next": rng.normal(size=(s["N"], s["H"])),
    }


def sequence(seed: int) -> dict[str, np.ndarray]:
    """Inputs of a sequence: x (N,T,D), h0 (not zero), weights, and upstream gradients dh (N,T,H)."""
    s = sizes(seed)
    rng = rng_for(seed, "sequence")
    Wx, Wh, b = weights(rng, s["D"], s["H"])
    return {
        "x": rng.normal(size=(s["N"], s["T"], s["D"])),
        "h0": rng.normal(size=(s["N"], s["H"])) * 0.5,
        "Wx": Wx, "Wh": Wh, "b": b,
        "dh": rng.normal(size=(s["N"], s["T"], s["H"])),
    }


#: Recurrent weight scales of the long-range probe: contracting and expanding.
LONG_RANGE_SCALES = {"small": 0.25, "large": 1.5}
LONG_RANGE_T = 30


def long_range(seed: int, setting: str) -> dict[str, np.ndarray]:
    """A long sequence with loss on the last state only: where gradients vanish or explode.

    Wh is an orthogonal matrix times the setting's scale, so the gradient of the
    last state shrinks (scale < 1) or is held up (scale > 1, until tanh saturates)
    as it travels back in time.
    """
    rng = rng_for(seed, f"long_range_{setting}")
    N, D, H, T = 2, 3, 8, LONG_RANGE_T
    q, _ = np.linalg.qr(rng.normal(size=(H, H)))
    dh = np.zeros((N, T, H))
    dh[:, -1] = rng.normal(size=(N, H))
    return {
        "x": rng.normal(size=(N, T, D)) * 0.3,
        "h0": np.zeros((N, H)),
        "Wx": rng.normal(0.0, 0.3, (D, H)),
        "Wh": q * LONG_RANGE_SCALES[setting],
        "b": np.zeros(H),
        "dh": dh,
    }


#: The clipping probes: (max_norm as a fraction of the global norm, how many arrays).
#: Two different max_norm ratios over the norm and one under it, and lists of
#: different lengths (a 3-D array among them), so a function that assumes three
#: arrays or one max_norm does not pass.
CLIP_CASES = {"over": (1 / 3, 3), "over_many": (0.8, 5), "under": (1.25, 4)}


def clipping(seed: int, case: str) -> tuple[list[np.ndarray], float]:
    """Gradient arrays and a max_norm that their global norm is above ("over", "over_many") or below ("under")."""
    ratio, count = CLIP_CASES[case]
    s = sizes(seed)
    rng = rng_for(seed, f"clip_{case}")
    shapes = [(s["D"], s["H"]), (s["H"], s["H"]), (s["H"],), (s["N"], s["T"], s["D"]), (s["N"], s["H"])][:count]
    grads = [rng.normal(size=shape) for shape in shapes]
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return grads, norm * ratio
