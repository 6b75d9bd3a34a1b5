"""What every check returns, and the comparisons checks are built from.

A check compares a formula with an independent route and returns a :class:`CheckResult`.
Its ``detail`` is what the reader sees; it must be deterministic (rounded), because the
notebooks' verdict lines are compared by ``nbval`` on every run.
"""

from dataclasses import dataclass, field

import numpy as np
import torch


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check: did the formula agree with the independent route, and how closely."""

    passed: bool
    detail: str
    max_error: float = 0.0
    extra: dict = field(default_factory=dict)

    def __and__(self, other: "CheckResult") -> "CheckResult":
        """Combine two sub-checks: both must pass; details are joined."""
        return CheckResult(
            self.passed and other.passed,
            f"{self.detail}; {other.detail}",
            max(self.max_error, other.max_error),
            {**self.extra, **other.extra},
        )


def all_of(*parts: CheckResult) -> CheckResult:
    """Combine sub-checks with ``&``: all must pass, and their details are joined in order."""
    if not parts:
        raise ValueError("parts must hold at least one CheckResult, got none")
    result = parts[0]
    for part in parts[1:]:
        result = result & part
    return result


def to_numpy(x) -> np.ndarray:
    """A float64 NumPy array of a tensor (any device) or array-like."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().double().numpy()
    return np.asarray(x, dtype=np.float64)


def f64(x) -> torch.Tensor:
    """A float64 CPU tensor copied from an array-like (a copy: never a read-only view of NumPy data)."""
    return torch.as_tensor(np.array(x, dtype=np.float64))


def holds(ok: bool, detail: str, failure: str) -> CheckResult:
    """A sub-check of a yes/no claim: ``detail`` when it holds, ``failure`` (saying what was found) when not.

    >>> holds(True, "x is even", "x is odd").passed, holds(False, "x is even", "x = 3 is odd").detail
    (True, 'x = 3 is odd')
    """
    return CheckResult(bool(ok), detail if ok else failure, 0.0 if ok else float("inf"))


def max_abs_error(actual, expected) -> float:
    """Largest absolute difference, in float64; a shape mismatch or NaN counts as infinite error."""
    a, e = to_numpy(actual), to_numpy(expected)
    if a.shape != e.shape:
        return float("inf")
    if a.size == 0:
        return 0.0
    diff = np.abs(a - e)
    return float("inf") if np.isnan(diff).any() else float(diff.max())


def max_rel_error(actual, expected, floor: float = 1e-300) -> float:
    """Largest relative difference ``|a - e| / max(|e|, floor)``."""
    a, e = to_numpy(actual), to_numpy(expected)
    if a.shape != e.shape:
        return float("inf")
    rel = np.abs(a - e) / np.maximum(np.abs(e), floor)
    return float("inf") if np.isnan(rel).any() else float(rel.max(initial=0.0))


def check_close(actual, expected, *, atol: float = 0.0, rtol: float = 0.0, what: str = "values") -> CheckResult:
    """Pass if every entry satisfies ``|a - e| <= atol + rtol |e|``.

    The detail names the tolerance (not the achieved error, which varies by machine),
    so that the printed verdict is identical on every CPU and GPU.

    >>> check_close([1.0, 2.0], [1.0, 2.0 + 1e-13], atol=1e-12).passed
    True
    >>> r = check_close([1.0], [1.5], atol=1e-3, what="pdf")
    >>> r.passed, r.detail
    (False, 'pdf differ by 0.5 > tolerance (atol 1e-03)')
    """
    if atol < 0 or rtol < 0 or (atol == 0 and rtol == 0):
        raise ValueError(f"need atol >= 0, rtol >= 0 and not both zero, got atol={atol!r}, rtol={rtol!r}")
    a, e = to_numpy(actual), to_numpy(expected)
    tol = " ".join(f"{n} {v:.0e}" for n, v in (("atol", atol), ("rtol", rtol)) if v)
    if a.shape != e.shape:
        return CheckResult(False, f"{what}: shape {a.shape} != expected {e.shape}", float("inf"))
    err = max_abs_error(a, e)
    excess = np.abs(a - e) - (atol + rtol * np.abs(e))
    if np.isnan(excess).any() or (excess > 0).any():
        return CheckResult(False, f"{what} differ by {err:.3g} > tolerance ({tol})", err)
    return CheckResult(True, f"{what} agree within {tol}", err)


def check_leq(lhs, rhs, *, what: str, slack_name: str = "smallest slack", tol: float = 0.0) -> CheckResult:
    """Pass if ``lhs <= rhs + tol`` everywhere (an inequality check); report the tightest case."""
    left, right = to_numpy(lhs), to_numpy(rhs)
    gap = right - left
    worst = float(np.min(gap))
    if np.isnan(gap).any() or worst < -tol:
        return CheckResult(False, f"{what} violated: worst excess {-worst:.3g}", max(0.0, -worst))
    return CheckResult(True, f"{what} on {gap.size} cases, {slack_name} {worst:.3g}", 0.0)


def check_monte_carlo(samples, expected: float, *, n_se: float = 4.0, what: str = "mean") -> CheckResult:
    """Pass if the sample mean lies within ``n_se`` standard errors of ``expected``.

    >>> import numpy as np
    >>> check_monte_carlo(np.random.default_rng(0).normal(size=200_000), 0.0, what="E Z").detail
    'E Z: Monte Carlo over 200,000 draws within 4 SE'
    """
    x = to_numpy(samples).ravel()
    if x.size < 2:
        raise ValueError(f"samples must hold at least 2 values, got {x.size}")
    mean, se = float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))
    z = abs(mean - expected) / se if se > 0 else (0.0 if mean == expected else float("inf"))
    detail = f"{what}: Monte Carlo over {x.size:,} draws within {n_se:g} SE" if z <= n_se else \
        f"{what}: Monte Carlo mean {mean:.4g} is {z:.1f} SE from {expected:.4g}"
    return CheckResult(z <= n_se, detail, abs(mean - expected), {"z": z})
