"""Device selection and seeded random generators.

The device is chosen once per notebook: CUDA if present, then Apple MPS, then CPU.
The environment variable ``EDL_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``, ``mps``) overrides.
"""

import contextlib
import os

import torch

ENV_VAR = "EDL_DEVICE"


def pick_device(prefer: str | None = None) -> torch.device:
    """Return the device to compute on.

    ``prefer`` (or else ``$EDL_DEVICE``) names a device explicitly; otherwise the first
    available of CUDA, MPS and CPU is used.

    >>> pick_device("cpu")
    device(type='cpu')
    """
    name = prefer if prefer is not None else os.environ.get(ENV_VAR, "").strip()
    if name:
        try:
            device = torch.device(name)
        except RuntimeError as err:
            raise ValueError(f"device must name a torch device such as 'cpu' or 'cuda', got {name!r}") from err
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"device {name!r} requested but CUDA is not available")
        if device.type == "mps" and not torch.backends.mps.is_available():
            raise ValueError(f"device {name!r} requested but Apple MPS is not available")
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe(device: torch.device) -> str:
    """One line naming the device, for the first cell of every notebook."""
    if device.type == "cuda":
        return f"Computing on {device} ({torch.cuda.get_device_name(device)}), torch {torch.__version__}"
    return f"Computing on {device}, torch {torch.__version__}"


def generator(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    """A ``torch.Generator`` on ``device`` seeded with ``seed``; all randomness in the book goes through one.

    >>> g1, g2 = generator(0), generator(0)
    >>> bool((torch.rand(3, generator=g1) == torch.rand(3, generator=g2)).all())
    True
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    g = torch.Generator(device=device)
    g.manual_seed(seed)
    return g


@contextlib.contextmanager
def single_threaded():
    """Run a block (or, as a decorator, a function) with one intra-op torch thread, then restore.

    The book's checks and figures apply thousands of operations to tensors of a few dozen entries.
    Threads cannot speed those up, and on a busy machine (two notebooks executing side by side on
    two cores, as in CI) every parallel region waits for a descheduled worker, which made such
    loops up to 50x slower in our measurements. The ledger runs every check this way.

    >>> before = torch.get_num_threads()
    >>> with single_threaded():
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
