"""Bad-input battery: every `jalin` command against broken, hostile and merely odd inputs.

The contract (README "Command line", SECURITY.md "Bad input costs one line, not the batch"):
exit 0 on success, 1 on a user error with ONE line naming the input and saying what to do, 2 when
part of a batch was built (one line per failed document); never a traceback; never a partial or
half-written output (an -o path that did not exist still does not, one that did is unchanged, and
no ``.<name>.*.tmp`` file is left beside it).

Odd-but-valid input (emoji, right-to-left scripts, English or Chinese text, HTML, control
characters, empty files) is not an error: it builds a valid, possibly empty, graph (exit 0).

Cases that need no parsing run as one cheap subprocess each (the table below: ids say command,
input and expected exit code). Cases that need Stanza share two builds (module fixtures): one
directory of odd-but-valid documents (exit 0) and one mixed batch of good and broken inputs (exit 2).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import free_port
from rdflib import Dataset, Graph
from rdflib.namespace import DCTERMS

ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = os.geteuid() == 0

# ---------------------------------------------------------------- running the CLI


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float

    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def errors(self) -> list[str]:
        """stderr lines that report a problem (not warnings, progress or the closing summary)."""
        return [line for line in self.lines() if line.startswith(("error:", "failed:"))]


def jalin(*args: str, cache: Path, stdin: bytes | None = None, fsize: int | None = None,
          timeout: float = 120, env: dict[str, str] | None = None) -> Run:
    """Run the real entry point in a subprocess, bytes in and out (stderr must not trip the harness).

    ``fsize`` simulates a full disk: RLIMIT_FSIZE caps every file the process writes, and with
    SIGXFSZ ignored (kept across exec) a write past the cap fails with EFBIG, midway, as on a full disk.
    /dev/full would not do: ``-o /dev/full`` has no extension (refused before any write), and a link
    ``out.ttl -> /dev/full`` is never written through, since the temp file goes beside it in an
    ordinary directory and the rename replaces the link. A tiny tmpfs needs mount rights.
    """
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {**os.environ, "JALIN_CACHE_DIR": str(cache), "COLUMNS": "200", **(env or {})}
    start = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "kg.cli", *args], input=stdin if stdin is not None else b"",
                       capture_output=True, cwd=ROOT, env=env, timeout=timeout, check=False,
                       preexec_fn=limit if fsize else None)
    return Run(p.returncode, p.stdout.decode("utf-8", "backslashreplace"),
               p.stderr.decode("utf-8", "backslashreplace"), time.monotonic() - start)


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, run.stderr


def stray_temp_files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob(".*.tmp")] if directory.is_dir() else []


# ---------------------------------------------------------------- inputs

SEED = "Presiden Rusia Vladimir Putin meluncurkan satuan tugas AI nasional. GigaChat dikembangkan oleh Sberbank.\n"
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"
UTF16 = "Presiden Rusia Vladimir Putin berpidato di Moskow.".encode("utf-16")        # with a BOM
LATIN1 = "Café di Jakarta: Prabowo menyapa warga.".encode("latin-1")
MID_PREFIX = b"Sberbank mengembangkan GigaChat. " * 4
MID_UTF8 = MID_PREFIX + b"\xc3\x28 \xff Rusia bekerja sama dengan Tiongkok."
# 200,000 tokens on one line (600,000 characters): under the default cap of 1,000,000, so a real
# build would parse it. Lines without sentence-like boundaries are cut at spaces into pieces of at
# most kg.parse.nlp.MAX_RUN (400) characters, ~130 tokens here, so no huge "sentence" reaches the parser;
# a 220-token piece took 5-50 s on the loaded 2-core test machine before that limit existed. Still
# ~1,500 pieces, minutes of parsing, too slow for a test: the CLI case shows
# the clear refusal under a lowered --max-doc-chars instead, and
# test_long_line_is_cut_into_bounded_pieces checks the cutting itself, without Stanza.
LONG_LINE = "ab " * 200_000
MALFORMED_RDF = {
    "ttl": "@prefix kg: <https://w3id.org/jalin/ontology#> .\nkg:a kg:b \n  kg:c kg:d .\n",
    "trig": "@prefix : <http://example.org/> .\n:g { :a :b :c .\n",
    "jsonld": '{"@context": {"kg": "https://w3id.org/jalin/ontology#"}, "@id": "kg:a", "kg:b": [',
    "nt": '<http://example.org/a> <http://example.org/b> "unterminated .\n',
}
GOOD_NT = "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"


def conllu_row(wid: object, form: str, head: object = 0, misc: str = "_") -> str:
    return f"{wid}\t{form}\t{form.lower()}\tPROPN\t_\t_\t{head}\tdep\t_\t{misc}\n"


GOOD_CONLLU = ("# newdoc id = good-conllu\n# text = Sberbank mengembangkan GigaChat.\n"
               + conllu_row(1, "Sberbank", 2, "ner=S-ORG") + conllu_row(2, "mengembangkan") + conllu_row(3, "GigaChat", 2)
               + conllu_row(4, ".", 2) + "\n")
# Malformed CoNLL-U (a saved parse): each crashed the whole batch with "unexpected ValueError" (or
# IndexError), naming no file; the MWT range made a 359-byte file take 1.4 GB.
# name -> (text, the line at fault, what the error says)
BAD_CONLLU = {
    "word-id-x": ("# text = a b\n" + conllu_row(1, "a") + conllu_row("x", "b", 1) + "\n", 3, "word id 'x' is not a number"),
    "id-gap": ("# text = a b\n" + conllu_row(1, "a") + conllu_row(3, "b", 1) + "\n", 3, "word id 3 where 2 was expected"),
    "mwt-only": ("# text = ab\n" + conllu_row("1-2", "ab", "_") + "\n", 2, "sentence has no words"),
    "start-char-text": ("# text = a\n" + conllu_row(1, "a", 0, "start_char=a|end_char=1") + "\n", 2,
                        "start_char=a is not a whole number"),
    "mwt-range-bomb": ("# text = a\n" + conllu_row("1-20000000", "a", "_") + conllu_row(1, "a") + "\n", 2,
                       "multiword token 1-20000000 covers words up to 20000000"),
}


def _conllu_cases() -> list:
    return [pytest.param(Case(lambda d, n=name: ["build", _p(d, f"{n}.conllu"), "-o", _p(d, "out.ttl")], 1,
                              (f"{name}.conllu:{line}: {what}",), files={f"{name}.conllu": text}, outputs=("out.ttl",),
                              unparsed=True),
                         id=f"build-conllu-{name}-exit1")
            for name, (text, line, what) in BAD_CONLLU.items()]


def gold_line(relations=(("Sberbank", "develops", "GigaChat"),), entities=None) -> str:
    entities = entities or [{"name": "Sberbank", "type": "Organization"}, {"name": "GigaChat", "type": "AIModel"}]
    return json.dumps({"id": "g1", "text": "GigaChat dikembangkan oleh Sberbank.", "entities": entities,
                       "relations": [{"subject": s, "relation": r, "object": o} for s, r, o in relations]})


def make_unreadable(path: Path) -> None:
    """A file that really cannot be read.

    As a normal user, chmod 000 does it. Tests often run as root, where chmod does not stop reading
    (CAP_DAC_OVERRIDE), and a dangling symlink or a FIFO is not a "file that fails to read" (the
    first is skipped as not a file, the second blocks until a writer comes). So as root the file is
    a symlink to /proc/self/mem: a regular file by stat, that any process (root included) fails to
    read at offset 0 with EIO, because page 0 of its own address space is never mapped.
    """
    if IS_ROOT:
        path.symlink_to("/proc/self/mem")
    else:
        path.write_text("Rahasia.", encoding="utf-8")
        path.chmod(0o000)


def readonly_dir(d: Path) -> Path:
    """A directory this process cannot create files in.

    chmod 555 stops a normal user but not root (CAP_DAC_OVERRIDE); sysfs refuses new files to
    everyone, root included (EACCES, or EROFS where /sys is mounted read-only).
    """
    if IS_ROOT:
        if not Path("/sys/kernel").is_dir():
            pytest.skip("no sysfs to stand in for a read-only directory as root")
        return Path("/sys")
    ro = d / "readonly"
    ro.mkdir()
    ro.chmod(0o555)
    return ro


def non_utf8_name(directory: Path) -> None:
    """An (empty) document whose file name is Latin-1 bytes, not UTF-8: Python sees a surrogate escape."""
    directory.mkdir()
    with open(os.path.join(os.fsencode(directory), b"caf\xe9.txt"), "wb"):
        pass


def port_in_use(d: Path) -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    (d / "port").write_text(str(sock.getsockname()[1]))
    return sock


# ---------------------------------------------------------------- the table of cheap cases


@dataclass
class Case:
    args: Callable[[Path], list[str]]            # the command line, given the case's directory
    code: int                                    # expected exit status
    needles: tuple[str, ...] = ()                # in the error line(s): the input's name and the hint
    files: dict[str, bytes | str] = field(default_factory=dict)
    setup: Callable[[Path], object] | None = None
    outputs: tuple[str, ...] = ()                # outputs (relative to the case dir) that must not change
    existing: tuple[str, ...] = ()               # of those, the ones that exist before the run
    stdin: bytes | None = None
    fsize: int | None = None
    lines: int = 1                               # error lines expected (one per failed input)
    unparsed: bool = False
    env: dict[str, str] = field(default_factory=dict)   # extra environment (e.g. credentials)


def _p(d: Path, name: str) -> str:
    return str(d / name)


def _rdf_cases() -> list:
    """Malformed RDF in every format Jalin writes, for every command that reads RDF."""
    out = []
    commands = {
        "query": lambda f: ["query", f, "SELECT * WHERE { ?s ?p ?o }"],
        "viz": lambda f: ["viz", f, "-o", str(Path(f).with_name("view.html"))],
        "validate": lambda f: ["validate", f],
        "serve": lambda f: ["serve", f, "--port", str(free_port())],   # the port is checked before the file
    }
    for command, argv in commands.items():
        for ext, text in MALFORMED_RDF.items():
            name = f"broken.{ext}"
            out.append(pytest.param(
                Case(lambda d, argv=argv, name=name: argv(_p(d, name)), 1, (name, "malformed", "line"),
                     files={name: text},
                     outputs=("view.html",) if command == "viz" else ()),
                id=f"{command}-malformed-{ext}-exit1"))
    return out



CASES = [
    # ---- build: odd-but-valid inputs that need no parsing -> exit 0, a valid (empty) graph
    pytest.param(Case(lambda d: ["build", _p(d, "empty.txt"), "-o", _p(d, "out.ttl")], 0, files={"empty.txt": b""},
                      lines=0), id="build-empty-file-exit0-valid-empty-graph"),
    pytest.param(Case(lambda d: ["build", _p(d, "ws.txt"), "-o", _p(d, "out.ttl")], 0,
                      files={"ws.txt": " \n\t\r\n  \u3000\n"}, lines=0), id="build-whitespace-only-exit0-valid-empty-graph"),
    pytest.param(Case(lambda d: ["build", _p(d, "names"), "-o", _p(d, "out.ttl")], 0,
                      setup=lambda d: non_utf8_name(d / "names"), lines=0), id="build-file-name-not-utf8-exit0-id-gets-replacement-char"),
    # ---- build: unusable inputs -> exit 1, one line, no output
    pytest.param(Case(lambda d: ["build", _p(d, "binary.txt"), "-o", _p(d, "out.ttl")], 1,
                      ("binary.txt", "binary", "UTF-8"), files={"binary.txt": BINARY}, outputs=("out.ttl",)),
                 id="build-binary-file-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "utf16.txt"), "-o", _p(d, "out.ttl")], 1,
                      ("utf16.txt", "UTF-16", "iconv"), files={"utf16.txt": UTF16}, outputs=("out.ttl",)),
                 id="build-utf16-with-bom-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "latin1.txt"), "-o", _p(d, "out.ttl")], 1,
                      ("latin1.txt", "UTF-8", "iconv"), files={"latin1.txt": LATIN1}, outputs=("out.ttl",)),
                 id="build-latin1-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "mid.txt"), "-o", _p(d, "out.ttl")], 1,
                      ("mid.txt", f"byte {len(MID_PREFIX)}", "iconv"), files={"mid.txt": MID_UTF8}, outputs=("out.ttl",)),
                 id="build-invalid-utf8-mid-text-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "big.txt"), "-o", _p(d, "out.ttl")], 1,
                      ("big.txt", "20,000,000", "--max-doc-chars"), files={"big.txt": b"a" * 20_000_000},
                      outputs=("out.ttl",), unparsed=True), id="build-20MB-single-line-refused-unparsed-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "long.txt"), "-o", _p(d, "out.ttl"), "--max-doc-chars", "500000"], 1,
                      ("long.txt", "600,000 characters", "--max-doc-chars"), files={"long.txt": LONG_LINE},
                      outputs=("out.ttl",), unparsed=True), id="build-200k-token-line-over-lowered-cap-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "corpus"), "-o", _p(d, "out.ttl")], 1,
                      ("unreadable.txt", "cannot read", "readable"), outputs=("out.ttl",),
                      setup=lambda d: ((d / "corpus").mkdir(), make_unreadable(d / "corpus" / "unreadable.txt"))),
                 id="build-directory-whose-only-file-is-unreadable-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "nothing"), "-o", _p(d, "out.ttl")], 1,
                      ("nothing", "no .txt"), outputs=("out.ttl",),
                      setup=lambda d: ((d / "nothing").mkdir(), (d / "nothing" / "page.html").write_text("<p>x</p>"))),
                 id="build-directory-without-documents-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "bad.jsonl"), "-o", _p(d, "out.ttl")], 1,
                      ("bad.jsonl:1", "bad.jsonl:2", "bad.jsonl:3", "malformed JSON", '"text" string'),
                      files={"bad.jsonl": '{"id": "a", "text": "Halo"\n{"id": "b"}\n[1, 2]\n'},
                      outputs=("out.ttl",), lines=3), id="build-jsonl-every-line-malformed-exit1-one-line-each"),
    pytest.param(Case(lambda d: ["build", _p(d, "sur.jsonl"), "-o", _p(d, "out.ttl")], 1,
                      ("sur.jsonl:1", "surrogate"), files={"sur.jsonl": '{"id": "s", "text": "Rusia \\ud800 dan"}\n'},
                      outputs=("out.ttl",)), id="build-jsonl-lone-surrogate-escape-exit1"),
    pytest.param(Case(lambda d: ["build", "-", "-o", _p(d, "out.ttl")], 1, ("stdin", "UTF-8", "iconv"),
                      stdin=b"Rusia \xff\xfe dan Tiongkok", outputs=("out.ttl",)), id="build-stdin-invalid-utf8-exit1"),
    pytest.param(Case(lambda d: ["build", "-", "-o", _p(d, "out.ttl")], 1, ("stdin", "binary"),
                      stdin=b"\x00\x01\x02\x03", outputs=("out.ttl",)), id="build-stdin-binary-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "missing.txt"), "-o", _p(d, "out.ttl")], 1,
                      ("missing.txt", "no such file"), outputs=("out.ttl",)), id="build-missing-input-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "a.txt"), "--no-such-flag", "-o", _p(d, "out.ttl")], 1,
                      ("--no-such-flag", "--help"), files={"a.txt": SEED}, outputs=("out.ttl",)),
                 id="build-unknown-flag-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "a.txt"), "-o", _p(d, "out.ttl"), "--max-doc-chars", "0"], 1,
                      ("--max-doc-chars", "--help"), files={"a.txt": SEED}, outputs=("out.ttl",)),
                 id="build-max-doc-chars-zero-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "a.txt")], 1, ("-o FILE",), files={"a.txt": SEED}),
                 id="build-no-output-given-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "a.txt"), "-o", _p(d, "out.xyz")], 1, ("out.xyz", "use one of"),
                      files={"a.txt": SEED}, outputs=("out.xyz",)), id="build-unknown-output-extension-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "empty.txt"), "-o", str(readonly_dir(d) / "out.ttl")], 1,
                      ("out.ttl", "cannot write", "choose"), files={"empty.txt": b""}),
                 id="build-output-in-read-only-directory-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "empty.txt"), "-o", _p(d, "afile/out.ttl")], 1,
                      ("afile", "not a directory", "choose"), files={"empty.txt": b"", "afile": b"x"}),
                 id="build-output-parent-is-a-file-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "empty.txt"), "-o", _p(d, "adir.ttl")], 1,
                      ("adir.ttl", "is a directory", "file name"), files={"empty.txt": b""},
                      setup=lambda d: (d / "adir.ttl").mkdir()), id="build-output-is-a-directory-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "empty.txt"), "-o", _p(d, "nodir/out.ttl")], 1,
                      ("nodir", "does not exist"), files={"empty.txt": b""}, outputs=("nodir/out.ttl",)),
                 id="build-output-directory-missing-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "empty.txt"), "-o", _p(d, "out.ttl")], 1,
                      ("out.ttl", "File too large", "free some space"), files={"empty.txt": b"", "out.ttl": "OLD\n"},
                      outputs=("out.ttl",), existing=("out.ttl",), fsize=256),     # the build's temp data fits
                 id="build-disk-full-exit1-old-output-unchanged"),
    pytest.param(Case(lambda d: ["build", _p(d, "empty.txt"), "-o", _p(d, "out.ttl")], 1,
                      ("temporary build data", "File too large", "TMPDIR"), files={"empty.txt": b"", "out.ttl": "OLD\n"},
                      outputs=("out.ttl",), existing=("out.ttl",), fsize=64),      # nor does the temp data
                 id="build-temp-disk-full-exit1-old-output-unchanged"),
    # ---- parse
    pytest.param(Case(lambda d: ["parse", _p(d, "a.txt"), "-o", _p(d, "out.txt")], 1, ("out.txt", ".conllu"),
                      files={"a.txt": SEED}, outputs=("out.txt",)), id="parse-output-not-conllu-exit1"),
    pytest.param(Case(lambda d: ["parse", _p(d, "binary.txt"), "-o", _p(d, "out.conllu")], 1, ("binary.txt", "binary"),
                      files={"binary.txt": BINARY}, outputs=("out.conllu",)),
                 id="parse-binary-input-exit1-no-output"),
    # ---- query
    pytest.param(Case(lambda d: ["query", _p(d, "ok.nt"), "SELEKT nonsense"], 1, ("invalid SPARQL", "line 1, column"),
                      files={"ok.nt": GOOD_NT}), id="query-invalid-sparql-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "ok.nt"), "-f", _p(d, "bad.rq")], 1, ("bad.rq", "invalid SPARQL"),
                      files={"ok.nt": GOOD_NT, "bad.rq": "SELECT ?x WHERE { ?x ?y }"}),
                 id="query-invalid-sparql-file-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "ok.nt"), "INSERT DATA { <http://a> <http://b> <http://c> }"], 1,
                      ("invalid SPARQL", "read-only"), files={"ok.nt": GOOD_NT}), id="query-update-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "ok.nt"),
                                 "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }"], 1,
                      ("invalid SPARQL", "read-only"), files={"ok.nt": GOOD_NT}), id="query-update-after-prefix-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "missing.ttl"), "ASK {}"], 1, ("missing.ttl", "no such file")),
                 id="query-missing-source-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "blob.nt"), "ASK {}"], 1, ("blob.nt", "binary"),
                      files={"blob.nt": BINARY}), id="query-binary-source-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "latin.ttl"), "ASK {}"], 1, ("latin.ttl", "UTF-8"),
                      files={"latin.ttl": b'<http://e/a> <http://e/b> "caf\xe9" .\n'}), id="query-latin1-source-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "a.txt"), "ASK {}"], 1, ("a.txt", "jalin build"),
                      files={"a.txt": SEED}), id="query-text-document-as-source-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "ok.nt"), "ASK {}", "--format", "xml"], 1, ("xml", "csv"),
                      files={"ok.nt": GOOD_NT}), id="query-unknown-result-format-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "ok.nt"), "-f", _p(d, "empty.rq")], 1, ("empty.rq", "empty"),
                      files={"ok.nt": GOOD_NT, "empty.rq": "  \n"}), id="query-empty-query-file-exit1"),
    # ---- query: the outside attack run (issue 13): crashes, outbound requests, unreadable errors
    pytest.param(Case(lambda d: ["query", _p(d, "ok.nt"), "SELECT * WHERE " + "{ " * 3000 + "}" * 3000], 1,
                      ("nested", "64"), files={"ok.nt": GOOD_NT}), id="query-deeply-nested-exit1-not-segfault"),
    pytest.param(Case(lambda d: ["query", _p(d, "ok.nt"), "ASK { FILTER(" + "1+" * 30000 + "1) }"], 1,
                      ("too complex", "IN (…)"), files={"ok.nt": GOOD_NT}), id="query-operator-chain-exit1-not-segfault"),
    pytest.param(Case(lambda d: ["query", _p(d, "ok.nt"), "-f", _p(d, "huge.rq")], 1, ("huge.rq",),
                      files={"ok.nt": GOOD_NT, "huge.rq": "# " + "x" * 900_000 + "\nASK {}"}),
                 id="query-huge-query-file-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "ok.nt"),
                                 f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{free_port()}/x> {{ ?s ?p ?o }} }}"], 1,
                      ("SERVICE", "--allow-service"), files={"ok.nt": GOOD_NT}), id="query-service-refused-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "ok.nt"), "SELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER(?x = ) }"], 1,
                      ("invalid SPARQL at line 3",), files={"ok.nt": GOOD_NT}), id="query-syntax-error-line-column-exit1"),
    pytest.param(Case(lambda d: ["query", _p(d, "store"), "ASK {}"], 1, ("store", "not a readable Oxigraph store"),
                      files={"store/CURRENT": "garbage\n"}), id="query-store-with-bogus-current-exit1"),
    pytest.param(Case(lambda d: ["build", _p(d, "empty.txt"), "--store", _p(d, "store")], 1,
                      ("store", "not a readable Oxigraph store"), files={"empty.txt": b"", "store/CURRENT": ""}),
                 id="build-store-with-empty-current-exit1"),
    pytest.param(Case(lambda d: ["push", _p(d, "ok.nt"), "--endpoint", "http://127.0.0.1:1/store", "--graph",
                                 "http://example.org/g"], 1, ("JALIN_ENDPOINT_TOKEN", "control character"),
                      files={"ok.nt": GOOD_NT}, env={"JALIN_ENDPOINT_TOKEN": "abc\r\nX-Injected: 1"}),
                 id="push-token-with-crlf-exit1"),
    pytest.param(Case(lambda d: ["push", _p(d, "ok.nt"), "--endpoint", "http://exa mple.org/store"], 1,
                      ("space",), files={"ok.nt": GOOD_NT}), id="push-url-with-space-exit1"),
    # ---- viz
    pytest.param(Case(lambda d: ["viz", _p(d, "ok.nt"), "-o", _p(d, "view.txt")], 1, ("view.txt", ".html"),
                      files={"ok.nt": GOOD_NT}, outputs=("view.txt",)), id="viz-output-not-html-exit1"),
    pytest.param(Case(lambda d: ["viz", _p(d, "ok.nt"), "-o", str(readonly_dir(d) / "view.html")], 1,
                      ("view.html", "cannot write", "choose"), files={"ok.nt": GOOD_NT}),
                 id="viz-output-in-read-only-directory-exit1"),
    pytest.param(Case(lambda d: ["viz", _p(d, "ok.nt"), "-o", _p(d, "view.html")], 1,
                      ("view.html", "File too large", "free some space"),
                      files={"ok.nt": GOOD_NT, "view.html": "<p>old</p>\n"}, outputs=("view.html",),
                      existing=("view.html",), fsize=4096), id="viz-disk-full-exit1-old-output-unchanged"),
    pytest.param(Case(lambda d: ["viz", _p(d, "ok.nt"), "-o", _p(d, "view.html"), "--focus", "Nobody"], 1,
                      ("Nobody", "no node named"), files={"ok.nt": GOOD_NT}, outputs=("view.html",)),
                 id="viz-focus-on-unknown-name-exit1"),
    # ---- validate
    pytest.param(Case(lambda d: ["validate", _p(d, "missing.ttl")], 1, ("missing.ttl", "no such file")),
                 id="validate-missing-source-exit1"),
    pytest.param(Case(lambda d: ["validate", _p(d, "g.graphml")], 1, ("g.graphml", "GraphML"),
                      files={"g.graphml": "<graphml/>"}), id="validate-networkx-file-as-source-exit1"),
    # ---- serve (each fails before a server starts; a regression would hang until the timeout)
    pytest.param(Case(lambda d: ["serve", _p(d, "ok.nt"), "--port", (d / "port").read_text()], 1,
                      ("already in use", "--port"), files={"ok.nt": GOOD_NT}, setup=port_in_use),
                 id="serve-port-in-use-exit1"),
    pytest.param(Case(lambda d: ["serve", _p(d, "ok.nt"), "--host", "192.0.2.1", "--port", str(free_port())], 1,
                      ("192.0.2.1", "--host"), files={"ok.nt": GOOD_NT}),
                 id="serve-host-not-of-this-machine-exit1"),          # TEST-NET-1: documentation only
    pytest.param(Case(lambda d: ["serve", _p(d, "ok.nt"), "--port", "99999"], 1, ("99999", "1-65535"),
                      files={"ok.nt": GOOD_NT}), id="serve-port-out-of-range-exit1"),
    pytest.param(Case(lambda d: ["serve", _p(d, "ok.nt"), "--port", "http"], 1, ("--port", "--help"),
                      files={"ok.nt": GOOD_NT}), id="serve-port-not-a-number-exit1"),
    pytest.param(Case(lambda d: ["serve", _p(d, "ok.nt"), "--writable", "--port", str(free_port())], 1,
                      ("ok.nt", "store directory"), files={"ok.nt": GOOD_NT}), id="serve-writable-file-exit1"),
    pytest.param(Case(lambda d: ["serve", _p(d, "plain"), "--port", str(free_port())], 1,
                      ("plain", "not an Oxigraph store"), setup=lambda d: (d / "plain").mkdir()),
                 id="serve-plain-directory-exit1"),
    # ---- evaluate
    pytest.param(Case(lambda d: ["evaluate", _p(d, "gold.jsonl")], 1, ("gold.jsonl:1", "presidentOf", "use one of"),
                      files={"gold.jsonl": gold_line([("Sberbank", "presidentOf", "GigaChat")]) + "\n"}),
                 id="evaluate-unknown-relation-name-exit1"),
    pytest.param(Case(lambda d: ["evaluate", _p(d, "gold.jsonl")], 1, ("gold.jsonl:1", "Robot", "use one of"),
                      files={"gold.jsonl": gold_line((), [{"name": "R2", "type": "Robot"}]) + "\n"}),
                 id="evaluate-unknown-entity-type-exit1"),
    pytest.param(Case(lambda d: ["evaluate", _p(d, "gold.jsonl")], 1, ("gold.jsonl:2", "malformed JSON", "each line"),
                      files={"gold.jsonl": gold_line() + "\n{oops\n"}), id="evaluate-malformed-second-line-exit1"),
    pytest.param(Case(lambda d: ["evaluate", _p(d, "gold.jsonl")], 1, ("gold.jsonl:1", "each line needs"),
                      files={"gold.jsonl": '{"id": "x", "text": "t", "entities": "Sberbank", "relations": []}\n'}),
                 id="evaluate-entities-not-a-list-exit1"),
    pytest.param(Case(lambda d: ["evaluate", _p(d, "gold.jsonl")], 1, ("gold.jsonl:1", "'Yandex'", "entities"),
                      files={"gold.jsonl": gold_line([("Yandex", "develops", "GigaChat")]) + "\n"}),
                 id="evaluate-relation-names-unlisted-entity-exit1"),
    pytest.param(Case(lambda d: ["evaluate", _p(d, "gold.jsonl")], 1, ("gold.jsonl", "no gold records"),
                      files={"gold.jsonl": "\n\n"}), id="evaluate-empty-gold-file-exit1"),
    pytest.param(Case(lambda d: ["evaluate", _p(d, "gold.jsonl")], 1, ("gold.jsonl", "UTF-8"),
                      files={"gold.jsonl": gold_line().encode() + b"\n\xe9\n"}), id="evaluate-gold-not-utf8-exit1"),
    pytest.param(Case(lambda d: ["evaluate", _p(d, "missing.jsonl")], 1, ("missing.jsonl", "no such file")),
                 id="evaluate-missing-gold-exit1"),
    *_rdf_cases(),
    *_conllu_cases(),
]


@pytest.mark.parametrize("case", CASES)
def test_bad_input(case: Case, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    d = tmp_path
    for name, content in case.files.items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    held = case.setup(d) if case.setup else None
    try:
        args = case.args(d)
        before = {o: (d / o).read_bytes() if (d / o).exists() else None for o in case.outputs}
        assert all((before[o] is not None) == (o in case.existing) for o in case.outputs)
        run = jalin(*args, cache=tmp_path_factory.mktemp("cache"), stdin=case.stdin, fsize=case.fsize, timeout=90,
                    env=case.env)
    finally:
        if isinstance(held, socket.socket):
            held.close()
    assert run.code == case.code, (args, run.stderr)
    assert_no_traceback(run)
    errors = run.errors()
    assert len(errors) == case.lines, run.stderr                 # one line per failed input, no more
    assert all(line.startswith(("error:", "failed:", "warning:")) or "document(s)" in line   # or the summary
               for line in run.lines()), run.stderr
    for needle in case.needles:
        assert needle in " ".join(errors), (needle, run.stderr)
    for o in case.outputs:                                       # nothing half-written, nothing replaced
        path = d / o
        assert (path.read_bytes() if path.exists() else None) == before[o], o
    assert not stray_temp_files(d), stray_temp_files(d)
    if case.unparsed:      # refused before the models load: no parse summary line
        assert "parsed" not in run.stderr and "parsing" not in run.stderr, run.stderr
    if case.code == 0:                                           # odd but valid: a real, parseable graph
        out = Path(args[args.index("-o") + 1])
        assert len(Graph().parse(out)) > 0


def test_check_output_probes_without_leaving_anything(tmp_path: Path) -> None:
    """kg.read.files.check_output: the early check a long-running command can make before it works."""
    from kg.errors import OutputError
    from kg.read.files import check_output

    check_output(tmp_path / "g.ttl")
    assert list(tmp_path.iterdir()) == []
    for bad, why in ((readonly_dir(tmp_path) / "g.ttl", "cannot write"), (tmp_path / "nodir" / "g.ttl", "does not exist"),
                     (tmp_path, "is a directory")):
        with pytest.raises(OutputError, match=why):
            check_output(bad)


def test_long_line_is_cut_into_bounded_pieces() -> None:
    """The 200k-token line: cut into pieces of at most MAX_RUN characters (no sentence-like
    boundary to cut at), offsets kept; a 200k-token sentence never reaches the parser."""
    from kg.parse.nlp import MAX_RUN, paragraphs

    pieces = paragraphs(LONG_LINE)
    assert all(0 < len(seg) <= MAX_RUN for _, seg in pieces)
    assert all(LONG_LINE[off:off + len(seg)] == seg for off, seg in pieces)
    assert "".join(seg for _, seg in pieces).split() == LONG_LINE.split()


@pytest.mark.parametrize("name", sorted(BAD_CONLLU))
def test_a_bad_conllu_file_fails_alone(name: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """One malformed CoNLL-U file and one good one: exit 2, one line for the bad file, the good one built."""
    text, line, what = BAD_CONLLU[name]
    (tmp_path / "bad.conllu").write_text(text, encoding="utf-8")
    (tmp_path / "good.conllu").write_text(GOOD_CONLLU, encoding="utf-8")
    out = tmp_path / "out.ttl"
    run = jalin("build", str(tmp_path / "bad.conllu"), str(tmp_path / "good.conllu"), "-o", str(out),
                cache=tmp_path_factory.mktemp("cache"))
    assert run.code == 2, run.stderr
    assert_no_traceback(run)
    [error] = run.errors()
    assert error.startswith(f"failed: {tmp_path / 'bad.conllu'}:{line}: {what}"), error
    g = Graph().parse(out)
    assert {str(o) for o in g.objects(None, DCTERMS.identifier)} == {"good-conllu"}


# ---------------------------------------------------------------- odd but valid: one Stanza build, exit 0

ODD = {
    "html_script": '<p>Presiden Rusia <b>Vladimir Putin</b></p><script>alert("jalin")</script> '
                   "<img src=x onerror=alert(1)> meluncurkan GigaChat.</script>\n",
    "control": "Sberbank\x07 mengembangkan\x1b[31m GigaChat.\x0b\x0c\x7f\x85 Rusia\u2028bekerja sama\u2029dengan "
               "Tiongkok.\r\n",
    "rtl_emoji": "مرحبا بالعالم. שלום עולם \u200f\u202e 🚀🇮🇩👍🏽 Jokowi bertemu Putin di Moskow. 😀\n",
    "english": "The quick brown fox jumps over the lazy dog. Microsoft develops Copilot in Redmond.\n",
    "chinese": "俄罗斯总统普京宣布成立人工智能工作组。百度开发了文心一言。\n",
    "empty": "",
    "whitespace": "   \n\t\n",
}


@pytest.fixture(scope="module")
def odd_build(tmp_path_factory: pytest.TempPathFactory):
    d = tmp_path_factory.mktemp("odd")
    corpus = d / "corpus"
    corpus.mkdir()
    for name, text in ODD.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
    run = jalin("build", str(corpus), "-o", str(d / "odd.trig"), "--html", str(d / "odd.html"),
                cache=tmp_path_factory.mktemp("cache"), timeout=600)
    return d, run


@pytest.mark.e2e
def test_odd_but_valid_documents_build_with_exit_0(odd_build) -> None:
    d, run = odd_build
    assert run.code == 0, run.stderr
    assert_no_traceback(run)
    assert run.errors() == []
    assert not stray_temp_files(d)
    html = (d / "odd.html").read_text(encoding="utf-8")
    assert '<script>alert("jalin")' not in html and "<img src=x" not in html   # text is data, never markup
    v = jalin("validate", str(d / "odd.trig"), cache=d / "cache")
    assert v.code == 0, v.stdout + v.stderr


@pytest.mark.e2e
@pytest.mark.parametrize("name", sorted(ODD))
def test_each_odd_document_is_in_the_graph(odd_build, name: str) -> None:
    d, run = odd_build
    ds = Dataset()
    ds.parse(d / "odd.trig", format="trig")
    graphs = {str(g.identifier) for g in ds.graphs()}
    assert f"https://w3id.org/jalin/resource/graph/document/{name}" in graphs
    warned = [line for line in run.lines() if line.startswith("warning:") and f" {name}:" in line]
    assert len(warned) == (1 if not ODD[name].strip() else 0), run.stderr


# ---------------------------------------------------------------- partial batch: one Stanza build, exit 2

BATCH_FAILURES = {   # what must be reported, one line each: input name -> words of its line
    "binary.txt": "binary",
    "utf16.txt": "UTF-16",
    "latin1.txt": "UTF-8",
    "mid.txt": "UTF-8",
    "unreadable.txt": "cannot read",
    "toolong.txt": "--max-doc-chars",
    "mixed.jsonl:2": "malformed JSON",
    "mixed.jsonl:3": '"text" string',
    "mixed.jsonl:4": '"text" string',
    "mixed.jsonl:5": "surrogate",
    "missing.txt": "no such file",
    "bad.conllu:3": "word id 'x' is not a number",
}
BATCH_GOOD = ("good", "j-good", "j-good-2", "good-conllu")


@pytest.fixture(scope="module")
def batch_build(tmp_path_factory: pytest.TempPathFactory):
    d = tmp_path_factory.mktemp("batch")
    corpus = d / "corpus"
    corpus.mkdir()
    files = {"good.txt": SEED.encode(), "binary.txt": BINARY, "utf16.txt": UTF16, "latin1.txt": LATIN1,
             "mid.txt": MID_UTF8, "toolong.txt": ("Rusia " * 500).encode(),
             "bad.conllu": BAD_CONLLU["word-id-x"][0].encode(), "good.conllu": GOOD_CONLLU.encode()}
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    make_unreadable(corpus / "unreadable.txt")
    lines = [json.dumps({"id": "j-good", "text": "Sberbank mengembangkan GigaChat."}),
             '{"id": "broken", "text": ',
             json.dumps({"id": "no-text"}),
             json.dumps(["a", "list"]),
             '{"id": "sur", "text": "Rusia \\udc80 dan Tiongkok."}',
             "",
             json.dumps({"id": "j-good-2", "text": "Rusia dan Tiongkok bekerja sama."})]
    (corpus / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = jalin("build", str(corpus), str(d / "missing.txt"), "-o", str(d / "batch.ttl"), "--max-doc-chars", "2000",
                cache=tmp_path_factory.mktemp("cache"), timeout=600)
    return d, run


@pytest.mark.e2e
def test_partial_batch_exits_2_with_the_good_documents_built(batch_build) -> None:
    d, run = batch_build
    assert run.code == 2, run.stderr
    assert_no_traceback(run)
    assert len(run.errors()) == len(BATCH_FAILURES), run.stderr
    assert not stray_temp_files(d)
    g = Graph().parse(d / "batch.ttl")
    ids = {str(o) for o in g.objects(None, DCTERMS.identifier)}
    assert set(BATCH_GOOD) <= ids and not ids & {"broken", "no-text", "sur", "binary", "utf16", "latin1", "mid"}


@pytest.mark.e2e
@pytest.mark.parametrize("name", sorted(BATCH_FAILURES))
def test_each_failed_input_gets_exactly_one_line(batch_build, name: str) -> None:
    _, run = batch_build
    mine = [line for line in run.errors() if f"{name}:" in line or line.endswith(name)]
    assert len(mine) == 1, run.stderr
    assert mine[0].startswith("failed:") and BATCH_FAILURES[name] in mine[0], mine[0]
