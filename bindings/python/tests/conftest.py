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
    """The Xingtu pack in its compiled JSON form, the form the library reads (a reviewed
    golden file that the CLI tests check against `tuilu rules compile`)."""
    return (REPO / "tests/golden/packs/douyin.xingtu-task-cancel.json").read_text(encoding="utf-8")


@pytest.fixture
def xingtu_pack_toml():
    """The same pack in its authoring form (TOML), which the library does not read."""
    return (REPO / "core/rules/douyin.xingtu-task-cancel.toml").read_text(encoding="utf-8")


@pytest.fixture
def vault(tmp_path):
    """A fresh vault directory (created by the core)."""
    return str(tmp_path / "vault")


@pytest.fixture
def broken_xingtu_pack(xingtu_pack):
    """The Xingtu pack with two mistakes: a dependency on a missing step, an unknown fact."""
    return xingtu_pack.replace(
        '"depends_on": [\n        "record_task_state"', '"depends_on": [\n        "nope"'
    ).replace("task_amount * 0.5", "task_amont * 0.5")


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
