"""Build ``kg/data/gazetteer.tsv`` from open data plus the hand-curated table.

Why a script: the country and region lists are generated from licensed sources (so they can be
rebuilt and attributed), while the curated knowledge (aliases Indonesian news uses, tech
companies, AI models, people, events) lives in ``training/gazetteer_curated.tsv``.

Sources (all under DATA_DIR, the training-data directory):
  * country-list-id/country.csv     umpirsky/country-list, CLDR names in Indonesian (MIT)
  * pycountry's iso3166-1 Indonesian translations and English names (LGPL-2.1)
  * wilayah-indonesia-kepmendagri-2025/{provinsi,kabupaten}.json (CC BY 4.0)
  * UD_Indonesian-GSD/CSUI + idner-news-2k train: only to learn which words are common
    lower-case Indonesian words, so a regency called "Batu" or "Pati" keeps its prefix.

Usage: python training/build_gazetteer.py DATA_DIR [-o kg/data/gazetteer.tsv] [--curated FILE]
"""

from __future__ import annotations

import argparse
import csv
import gettext
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kg.extract.gazetteer import SHORT_KEY, parse_tsv  # noqa: E402  (one folding for build and lookup)
from kg.names import exact_key, lookup_key
from kg.rdf.ontology import load_ontology  # noqa: E402

