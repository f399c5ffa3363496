"""Credit phrases in German, French, Spanish, Italian, Portuguese and Russian news
(and, through :mod:`copytrace.credits_cjk`, Chinese, Japanese and Korean).

:mod:`copytrace.attribute` finds English credits ("according to Nikkei", "the
daily wrote") with its ASCII trigger-word search. Wire copy is reprinted in
every language ("laut dpa", "selon l'AFP", "según EFE", "secondo l'ANSA",
"сообщает ТАСС"), so these are the same two kinds of phrase for six more:

- **named**: a reporting phrase and the name it credits, with the optional
  article, publisher noun and adjective between ("laut der Nachrichtenagentur
  dpa", "selon le quotidien japonais Nikkei", "сообщает японская газета
  Nikkei", "der Zeitung Handelsblatt zufolge"); the name is the run of
  capitalised words after them (or a quoted name: «Коммерсантъ», „Bild“), a
  known agency in lower case too (dpa);
- **generic**: the same phrase with a publisher noun and no name ("berichtete
  die Zeitung", "selon le journal", "según el diario", "пишет издание").

German "so die Zeitung" is not read: "so" is an English word on every page, and
the patterns run only on pages that hold one of their languages' lead words.

Each language's patterns run only over the content of a page that holds one
of its lead words (:func:`page_languages`). Hand-written from the languages' usual credit formulas;
``tests/test_credits_intl.py`` holds a reprint and a third-party credit per
language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from copytrace import credits_cjk

# A credited name: quoted, or up to five words (trimmed to the capitalised ones).
_WORD = r"[^\W\d_][\w&.’'-]*"
_NAME = (
    r"(?:«\s?(?P<q1>[^»\n]{1,60}?)\s?»|„(?P<q2>[^“”\n]{1,60})[“”]"
    r"|\"(?P<q3>[^\"\n]{1,60})\"|“(?P<q4>[^”\n]{1,60})”"
    rf"|(?P<w>{_WORD}(?:[ \t]+{_WORD}){{0,4}}))"
)
# Lower-case words that may stand inside a name ("Agence France-Presse", "El País" are
# capitalised; "Corriere della Sera", "Folha de S. Paulo" are not all).
_CONNECTORS = frozenset(
    ["de", "du", "des", "del", "della", "dello", "delle", "di", "da", "do", "dos", "von", "van"]
)
# News agencies credited in lower case.
_LOWER_AGENCIES = frozenset(["dpa", "apa", "sda", "ats", "kna", "epd", "afp", "efe", "ansa"])


class _Language(NamedTuple):
    code: str
    lead: re.Pattern[str]  # a word every credit phrase of the language holds
    named: tuple[re.Pattern[str], ...]  # phrases with a (?P<noun>) and a name
    noun: re.Pattern[str]  # a publisher noun (no part of a name)


def _language(
    code: str,
    leads: Sequence[str],
    article: str,
    noun: str,
    before_noun: str,
    after_noun: str,
    trailing: Sequence[str] = (),
) -> _Language:
    """The patterns of one language: each lead phrase, then ``article``?,
    ``before_noun``? ``noun``? ``after_noun``?, then the name; ``trailing`` phrases
    follow the name instead ("X zufolge"). Lead, article and noun in any case;
    the adjectives in lower case, the name capitalised."""
    filler = (
        rf"(?:(?i:{article})(?:\s+|(?<=['’])))?"
        rf"(?:(?:{before_noun}\s+)?(?P<noun>(?i:{noun}))(?!\w)(?:\s+{after_noun}(?!\w))?)?"
    )
    lead = "|".join(leads)
    named = [re.compile(rf"(?<!\w)(?i:{lead})\s+{filler}(?:\s*{_NAME})?")]
    for tail in trailing:
        named.append(re.compile(rf"(?<!\w){filler}(?:\s*{_NAME})?\s+(?i:{tail})(?!\w)"))
    trigger = re.compile(rf"(?<!\w)(?i:{'|'.join([*leads, *trailing])})(?!\w)")
    return _Language(code, trigger, tuple(named), re.compile(rf"(?i:{noun})"))


# Lower-case adjectives before a noun (German, Russian) or after it (the Romance
# languages): "die japanische Zeitung", "le quotidien japonais".
_LOWER = r"[^\W\d_A-ZÀ-ÞА-ЯЁ][\w-]*"

LANGUAGES: tuple[_Language, ...] = (
    _language(
        "de",
        [
            r"laut",
            r"nach\s+Angaben",
            r"unter\s+Berufung\s+auf",
            r"berichtete",
            r"berichtet",
            r"meldete",
            r"meldet",
            r"schrieb",
            r"schreibt",
            r"zitierte",
            r"zitiert",
        ],
        r"(?:der|die|das|dem|den|des)",
        r"(?:Nachrichtenagentur|Presseagentur|Agentur|Tageszeitung|Wirtschaftszeitung|"
        r"Wochenzeitung|Zeitung|Zeitschrift|Nachrichtenmagazin|Magazin|Blatt|"
        r"Fernsehsender|Sender|Nachrichtenportal|Portal|Website|Webseite)",
        _LOWER,
        r"(?!)",
        trailing=[r"zufolge", r"berichtete", r"berichtet", r"meldete", r"meldet", r"schrieb"],
    ),
    _language(
        "fr",
        [
            r"selon",
            r"d['’]apr[èe]s",
            r"rapporte",
            r"a\s+rapport[ée]",
            r"[ée]crit",
            r"a\s+[ée]crit",
            r"indique",
            r"a\s+indiqu[ée]",
            r"cit[ée]e?\s+par",
            r"r[ée]v[èe]le",
            r"a\s+r[ée]v[ée]l[ée]",
            r"annonce",
            r"a\s+annonc[ée]",
        ],
        r"(?:le|la|les|l['’]|du|de\s+la|de\s+l['’]|des)",
        r"(?:agence\s+de\s+presse|agence|quotidien|journal|hebdomadaire|magazine|site|"
        r"m[ée]dia|cha[îi]ne|radio|t[ée]l[ée]vision)",
        r"(?!)",
        _LOWER,
        trailing=[r"rapporte", r"a\s+rapport[ée]", r"[ée]crit", r"a\s+[ée]crit"],
    ),
    _language(
        "es",
        [
            r"seg[úu]n",
            r"de\s+acuerdo\s+con",
            r"inform[óo]",
            r"informa",
            r"public[óo]",
            r"publica",
            r"report[óo]",
            r"se[ñn]al[óo]",
            r"indic[óo]",
            r"citad[oa]\s+por",
            r"recogi[óo]",
            r"recoge",
        ],
        r"(?:el|la|los|las|del|de\s+la)",
        r"(?:agencia\s+de\s+noticias|agencia|diario|peri[óo]dico|rotativo|semanario|revista|"
        r"cadena|medio|portal|sitio|emisora|televisi[óo]n)",
        r"(?!)",
        _LOWER,
        trailing=[r"inform[óo]", r"public[óo]", r"report[óo]"],
    ),
    _language(
        "it",
        [
            r"secondo",
            r"stando\s+a",
            r"riporta",
            r"ha\s+riportato",
            r"scrive",
            r"ha\s+scritto",
            r"riferisce",
            r"ha\s+riferito",
            r"citat[oa]\s+da",
            r"come\s+riportato\s+da",
            r"rivela",
            r"ha\s+rivelato",
        ],
        r"(?:il|lo|la|l['’]|i|gli|le|del|della|dello|dell['’])",
        r"(?:agenzia\s+di\s+stampa|agenzia|quotidiano|giornale|settimanale|rivista|testata|"
        r"emittente|sito|tv)",
        r"(?!)",
        _LOWER,
        trailing=[r"riporta", r"scrive", r"riferisce", r"ha\s+riportato", r"ha\s+scritto"],
    ),
    _language(
        "pt",
        [
            r"segundo",
            r"de\s+acordo\s+com",
            r"conforme",
            r"informou",
            r"informa",
            r"publicou",
            r"noticiou",
            r"relatou",
            r"citad[oa]\s+pel[oa]",
            r"revelou",
        ],
        r"(?:o|a|os|as|do|da|dos|das)",
        r"(?:ag[êe]ncia\s+de\s+not[íi]cias|ag[êe]ncia|jornal|di[áa]rio|semanário|revista|"
        r"emissora|canal|site|portal)",
        r"(?!)",
        _LOWER,
        trailing=[r"informou", r"publicou", r"noticiou", r"relatou"],
    ),
    _language(
        "ru",
        [
            r"сообщает",
            r"сообщила",
            r"сообщило",
            r"сообщил",
            r"пишет",
            r"писала",
            r"передает",
            r"передаёт",
            r"передало",
            r"по\s+данным",
            r"по\s+сообщению",
            r"со\s+ссылкой\s+на",
            r"как\s+сообщает",
            r"как\s+пишет",
            r"отмечает",
            r"утверждает",
        ],
        r"(?!)",
        r"(?:информагентств[оау]|агентств[оау]|газет[аыеу]|издани[еяю]|телеканал[ау]?|"
        r"радиостанци[яию]|журнал[ау]?|портал[ау]?|сайт[ау]?)",
        _LOWER,
        r"(?!)",
        trailing=[r"сообщает", r"сообщила", r"сообщило", r"пишет", r"передает", r"передаёт"],
    ),
)


_CJK = frozenset(["zh", "ja", "ko"])  # (read by copytrace.credits_cjk)


# Which languages a page may credit in, found cheaply (most pages are English and hold
# no lead word: the phrase patterns never run on them). ASCII_KEYS are lead words
# of four or more ASCII letters, looked up as whole runs in the page's ASCII letter
# runs (the caller's English trigger search finds them in the same pass); the stems
# below are the leads spelled with other letters, searched only on a page that has such
# letters. A key is a gate, not a match: the language's patterns decide.
_KEY_WORDS = {
    "de": "laut angaben berufung berichtete berichtet meldete meldet schrieb schreibt "
    "zitierte zitiert zufolge",
    "fr": "selon apres rapporte rapport ecrit indique indiqu annonce annonc revele",
    "es": "segun acuerdo informa publica citado citada recoge recogio",
    "it": "secondo stando riporta riportato scrive scritto riferisce riferito citato citata "
    "rivela rivelato",
    "pt": "segundo acordo conforme informou publicou noticiou relatou citado citada revelou",
}
ASCII_KEYS: dict[bytes, tuple[str, ...]] = {}
for _code, _words in _KEY_WORDS.items():
    for _word in _words.split():
        ASCII_KEYS[_word.encode()] = (*ASCII_KEYS.get(_word.encode(), ()), _code)
_STEM_LANGUAGES: dict[str, tuple[str, ...]] = {
    "après": ("fr",), "écrit": ("fr",), "cité": ("fr",), "révél": ("fr",), "rapporté": ("fr",),
    "indiqué": ("fr",), "annoncé": ("fr",), "según": ("es",), "informó": ("es",),
    "publicó": ("es",), "reportó": ("es",), "señaló": ("es",), "indicó": ("es",),
    "recogió": ("es",), "agência": ("pt",), "ообщ": ("ru",), "ишет": ("ru",), "исала": ("ru",),
    "ереда": ("ru",), "данным": ("ru",), "ссылкой": ("ru",), "тмечает": ("ru",),
    "тверждает": ("ru",),
}  # fmt: skip
# Each stem in lower case and capitalised (a sentence's first word); letters a page
# holding one of them holds, looked for first (str.__contains__, no pattern: a page
# without them, most English pages, is done with in a few microseconds): each Latin
# stem's accented letter, and the Cyrillic "о" of any Russian text.
_STEM_FORMS = {
    form: codes
    for stem, codes in _STEM_LANGUAGES.items()
    for form in (stem, stem[0].upper() + stem[1:])
}
_STEM_LETTERS = "Éèéêñóúо"
_LETTER_RUNS = bytes(b + 32 if 65 <= b <= 90 else b if 97 <= b <= 122 else 32 for b in range(256))
_KEY_RUN = re.compile(
    b" (" + b"|".join(re.escape(k) for k in sorted(ASCII_KEYS, key=len, reverse=True)) + b")(?= )"
)


def page_languages(text: str, keys: Iterable[bytes] | None = None) -> frozenset[str]:
    """The languages whose credit phrases ``text`` may hold. ``keys``: the
    :data:`ASCII_KEYS` standing whole in the page's ASCII letter runs, when the
    caller has found them (else they are looked for here).

    Example:
        >>> sorted(page_languages("Tokio will reden, berichtete die Zeitung."))
        ['de']
        >>> page_languages("So it goes, he said.")
        frozenset()
    """
    if keys is None:
        runs = b" " + text.encode("ascii", "replace").translate(_LETTER_RUNS) + b" "
        keys = [m.group(1) for m in _KEY_RUN.finditer(runs)]
    found = {code for k in keys for code in ASCII_KEYS.get(k, ())}
    if not text.isascii():
        if any(ch in text for ch in _STEM_LETTERS):
            for form, codes in _STEM_FORMS.items():
                if form in text:
                    found.update(codes)
        found.update(credits_cjk.page_languages(text))
    return frozenset(found)


class Credits(NamedTuple):
    # (start, end, phrase, credited name, the phrase has a publisher noun)
    named: tuple[tuple[int, int, str, str, bool], ...]
    generic: tuple[tuple[int, int, str], ...]  # (start, end, phrase): a noun, no name


def find_credits(
    text: str, spans: Sequence[tuple[int, int]], langs: Iterable[str] | None = None
) -> Credits:
    """The named and generic credit phrases of the six languages in ``text[s:e]`` for
    each content span ``(s, e)``; ``langs``: :func:`page_languages` of ``text``,
    when the caller has them.

    Example:
        >>> text = "Die Preise steigen, berichtete die Nachrichtenagentur dpa am Montag."
        >>> find_credits(text, [(0, len(text))]).named
        ((20, 57, 'berichtete die Nachrichtenagentur dpa', 'dpa', True),)
        >>> find_credits("Sales fell, the daily said.", [(0, 27)])
        Credits(named=(), generic=())
    """
    named: list[tuple[int, int, str, str, bool]] = []
    generic: list[tuple[int, int, str]] = []
    if not spans:
        return Credits((), ())
    codes = page_languages(text) if langs is None else frozenset(langs)
    for lang in LANGUAGES:
        if lang.code not in codes:
            continue
        for s, e in spans:
            for rx in lang.named:
                before = rx is not lang.named[0]  # (the name stands before its verb)
                for m in rx.finditer(text, s, e):
                    found = _credit(m, lang.noun, before)
                    if found is None:
                        continue
                    start, stop, name, strong = found
                    phrase = text[start:stop].strip()
                    if name:
                        named.append((start, stop, phrase, name, strong))
                    elif strong:
                        generic.append((start, stop, phrase))
    if codes & _CJK:
        cjk_named, cjk_generic = credits_cjk.find_credits(text, spans, codes)
        named += cjk_named
        generic += cjk_generic
    return Credits(tuple(sorted(named)), tuple(sorted(generic)))


def _credit(
    m: re.Match[str], noun: re.Pattern[str], before: bool
) -> tuple[int, int, str | None, bool] | None:
    """``(start, end, name, has a publisher noun)`` of the credit a match holds: the
    quoted name, or the capitalised words (a known agency in lower case too) after
    the last publisher noun, the first of them, or the last (``before``: a name
    before its verb, "wie die FAZ berichtete"); a phrase with a noun and no name
    has name None; a match with neither: None."""
    start, end = m.start(), m.end()
    for group in ("q1", "q2", "q3", "q4"):
        quoted = m.group(group)
        if quoted and quoted.strip():
            return start, end if before else m.end(group) + 1, quoted.strip(), True
    has_noun = m.group("noun") is not None
    raw = m.group("w") or ""
    words = [(m.start("w") + w.start(), w.group()) for w in re.finditer(r"\S+", raw)]
    nouns = [i for i, (_, w) in enumerate(words) if noun.fullmatch(w.rstrip(".,;:!?"))]
    first = nouns[-1] + 1 if nouns else 0
    after = tuple(w for _, w in words[first:])
    if before:
        kept = _capitalised(after[::-1])[::-1]
        # (the phrase from its noun, or its name, to its verb: not the words before)
        k = nouns[-1] if nouns else len(words) - len(kept)
        if k < len(words) and not has_noun:
            start = words[k][0]
    else:
        kept = _capitalised(after)
        if kept:
            at, word = words[first + len(kept) - 1]
            end = at + len(word.rstrip(".,;:!?"))
        elif has_noun:
            end = m.end("noun")
    if not kept and not (has_noun or nouns):
        return None
    return start, end, " ".join(kept) or None, has_noun or bool(nouns)


@functools.lru_cache(maxsize=4096)
def _capitalised(words: tuple[str, ...]) -> tuple[str, ...]:
    """The leading name words: capitalised ones (or an agency in lower case) with
    lower-case connectors between them; punctuation ends the name.

    Example:
        >>> _capitalised(("Corriere", "della", "Sera", "di", "oggi"))
        ('Corriere', 'della', 'Sera')
        >>> _capitalised(("am", "Montag."))
        ()
    """
    kept: list[str] = []
    for word in words:
        bare = word.rstrip(".,;:!?")
        folded = bare.casefold()
        lead = folded in _LOWER_AGENCIES if not kept else folded in _CONNECTORS
        if not (bare[:1].isupper() or lead):
            break
        kept.append(bare)
        if bare != word:  # (punctuation ends a name)
            break
    while kept and kept[-1].casefold() in _CONNECTORS:
        kept.pop()
    return tuple(kept)


def languages() -> Iterator[str]:
    """The codes of the languages whose credit phrases are read.

    Example:
        >>> list(languages())
        ['de', 'fr', 'es', 'it', 'pt', 'ru', 'zh', 'ja', 'ko']
    """
    yield from (lang.code for lang in LANGUAGES)
    yield from ("zh", "ja", "ko")
