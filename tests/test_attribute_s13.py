"""Session 13 attribution shortcuts against the plain readings they replace."""

from __future__ import annotations

import random

import copytrace.attribute as at
from copytrace.model import Article, Passage

SOURCES = [None, "Nikkei", "wire:AP", "Reuters", "The Harbour Herald", "ab", "KYODO", "x"]
DATELINES = [None, "OSAKA", "Osaka, Japan", "NEW YORK (Reuters)"]
URLS = [
    None,
    "",
    "https://asia.nikkei.com/a/1",
    "https://asia.nikkei.com/b/2",
    "http://www.harbourherald.co.uk/x?y=1",
    "HTTPS://Example.COM/path",
    "https://user@host.example.org:8080/p",
    "https://news.com/",
]


def _names_plain(source: str | None, dateline: str | None, url: str | None) -> tuple[str, ...]:
    # as first written: the metadata names, then the host's name when it is new
    names = at._meta_names(source, dateline)
    if url:
        return at._with_host_name(names, at._hostname(url))
    return names


def test_names_of_by_host_is_the_plain_reading() -> None:
    for source in SOURCES:
        for dateline in DATELINES:
            for url in URLS:
                assert at._names_of(source, dateline, url) == _names_plain(source, dateline, url)


def test_credit_names_folded_as_their_words() -> None:
    text = (
        "Officials said the talks resume, Japan's Nikkei daily wrote. According to "
        "the Harbour Herald, sources said so. As cited by Kyodo News the talks went on."
    )
    art = Article("a", text, ((0, len(text)),), source="Meridian")
    named = at._find_own_credits(art, ("Meridian",)).named
    assert named
    for _, _, phrase, words, _, folded in named:
        single = frozenset(w.casefold() for w in words)
        # (and, since session 26, runs of the phrase's words run together: a host's name)
        runs = [w.casefold() for w in at._LETTER_RUN.findall(phrase)]
        joined = {"".join(runs[i:j]) for i in range(len(runs)) for j in range(i + 2, len(runs) + 1)}
        assert single <= folded and folded - single <= joined


def _coverage_pairs(rng: random.Random) -> tuple[Article, Article, list[Passage]]:
    n_a, n_b = rng.randint(0, 400), rng.randint(1, 400)
    a = Article("a", "x" * n_a, ((0, n_a),) if n_a else ((0, 0),))
    b = Article("b", "y" * n_b, ((0, n_b),))
    passages = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        s_a, s_b = rng.randint(0, n_a), rng.randint(0, n_b)
        e_a, e_b = rng.randint(s_a, n_a), rng.randint(s_b, n_b)
        passages.append(Passage("exact", s_a, e_a, s_b, e_b, 5, 1.0))
    return a, b, passages


def test_coverage_of_one_passage_is_coverage() -> None:
    rng = random.Random(13)
    for _ in range(500):
        a, b, passages = _coverage_pairs(rng)
        _, _, cov_a, cov_b = at.attribute_and_cover(a, b, passages)
        assert cov_a == at.coverage(a, [(p.a_start, p.a_end) for p in passages])
        assert cov_b == at.coverage(b, [(p.b_start, p.b_end) for p in passages])


def test_evidence_heaviest_first_in_cue_order() -> None:
    # a named credit (0.6), a time cue (0.5), containment (0.2): heaviest first
    tx = "Officials said the two sides will meet in the autumn to talk peace and trade."
    ty = "The two sides will meet in the autumn to talk peace and trade, Nikkei wrote. More."
    a = Article("a", tx, ((0, len(tx)),), source="Nikkei", published="2020-01-01T10:00:00+00:00")
    b = Article("b", ty, ((0, len(ty)),), published="2020-01-01T12:00:00+00:00")
    s_a, s_b = tx.index("the two"), ty.index("The two")
    n = len("the two sides will meet in the autumn to talk peace and trade")
    passage = Passage("exact", s_a, s_a + n, s_b, s_b + n, 13, 1.0)
    _, d, _, _ = at.attribute_and_cover(a, b, [passage])
    kinds = [
        "credit" if "credits" in e else "time"
        for e in d.evidence
        if "published" in e or "credits" in e
    ]
    assert kinds == ["credit", "time"]


NAMES = ["Nikkei", "Reuters", "The Harbour Herald", "Kyodo News", "Tanaka", "Meridian"]
PHRASES = ["{} said", "according to {}", "{} daily wrote", "{}'s sources said", "told {}"]


def _story(rng: random.Random, key: str) -> Article:
    parts = [rng.choice(PHRASES).format(rng.choice(NAMES)) for _ in range(rng.randint(1, 6))]
    text = "Masthead " + rng.choice(NAMES) + "\n\n" + ". ".join(parts) + "."
    return Article(key, text, ((len(text) - len(". ".join(parts)) - 1, len(text)),))


def test_verdicts_kept_per_article_are_name_matches() -> None:
    # one article met with many partners: its kept verdicts answer as _name_matches
    rng = random.Random(31)
    seen = 0
    for n in range(40):
        other = _story(rng, f"o{n}")
        other_names, other_work = at._article_work(other)
        for k in range(8):
            art = _story(rng, f"a{n}.{k}")
            own_names, art_work = at._article_work(art)
            want = sorted(
                (start, end, phrase)
                for start, end, phrase, words, strong, _ in art_work.named
                if at._name_matches(words, other_names, other, strong, other_work.outside)
            )
            got, _ = at._credit_hits(art, other_names, own_names, other, (art_work, other_work))
            assert got == want, (art.text, other.text)
            seen += len(want)
    assert seen > 20