# ISO 3166-1 alpha-2 -> Wikidata item of the country. Only ids we are sure of; others stay empty.
WIKIDATA = {
    "AD": "Q228", "AE": "Q878", "AF": "Q889", "AG": "Q781", "AL": "Q222", "AM": "Q399", "AO": "Q916",
    "AR": "Q414", "AT": "Q40", "AU": "Q408", "AZ": "Q227", "BA": "Q225", "BB": "Q244", "BD": "Q902",
    "BE": "Q31", "BF": "Q965", "BG": "Q219", "BH": "Q398", "BI": "Q967", "BJ": "Q962", "BN": "Q921",
    "BO": "Q750", "BR": "Q155", "BS": "Q778", "BT": "Q917", "BW": "Q963", "BY": "Q184", "BZ": "Q242",
    "CA": "Q16", "CD": "Q974", "CF": "Q929", "CG": "Q971", "CH": "Q39", "CI": "Q1008", "CL": "Q298",
    "CM": "Q1009", "CN": "Q148", "CO": "Q739", "CR": "Q800", "CU": "Q241", "CV": "Q1011", "CY": "Q229",
    "CZ": "Q213", "DE": "Q183", "DJ": "Q977", "DK": "Q35", "DM": "Q784", "DO": "Q786", "DZ": "Q262",
    "EC": "Q736", "EE": "Q191", "EG": "Q79", "EH": "Q6250", "ER": "Q986", "ES": "Q29", "ET": "Q115",
    "FI": "Q33", "FJ": "Q712", "FM": "Q702", "FR": "Q142", "GA": "Q1000", "GB": "Q145", "GD": "Q769",
    "GE": "Q230", "GH": "Q117", "GL": "Q223", "GM": "Q1005", "GN": "Q1006", "GQ": "Q983", "GR": "Q41",
    "GT": "Q774", "GW": "Q1007", "GY": "Q734", "HK": "Q8646", "HN": "Q783", "HR": "Q224", "HT": "Q790",
    "HU": "Q28", "ID": "Q252", "IE": "Q27", "IL": "Q801", "IN": "Q668", "IQ": "Q796", "IR": "Q794",
    "IS": "Q189", "IT": "Q38", "JM": "Q766", "JO": "Q810", "JP": "Q17", "KE": "Q114", "KG": "Q813",
    "KH": "Q424", "KI": "Q710", "KM": "Q970", "KN": "Q763", "KP": "Q423", "KR": "Q884", "KW": "Q817",
    "KZ": "Q232", "LA": "Q819", "LB": "Q822", "LC": "Q760", "LI": "Q347", "LK": "Q854", "LR": "Q1014",
    "LS": "Q1013", "LT": "Q37", "LU": "Q32", "LV": "Q211", "LY": "Q1016", "MA": "Q1028", "MC": "Q235",
    "MD": "Q217", "ME": "Q236", "MG": "Q1019", "MH": "Q709", "MK": "Q221", "ML": "Q912", "MM": "Q836",
    "MN": "Q711", "MO": "Q14773", "MR": "Q1025", "MT": "Q233", "MU": "Q1027", "MV": "Q826", "MW": "Q1020",
    "MX": "Q96", "MY": "Q833", "MZ": "Q1029", "NA": "Q1030", "NE": "Q1032", "NG": "Q1033", "NI": "Q811",
    "NL": "Q55", "NO": "Q20", "NP": "Q837", "NR": "Q697", "NZ": "Q664", "OM": "Q842", "PA": "Q804",
    "PE": "Q419", "PG": "Q691", "PH": "Q928", "PK": "Q843", "PL": "Q36", "PR": "Q1183", "PS": "Q219060",
    "PT": "Q45", "PW": "Q695", "PY": "Q733", "QA": "Q846", "RO": "Q218", "RS": "Q403", "RU": "Q159",
    "RW": "Q1037", "SA": "Q851", "SB": "Q685", "SC": "Q1042", "SD": "Q1049", "SE": "Q34", "SG": "Q334",
    "SI": "Q215", "SK": "Q214", "SL": "Q1044", "SM": "Q238", "SN": "Q1041", "SO": "Q1045", "SR": "Q730",
    "SS": "Q958", "ST": "Q1039", "SV": "Q792", "SY": "Q858", "SZ": "Q1050", "TD": "Q657", "TG": "Q945",
    "TH": "Q869", "TJ": "Q863", "TL": "Q574", "TM": "Q874", "TN": "Q948", "TO": "Q678", "TR": "Q43",
    "TT": "Q754", "TV": "Q672", "TW": "Q865", "TZ": "Q924", "UA": "Q212", "UG": "Q1036", "US": "Q30",
    "UY": "Q77", "UZ": "Q265", "VA": "Q237", "VC": "Q757", "VE": "Q717", "VN": "Q881", "VU": "Q686",
    "WS": "Q683", "YE": "Q805", "ZA": "Q258", "ZM": "Q953", "ZW": "Q954",
}
NOT_COUNTRY = {"AQ": "Location"}             # Antarctica is a continent
DROP_ALIASES = {"Jordan"}                     # English names that are common person names
# Regency/city names that are common words but well known as places, so they keep the bare name.
KEEP_BARE = {"Medan", "Padang", "Malang", "Serang", "Palu", "Tegal", "Ambon", "Kepulauan Seribu"}
# ... and names that must keep their prefix although the corpora do not show them as common words:
# person names (Bima Arya), ethnic groups (Banjar, Karo, Asmat), rivers (Kapuas), words (pati, buru, landak).
FORCE_PREFIX = {"Bima", "Metro", "Banjar", "Pati", "Buru", "Landak", "Malaka", "Karo", "Lingga", "Kapuas", "Asmat"}
CLASS_ORDER = ["Country", "Organization", "AIModel", "Person", "Location", "Event"]


@dataclass
class Row:
    name: str
    cls: str
    qid: str = ""
    aliases: list[str] = field(default_factory=list)
    case: bool = False
    curated: bool = False

    def forms(self) -> list[str]:
        return [self.name, *self.aliases]

    def add(self, *names: str) -> None:
        for n in names:
            n = " ".join(n.split())
            if n and n not in self.forms() and n not in DROP_ALIASES:
                self.aliases.append(n)


def match_key(form: str, case: bool) -> str:
    """Key under which the runtime index stores a form (see kg.extract.gazetteer.Gazetteer)."""
    ek = exact_key(form)
    return "=" + ek if case or len(ek.casefold()) <= SHORT_KEY else ek.casefold()


def common_words(data: Path) -> Counter:
    """Ordinary Indonesian words (lower-case counts) from treebank and NER text, names excluded."""
    lower: Counter = Counter()
    upper: Counter = Counter()

    def see(tok: str) -> None:
        if tok.islower():
            lower[tok] += 1
        elif tok[:1].isupper():
            upper[tok.lower()] += 1

    for p in [data / "UD_Indonesian-GSD/id-ud-train.v2.0.conllu", data / "UD_Indonesian-CSUI/id_csui-ud-train.conllu"]:
        for line in p.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) == 10 and cols[0].isdigit() and cols[0] != "1":
                see(cols[1])
    for line in (data / "idner-news-2k/train.txt").read_text(encoding="utf-8").splitlines():
        see(line.split(" ")[0])
    # Common: written lower-case at least twice and not mostly capitalised (jakarta 2 vs Jakarta 199).
    return Counter({w: n for w, n in lower.items() if n >= 2 and 3 * n >= upper[w]})


