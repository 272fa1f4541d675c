"""Tests for lmcore.datasets against a local HTTP server that the tests start on 127.0.0.1.

Nothing here leaves the machine: every URL points at the server below, which serves files
the tests write and misbehaves on purpose (truncated bodies, a chunked stream cut in the
middle, a slow drip, a hang). Checksums are computed with hashlib, independently of pooch.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from lmcore import corpus, datasets
from lmcore.datasets import Source, fetch

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses fork and POSIX signals")


class Server:
    """Serves ``files[name]`` at ``/<mode>/<name>``; counts the requests per path."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.requests: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests[self.path] = server.requests.get(self.path, 0) + 1
                mode, _, name = self.path.strip("/").partition("/")
                body = server.files.get(name)
                if body is None:
                    self.send_error(404)
                    return
                try:
                    getattr(self, f"serve_{mode}")(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def head(self, length, chunked=False):
                self.send_response(200)
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(length))
                self.end_headers()

            def serve_files(self, body):
                self.head(len(body))
                self.wfile.write(body)

            def serve_truncated(self, body):  # promises every byte, sends half, hangs up
                self.head(len(body))
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True

            def serve_cut(self, body):  # chunked transfer that stops without its last chunk
                self.head(0, chunked=True)
                half = body[: len(body) // 2]
                self.wfile.write(f"{len(half):x}\r\n".encode() + half + b"\r\n")
                self.wfile.flush()
                self.close_connection = True

            def serve_drip(self, body):  # one byte every 20 ms: never silent for long
                self.head(len(body))
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(0.02)

            def serve_slow(self, body):  # 16 KiB every 20 ms
                self.head(len(body))
                for i in range(0, len(body), 1 << 14):
                    self.wfile.write(body[i:i + (1 << 14)])
                    self.wfile.flush()
                    time.sleep(0.02)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def source(self, name, mode="files", sha256="known", **fields) -> Source:
        if sha256 == "known":
            sha256 = hashlib.sha256(self.files[name]).hexdigest()
        return Source(name=fields.pop("source_name", "test-" + name.split(".")[0]),
                      url=f"{self.base}/{mode}/{name}", filename=name, licence="test only",
                      description="a file written by the test", sha256=sha256, **fields)


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # never route a test through a proxy
    s = Server()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def leftovers(cache: Path, source: Source) -> list[str]:
    """Files in the source's cache folder other than its lock."""
    return sorted(p.name for p in (cache / source.name).iterdir() if p.name != ".lock")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TEXT = ("It was a bright cold day in a small test file. " * 2000).encode()  # 96 kB


# ------------------------------------------------------------------------------ happy paths


def test_verified_download_then_served_from_the_cache(server, tmp_path, capsys):
    server.files["a.txt"] = TEXT
    src = server.source("a.txt")
    path = fetch(src, tmp_path)
    assert path == tmp_path / src.name / "a.txt" and path.read_bytes() == TEXT
    assert "100%" in capsys.readouterr().err  # the tqdm progress bar, filled
    assert fetch(src, tmp_path, progress=False) == path
    assert server.requests == {"/files/a.txt": 1}  # the second load never touched the server
    assert leftovers(tmp_path, src) == ["a.txt"]


def test_checksum_mismatch_is_an_error_and_leaves_no_file(server, tmp_path):
    server.files["a.txt"] = TEXT
    src = server.source("a.txt", sha256=hashlib.sha256(b"something else").hexdigest())
    with pytest.raises(ValueError, match="SHA-256"):
        fetch(src, tmp_path, progress=False)
    assert leftovers(tmp_path, src) == []


def test_trust_on_first_use_is_recorded_then_enforced(server, tmp_path, capsys):
    server.files["b.txt"] = TEXT
    src = server.source("b.txt", sha256=None)
    path = fetch(src, tmp_path, progress=False)
    said = capsys.readouterr().out
    assert said.count("\n") == 1 and "trusted this first download" in said
    registry = json.loads((tmp_path / "registry.json").read_text())
    assert registry[src.name]["sha256"] == hashlib.sha256(TEXT).hexdigest()
    # the server now hands out other bytes under the same URL, and the cached copy is lost
    server.files["b.txt"] = TEXT.replace(b"cold", b"warm")
    path.unlink()
    with pytest.raises(ValueError, match="SHA-256"):
        fetch(src, tmp_path, progress=False)
    assert leftovers(tmp_path, src) == []


def test_a_corrupted_cache_is_detected_and_fetched_again(server, tmp_path, capsys):
    server.files["c.txt"] = TEXT
    src = server.source("c.txt")
    path = fetch(src, tmp_path, progress=False)
    path.write_bytes(TEXT[:1000] + b"garbage")
    assert fetch(src, tmp_path, progress=False).read_bytes() == TEXT
    assert "does not match its SHA-256" in capsys.readouterr().out
    assert server.requests["/files/c.txt"] == 2


# -------------------------------------------------------------------------------- failures


def offline_words(message: str, src: Source, cache: Path) -> None:
    assert src.url in message and "offline" in message
    assert str(cache / src.name / src.filename) in message and "copy it to" in message


def test_offline_error_names_the_url_the_cache_path_and_the_manual_step(tmp_path):
    src = Source("test-offline", f"http://127.0.0.1:{closed_port()}/files/x.txt", "x.txt",
                 "test only", "nothing listens on this port", None)
    with pytest.raises(ConnectionError) as error:
        fetch(src, tmp_path, progress=False)
    offline_words(str(error.value), src, tmp_path)
    assert leftovers(tmp_path, src) == []
    # following the message: the file copied by hand to the path it names is used (and trusted)
    (tmp_path / src.name / src.filename).write_bytes(TEXT)
    assert fetch(src, tmp_path, progress=False).read_bytes() == TEXT
    registry = json.loads((tmp_path / "registry.json").read_text())
    assert registry[src.name]["sha256"] == hashlib.sha256(TEXT).hexdigest()


@pytest.mark.parametrize("mode", ["truncated", "cut"])
@pytest.mark.parametrize("sha256", ["known", None])
def test_a_transfer_cut_midway_gives_the_offline_error(server, tmp_path, mode, sha256):
    server.files["d.txt"] = TEXT
    src = server.source("d.txt", mode=mode, sha256=sha256)
    with pytest.raises(ConnectionError) as error:
        fetch(src, tmp_path, progress=False)
    offline_words(str(error.value), src, tmp_path)
    assert leftovers(tmp_path, src) == []
    assert not (tmp_path / "registry.json").exists()  # nothing was trusted


def test_the_time_limit_covers_the_whole_download(server, tmp_path):
    server.files["e.txt"] = TEXT[:2000]  # 40 s at the drip's pace, never 20 ms silent
    src = server.source("e.txt", mode="drip")
    started = time.monotonic()
    with pytest.raises(ConnectionError, match="timeout=0.5 s") as error:
        fetch(src, tmp_path, timeout=0.5, progress=False)
    assert time.monotonic() - started < 3.0
    offline_words(str(error.value), src, tmp_path)
    assert leftovers(tmp_path, src) == []


def _load(url_and_cache):
    url, cache, sha = url_and_cache
    src = Source("test-shared", url, "f.txt", "test only", "shared", sha)
    return hashlib.sha256(fetch(src, cache, progress=False).read_bytes()).hexdigest()


def test_eight_processes_loading_one_corrupted_source_all_succeed(server, tmp_path):
    server.files["f.txt"] = TEXT * 4  # 384 kB, served in about 0.5 s
    digest = hashlib.sha256(TEXT * 4).hexdigest()
    (tmp_path / "test-shared").mkdir()
    (tmp_path / "test-shared" / "f.txt").write_bytes(b"half a download")  # corrupted cache
    with multiprocessing.get_context("fork").Pool(8) as pool:
        got = pool.map(_load, [(f"{server.base}/slow/f.txt", tmp_path, digest)] * 8, chunksize=1)
    assert got == [digest] * 8
    assert server.requests == {"/slow/f.txt": 1}  # one process downloaded, seven waited


KILLED = """
import sys
from lmcore.datasets import Source, fetch
fetch(Source("test-killed", sys.argv[1], "g.txt", "test only", "killed", None), sys.argv[2],
      progress=False)
"""


def partial_sizes(folder):
    """Sizes of the download's partial files; one may be renamed or removed while we look."""
    sizes = []
    for path in folder.glob("tmp*"):
        with contextlib.suppress(FileNotFoundError):
            sizes.append(path.stat().st_size)
    return sizes


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_download_leaves_nothing_that_is_never_cleaned(server, tmp_path, sig, capsys):
    server.files["g.txt"] = TEXT * 40  # 3.8 MB at 0.8 MB/s: still running when killed
    child = subprocess.Popen([sys.executable, "-c", KILLED, f"{server.base}/slow/g.txt",
                              str(tmp_path)], env={**os.environ, "NO_PROXY": "127.0.0.1"})
    folder = tmp_path / "test-killed"
    deadline = time.monotonic() + 30
    while not any(size > 0 for size in partial_sizes(folder)):
        assert child.poll() is None, f"the download process ended early ({child.returncode})"
        assert time.monotonic() < deadline, "the download never started"
        time.sleep(0.02)
    child.send_signal(sig)
    assert child.wait(10) == -sig
    partial = [p.name for p in folder.glob("tmp*")]
    assert partial, "expected the killed process to leave its partial file"  # it cannot clean up
    server.files["h.txt"] = TEXT
    src = Source("test-killed", f"{server.base}/files/h.txt", "g.txt", "test only", "", None)
    capsys.readouterr()
    assert fetch(src, tmp_path, progress=False).read_bytes() == TEXT
    assert "partial download" in capsys.readouterr().out  # ... so the next load does
    assert leftovers(tmp_path, src) == ["g.txt"]


def test_bad_arguments_name_the_argument(tmp_path):
    src = Source("x", "http://127.0.0.1:1/x", "x", "", "", None)
    with pytest.raises(ValueError, match="timeout"):
        fetch(src, tmp_path, timeout=0)
    with pytest.raises(TypeError, match="cache_dir"):
        fetch(src, 42)
    with pytest.raises(TypeError, match="source"):
        fetch("tiny-shakespeare", tmp_path)
    with pytest.raises(ValueError, match="book_id"):
        datasets.gutenberg(0, tmp_path)


# ------------------------------------------------------------------- the three public sources


def test_registry_entries_are_complete():
    for name, src in datasets.SOURCES.items():
        assert src.name == name and src.url.startswith("https://") and src.licence
        assert src.sha256 is None or len(src.sha256) == 64


def test_gutenberg_strips_the_licence_and_uses_the_cache_folder_from_the_environment(
        server, tmp_path, monkeypatch):
    body = "Chapter 1\r\n\r\nIt is a truth universally acknowledged, in a test.\r\n"
    book = ("\ufeffThe Project Gutenberg eBook of A Test\r\nlicence words\r\n"
            "*** START OF THE PROJECT GUTENBERG EBOOK A TEST ***\r\n" + body +
            "*** END OF THE PROJECT GUTENBERG EBOOK A TEST ***\r\nmore licence\r\n")
    server.files["pg77.txt"] = book.encode()
    monkeypatch.setattr(datasets, "GUTENBERG_URL", server.base + "/files/pg{id}.txt")
    monkeypatch.setenv("LMCORE_CACHE", str(tmp_path / "env-cache"))
    text = datasets.gutenberg(77, progress=False)
    assert text == "Chapter 1\n\nIt is a truth universally acknowledged, in a test."
    assert (tmp_path / "env-cache" / "gutenberg-77" / "pg77.txt").exists()
    # the same book through the notebooks' switch
    monkeypatch.setenv("LMCORE_TEXT", "gutenberg:77")
    assert corpus.course_text() == text
    server.files["pg78.txt"] = b"no markers in this file"
    with pytest.raises(ValueError, match="book_id 78"):
        datasets.gutenberg(78, progress=False)


def test_tiny_shakespeare_and_uci_sentiment_from_a_local_mirror(server, tmp_path, monkeypatch):
    server.files["input.txt"] = b"First Citizen:\nBefore we proceed any further, hear me speak.\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("s/amazon_cells_labelled.txt", "Great phone.\t1\nDead in a week.\t0\n")
        zf.writestr("s/imdb_labelled.txt", "A lovely film.\t1\n")
        zf.writestr("s/yelp_labelled.txt", "Cold soup.\t0\n")
    server.files["uci.zip"] = buffer.getvalue()
    for key, name in [("tiny-shakespeare", "input.txt"), ("uci-sentiment", "uci.zip")]:
        mirror = server.source(name, source_name=key)
        monkeypatch.setitem(datasets.SOURCES, key, replace(datasets.SOURCES[key], url=mirror.url,
                                                           filename=name, sha256=mirror.sha256))
    assert datasets.tiny_shakespeare(tmp_path, progress=False) == server.files["input.txt"].decode()
    reviews = datasets.uci_sentiment(tmp_path, progress=False)
    assert reviews.texts == ["Great phone.", "Dead in a week.", "A lovely film.", "Cold soup."]
    assert reviews.labels.tolist() == [1, 0, 1, 0]
    assert reviews.domains == ["amazon", "amazon", "imdb", "yelp"]
    monkeypatch.setenv("LMCORE_CACHE", str(tmp_path))
    monkeypatch.setenv("LMCORE_TEXT", "Shakespeare")
    assert corpus.course_text() == server.files["input.txt"].decode()
    assert server.requests == {"/files/input.txt": 1, "/files/uci.zip": 1}


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LMCORE_CACHE", str(tmp_path / "mine"))
    assert datasets.default_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("LMCORE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if os.uname().sysname == "Linux":
        assert datasets.default_cache_dir() == tmp_path / "lmcore"


def test_sha256_of_matches_hashlib(tmp_path):
    p = tmp_path / "f"
    content = bytes(range(256)) * 700  # more than one 64 KiB chunk
    p.write_bytes(content)
    assert datasets.sha256_of(p) == hashlib.sha256(content).hexdigest()


def test_importing_downloads_nothing():
    code = ("import socket\n"
            "def refuse(*a, **k): raise AssertionError('network at import')\n"
            "socket.socket.connect = refuse\n"
            "import lmcore.datasets, lmcore.corpus\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
