"""The part packages of the book (one per notebook) and the registering modules each one holds."""

import importlib
import pkgutil
from types import ModuleType

import edl


def part_of(module: str) -> str:
    """The part package a module of ``edl`` belongs to.

    >>> part_of("edl.connectionism.checks.hopfield")
    'connectionism'
    """
    name = module.split(".")[1] if module.startswith("edl.") else ""
    if name not in edl.PARTS:
        raise ValueError(f"module must belong to a part package {edl.PARTS}, got {module!r}")
    return name


def notebook_of(module: str) -> str:
    """The notebook (file stem) that states what ``module`` implements or checks.

    >>> notebook_of("edl.optimization.checks.descent")
    'ch03_gradient_learning'
    """
    return importlib.import_module(f"edl.{part_of(module)}").NOTEBOOK


def import_all(kind: str) -> list[ModuleType]:
    """Import ``edl.<part>.<kind>`` of every part, and every submodule where it is a package.

    Importing a ``checks`` or ``exercises`` module registers what it defines.
    """
    modules = []
    for part in edl.PARTS:
        try:
            module = importlib.import_module(f"edl.{part}.{kind}")
        except ModuleNotFoundError as err:
            if err.name != f"edl.{part}.{kind}":
                raise
            continue
        modules.append(module)
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            modules.append(importlib.import_module(f"{module.__name__}.{info.name}"))
    return modules
