"""Downloading a file once, verifying it, and caching it: the machinery behind :mod:`lmcore.datasets`.

A :class:`Source` names a file (URL, licence, SHA-256 where known); :func:`fetch` returns its
path in the cache (:func:`default_cache_dir`, or the folder in ``LMCORE_CACHE``), downloading
it first with `pooch <https://www.fatiando.org/pooch/>`_ if needed. Its SHA-256 is checked on
every load; where none is known, the first download records it in ``registry.json`` in the
cache (*trust on first use*). A corrupted cached file is fetched again; a failed, interrupted
or too slow download raises a :class:`ConnectionError` that says where to put the file by
hand. Processes that load the same source at once wait for each other (a lock file), and
the next load deletes what a killed download left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import pooch

from lmcore._checks import check_float

__all__ = ["CACHE_ENV", "REGISTRY_FILE", "Source", "default_cache_dir", "sha256_of", "fetch"]

#: Environment variable that moves the cache (default: the platform's user cache folder).
CACHE_ENV = "LMCORE_CACHE"
#: The trust-on-first-use record, a JSON file in the cache folder.
REGISTRY_FILE = "registry.json"

_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Source:
    """One downloadable file: where it lives, what it is, its licence and its SHA-256.

    ``sha256`` is ``None`` when nobody has recorded it: the first download is then trusted
    and its hash written to the cache's ``registry.json``.
    """

    name: str
    url: str
    filename: str
    licence: str
    description: str
    sha256: str | None = None

    def __post_init__(self):
        for key in ("name", "url", "filename", "licence", "description"):
            if not isinstance(getattr(self, key), str):
                raise TypeError(f"{key} must be a str, got {type(getattr(self, key)).__name__}")
        for key in ("name", "filename"):  # each becomes a file or folder name in the cache
            value = getattr(self, key)
            if value in ("", ".", "..") or any(c in value for c in "/\\\0"):
                raise ValueError(f"{key} must be a plain file name (no folders), got {value!r}")
        if not self.url.startswith(("https://", "http://")):
            raise ValueError(f"url must start with https:// or http://, got {self.url!r}")
        if self.sha256 is not None and not (isinstance(self.sha256, str) and _HEX64.fullmatch(self.sha256)):
            raise ValueError(f"sha256 must be 64 lowercase hex digits or None, got {self.sha256!r}")


_PARTIAL = "tmp"  # pooch names its temporary download files tmpXXXXXXXX in the target folder


def default_cache_dir() -> Path:
    """``$LMCORE_CACHE`` if set, else the platform's user cache folder for lmcore
    (``~/.cache/lmcore`` or ``$XDG_CACHE_HOME/lmcore`` on Linux, ``~/Library/Caches/lmcore``
    on macOS, ``%LOCALAPPDATA%\\lmcore\\Cache`` on Windows)."""
    override = os.environ.get(CACHE_ENV)
    return Path(override).expanduser() if override else Path(pooch.os_cache("lmcore"))


def sha256_of(path) -> str:
    """The SHA-256 of a file's bytes, 64 lowercase hex digits.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "x"); _ = p.write_bytes(b"abc"); sha256_of(p)[:16]
    'ba7816bf8f01cfea'
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path, got {type(path).__name__}")
    return pooch.file_hash(str(path), alg="sha256")


# ----------------------------------------------------------------------- locks and the registry


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on ``path`` (created if missing) until the block ends.

    The operating system releases it when the process dies, even by SIGKILL.
    """
    with open(path, "a+b") as handle:
        if os.name == "nt":  # pragma: no cover - exercised on Windows only
            import msvcrt
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
        else:
            import fcntl
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def _recorded_hashes(cache: Path) -> dict:
    path = cache / REGISTRY_FILE
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise ValueError(f"the registry file {path} is damaged ({exc}); delete it and load "
                         "again (the next download is then trusted afresh)") from None


def _record_hash(cache: Path, source: Source, digest: str) -> None:
    """Add ``source``'s digest to the registry, atomically (replace a complete new file)."""
    with _locked(cache / ".registry.lock"):
        entries = _recorded_hashes(cache)
        entries[source.name] = {"url": source.url, "file": source.filename, "sha256": digest}
        for debris in cache.glob(f".{REGISTRY_FILE}.*"):  # a writer killed before os.replace
            debris.unlink(missing_ok=True)
        tmp = cache / f".{REGISTRY_FILE}.{os.getpid()}"
        tmp.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, cache / REGISTRY_FILE)


# ------------------------------------------------------------------------------ the download


