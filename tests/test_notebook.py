"""The analysis notebook runs end to end and draws its figures."""

from __future__ import annotations

import nbclient
import nbformat
from conftest import ROOT


def test_notebook_executes_and_draws_figures():
    path = ROOT / "notebooks" / "russia_china_asean.ipynb"
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "outputs must be stripped in git"
    )
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 5  # furniture, entities, network, timeline, associated words
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert "associated_terms" in last.source and any("image/png" in o.get("data", {}) for o in last.outputs)
    html = [o for o in outputs if "text/html" in o.get("data", {})]
    assert any("<mark" in o["data"]["text/html"] for o in html)  # the highlighted document
    assert any("vncooc.Corpus" in o["data"]["text/html"] for o in html)
