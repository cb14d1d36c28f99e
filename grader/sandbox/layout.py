"""What a sandbox is made of: its file system and, on the cold path, its interpreter.

Computed on the trusted side before a child is forked (a child of a multi-threaded
worker must not touch the import system), and probed by ``protections``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from functools import lru_cache

from grader.sandbox import isolate

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@lru_cache(maxsize=1)
def default_layout() -> isolate.Layout:
    """The sandbox's whole file system: the interpreter, NumPy, the harness, nothing else."""
    lay = isolate.Layout()
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = "/" + name
        if os.path.islink(path):
            lay.symlinks[path] = os.readlink(path)
        elif os.path.isdir(path):
            lay.ro_dirs.append(path)
    lay.ro_dirs.append("/usr")
    base = os.path.realpath(sys.base_prefix)
    if not base.startswith("/usr/"):
        lay.ro_dirs.append(base)
    ver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    lay.hidden_dirs.append(os.path.join(base, "lib", ver, "site-packages"))
    spec = importlib.util.find_spec("numpy")
    if spec is not None and spec.origin:
        np_dir = os.path.dirname(os.path.realpath(spec.origin))
        lay.ro_dirs.append(np_dir)
        if os.path.isdir(np_dir + ".libs"):
            lay.ro_dirs.append(np_dir + ".libs")
    grader = os.path.join(PROJECT_ROOT, "grader")
    lay.ro_dirs.append(os.path.join(grader, "harness"))
    lay.empty_files += [
        os.path.join(grader, "__init__.py"),
        os.path.join(grader, "sandbox", "__init__.py"),
    ]
    lay.ro_files.append(os.path.join(grader, "sandbox", "child.py"))
    return lay


def cold_python() -> tuple[str, list[str]]:
    """The interpreter binary and the sys.path a cold child starts with."""
    ver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    exe = os.path.realpath(os.path.join(sys.base_prefix, "bin", ver))
    paths = [PROJECT_ROOT]
    spec = importlib.util.find_spec("numpy")
    if spec is not None and spec.origin:
        paths.append(os.path.dirname(os.path.dirname(os.path.realpath(spec.origin))))
    return exe, paths
