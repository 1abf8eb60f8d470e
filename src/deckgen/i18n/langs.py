"""Language codes: which ones exist, and what each language sets differently (quotes, hyphens)."""

from __future__ import annotations

import re

# ISO 639-1: every two-letter language code. A code outside this list is a typo ("ge" for
# German), and a typo here would silently build a deck nobody can read.
_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da
de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz
ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln
lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi
pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti
tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(re.findall(r"[a-z]{2}", _CODES))
CODE_RE = re.compile(r"^([a-z]{2})(?:[_-]([A-Z]{2}))?\Z")

# Opening and closing quotation marks, where they differ from English.
QUOTES: dict[str, tuple[str, str]] = {
    "de": ("„", "“"), "ru": ("«", "»"), "fr": ("« ", " »"), "uk": ("«", "»"),
    "pl": ("„", "”"), "cs": ("„", "“"), "el": ("«", "»"), "it": ("«", "»"), "es": ("«", "»"),
    "nl": ("‘", "’"), "sv": ("”", "”"), "da": ("»", "«"), "he": ("„", "”"), "ar": ("«", "»"),
}
RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur", "yi", "dv", "ps", "sd", "ug"})


def problem(code: str) -> str | None:
    """Why `code` is not a language code deckgen can use, or None when it is one."""
    match = CODE_RE.match(code)
    if match is None:
        return f"'{code}' is not a language code"
    if match.group(1) not in ISO_639_1:
        return f"'{match.group(1)}' is not an ISO 639-1 language code"
    return None


def base(code: str) -> str:
    """The language without its region: de_AT -> de."""
    return code.replace("-", "_").split("_")[0].lower()


def quotes(code: str) -> tuple[str, str]:
    return QUOTES.get(base(code), ("“", "”"))


def number(value: float, code: str) -> str:
    """A number as the language writes it: 1.5 in English, 1,5 in German."""
    text = f"{value:g}"
    if base(code) in {"en", "he", "ja", "ko", "zh", "th"}:
        return text
    return text.replace(".", ",")
