"""The files a built page needs at view time, copied next to it so it works from file:// offline.

- MathJax 2 from the pinned PyPI package ``jupyter-server-mathjax`` (requirements-dev.txt): its
  ``static/`` folder. The package ships the combined ``TeX-AMS-MML_HTMLorMML-full`` configuration
  and the STIX-Web fonts of the HTML-CSS output (Chromium loads them from file://), not the SVG
  output jax, so the SVG folders and the sounds are left out.
- reveal.js from the npm registry at a pinned version, checked against the registry's sha512
  integrity; the tarball is cached in ``build/.cache/`` so a second build needs no network.
- The course's own style sheet (``course.css``) and, for the decks, a reveal.js theme that uses
  the notebooks' fonts and colours.
Everything goes into ``<out>/_static/`` and pages refer to it by a relative path.
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
STATIC = "_static"
CACHE = ROOT / "build" / ".cache"

REVEAL_VERSION = "5.2.1"
#: ``npm view reveal.js@5.2.1 dist.integrity``; a tarball with another digest is refused
REVEAL_INTEGRITY = ("sha512-r7//6mIM5p34hFiDMvYfXgyjXqGRta+/psd9YtytsgRlrpRzFv4RbH76TXd2qD+7ZPZEbpBDhdRh"
                    "JaFgfQ7zNQ==")
#: the files of the reveal.js package a deck uses (relative to the package root)
REVEAL_FILES = ("dist/reveal.js", "dist/reveal.css", "dist/theme/white.css", "plugin/notes/notes.js",
                "LICENSE")

MATHJAX_URL = f"{STATIC}/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
REVEAL_PREFIX = f"{STATIC}/reveal.js"


def mathjax_source() -> Path:
    try:
        import jupyter_server_mathjax
    except ImportError as exc:  # pragma: no cover - make setup installs it
        raise SystemExit("jupyter-server-mathjax is missing: run `make setup`") from exc
    return Path(jupyter_server_mathjax.__file__).parent / "static"


def _mathjax_wanted(rel: Path) -> bool:
    # the SVG output jax is not in the package (only its fonts): pages use HTML-CSS with STIX-Web
    if rel.parts[:3] == ("jax", "output", "SVG"):
        return False
    return rel.suffix not in {".mp3", ".ogg", ".otf", ".eot"}


def copy_mathjax(static: Path, source: Path | None = None) -> Path:
    source = source or mathjax_source()
    target = static / "mathjax"
    if target.exists():
        shutil.rmtree(target)
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.is_file() and _mathjax_wanted(rel):
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / rel)
    return target


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def reveal_tarball(cache: Path = CACHE) -> bytes:
    """The pinned reveal.js package tarball, from the cache or else from the npm registry."""
    tgz = cache / f"reveal.js-{REVEAL_VERSION}.tgz"
    if not (tgz.exists() and integrity(tgz.read_bytes()) == REVEAL_INTEGRITY):
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is needed once to fetch reveal.js for the slides (apt-get install npm)")
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "pack", f"reveal.js@{REVEAL_VERSION}", "--pack-destination", str(cache),
                        "--silent", "--ignore-scripts"], check=True, cwd=cache, stdout=subprocess.DEVNULL)
    data = tgz.read_bytes()
    if integrity(data) != REVEAL_INTEGRITY:
        tgz.unlink()
        raise SystemExit(f"reveal.js {REVEAL_VERSION} from npm does not match its pinned sha512 integrity")
    return data


def copy_reveal(static: Path, tarball: bytes | None = None) -> Path:
    """Unpack the deck's reveal.js files into ``static/reveal.js`` plus the course theme."""
    target = static / "reveal.js"
    if target.exists():
        shutil.rmtree(target)
    tarball = reveal_tarball() if tarball is None else tarball
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for rel in REVEAL_FILES:
            member = tar.extractfile(f"package/{rel}")
            if member is None:
                raise SystemExit(f"reveal.js {REVEAL_VERSION}: {rel} is missing from the package")
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            (target / rel).write_bytes(member.read())
    # the course theme: reveal's white theme without its web-font import, then the course's rules
    white = (target / "dist/theme/white.css").read_text(encoding="utf-8")
    white = "\n".join(line for line in white.splitlines() if not line.lstrip().startswith("@import"))
    rules = (HERE / "site_templates" / "course_slides.css").read_text(encoding="utf-8")
    (target / "dist/theme/course.css").write_text(white + "\n" + rules, encoding="utf-8")
    return target


def copy_course_css(static: Path) -> Path:
    """The JupyterLab light theme's variables (the notebooks' fonts and colours) and the course's rules."""
    from jupyter_core.paths import jupyter_path

    themes = [Path(p) / "nbconvert/templates/lab/static/theme-light.css" for p in jupyter_path()]
    theme = next((p for p in themes if p.exists()), None)
    if theme is None:  # pragma: no cover - nbconvert ships it
        raise SystemExit("nbconvert's lab template is missing: run `make setup`")
    own = (HERE / "site_templates" / "course.css").read_text(encoding="utf-8")
    static.mkdir(parents=True, exist_ok=True)
    (static / "jupyterlab-theme-light.css").write_text(theme.read_text(encoding="utf-8"), encoding="utf-8")
    (static / "course.css").write_text(own, encoding="utf-8")
    return static / "course.css"
