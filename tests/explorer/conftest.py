"""What the explorer's tests share: its JavaScript run in Node (compare.js) with the data a page
gets at build time (_ext/explorer.py's landscape_data(): the landscapes, the colours, the
package's catalogue and the explorer's own settings), and a way to compare a JavaScript message
with Python's."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1] / "_ext"))


@pytest.fixture(scope="session")
def explorer_data(tmp_path_factory) -> Path:
    import explorer  # noqa: PLC0415 (_ext, on the path above)

    path = tmp_path_factory.mktemp("explorer") / "data.json"
    path.write_text(json.dumps(explorer.landscape_data()))
    return path


@pytest.fixture(scope="session")
def in_node(explorer_data, tmp_path_factory):
    """ask(mode, payload=None, path=None): compare.js's answer, as JSON."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (apt-get install nodejs)")
    folder = tmp_path_factory.mktemp("node")

    def ask(mode: str, payload=None, path: Path | None = None):
        args = [node, str(HERE / "compare.js"), str(explorer_data), mode]
        if payload is not None:
            path = folder / f"{mode}-{len(list(folder.iterdir()))}.json"
            path.write_text(json.dumps(payload))
        if path is not None:
            args.append(str(path))
        result = subprocess.run(args, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return ask


def normalised(message: str) -> str:
    """A message with its values written alike, whether Python wrote them (repr: 1.0, True,
    'x', (0.9,)) or the JavaScript (JSON: 1, true, "x", [0.9])."""
    text = message.replace("True", "true").replace("False", "false").replace("None", "null")
    text = text.replace("'", '"').replace(", ", ",")
    text = re.sub(r"\(([^()]*?),?\)", r"[\1]", text)
    return re.sub(r"-?\d+(\.\d+)?(e[-+]?\d+)?", lambda m: repr(float(m.group())), text)
