"""Fixtures for the Python tests of the generated `tuilu` module.

scripts/bindings.sh puts the generated module (with the library beside it) on PYTHONPATH
and the repository root in TUILU_REPO.
"""

import hashlib
import os
import pathlib
import random

import pytest

REPO = pathlib.Path(os.environ.get("TUILU_REPO", pathlib.Path(__file__).resolve().parents[3]))


@pytest.fixture
def xingtu_pack():
    return (REPO / "core/rules/douyin.xingtu-task-cancel.toml").read_text(encoding="utf-8")


@pytest.fixture
def make_file(tmp_path):
    """make_file(name, data=None, size=0) -> (path, sha256 hex)."""

    def make(name, data=None, size=0, seed=None):
        if data is None:
            data = random.Random(seed if seed is not None else size).randbytes(size)
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return str(path), hashlib.sha256(data).hexdigest()

    return make