def _clean_country(name: str) -> str:
    name = re.sub(r"\s*\(.*?\)", "", name).replace(" & ", " dan ").replace("Kep. ", "Kepulauan ")
    return re.sub(r"\s+DAK Tiongkok$", "", name).strip()


def countries(data: Path) -> list[Row]:
    import pycountry
    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    with open(data / "country-list-id/country.csv", encoding="utf-8") as f:
        cldr = {r["id"]: r["value"] for r in csv.DictReader(f)}
    rows = []
    for c in pycountry.countries:
        code = c.alpha_2
        row = Row(_clean_country(cldr.get(code) or tr.gettext(c.name)), NOT_COUNTRY.get(code, "Country"),
                  WIKIDATA.get(code, ""))
        for n in (cldr.get(code, ""), tr.gettext(c.name), c.name, getattr(c, "common_name", "")):
            if n and "," not in n:                    # "Iran, Republik Islam" is an index form
                row.add(_clean_country(n))
        rows.append(row)
    return rows


def regions(data: Path, common: Counter) -> list[Row]:
    base = data / "wilayah-indonesia-kepmendagri-2025"
    provinces = [p["nama_provinsi"] for p in json.loads((base / "provinsi.json").read_text(encoding="utf-8"))]
    rows = []
    for p in provinces:
        row = Row(p, "Location")
        if "Sumatera" in p:
            row.add(p.replace("Sumatera", "Sumatra"))
        row.add(f"Provinsi {p}")
        rows.append(row)
    taken = {lookup_key(p) for p in provinces}
    regs = []
    for r in json.loads((base / "kabupaten.json").read_text(encoding="utf-8")):
        m = re.match(r"(Kabupaten|Kab|Kota)( Administrasi)? (.+)$", r["nama_kabupaten"])
        kind = "Kota" if m.group(1) == "Kota" else "Kabupaten"
        regs.append((kind, m.group(3), r["nama_kabupaten"]))
    cities = {lookup_key(b) for k, b, _ in regs if k == "Kota"}

    def is_common(bare: str) -> bool:
        return bare in FORCE_PREFIX or (bare not in KEEP_BARE and all(common[w.lower()] for w in bare.split()))

    for kind, bare, raw in sorted(regs, key=lambda r: r[0] != "Kota"):    # cities claim bare names first
        clash = lookup_key(bare) in taken or (kind == "Kabupaten" and lookup_key(bare) in cities)
        prefixed = f"{kind} {bare}"
        row = Row(prefixed if clash or is_common(bare) else bare, "Location")
        row.add(prefixed, raw if not raw.startswith("Kab ") else prefixed)
        if kind == "Kabupaten":
            row.add(f"Kab. {bare}")
        if bare.endswith(" Kepulauan") and kind == "Kota":                   # Tidore Kepulauan -> Tidore
            row.add(bare.removesuffix(" Kepulauan"))
        taken.add(lookup_key(row.name))
        rows.append(row)
    return rows


def curated(path: Path) -> list[Row]:
    return [Row(e.name, e.cls, e.wikidata or "", list(e.aliases), e.case_sensitive, True)
            for e in parse_tsv(path.read_text(encoding="utf-8"), str(path), load_ontology().classes)]


