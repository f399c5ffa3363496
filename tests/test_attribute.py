"""Direction and attribution: who is the source, is the reuse credited, and why."""

from __future__ import annotations

import random
import re
from pathlib import Path

from copytrace.align import align
from copytrace.attribute import (
    _CREDIT_LINE_RE,
    _DASH_CREDIT,
    _GENERIC_RE,
    _GENERIC_STARTS,
    _NAMED_STARTS,
    _TRIGGER_SET,
    _WORD_LED,
    TRIGGER_REACH,
    _dash_line_starts,
    _has_word,
    _letter_runs,
    _line_matches,
    _matches_at,
    _matches_in,
    _with_lookalikes,
    _words_at,
    attribute,
    coverage,
    publisher_names,
)
from copytrace.ingest.files import read_article_file
from copytrace.model import Article

BODY = (
    "The port authority closed the inner harbour on Thursday afternoon after forecasters "
    "upgraded a gale warning for the coast, leaving more than forty fishing boats tied up."
)


def whole(art: Article) -> Article:
    return Article(art.id, art.text, ((0, len(art.text)),), path=art.path)


def test_seed_pair_nikkei_is_the_credited_source(nikkei_path: Path, tass_path: Path) -> None:
    tass = whole(read_article_file(tass_path))
    nikkei = whole(read_article_file(nikkei_path))
    passages, direction = attribute(tass, nikkei, align(tass, nikkei))
    assert direction.source == "b"
    assert direction.confidence >= 0.5
    assert any("Nikkei" in e for e in direction.evidence)
    assert any("quotes" in e for e in direction.evidence)
    verbatim = [p for p in passages if p.kind != "paraphrase"]
    assert len(verbatim) == 2
    assert all(p.attributed for p in verbatim)


def test_copy_without_credit_is_not_attributed() -> None:
    a = Article(
        "a", f"Storm news. {BODY}", source="Harbour Herald", published="2024-03-01T09:00:00+00:00"
    )
    b = Article("b", f"Local roundup. {BODY} More later.", published="2024-03-01T15:00:00+00:00")
    passages, direction = attribute(a, b, align(a, b))
    assert passages and not any(p.attributed for p in passages)
    assert direction.source == "a"
    assert any("published" in e for e in direction.evidence)


def test_publication_time_alone_decides_direction() -> None:
    a = Article("a", BODY, published="2024-03-02T10:00:00+01:00")
    b = Article("b", BODY, published="2024-03-02T08:00:00+01:00")
    _, direction = attribute(a, b, align(a, b))
    assert direction.source == "b"
    assert 0 < direction.confidence <= 1


def test_named_credit_near_reused_words_marks_attribution() -> None:
    a = Article("a", BODY, source="Harbour Herald")
    b = Article("b", f"According to the Harbour Herald, {BODY[0].lower()}{BODY[1:]}")
    passages, direction = attribute(a, b, align(a, b))
    assert direction.source == "a"
    assert passages[0].attributed
    assert any("Harbour Herald" in e for e in direction.evidence)


def test_generic_credit_cue_marks_attribution() -> None:
    a = Article("a", BODY)
    b = Article("b", f'"{BODY}" the newspaper added.')
    passages, direction = attribute(a, b, align(a, b))
    assert passages[0].attributed
    assert direction.source == "a"
    # the evidence says what the phrase is: no publication named
    assert any(
        "points to a source it does not name" in e and "“the newspaper added”" in e
        for e in direction.evidence
    )


def test_third_party_named_by_both_is_not_evidence() -> None:
    quote = f"{BODY} Reuters reported."
    a = Article("a", quote)
    b = Article("b", quote)
    _, direction = attribute(a, b, align(a, b))
    assert direction.source is None
    assert direction.confidence == 0


def test_no_passages_means_no_direction() -> None:
    a, b = Article("a", "One text."), Article("b", "Another text.")
    passages, direction = attribute(a, b, [])
    assert passages == []
    assert direction.source is None and direction.confidence == 0.0
    assert direction.evidence


