"""Probe inputs of the bptt_numpy lab, drawn from the grader's seed.

Stage 1 feeds them to the student's functions; stage 2 draws the same ones
again (it never trusts inputs read back from artifacts).
"""

from __future__ import annotations

import numpy as np

from autograder.harvest import rng_for


def sizes(seed: int) -> dict[str, int]:
    """Grader-chosen sizes N, T, D, H for this seed (never the notebook's)."""
    rng = rng_for(seed, "sizes")
    return {"N": int(rng.integers(2, 5)), "T": int(rng.integers(4, 8)), "D": int(rng.integers(3, 7)), "H": int(rng.integers(4, 9))}


def weights(rng: np.random.Generator, D: int, H: int, scale: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    Wx = rng.normal(0.0, scale, (D, H))
    Wh = rng.normal(0.0, scale, (H, H))
    b = rng.normal(0.0, 0.1, H)
    return Wx, Wh, b


def step(seed: int) -> dict[str, np.ndarray]:
    """Inputs of one step: x, h_prev, Wx, Wh, b and an upstream gradient dh_next."""
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
    """Inputs of a sequence: x (N,T,D), h0, weights, and upstream gradients dh (N,T,H)."""
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


def clipping(seed: int, over: bool) -> tuple[list[np.ndarray], float]:
    """Gradient arrays and a max_norm that their global norm is above (over) or below."""
    rng = rng_for(seed, f"clip_{'over' if over else 'under'}")
    grads = [rng.normal(size=shape) for shape in [(3, 4), (4, 4), (4,)]]
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return grads, (norm / 3.0 if over else norm * 2.0)