def merge(generated: list[Row], extra: list[Row]) -> list[Row]:
    """Fold curated Country/Location rows into the generated row they name; append the rest."""
    by_key: dict[tuple[str, str], Row] = {}
    for g in generated:
        for f in g.forms():
            by_key.setdefault((g.cls, lookup_key(f)), g)
    out = list(generated)
    for c in extra:
        targets = {id(by_key[(c.cls, lookup_key(f))]): by_key[(c.cls, lookup_key(f))] for f in c.forms() if (c.cls, lookup_key(f)) in by_key}
        if len(targets) > 1:
            raise SystemExit(f"curated {c.name!r} matches several generated rows: {[t.name for t in targets.values()]}")
        if not targets:
            out.append(c)
            continue
        g = next(iter(targets.values()))
        if c.qid and g.qid and c.qid != g.qid:
            raise SystemExit(f"Q-id conflict for {c.name!r}: curated {c.qid}, generated {g.qid}")
        old = g.forms()
        g.name, g.aliases, g.qid, g.curated = c.name, [], c.qid or g.qid, True
        g.add(*c.aliases, *old)
    return out


def resolve(rows: list[Row]) -> list[str]:
    """Give each match key to one row: canonical names beat aliases, curated beats generated."""
    owners: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        for f in dict.fromkeys(match_key(f, r.case) for f in r.forms()):
            owners[f].append(r)
    notes = []
    for k, rs in owners.items():
        if len(rs) < 2:
            continue
        named = [r for r in rs if match_key(r.name, r.case) == k]
        if len(named) > 1:
            raise SystemExit(f"two entries share the name key {k!r}: {[r.name for r in named]}")
        keep = named[0] if named else next((r for r in rs if r.curated), None)
        for r in rs:
            if r is not keep:
                r.aliases = [a for a in r.aliases if match_key(a, r.case) != k]
        notes.append(f"{k!r}: kept by {keep.name if keep else 'nobody'}; dropped from "
                     f"{[r.name for r in rs if r is not keep]}")
    return notes


def write(rows: list[Row], out: Path) -> None:
    header = [
        "# Jalin gazetteer. GENERATED by training/build_gazetteer.py; edit training/gazetteer_curated.tsv instead.",
        "# Columns (TAB-separated): name, class, wikidata, aliases (| separated), flags (optional: case).",
        "# Country names: umpirsky/country-list commit 4d8f87526c891a7b110b530eabf910c3f7468ad6 (data/id, from Unicode",
        "#   CLDR), MIT licence, Copyright (c) Saša Stamenković; and pycountry's iso-codes Indonesian translations (LGPL-2.1).",
        "# Indonesian provinces and regencies/cities: indrayoga/data-wilayah-indonesia commit",
        "#   4a03b0d378635b08aacc27e1da838b6c0136f1c0 (Kepmendagri No. 300.2.2-2138 Tahun 2025, via",
        "#   yonatanyl/KODE-WILAYAH-KEPMENDAGRI-2025), CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).",
        "#   Changes: \"Kabupaten\"/\"Kota\" prefixes moved to aliases where the bare name is unambiguous; aliases added.",
        "# Other entries are hand-curated (Apache-2.0, as Jalin). Wikidata ids are facts about public items.",
    ]
    body = []
    for r in sorted(rows, key=lambda r: (CLASS_ORDER.index(r.cls), lookup_key(r.name))):
        cols = [r.name, r.cls, r.qid, "|".join(r.aliases)] + (["case"] if r.case else [])
        body.append("\t".join(cols))
    out.write_text("\n".join(header + body) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="the training-data directory")
    ap.add_argument("-o", "--out", type=Path, default=ROOT / "kg/data/gazetteer.tsv")
    ap.add_argument("--curated", type=Path, default=ROOT / "training/gazetteer_curated.tsv")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every alias conflict resolved")
    args = ap.parse_args(argv)
    common = common_words(args.data)
    rows = merge(countries(args.data) + regions(args.data, common), curated(args.curated))
    notes = resolve(rows)
    for r in rows:                                        # warn where a curated one-word form is a common word
        for f in r.forms() if r.curated and not r.case else ():
            if " " not in f and len(f) > SHORT_KEY and common[f.lower()] >= 5:
                print(f"warning: {r.cls} {r.name!r} form {f!r} is a common word ({common[f.lower()]}x lower-case)",
                      file=sys.stderr)
    if args.verbose:
        print("\n".join(notes), file=sys.stderr)
    write(rows, args.out)
    counts = Counter(r.cls for r in rows)
    print(f"wrote {args.out}: {len(rows)} entries " + ", ".join(f"{c} {counts[c]}" for c in CLASS_ORDER)
          + f"; {len(notes)} shared keys resolved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
