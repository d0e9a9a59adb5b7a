"""Fewer garbage collections while Stanza parses, and the process's own settings back afterwards."""

from __future__ import annotations

import gc

import pytest

from kg.parse.collector import THRESHOLD, fewer_collections
from kg.pipeline import parse
from kg.read.inputs import RawText


@pytest.fixture
def thresholds():
    old = gc.get_threshold()
    yield
    gc.set_threshold(*old)
    gc.enable()


def test_the_threshold_is_raised_inside_and_restored_after(thresholds) -> None:
    gc.set_threshold(500, 7, 9)
    with fewer_collections():
        assert gc.get_threshold() == (THRESHOLD, 7, 9)
    assert gc.get_threshold() == (500, 7, 9)


def test_a_process_that_collects_less_or_never_is_left_alone(thresholds) -> None:
    gc.set_threshold(50_000, 10, 10)
    with fewer_collections():
        assert gc.get_threshold() == (50_000, 10, 10)
    gc.set_threshold(700, 10, 10)
    gc.disable()
    with fewer_collections():
        assert gc.get_threshold() == (700, 10, 10) and not gc.isenabled()
    assert not gc.isenabled()


class _Watching:
    """The real pipeline, noting the collector's threshold at each Stanza call (a true edge)."""

    def __init__(self, real) -> None:
        self.real, self.seen = real, []

    def bulk_process(self, docs):
        self.seen.append(gc.get_threshold()[0])
        return self.real.bulk_process(docs)


@pytest.mark.e2e
def test_stanza_parses_with_fewer_collections_and_the_setting_comes_back(nlp, thresholds) -> None:
    gc.set_threshold(700, 10, 10)
    watching = _Watching(nlp)
    docs = parse([RawText("a", "Sberbank mengembangkan GigaChat.", "a.txt")], watching)
    assert docs[0].sentences and watching.seen == [THRESHOLD]
    assert gc.get_threshold() == (700, 10, 10)


_EXIT_PROBE = """
import gc, sys
from kg.parse.collector import freeze_at_exit

class Cycle:
    def __del__(self):
        sys.stdout.write("collected at exit\\n")

if sys.argv[1] == "frozen":
    freeze_at_exit()
    freeze_at_exit()                    # twice: still one handler, still no error
a = Cycle(); a.me = a                   # only the cyclic collector can free it
"""


@pytest.mark.parametrize("mode, collected", [("frozen", False), ("default", True)])
def test_no_collection_at_exit_once_frozen(mode, collected) -> None:
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", _EXIT_PROBE, mode], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert ("collected at exit" in done.stdout) is collected
