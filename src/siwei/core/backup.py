"""Backups of the whole database and the uploaded files, with a checksum file, and
their restore: SQLite through its online backup API, PostgreSQL through pg_dump and
pg_restore (the client programs of the server's version)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from . import clock

CHECKSUM_SUFFIX = ".sha256"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass(frozen=True)
class BackupSet:
    database: Path
    media: Path | None
    manifest: Path


def _engine(alias: str = "default") -> str:
    engine = settings.DATABASES[alias]["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed "
                          "(Debian: apt-get install postgresql-client).")
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - argument list, no shell
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[:2000]}")


def backup_create(*, directory: Path, alias: str = "default", media: bool = True) -> BackupSet:
    """Write ``siwei-<time>.sqlite3`` or ``.pgdump`` (and ``-media.tar.gz``) into
    ``directory`` with a manifest of SHA-256 checksums next to them."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = clock.localnow().strftime("%Y%m%d-%H%M%S")
    engine = _engine(alias)
    db = connections[alias].settings_dict
    if engine == "sqlite":
        target = directory / f"siwei-{stamp}.sqlite3"
        connection = connections[alias]
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        target = directory / f"siwei-{stamp}.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--file={target}"], _pg_env(db))
    media_archive = None
    media_root = Path(settings.MEDIA_ROOT)
    if media and media_root.is_dir() and any(media_root.iterdir()):
        media_archive = directory / f"siwei-{stamp}-media.tar.gz"
        with tarfile.open(media_archive, "w:gz") as archive:
            archive.add(media_root, arcname="media")
    files = [p for p in (target, media_archive) if p is not None]
    manifest = target.with_name(target.name + CHECKSUM_SUFFIX)
    manifest.write_text("".join(f"{_sha256(p)}  {p.name}\n" for p in files), encoding="utf-8")
    meta = target.with_name(target.name + ".json")
    meta.write_text(json.dumps({"engine": engine, "created_at": clock.now().isoformat(),
                                "files": [p.name for p in files]}, indent=2), encoding="utf-8")
    return BackupSet(database=target, media=media_archive, manifest=manifest)


def backup_verify(database_file: Path) -> list[Path]:
    """Check every file listed in the backup's checksum file; returns the files."""
    manifest = database_file.with_name(database_file.name + CHECKSUM_SUFFIX)
    if not manifest.exists():
        raise BackupError(f"{manifest.name} is missing: the backup cannot be verified.")
    files = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        expected, _sep, name = line.partition("  ")
        path = database_file.with_name(name)
        if not path.exists():
            raise BackupError(f"{name} is listed in {manifest.name} but missing.")
        if _sha256(path) != expected:
            raise BackupError(f"{name} does not match its checksum: the copy is damaged.")
        files.append(path)
    return files


def backup_restore(*, database_file: Path, alias: str = "default") -> None:
    """Replace the database (and the uploaded files) with a verified backup."""
    files = backup_verify(database_file)
    engine = _engine(alias)
    db = connections[alias].settings_dict
    if engine == "sqlite":
        if database_file.suffix != ".sqlite3":
            raise BackupError("This is not a SQLite backup.")
        connection = connections[alias]
        connection.ensure_connection()
        with sqlite3.connect(database_file) as source:
            source.backup(connection.connection)
        source.close()
    else:
        if database_file.suffix != ".pgdump":
            raise BackupError("This is not a PostgreSQL backup.")
        connections[alias].close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", f"--dbname={db['NAME']}", str(database_file)],
             _pg_env(db))
    media_archive = next((p for p in files if p.name.endswith("-media.tar.gz")), None)
    if media_archive is not None:
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(media_archive, "r:gz") as archive:
            members = [m for m in archive.getmembers()
                       if m.name.startswith("media") and ".." not in Path(m.name).parts]
            archive.extractall(media_root.parent, members=members, filter="data")
