"""Indonesian function-word and head-noun knowledge the extractor needs, kept as data.

Relation cues live in the ontology (``kg:verbCue``/``kg:nounCue``); this module
holds what is not tied to one property: which common nouns head names of which
class, pronouns, determiners, and quotation verbs.
"""

from __future__ import annotations

# Common nouns that head a name of a given class ("Bank Sentral Eropa", "satuan tugas AI nasional").
HEAD_CLASS: dict[str, str] = {
    **dict.fromkeys((
        "perusahaan", "bank", "badan", "lembaga", "dewan", "komite", "komisi", "kementerian", "departemen",
        "partai", "organisasi", "asosiasi", "aliansi", "jaringan", "satuan", "gugus", "tim", "konsorsium",
        "universitas", "institut", "yayasan", "startup", "perusahaan rintisan", "grup", "kelompok", "korporasi",
        "otoritas", "majelis", "parlemen", "senat", "kongres", "pemerintah", "kabinet", "pengadilan",
        "mahkamah", "agensi", "biro", "divisi", "laboratorium", "lab", "pusat", "koalisi", "federasi",
        "serikat", "persatuan", "uni", "duma", "kantor", "bursa", "raksasa", "produsen", "operator",
        # regional bodies of the state, named after their region: "Polda Jawa Barat", "Pemprov DKI Jakarta"
        "polda", "polres", "polresta", "polrestabes", "polsek", "pemprov", "pemkot", "pemkab", "dprd", "kejati",
        "kejari", "kodam", "korem", "kodim", "dinas", "disdik", "dishub", "kanwil", "pengadilan", "kejaksaan",
    ), "Organization"),
    **dict.fromkeys(("model", "chatbot", "asisten", "llm", "sistem", "platform ai", "mesin"), "AIModel"),
    **dict.fromkeys(("konferensi", "ktt", "forum", "festival", "pameran", "kongres", "simposium", "pertemuan",
                     "olimpiade", "piala", "expo", "summit", "seminar", "lokakarya"), "Event"),
    **dict.fromkeys(("kota", "provinsi", "kabupaten", "wilayah", "kawasan", "pulau", "daerah", "distrik",
                     "negara bagian", "teluk", "selat", "laut", "gunung", "sungai", "desa", "kecamatan"), "Location"),
    **dict.fromkeys(("negara", "republik", "kerajaan"), "Country"),
}

# Common nouns that name a newly created body when a launch verb takes them with modifiers
# ("membentuk satuan tugas AI nasional", "meluncurkan aliansi global").
CREATED_HEADS = frozenset((
    "satuan", "gugus", "badan", "komite", "komisi", "dewan", "lembaga", "tim", "aliansi", "jaringan",
    "konsorsium", "koalisi", "forum", "kelompok", "organisasi", "asosiasi", "yayasan", "perusahaan", "institut",
))

# Heads that mark a descriptor, not part of the name that follows ("perusahaan OpenAI").
DESCRIPTOR_HEADS = frozenset(("perusahaan", "raksasa", "startup", "bank", "model", "chatbot", "negara",
                              "kota", "provinsi", "konferensi", "platform", "layanan", "aplikasi", "produsen"))

PERSON_PRONOUNS = frozenset(("ia", "dia", "beliau", "nya"))
PLURAL_PRONOUNS = frozenset(("mereka",))
DEMONSTRATIVES = frozenset(("tersebut", "itu", "ini"))

# Definite descriptions resolved to the most salient entity of a class.
DEFINITE_HEADS: dict[str, str] = {
    "perusahaan": "Organization", "raksasa": "Organization", "startup": "Organization",
    "bank": "Organization", "lembaga": "Organization", "organisasi": "Organization",
    "negara": "Country", "pemerintah": "Country", "model": "AIModel", "chatbot": "AIModel",
}

QUOTE_VERBS = frozenset(("kata", "ujar", "ucap", "tutur", "jelas", "sebut", "ungkap", "tegas", "klaim"))

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
