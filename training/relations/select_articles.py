"""Pick IndoSum articles to annotate for the relation training corpus.

Why: real news is sparse in our twelve relations, so articles are ranked by how many relation cues
they hold (weighting the cues of relations the seed corpus lacks: investsIn, orders, sanctions),
mostly from "tajuk utama" and "teknologi" with a share of other categories for breadth. The 20
dev_indosum articles and the 90 already annotated ones are excluded. Deterministic.

    python training/relations/select_articles.py ROOT --n 240 -o round1.jsonl
    python training/relations/select_articles.py ROOT --n 280 -o round2.jsonl \
        --exclude training/relations/annotated/slice_*.jsonl
"""

from __future__ import annotations

import argparse
import json
import lzma
import re
from pathlib import Path

CUES = {
    r"\b(berinvestasi|investasi di|investor|menanamkan modal|suntikan dana|pendanaan)\b": 3,
    r"\b(sanksi|daftar hitam|embargo)\b": 3,
    r"\b(memerintahkan|menginstruksikan|instruksi)\b": 3,
    r"\b(anggota|bergabung)\b": 1,
    r"\b(didirikan|pendiri|mendirikan)\b": 2,
    r"\b(CEO|direktur utama|dirut|ketua|kepala|presiden|menteri|pemimpin)\b": 1,
    r"\b(kerja sama|bekerja sama|kemitraan|bermitra)\b": 2,
    r"\b(meluncurkan|merilis|membentuk)\b": 1,
    r"\b(mengembangkan|dikembangkan|buatan|besutan)\b": 1,
    r"\b(pesaing|bersaing|menyaingi|rival)\b": 2,
    r"\b(anak perusahaan|anak usaha|induk|milik|dimiliki|mengakuisisi|akuisisi)\b": 2,
    r"\b(berbasis di|berkantor pusat|berpusat di|asal)\b": 1,
}
SHARES = {"tajuk utama": 0.5, "teknologi": 0.38, "olahraga": 0.04, "showbiz": 0.03, "hiburan": 0.03, "inspirasi": 0.02}


def score(text: str) -> float:
    """Relation-cue density: weighted cue hits per 1,000 characters, capped per cue."""
    hits = sum(w * min(len(re.findall(p, text, flags=re.IGNORECASE)), 4) for p, w in CUES.items())
    return hits * 1000 / max(len(text), 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("shared", type=Path)
    ap.add_argument("--n", type=int, default=240)
    ap.add_argument("-o", "--out", type=Path, required=True)
    ap.add_argument("--exclude", type=Path, nargs="*", default=[], help="annotated .jsonl files whose articles are taken")
    args = ap.parse_args()
    gold = args.shared / "gold"
    taken = set()
    for name in ("dev_indosum.jsonl", "train_indosum.jsonl"):
        for line in (gold / name).read_text(encoding="utf-8").splitlines():
            taken.add(json.loads(line)["id"].split("_", 1)[1])
    for path in args.exclude:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                taken.add(json.loads(line)["id"].split("_", 1)[1])
    arts = [json.loads(l) for l in lzma.open(args.shared / "data/indosum-dev/articles.jsonl.xz", "rt", encoding="utf-8")]
    picked = []
    for cat, share in SHARES.items():
        pool = [a for a in arts if a["category"] == cat and a["id"][:40] not in taken and 600 <= len(a["text"]) <= 5000]
        pool.sort(key=lambda a: (-score(a["text"]), a["id"]))
        picked += pool[: round(args.n * share)]
    with args.out.open("w", encoding="utf-8") as f:
        for a in picked:
            rec = {"id": "rel_" + a["id"][:40], "url": a["url"], "category": a["category"], "text": a["text"]}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{len(picked)} articles -> {args.out}")


if __name__ == "__main__":
    main()
