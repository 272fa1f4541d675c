"""What the static course shows instead of a live kernel, and its index page (the README's course map).

- A widget panel cell (its source calls ``*_panel(``) shows its twin's recorded output (the code
  cell just before it calls the same tested function with the panel's starting values) under a
  line saying the live slider needs JupyterLab, with the Binder and ``make lab`` instructions.
- Any other widget (tqdm's progress bars) shows the text of its recorded final state.
- The widget state is dropped from the notebook, so no page tries to load a widget manager.
"""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: the same rule the JupyterLab browser test uses to count a notebook's panels
PANEL_CALL = re.compile(r"^\w*_panel\(", re.M)
BADGE = re.compile(r"\(https://mybinder\.org/v2/gh/([^)\s?]+)/HEAD\?urlpath=lab/tree/notebooks/[^)\s]*\)")
ROW = re.compile(r"^\|\s*(\d\d)\s*\|\s*\[([^\]]+)\]\(notebooks/([^)]+)\.ipynb\)\s*\|([^|]*)\|([^|]*)\|")


@dataclass(frozen=True)
class Entry:
    number: str
    stem: str
    title: str
    idea: str = ""
    widgets: str = ""


def binder_url(readme: str, stem: str) -> str | None:
    match = BADGE.search(readme)
    if not match:
        return None
    return f"https://mybinder.org/v2/gh/{match.group(1)}/HEAD?urlpath=lab/tree/notebooks/{stem}.ipynb"


def course_map(readme: str) -> dict[str, Entry]:
    """The rows of README's course map table, by notebook file stem."""
    entries = {}
    for line in readme.splitlines():
        match = ROW.match(line.strip())
        if match:
            number, title, stem, idea, widgets = (g.strip() for g in match.groups())
            entries[stem] = Entry(number, stem, title, idea, widgets)
    return entries


def inline_markdown(text: str) -> str:
    """HTML for the little markdown a course-map cell holds: `code` spans, escaped text."""
    parts = re.split(r"(`[^`]+`)", text)
    return "".join(f"<code>{html.escape(p[1:-1])}</code>" if p.startswith("`") and p.endswith("`")
                   else html.escape(p) for p in parts)


def live_panel_note(stem: str, binder: str | None) -> nbformat.NotebookNode:
    where = (f'<a href="{html.escape(binder)}">open it on Binder</a>' if binder
             else "open it on Binder (the badge in README.md)")
    text = ("This cell is a live panel. Moving its sliders needs JupyterLab with a running kernel: "
            f"{where}, or run <code>make lab</code> in a copy of the course and open "
            f"<code>notebooks/{html.escape(stem)}.ipynb</code>. Below, its recorded view at the starting "
            "values (the same output as the cell above).")
    plain = re.sub(r"<[^>]+>", "", text)
    return nbformat.v4.new_output("display_data", data={
        "text/html": f'<p class="course-live-panel"><strong>Live slider:</strong> {text}</p>',
        "text/plain": plain})


def _model(state: dict, ref: str) -> dict:
    return state.get(ref.removeprefix("IPY_MODEL_"), {}).get("state", {})


def progress_text(view: dict, state: dict) -> str:
    """A tqdm progress bar's recorded final state as one line of text."""
    box = _model(state, view.get("model_id", ""))
    left = value = total = right = ""
    for ref in box.get("children", []):
        child = _model(state, ref)
        name = child.get("_model_name", "")
        if name == "FloatProgressModel" or name == "IntProgressModel":
            value, total = child.get("value", 0), child.get("max", 0)
        elif name == "HTMLModel":
            text = html.unescape(re.sub(r"<[^>]+>", "", child.get("value", ""))).strip()
            left, right = (left, text) if left or value != "" else (text, right)
    if total in ("", 0):
        return "(a progress bar, shown while the cell runs live)"
    filled = round(20 * value / total)
    return f"{left} [{'#' * filled}{'.' * (20 - filled)}] {right}".strip()


def _progress_output(out: dict, state: dict) -> nbformat.NotebookNode:
    text = progress_text(out["data"][WIDGET_VIEW], state)
    return nbformat.v4.new_output("stream", name="stdout", text=text + "\n")


def static_widgets(nb: nbformat.NotebookNode, stem: str, binder: str | None) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose widget outputs are replaced by static ones (see the module docstring)."""
    nb = copy.deepcopy(nb)
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    last_code = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if any(WIDGET_VIEW in out.get("data", {}) for out in cell.get("outputs", [])):
            if PANEL_CALL.search(cell.source) and last_code is not None:
                twin = [copy.deepcopy(out) for out in last_code.outputs
                        if out.output_type in ("display_data", "execute_result", "stream")]
                for out in twin:
                    if out.output_type == "execute_result":
                        out.output_type = "display_data"
                        out.pop("execution_count", None)
                cell.outputs = [live_panel_note(stem, binder), *twin]
            else:
                cell.outputs = [_progress_output(out, state) if WIDGET_VIEW in out.get("data", {}) else out
                                for out in cell.outputs]
        last_code = cell
    nb.metadata.pop("widgets", None)
    return nb


def index_page(entries: list[Entry], slides_dir: str, course_title: str) -> str:
    """The course map as a page: a card per notebook, one column on a phone."""
    cards = []
    for e in entries:
        tried = inline_markdown(e.widgets) if e.widgets else "no widget (reading)"
        widgets = f'<p class="course-widgets"><span>Try it:</span> {tried}</p>'
        cards.append(f"""  <li class="course-card" id="nb-{e.number}">
    <h2><span class="course-number">{e.number}</span>
      <a href="{html.escape(e.stem)}.html">{html.escape(e.title)}</a></h2>
    <p class="course-idea">{inline_markdown(e.idea)}</p>
    {widgets}
    <p class="course-links"><a href="{html.escape(e.stem)}.html">Notebook page</a>
      <a href="{html.escape(slides_dir)}/{html.escape(e.stem)}.slides.html">Slide deck</a></p>
  </li>""")
    title = html.escape(course_title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="_static/jupyterlab-theme-light.css">
<link rel="stylesheet" href="_static/course.css">
</head>
<body class="course-index">
<main>
<header>
<h1>{title}</h1>
<p>Fourteen notebooks, each teaching one idea about language models and measuring it, shown here
with their recorded outputs. This copy needs no server and no network. To move the sliders, run the
notebooks live: <code>make lab</code> in a copy of the course, or the Binder badge in its README.</p>
</header>
<ol class="course-map">
{chr(10).join(cards)}
</ol>
</main>
</body>
</html>
"""


def read_entries(titles: dict[str, str], readme: str) -> list[Entry]:
    """One entry per notebook (stem -> title), from README's course map where it has a row."""
    table = course_map(readme)
    return [table.get(stem) or Entry(stem[:2], stem, title) for stem, title in titles.items()]
