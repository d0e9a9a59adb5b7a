"""Indonesian function-word knowledge the extractor needs, kept as data.

Relation cues and the nouns that type a name of a class live in the ontology
(``kg:verbCue``, ``kg:nounCue``, ``kg:headNoun``, ``kg:descriptorNoun``, ``kg:anaphorNoun``); this
module holds function words (pronouns, determiners, support verbs, words that are not names) and
the bodies a launch verb creates.
"""

from __future__ import annotations

# Common nouns that name a newly created body when a launch verb takes them with modifiers
# ("membentuk satuan tugas AI nasional", "meluncurkan aliansi global").
CREATED_HEADS = frozenset((
    "satuan", "gugus", "badan", "komite", "komisi", "dewan", "lembaga", "tim", "aliansi", "jaringan",
    "konsorsium", "koalisi", "forum", "kelompok", "organisasi", "asosiasi", "yayasan", "perusahaan", "institut",
))

PERSON_PRONOUNS = frozenset(("ia", "dia", "beliau", "nya"))
DEMONSTRATIVES = frozenset(("tersebut", "itu", "ini"))

# Words that may start a capitalised chunk but are not names ("Namun", "Pada", month names…).
NOT_NAMES = frozenset((
    "namun", "pada", "dalam", "sejak", "selama", "menurut", "sementara", "selain", "meski", "meskipun",
    "setelah", "sebelum", "ketika", "saat", "jika", "karena", "untuk", "dengan", "dari", "di", "ke", "oleh",
    "para", "sang", "tetapi", "tapi", "dan", "atau", "yang", "ini", "itu", "salah", "hal", "juga", "kini",
    "januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
    "november", "desember", "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "tahun",
))

# Support verbs: with them a noun cue's relation belongs to the clause subject
# ("X menjadi anggota Y", "X menjalin kerja sama dengan Y"); with other verbs it does not
# ("X bertemu anggota Y").
SUPPORT_VERBS = frozenset((
    "jadi", "menjadi", "jalin", "laku", "dalam", "kuat", "perkuat", "tingkat", "teken", "tanda",
    "bentuk", "jatuh", "kena", "beri", "buka", "capai", "sepakat", "galang", "luas", "perluas",
    "lanjut", "mulai", "rencana", "ajuk", "terap", "tetap", "masuk", "gabung", "resmi", "jajak", "lakukan",
    "adalah", "merupakan", "ialah", "sebagai", "tawar", "tanam", "kucur", "suntik", "gelontor",
))

# Generic terms that NER or capitalisation make look like names but that name no entity.
NOT_ENTITIES = frozenset((
    "ai", "a.i.", "kecerdasan buatan", "it", "ti", "pdb", "gdp", "llm", "llms", "atm", "ceo", "cto", "pc", "ui",
    "barat", "timur", "internet", "web", "api", "gpu", "cpu", "chip", "data", "big data", "iot", "5g", "4g",
    "covid-19", "covid", "rp", "us$", "usd", "idr", "wib", "wita", "wit", "tbk", "pt", "cv",
))