def test_containment_points_at_the_contained_article() -> None:
    extra = " ".join(
        f"Residents of street number {k} were told to stay indoors until the gale passed."
        for k in range(6)
    )
    a = Article("a", BODY)
    b = Article("b", f"{BODY} {extra}")
    _, direction = attribute(a, b, align(a, b))
    assert direction.source == "a"
    assert any("inside" in e for e in direction.evidence)


def test_publisher_names_from_metadata() -> None:
    art = Article("x", "", source="Nikkei Asian Review", url="https://asia.nikkei.com/p/1")
    assert publisher_names(art) == ["Nikkei Asian Review", "Nikkei"]
    # (an agency: its other names, in other scripts too, as reprints credit it)
    tass = publisher_names(Article("y", "", source="TASS"))
    assert tass[:2] == ["TASS", "ITAR-TASS"] and {"塔斯社", "タス通信"} <= set(tass)


def test_coverage_counts_content_characters_only() -> None:
    art = Article("x", "MENU" + "a" * 10, content=((4, 14),))
    assert coverage(art, [(4, 9)]) == 0.5
    assert coverage(art, [(4, 9), (6, 14)]) == 1.0


LONG = (
    f"{BODY} Harbour officials said the closure would last at least until Saturday morning, "
    "when the next forecast is due, and ferry services to the islands were suspended."
)


def test_agency_names_include_what_the_agency_is_credited_as() -> None:
    names = publisher_names(Article("w", "", source="wire:AP"))
    assert {"AP", "The Associated Press"} <= set(names)
    assert "Reuters" in publisher_names(Article("r", "", source="wire:Reuters"))


def test_wire_credit_line_far_from_the_reused_words_attributes_every_passage() -> None:
    wire = Article("w", f"HARBOUR CITY (AP) — {LONG}", source="wire:AP")
    text = f"Weekend travel. {LONG}\n\nIn other news, the county fair opens.\n\n"
    text += "The Associated Press contributed to this report."
    paper = Article("p", text, source="rivertoncourier.com")
    passages, direction = attribute(wire, paper, align(wire, paper))
    assert passages and all(p.attributed for p in passages)
    assert direction.source == "a"
    line = "The Associated Press contributed to this report"
    assert any("credits the article" in e and line in e for e in direction.evidence)


def test_copyright_and_reprint_lines_credit_only_the_publisher_they_name() -> None:
    wire = Article("w", LONG, source="wire:Reuters")
    credited = Article("c", f"{LONG}\n\nCopyright 2026 Reuters. All rights reserved.")
    other = Article("o", f"{LONG}\n\nRepublished with permission from The Harbour Herald.")
    for art, expect in ((credited, True), (other, False)):
        passages, _ = attribute(wire, art, align(wire, art))
        assert passages
        assert all(p.attributed for p in passages) is expect


# Words that make and break credit phrases, with the characters that trip up a
# search by letters: case-insensitive look-alikes (ſ, ı, İ, K), non-ASCII letters,
# digits and underscores glued to words, quotes, dashes, line breaks.
FUZZ_WORDS = (  # noqa: SIM905 (one string reads better than 70 items)
    "according to the As as cited quoted reported by Reuters Nikkei Nikkei's said "
    "says told wrote in went on daily newspaper news agency media outlet also "
    "sources report reporting story This this AP Associated Press contributed "
    "Provided Copyright 2026 © (AP) — - – ſaid SAID Accordıng İn \u212aYODO Kyodo TASS "
    "unsaid said2 x_said élan “ ” 's ’s of de Le Monde Daily Mail published "
    "continued writes paper wire website claims correspondent articles storyteller "
).split()
FUZZ_PHRASES = (
    "as cited by",
    "As quoted by the",
    "as reported by",
    "according to the",
    "the newspaper said",
    "This agency also reported",
    "told the",
    "wrote in",
    "went on",
    "said the daily",
    "the news agency",
    "Nikkei's correspondent",
    "Reuters’ articles",
)
FUZZ_GAPS = (" ", " ", " ", "  ", "\n", "\n\n", ", ", ". ", "\u00a0", "\t", " — ", "\r\n", "")
FUZZ_SPACES = (" ", " ", " ", "  ", "\n", "\u00a0", "\t", "\r\n")