class _DeadlineDownloader:
    """pooch's HTTPDownloader with a limit on the whole download, not only on each read.

    A timer shuts the connection's socket when ``limit`` seconds have passed, which wakes
    a read that a slow server keeps alive by sending a byte now and then.
    """

    def __init__(self, limit: float, progress: bool):
        self.limit, self.progress, self.expired = limit, progress, False
        self._response = None

    def _keep(self, response, *args, **kwargs):
        self._response = response

    def _expire(self):
        self.expired = True
        raw = getattr(self._response, "raw", None)
        try:
            raw.shutdown()  # urllib3 >= 2.3: wakes a read blocked in another thread
        except Exception:  # older urllib3: shut the socket under the response directly
            with contextlib.suppress(Exception):
                raw._fp.fp.raw._sock.shutdown(socket.SHUT_RDWR)

    def __call__(self, url, output_file, pooch_instance):
        inner = pooch.HTTPDownloader(progressbar=self.progress, chunk_size=1 << 16,
                                     timeout=min(30.0, self.limit), hooks={"response": self._keep})
        timer = threading.Timer(self.limit, self._expire)
        timer.daemon = True
        timer.start()
        try:
            inner(url, output_file, pooch_instance)
        except Exception:
            if not self.expired:
                raise
        finally:
            timer.cancel()
        if self.expired:
            raise TimeoutError(f"the download took longer than timeout={self.limit:g} s")


def _help(source: Source, target: Path) -> str:
    return (f"Are you offline? Download {source.url} on a machine that is online and copy it "
            f"to\n    {target}\n(it is checked before use), or point LMCORE_CACHE at a cache "
            "folder copied from another machine. The course's own texts need no network.")


def fetch(source: Source, cache_dir=None, *, timeout: float = 300.0, progress: bool = True) -> Path:
    """Return the path of ``source``'s file in the cache, downloading it first if needed.

    Args:
        source: a :class:`Source` (a value of :data:`SOURCES`, or :func:`gutenberg_source`).
        cache_dir: the cache folder; ``None`` means :func:`default_cache_dir`.
        timeout: seconds allowed for the whole download (each read also gives up after
            ``min(30, timeout)`` s of silence).
        progress: show a tqdm progress bar while downloading.

    Raises:
        ConnectionError: offline, server error, connection cut, or over the time limit.
        ValueError: the downloaded file does not have the expected SHA-256 (nothing is kept).
    """
    if not isinstance(source, Source):
        raise TypeError(f"source must be an lmcore.datasets.Source, got {type(source).__name__}")
    timeout = check_float("timeout", timeout, minimum=0, min_inclusive=False)
    if cache_dir is None:
        cache_dir = default_cache_dir()
    if not isinstance(cache_dir, (str, os.PathLike)):
        raise TypeError(f"cache_dir must be a folder path, got {type(cache_dir).__name__}")
    cache = Path(cache_dir).expanduser().resolve()
    if cache.exists() and not cache.is_dir():
        raise ValueError(f"cache_dir {str(cache)!r} is a file, not a folder")
    folder = cache / source.name
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.filename
    with _locked(folder / ".lock"):
        for debris in set(folder.glob(f"{_PARTIAL}*")) - {target}:  # from a killed download
            print(f"lmcore.datasets: removing {debris.name}, a partial download of {source.name} "
                  "left by an interrupted run")
            debris.unlink(missing_ok=True)
        expected = source.sha256 or _recorded_hashes(cache).get(source.name, {}).get("sha256")
        if target.exists():
            if expected is None:  # placed by hand before any download: trust it once, too
                _record_hash(cache, source, sha256_of(target))
                print(f"lmcore.datasets: no known SHA-256 for {source.name}; recorded the hash "
                      f"of {target} in {cache / REGISTRY_FILE} and will hold it to it")
                return target
            if sha256_of(target) == expected:
                return target
            print(f"lmcore.datasets: {target} does not match its SHA-256 (corrupted or "
                  "changed): downloading it again")
            target.unlink()
        _download(source, target, expected, timeout, progress)
        if expected is None:
            digest = sha256_of(target)
            _record_hash(cache, source, digest)
            print(f"lmcore.datasets: {source.name} has no published SHA-256; trusted this first "
                  f"download and recorded sha256={digest[:12]}... in {cache / REGISTRY_FILE}")
    return target


def _download(source: Source, target: Path, expected: str | None, timeout: float,
              progress: bool) -> None:
    import requests  # pooch's own dependency, imported only when something is downloaded

    downloader = _DeadlineDownloader(timeout, progress)
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")  # our own one-line messages replace pooch's log
    try:
        pooch.retrieve(source.url, known_hash=expected, fname=target.name, path=target.parent,
                       downloader=downloader)
    except (requests.RequestException, TimeoutError, OSError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        reason = reason if len(reason) <= 160 else "..." + reason[-157:]  # the cause is last
        raise ConnectionError(f"could not download {source.url} ({reason}).\n"
                              f"{_help(source, target)}") from exc
    except ValueError as exc:
        raise ValueError(f"the file downloaded from {source.url} does not have the expected "
                         f"SHA-256 and was deleted ({exc}). If the source changed on purpose, "
                         f"delete its entry in {target.parent.parent / REGISTRY_FILE}.") from exc
    finally:
        logger.setLevel(level)