def fuzz_text(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randint(1, 120)):
        if rng.random() < 0.15:  # a credit phrase, its spaces varied
            words = rng.choice(FUZZ_PHRASES).split()
            pieces.append("".join(w + rng.choice(FUZZ_SPACES) for w in words))
        else:
            pieces.append(rng.choice(FUZZ_WORDS) + rng.choice(FUZZ_GAPS))
    return "".join(pieces)


def fuzz_content(rng: random.Random, length: int) -> tuple[tuple[int, int], ...]:
    if rng.random() < 0.3:  # two spans that touch, cutting a word
        cut = rng.randint(0, length)
        return ((0, cut), (cut, length))
    if rng.random() < 0.05:  # spans past the end of the text read as far as it goes
        return ((length // 2, length + 5), (length + 5, length + 9))
    if rng.random() < 0.05:  # out of order and overlapping, against the contract
        return ((length // 2, length), (0, length // 2 + 3))
    cuts = sorted(rng.sample(range(length + 1), min(length + 1, 2 * rng.randint(0, 3))))
    return tuple((cuts[k], cuts[k + 1]) for k in range(0, len(cuts) - 1, 2))


def test_credit_patterns_are_tried_wherever_a_full_scan_finds_them() -> None:
    # the patterns run only where a match can begin; a plain finditer over the same
    # windows (and over arbitrary ones) must find exactly the same matches
    rng = random.Random(7)
    specs = [*_NAMED_STARTS, (_GENERIC_RE, _GENERIC_STARTS)]
    found = [0] * len(specs)
    for _ in range(400):
        text = fuzz_text(rng)
        art = Article("x", text, fuzz_content(rng, len(text)))
        words_at = _words_at(art)
        if not words_at.windows:
            continue
        cuts = sorted(set(rng.sample(range(len(text) + 1), min(len(text) + 1, 6))))
        some = list(zip(cuts[::2], cuts[1::2], strict=False))  # arbitrary windows
        for windows in (words_at.windows, some):
            at = words_at._replace(windows=windows)
            for n, (rx, where) in enumerate(specs):
                scan = [m.span() for lo, hi in windows for m in rx.finditer(text, lo, hi)]
                tried = [m.span() for m in _matches_in(rx, where, text, at)]
                assert tried == scan, (text, windows, rx.pattern)
                found[n] += len(scan)
    assert min(found) > 20, found


def test_trigger_windows_are_read_from_each_content_span_alone() -> None:
    # reference: each content span's own text, word by word
    rng = random.Random(8)
    for _ in range(400):
        text = fuzz_text(rng)
        art = Article("x", text, fuzz_content(rng, len(text)))
        expected: list[tuple[int, int]] = []
        for lo, hi in art.content or ((0, len(text)),):
            piece = text[lo:hi].encode("ascii", "replace").lower().decode()
            for m in re.finditer(r"[a-z]+", piece):
                if m.group().encode() not in _TRIGGER_SET:
                    continue
                s = max(lo, lo + m.start() - TRIGGER_REACH)
                e = min(hi, lo + m.end() + TRIGGER_REACH)
                if expected and s <= expected[-1][1]:
                    expected[-1] = (expected[-1][0], max(expected[-1][1], e))
                else:
                    expected.append((s, e))
        assert _words_at(art).windows == expected, (text, art.content)


def test_credit_lines_are_found_as_a_full_scan_finds_them() -> None:
    rng = random.Random(10)
    hits = dict.fromkeys(_WORD_LED, 0)
    lines = "Provided by|courtesy of the|Republished with permission from|COPYRIGHT 2026"
    lines += "|reprinted from|Originally appeared in|copyright|originally published by"
    for _ in range(300):
        text = fuzz_text(rng)
        for _ in range(rng.randint(1, 4)):
            k = rng.randint(0, len(text))
            line = rng.choice(lines.split("|")) + rng.choice(FUZZ_SPACES)
            line += rng.choice(["Reuters", "The Harbour Herald", "AP", "the", "ſome"])
            text = f"{text[:k]} {line}{rng.choice(FUZZ_GAPS)}{text[k:]}"
        runs = _with_lookalikes(text, _letter_runs(text))
        for word, rx in _CREDIT_LINE_RE:
            scan = [m.span() for m in rx.finditer(text)]
            assert [m.span() for m in _line_matches(word, rx, text, runs)] == scan, text
            if word in hits:
                hits[word] += len(scan)
    assert min(hits.values()) > 10, hits


def test_dash_credit_lines_are_found_as_a_full_scan_finds_them() -> None:
    rng = random.Random(9)
    hits = 0
    for _ in range(400):
        lines = [
            rng.choice(["", "— ", "-", " \t– ", "x-"]) + fuzz_text(rng)[: rng.randint(0, 30)]
            for _ in range(rng.randint(1, 8))
        ]
        text = rng.choice(["\n", "\r\n", "\n\n"]).join(lines)
        scan = [m.span() for m in _DASH_CREDIT.finditer(text)]
        at = _matches_at(_DASH_CREDIT, text, _dash_line_starts(text), len(text))
        assert [m.span() for m in at] == scan, text
        hits += len(scan)
    assert hits > 10


def test_credit_line_keyword_spelled_with_look_alike_letters_still_credits() -> None:
    # (?i) matches "ı" to "i": once "copyright" is on the page, "Copyrıght 2026 Reuters"
    # is a copyright line too
    wire = Article("w", LONG, source="wire:Reuters")
    page = Article("c", f"{LONG}\n\nSee our copyright notice.\nCopyr\u0131ght 2026 Reuters")
    passages, direction = attribute(wire, page, align(wire, page))
    assert passages and all(p.attributed for p in passages)
    assert any("Copyr\u0131ght 2026 Reuters" in e for e in direction.evidence)


def test_has_word_agrees_with_a_word_bounded_regex() -> None:
    rng = random.Random(12)
    pieces = ["Nikkei", "U.S.", "AT&T", "-Post", "Le", "_x", "2026", "é", "\u0301", " ", ".", "'"]
    hits = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        word = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 2)))
        expected = bool(re.search(rf"\b{re.escape(word)}\b", text))
        assert _has_word(text, word) is expected, (text, word)
        hits += expected
    assert hits > 100


def test_contributed_line_after_a_capitalised_word_names_the_agency() -> None:
    wire = Article("w", LONG, source="wire:AP")
    text = (
        f"{LONG}\n\nReporting by Dana Mennis.\n\nThe Associated Press contributed to this report."
    )
    paper = Article("p", text, source="rivertoncourier.com")
    passages, direction = attribute(wire, paper, align(wire, paper))
    assert passages and all(p.attributed for p in passages)
    assert any("The Associated Press contributed" in e for e in direction.evidence)


def test_own_copyright_line_does_not_credit_the_other_article() -> None:
    # the wire's own "Copyright 2026 Reuters" is no credit to a reprint whose page
    # chrome happens to name Reuters; the earlier wire stays the source
    wire_text = f"{LONG}\n\nCopyright 2026 Reuters. All rights reserved."
    wire = Article(
        "w", wire_text, source="wire:Reuters", published="2026-10-12T02:57:10+00:00",
        content=((0, len(LONG)),),
    )  # fmt: skip
    chrome = "Top stories from Reuters and more\n\n"
    paper = Article(
        "p", chrome + LONG, source="maplegatebulletin.com",
        published="2026-10-12T05:12:05+00:00", content=((len(chrome), len(chrome) + len(LONG)),),
    )  # fmt: skip
    passages, direction = attribute(wire, paper, align(wire, paper))
    assert passages and not any(p.attributed for p in passages)
    assert direction.source == "a"
    assert not any("credits" in e for e in direction.evidence)


def test_own_copyright_line_with_a_generic_last_word_is_still_own() -> None:
    # "Times" is not a name word: "© 2026 The Springbury Times" names "Springbury",
    # which is still the crediting page's own publisher (springburytimes.com)
    text = f"{LONG}\n\n© 2026 The Springbury Times"
    own = Article("s", text, source="springburytimes.com", content=((0, len(LONG)),))
    chrome = "Partner sites: Springbury weekly deals\n\n"
    other = Article(
        "o", chrome + LONG, source="lakebridgejournal.com",
        content=((len(chrome), len(chrome) + len(LONG)),),
    )  # fmt: skip
    _, direction = attribute(other, own, align(other, own))
    assert not any("credits" in e for e in direction.evidence)


def test_agency_credited_by_both_pages_is_no_credit_line_to_either() -> None:
    # both reprints carry "Provided by Reuters": a third party, not each other's publisher
    one = Article(
        "1", f"{LONG}\n\nProvided by Reuters.", source="stonewooddispatch.com",
        content=((0, len(LONG)),),
    )  # fmt: skip
    two = Article(
        "2", f"{LONG}\n\nProvided by Reuters.", source="westfieldtelegraph.com",
        content=((0, len(LONG)),),
    )  # fmt: skip
    _, direction = attribute(one, two, align(one, two))
    assert not any("credits" in e for e in direction.evidence)


def test_known_names_match_as_each_name_tried_in_turn() -> None:
    # reference: each known name's words, then the whole name, casefolded
    from copytrace.attribute import _folded_words, _name_matches

    rng = random.Random(15)
    pool = ["Nikkei", "nikkei", "Asian", "Review", "TASS", "Harbour Herald", "The Daily", "ſun"]
    for _ in range(500):
        words = tuple(rng.sample(["Nikkei", "NIKKEI", "Herald", "Sun", "Review", "Kyodo"], 2))
        known = tuple(rng.sample(pool, rng.randint(0, 3)))
        folded = {w.casefold() for w in words}
        want = any(not folded.isdisjoint(_folded_words(k)) or k.casefold() in folded for k in known)
        other = Article("o", "")
        assert _name_matches(words, known, other, True, "") is want, (words, known)


def test_hostname_is_what_urlsplit_reads() -> None:
    from urllib.parse import urlsplit

    from copytrace.attribute import _PLAIN_HOST, _hostname

    rng = random.Random(16)
    plain = 0
    pieces = ["https://", "http://", "HTTP://", "ftp://", " https://", "//", "www.", "asia."]
    pieces += ["nikkei", "Nikkei", "co.uk", ".com", "-x", "9", ":8080", "@", "u:p@", "[::1]"]
    pieces += ["/", "/a/b", "?q=1", "#f", "\t", "\n", "\r", "é", "%", ".", ""]
    for _ in range(3000):
        url = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        if rng.random() < 0.5:  # (a scheme first, as most urls)
            url = rng.choice(pieces[:2]) + url
        try:
            want = urlsplit(url).hostname or ""
        except ValueError:
            continue
        assert _hostname(url) == want, url
        plain += bool(_PLAIN_HOST.match(url))
    assert plain > 300, plain


def test_name_led_credit_pattern_with_whole_name_words_matches_as_with_backtracking() -> None:
    from copytrace.attribute import _NAME, _NAME_WHOLE_WORDS, _NAMED_RE

    rx = _NAMED_RE[2]
    assert _NAME_WHOLE_WORDS in rx.pattern
    backtracking = re.compile(rx.pattern.replace(_NAME_WHOLE_WORDS, _NAME))
    rng = random.Random(12)
    extra = ["Nikkei's said", "Nikkei’s  said", "Kyodo's's wrote", "AP Went on", "Le Monde de"]
    found = 0
    for _ in range(1500):
        text = fuzz_text(rng) + rng.choice(["", *extra])
        got = [(m.span(), m.group("name")) for m in rx.finditer(text)]
        assert got == [(m.span(), m.group("name")) for m in backtracking.finditer(text)], text
        found += len(got)
    assert found > 500, found
