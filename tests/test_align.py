"""The aligner: seeds, chaining across small gaps, paraphrase, offsets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rapidfuzz.distance import Indel

from copytrace.align import PRESETS, AlignParams, align, align_tokens, content_breaks
from copytrace.ingest.files import read_article_file
from copytrace.model import Article, Passage
from copytrace.text import sentence_spans, tokenize

DATA = Path(__file__).resolve().parent / "data" / "align"


def whole(art: Article) -> Article:
    """The article with its whole text as content (no cleaner involved)."""
    return Article(art.id, art.text, ((0, len(art.text)),), path=art.path)


def check_passage(a: Article, b: Article, p: Passage) -> None:
    """Offsets hold the reported text: word boundaries and the reported similarity."""
    for text, s, e in ((a.text, p.a_start, p.a_end), (b.text, p.b_start, p.b_end)):
        assert 0 <= s < e <= len(text)
        words = tokenize(text)
        assert s in words.starts and e in words.ends  # starts and ends on word boundaries
    wa = tokenize(a.text, [(p.a_start, p.a_end)]).words
    wb = tokenize(b.text, [(p.b_start, p.b_end)]).words
    if p.kind == "verbatim":
        assert wa == wb
    elif p.kind == "near-verbatim":
        assert wa != wb
        assert Indel.normalized_similarity(wa, wb) == pytest.approx(p.similarity, abs=1e-4)
    assert 0.0 <= p.similarity <= 1.0
    assert p.attributed is False


def find(passages: list[Passage], a: Article, phrase: str) -> list[Passage]:
    return [p for p in passages if phrase in a.text[p.a_start : p.a_end]]


@pytest.fixture
def seed_pair(nikkei_path: Path, tass_path: Path) -> tuple[Article, Article, list[Passage]]:
    a = whole(read_article_file(nikkei_path))
    b = whole(read_article_file(tass_path))
    passages = align(a, b)
    for p in passages:
        check_passage(a, b, p)
    return a, b, passages


def test_tokyo_hopes_stretch_is_one_passage_in_each_article(
    seed_pair: tuple[Article, Article, list[Passage]],
) -> None:
    a, b, passages = seed_pair
    hits = find(passages, a, "Tokyo hopes that cultivating closer security")
    assert len(hits) == 1
    p = hits[0]
    assert p.kind == "verbatim"
    for text, s, e in ((a.text, p.a_start, p.a_end), (b.text, p.b_start, p.b_end)):
        assert text[s:e].startswith("Tokyo hopes that cultivating closer security")
        assert text[s:e].endswith("unlikely to agree to such an arrangement this time")
    # in TASS the stretch spans two quotations
    assert '." "Abe and Putin' in b.text[p.b_start : p.b_end]


def test_deepen_cooperation_quote_is_one_passage_absorbing_us(
    seed_pair: tuple[Article, Article, list[Passage]],
) -> None:
    a, b, passages = seed_pair
    hits = find(passages, a, "If we deepen our cooperation")
    assert len(hits) == 1
    p = hits[0]
    assert p.kind == "near-verbatim"
    assert "the U.S. could deteriorate" in a.text[p.a_start : p.a_end]
    assert "the US could deteriorate" in b.text[p.b_start : p.b_end]
    assert "a concerned Japanese government insider" in a.text[p.a_start : p.a_end]
    assert "a Japanese government insider" in b.text[p.b_start : p.b_end]


def test_south_kuril_background_is_not_reported_as_reuse(
    seed_pair: tuple[Article, Article, list[Passage]],
) -> None:
    _, b, passages = seed_pair
    start = b.text.index("South Kuril Islands issue")
    end = b.text.index("cannot be called into question") + 30
    for p in passages:
        assert p.b_end <= start or p.b_start >= end, b.text[p.b_start : p.b_end]


def test_passages_sorted_by_a_start_and_unattributed(
    seed_pair: tuple[Article, Article, list[Passage]],
) -> None:
    _, _, passages = seed_pair
    assert passages == sorted(passages, key=lambda p: p.a_start)
    assert not any(p.attributed for p in passages)


def test_unrelated_articles_have_no_verbatim_passage() -> None:
    a = whole(read_article_file(DATA / "harbour_storm.txt"))
    b = whole(read_article_file(DATA / "chip_plant.txt"))
    passages = align(a, b)
    assert not [p for p in passages if p.kind != "paraphrase"]


def test_unrelated_news_pages_have_no_verbatim_passage(nikkei_path: Path) -> None:
    a = whole(read_article_file(nikkei_path))
    b = whole(read_article_file(DATA / "harbour_storm.txt"))
    assert not align(a, b)


def test_align_mirrors_when_sides_swap(
    seed_pair: tuple[Article, Article, list[Passage]],
) -> None:
    a, b, passages = seed_pair
    back = align(b, a)
    mirrored = sorted(
        ((p.b_start, p.b_end, p.a_start, p.a_end, p.kind, p.words) for p in back),
    )
    assert mirrored == sorted(
        (p.a_start, p.a_end, p.b_start, p.b_end, p.kind, p.words) for p in passages
    )


SOURCE = (
    "The ministry said on Friday that the new rail line between the two cities "
    "would open to passengers in the spring, two years later than first planned. "
    "Engineers had to rebuild a tunnel under the river after water seeped into "
    "the excavation during the wettest winter on record."
)


def test_word_dropped_or_inserted_stays_one_near_verbatim_passage() -> None:
    copy = SOURCE.replace("the new rail line", "the rail line").replace(
        "rebuild a tunnel", "rebuild a long tunnel"
    )
    a, b = Article("a", SOURCE), Article("b", copy)
    passages = align(a, b)
    assert len(passages) == 1
    p = passages[0]
    check_passage(a, b, p)
    assert p.kind == "near-verbatim"
    assert a.text[p.a_start : p.a_end] == SOURCE.rstrip(".")


def test_distant_passages_stay_separate() -> None:
    filler = " ".join(f"word{k}" for k in range(40))
    second = "Engineers had to rebuild a tunnel under the river after water seeped in."
    first = "The ministry said the new rail line would open to passengers in the spring."
    a = Article("a", f"{first} {filler} {second}")
    b = Article("b", f"{first} Other text entirely here. {second}")
    passages = align(a, b)
    assert [p.kind for p in passages] == ["verbatim", "verbatim"]
    for p in passages:
        check_passage(a, b, p)


@pytest.mark.parametrize(
    ("name", "source", "copy"),
    [
        (
            "typographic quotes",
            'He said "we will not give up the islands" and "the talks go on" today, aides said.',
            "He said “we will not give up the islands” and “the talks go on” today, aides’ said.",
        ),
        (
            "non-breaking spaces",
            "The two sides will meet in the autumn to discuss a peace treaty for the islands.",
            "The two\u00a0sides will\u00a0meet in the autumn to discuss a peace\u00a0treaty for "
            "the islands.",
        ),
        (
            "CRLF line ends",
            "The two sides will meet in the autumn.\nThey will discuss a peace treaty there.\n",
            "Intro line.\r\nThe two sides will meet in the autumn.\r\nThey will discuss a peace "
            "treaty there.\r\n",
        ),
        (
            "Cyrillic",
            "Министр иностранных дел Японии заявил, что переговоры о мирном договоре "
            "продолжатся осенью этого года в Москве.",
            "Как сообщает газета, министр иностранных дел Японии заявил, что переговоры о "
            "мирном договоре продолжатся осенью этого года в Москве.",
        ),
        (
            "Japanese",
            "日本とロシアは今年秋に外務・防衛閣僚協議を開く予定だ。",
            "報道によると、日本とロシアは今年秋に外務・防衛閣僚協議を開く予定だという。",
        ),
    ],
)
def test_offsets_hold_the_reused_text(name: str, source: str, copy: str) -> None:
    a, b = Article("a", source), Article("b", copy)
    passages = align(a, b)
    assert passages, name
    for p in passages:
        check_passage(a, b, p)
        assert p.kind == "verbatim", name
    p = max(passages, key=lambda p: p.words)
    assert p.words >= 8


def test_crlf_passage_spans_lines() -> None:
    text_a = "Intro.\r\nThe two sides will meet in the autumn.\r\nThey will discuss a treaty.\r\n"
    text_b = "The two sides will meet in the autumn. They will discuss a treaty."
    a, b = Article("a", text_a), Article("b", text_b)
    (p,) = align(a, b)
    assert text_a[p.a_start : p.a_end] == (
        "The two sides will meet in the autumn.\r\nThey will discuss a treaty"
    )


def test_passages_never_enter_chrome() -> None:
    chrome = "Subscribe now to read unlimited stories on every device you own today"
    body_a = "The two sides will meet in the autumn to discuss the peace treaty."
    body_b = "Officials said the two sides will meet in the autumn to discuss the peace treaty."
    text_a = f"{chrome}\n{body_a}\n{chrome}"
    text_b = f"{chrome}\n{body_b}"
    start_a = text_a.index(body_a)
    a = Article("a", text_a, ((start_a, start_a + len(body_a)),))
    b = Article("b", text_b, ((len(chrome) + 1, len(text_b)),))
    passages = align(a, b)
    assert len(passages) == 1
    (p,) = passages
    assert start_a <= p.a_start and p.a_end <= start_a + len(body_a)
    assert p.b_start > len(chrome)


def test_passage_does_not_cross_chrome_between_content_spans() -> None:
    one = "The two sides will meet in the autumn to discuss the treaty"
    two = "and officials expect a deal on fishing rights before winter"
    text_a = f"{one}\nADVERTISEMENT Click here\n{two}"
    text_b = f"{one} {two}"
    a = Article("a", text_a, ((0, len(one)), (text_a.index(two), len(text_a))))
    b = Article("b", text_b)
    passages = align(a, b)
    assert len(passages) == 2
    assert all("ADVERTISEMENT" not in text_a[p.a_start : p.a_end] for p in passages)


def test_content_breaks_mark_chrome_only() -> None:
    text = "one two\n\nthree four\nMENU\nfive six"
    spans = [(0, 7), (9, 19), (25, 33)]
    assert content_breaks(text, spans, tokenize(text, spans)) == [4]


def test_content_breaks_match_a_token_by_token_walk() -> None:
    import bisect
    import random

    rng = random.Random(5)

    def walk(text: str, spans: list[tuple[int, int]]) -> list[int]:
        starts = [s for s, _ in spans]
        out, prev = [], -1
        for k, pos in enumerate(tokenize(text, spans).starts):
            span = bisect.bisect_right(starts, pos) - 1
            if prev >= 0 and span != prev and text[spans[prev][1] : spans[span][0]].strip():
                out.append(k)
            prev = span
        return out

    for _ in range(200):
        parts, spans, pos = [], [], 0
        for _ in range(rng.randint(1, 6)):
            body = " ".join(rng.choice(["a", "bb", "ccc"]) for _ in range(rng.randint(1, 4)))
            gap = rng.choice(["", " ", "\n\n", " MENU ", "x"])
            parts.append(body + gap)
            spans.append((pos, pos + len(body)))
            pos += len(body) + len(gap)
        text = "".join(parts)
        got = content_breaks(text, spans, tokenize(text, spans))
        assert got == walk(text, spans)


def test_paraphrased_sentences_are_paraphrase_passages() -> None:
    a = Article(
        "a",
        "The central bank raised its benchmark interest rate by a quarter of a percentage "
        "point on Tuesday, citing persistent inflation in food and energy prices. "
        "The governor told reporters that further increases could follow before the summer "
        "if wages kept climbing. Analysts had expected the move.",
    )
    b = Article(
        "b",
        "Markets were calm. On Tuesday the central bank lifted its benchmark rate by a quarter "
        "point, pointing to stubborn inflation in energy and food prices. More increases may "
        "come before summer if wages keep rising, the governor told reporters.",
    )
    passages = align(a, b)
    para = [p for p in passages if p.kind == "paraphrase"]
    assert len(para) == 2
    p = para[0]
    assert a.text[p.a_start : p.a_end].startswith("The central bank raised")
    assert b.text[p.b_start : p.b_end].startswith("On Tuesday the central bank")
    assert 0 < p.similarity < 1
    for p in para:
        check_passage(a, b, p)


def test_a_lone_paraphrased_sentence_is_not_reuse_on_its_own() -> None:
    # one sentence on the same fact is what two independent reports share ...
    fact_a = (
        "The central bank raised its benchmark interest rate by a quarter of a percentage "
        "point on Tuesday, citing persistent inflation in food and energy prices. "
    )
    fact_b = (
        "On Tuesday the central bank lifted its benchmark rate by a quarter "
        "point, pointing to stubborn inflation in energy and food prices. "
    )
    a = Article("a", fact_a + "Analysts had expected the move.")
    b = Article("b", "Markets were calm. " + fact_b + "Shares in banks rose.")
    assert align(a, b) == []
    assert [p.kind for p in align(a, b, replace(PRESETS["news"], paraphrase_run=0))] == [
        "paraphrase"
    ]
    # ... beside a copied passage it is part of the reuse
    copied = (
        "The governor said further increases could follow before the summer if wages kept "
        "climbing at the pace seen in the last three months. "
    )
    a = Article("a", fact_a + copied + "Analysts had expected the move.")
    b = Article("b", "Markets were calm. " + fact_b + copied + "Shares in banks rose.")
    kinds = sorted(p.kind for p in align(a, b))
    assert kinds == ["paraphrase", "verbatim"]


def test_paraphrase_never_overlaps_verbatim(
    seed_pair: tuple[Article, Article, list[Passage]],
) -> None:
    _, _, passages = seed_pair
    verbatim = [p for p in passages if p.kind != "paraphrase"]
    for p in passages:
        if p.kind != "paraphrase":
            continue
        for v in verbatim:
            assert p.a_end <= v.a_start or p.a_start >= v.a_end
            assert p.b_end <= v.b_start or p.b_start >= v.b_end


def test_repeated_boilerplate_ngrams_are_not_seeds() -> None:
    line = "Click here to subscribe to our newsletter today."
    a = Article("a", " ".join([line] * 12))
    b = Article("b", " ".join([line] * 12))
    params = AlignParams(max_seed_repeat=5, paraphrase=False)
    assert align(a, b, params) == []


def test_align_tokens_matches_align(
    seed_pair: tuple[Article, Article, list[Passage]],
) -> None:
    a, b, passages = seed_pair
    ta, tb = tokenize(a.text), tokenize(b.text)
    got = align_tokens(
        ta, tb, a_sentences=sentence_spans(a.text), b_sentences=sentence_spans(b.text)
    )
    assert got == passages


def test_pan_preset_merges_a_case_into_one_passage() -> None:
    sents = [
        "The old lighthouse keeper climbed the stairs every evening at dusk.",
        "He trimmed the wick and polished the great lens until it shone.",
        "Ships far out on the dark water steered by its steady beam.",
        "In winter the storms rattled the windows of his small cottage.",
        "Still he never missed a single night in forty years of service.",
    ]
    source = " ".join(sents)
    copy = " ".join(s.replace("the", "a", 1) for s in sents)
    a, b = Article("a", f"Unrelated opening words here. {source}"), Article("b", copy)
    passages = align(a, b, PRESETS["pan"])
    assert len(passages) == 1
    (p,) = passages
    assert a.text[p.a_start : p.a_end].startswith("The old lighthouse")
    assert b.text[p.b_end - 8 : p.b_end] == "service."  # PAN passages keep the full stop


def test_params_reject_bad_values() -> None:
    with pytest.raises(ValueError, match="seed_words"):
        AlignParams(seed_words=0)
    with pytest.raises(ValueError, match="paraphrase_cosine"):
        AlignParams(paraphrase_cosine=1.5)


def test_presets_include_news_and_pan() -> None:
    assert {"news", "pan"} <= set(PRESETS)
    assert align.__defaults__ == (PRESETS["news"],)


def test_prepared_documents_are_reused_and_stay_correct(
    seed_pair: tuple[Article, Article, list[Passage]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-process document cache (word ids, n-grams, sentence bags) gives the
    same passages on a hit, and when the lexicon starts afresh mid-pair."""
    import copytrace.align as align_module
    from copytrace.paraphrase import Lexicon

    a, b, passages = seed_pair
    ta, tb = tokenize(a.text), tokenize(b.text)
    sa, sb = sentence_spans(a.text), sentence_spans(b.text)
    for preset in ("news", "pan"):
        fresh = align_tokens(ta, tb, PRESETS[preset], a_sentences=sa, b_sentences=sb)
        again = align_tokens(ta, tb, PRESETS[preset], a_sentences=sa, b_sentences=sb)
        assert again == fresh
    assert align_tokens(ta, tb, a_sentences=sa, b_sentences=sb) == passages
    # other sentences for the same tokens are not served from the cache
    assert align_tokens(ta, tb, a_sentences=sa[:1], b_sentences=sb) != passages
    # a lexicon smaller than one text starts afresh before every document, so
    # side a's ids are void once b is prepared: the pair gets a lexicon of its own
    small = Lexicon(max_words=10)
    monkeypatch.setattr(align_module, "_LEXICON", small)
    monkeypatch.setattr(align_module, "_DOCS", {})
    assert align_tokens(ta, tb, a_sentences=sa, b_sentences=sb) == passages
    assert small.generation > 2


def test_pan_case_is_not_stretched_by_a_repeat_of_its_own_words() -> None:
    """A phrase of a copied passage repeated just after the copy in one text only
    matches inside the passage in the other: a chance match that contradicts the
    verbatim passage, dropped (``contradict_slack``) instead of stretching it."""
    copied = (
        "Small bore jazz trombones are available with dual bore slide and a choice of "
        "yellow or red brass bell from the custom series of the maker, and every one is "
        "tested by hand before it leaves the workshop."
    )
    a = Article("a", f"Opening remarks about nothing at all in particular. {copied} Closing.")
    b = Article(
        "b",
        f"{copied} Buyers who want something more should know that a choice of yellow "
        "or red brass bell from the custom series is also sold.",
    )
    (p,) = align(a, b, PRESETS["pan"])
    assert b.text[p.b_start : p.b_end] == copied
    assert a.text[p.a_start : p.a_end] == copied
    loose = replace(PRESETS["pan"], contradict_slack=-1)
    assert [b.text[q.b_start : q.b_end] for q in align(a, b, loose)] != [copied]


def _brute_similarity(
    a: list[list[int]], b: list[list[int]]
) -> dict[tuple[int, int], tuple[float, float]]:
    """Cosine and Dice of sentence pairs sharing a stem, one pair at a time."""
    import math
    from collections import Counter

    n = len(a) + len(b)
    df = Counter(s for sent in a + b for s in set(sent))

    def vec(sent: list[int]) -> dict[int, float]:
        return {s: (1 + math.log(c)) * math.log1p(n / df[s]) for s, c in Counter(sent).items()}

    out = {}
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            vx, vy = vec(x), vec(y)
            shared = set(vx) & set(vy)
            if shared:
                dot = sum(vx[s] * vy[s] for s in shared)
                norm = math.sqrt(sum(v * v for v in vx.values()) * sum(v * v for v in vy.values()))
                out[(i, j)] = (min(dot / norm, 1.0), 2 * len(shared) / (len(vx) + len(vy)))
    return out


@pytest.mark.parametrize("dense_max", [4_000_000, 0])  # dense grid and sparse x sparse
def test_sentence_similarity_matches_pair_by_pair(
    dense_max: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    import numpy as np

    from copytrace import paraphrase

    monkeypatch.setattr(paraphrase, "DENSE_PAIRS_MAX", dense_max)
    rng = random.Random(7)

    def doc(n: int) -> list[list[int]]:
        return [[rng.randrange(40) for _ in range(rng.randint(1, 9))] for _ in range(n)]

    a, b = doc(30), doc(25)
    stems_a = np.array([s for sent in a for s in sent])
    stems_b = np.array([s for sent in b for s in sent])

    def bounds(d: list[list[int]]) -> list[tuple[int, int]]:
        ends = np.cumsum([len(s) for s in d]).tolist()
        return list(zip([0, *ends[:-1]], ends, strict=True))

    bags_a = paraphrase.sentence_bags(stems_a, bounds(a))
    bags_b = paraphrase.sentence_bags(stems_b, bounds(b))
    want = _brute_similarity(a, b)
    for floor in (0.0, 0.3):
        sa, sb, cos, dice = paraphrase.sentence_similarity(bags_a, bags_b, 30, 25, 40, floor)
        keys = list(zip(sa.tolist(), sb.tolist(), strict=True))
        assert keys == sorted(k for k, v in want.items() if v[0] >= floor)  # ordered by (sa, sb)
        assert cos.tolist() == pytest.approx([want[k][0] for k in keys])
        assert dice.tolist() == pytest.approx([want[k][1] for k in keys])


def test_sentence_similarity_ignores_how_stem_ids_are_numbered() -> None:
    import numpy as np

    from copytrace import paraphrase

    stems_a = np.array([0, 3, 5, 3, 7, 1, 0, 2])
    stems_b = np.array([3, 0, 2, 5, 5, 7, 4])
    sents_a, sents_b = [(0, 3), (3, 6), (6, 8)], [(0, 4), (4, 7)]
    got = []
    for scale in (1, 99_991):  # a corpus run's stem ids run into the hundreds of thousands
        ba = paraphrase.sentence_bags(stems_a * scale, sents_a)
        bb = paraphrase.sentence_bags(stems_b * scale, sents_b)
        size = 8 * scale
        got.append([x.tolist() for x in paraphrase.sentence_similarity(ba, bb, 3, 2, size)])
    assert got[0] == got[1]
    assert len(got[0][0]) == 5  # the pairs that share a stem


def test_lexicon_numbers_new_words_in_order_and_keeps_stems_as_it_grows() -> None:
    from copytrace.paraphrase import Lexicon

    lex = Lexicon()
    first = lex.ids(["the", "talks", "the", "talking", "alpha"])
    assert first.tolist() == [0, 1, 0, 2, 3]
    many = [f"term{k}" for k in range(5000)]
    ids = lex.ids([*many, "talks", *many[:3]])  # past the stem buffer's first size
    assert ids.tolist() == [*range(4, 5004), 1, 4, 5, 6]
    assert len(lex.stems) == 5004
    stems = lex.stems[first]
    assert stems[0] == -1 and stems[1] == stems[3] >= 0
    assert len(set(lex.stems[ids[:5000]].tolist())) == 5000


def test_a_repeated_phrase_matched_at_the_wrong_place_is_dropped() -> None:
    from copytrace.align import _Cluster, _consistent

    strong = _Cluster(100, 200, 500, 600, 100, exact=True, longest=100)
    # the same words again far earlier in a, matched inside strong's b side
    repeat = _Cluster(10, 30, 520, 540, 20, exact=True, longest=20)
    # a match that agrees with strong on both sides stays
    beside = _Cluster(198, 230, 598, 630, 30, exact=True, longest=30)
    assert _consistent([strong, repeat, beside], 5) == [strong, repeat, beside]
    assert _consistent([strong, repeat, beside], 5, repeat=2.0) == [strong, beside]
    # not when the run it contradicts is not clearly longer
    rival = _Cluster(10, 80, 520, 590, 70, exact=True, longest=70)
    assert _consistent([strong, rival], 5, repeat=2.0) == [strong, rival]


def test_a_summary_explained_by_one_rewritten_passage_is_not_a_summary() -> None:
    from copytrace.align import _Cluster, _explained

    # a's sentences 100-140 "summarise" b 0-900: echoes at b 300-320, 330-350, 800-820
    summary = _Cluster(100, 140, 0, 900, 40, True, [0.3], 3, summary="a")
    summary.echoes = [(300, 320), (330, 350), (800, 820)]
    rewritten = _Cluster(98, 142, 295, 355, 40, True, [0.5, 0.4])  # a 1:1 rewrite
    assert _explained(summary, rewritten, 0.9)
    # a case holding the summary's span but few of its echoes leaves it a summary
    elsewhere = _Cluster(98, 142, 700, 760, 40, True, [0.5])
    assert not _explained(summary, elsewhere, 0.9)
    # nor does one holding only part of the summary's span
    part = _Cluster(120, 150, 295, 355, 20, True, [0.5])
    assert not _explained(summary, part, 0.9)


def test_a_reordered_rewrite_is_kept_as_a_paraphrase() -> None:
    from copytrace.align import PRESETS, _Cluster, _prepare_doc, _rescue
    from copytrace.paraphrase import Lexicon
    from copytrace.text import tokenize

    one = "the fourth report is a map showing the address of each comparable property"
    two = "the fifth report shows average sales prices of comparable homes over ten years"
    three = "buyers may also order a valuation range for the property from the county office"
    four = "sellers receive printed copies within five working days after payment clears"
    a = tokenize(f"{one} {two} {three} {four}")
    b = tokenize(f"{four} {three} {two} {one}")  # the same sentences, the other way round
    c_text = tokenize("rivers and mountains under snow while engineers test turbines by lakes")
    lexicon = Lexicon()
    da, db, dc = (_prepare_doc(t, [], [], lexicon) for t in (a, b, c_text))
    params = PRESETS["pan"]

    def case(n_b: int) -> _Cluster:
        return _Cluster(0, len(a), 0, n_b, 20, seeds=2, exact=True, longest=13)

    reordered = case(len(b))
    _rescue(reordered, a, b, da, db, params)
    assert reordered.paraphrase and reordered.sims[0] >= params.rescue_cosine
    unrelated = case(len(c_text))
    _rescue(unrelated, a, c_text, da, dc, params)
    assert not unrelated.paraphrase


def test_a_rewritten_tail_joins_a_long_copy_only_when_its_own_words_agree() -> None:
    from copytrace.align import _Cluster, _drop_tails, _prepare_doc
    from copytrace.paraphrase import Lexicon

    copy = " ".join(f"word{k}" for k in range(40))
    a = tokenize(f"{copy} harbour cranes lift steel boxes onto waiting ships at dawn")
    b = tokenize(f"{copy} violins tuned softly before the evening concert began there")
    c = tokenize(f"{copy} at dawn harbour cranes lift steel boxes onto ships waiting")
    lexicon = Lexicon()
    da, db, dc = (_prepare_doc(t, [], [], lexicon) for t in (a, b, c))
    params = replace(PRESETS["pan"], tail_run=30, tail_cosine=0.3)
    long = _Cluster(0, 40, 0, 40, 40, exact=True, longest=40)
    unlike = _Cluster(40, 50, 40, 50, 10, True, [0.5])  # the rest of a sentence
    assert _drop_tails([long, unlike], da, db, params) == [long]
    alike = _Cluster(40, 50, 40, 50, 10, True, [0.5])  # the same words reordered
    assert _drop_tails([long, alike], da, dc, params) == [long, alike]
    # a short run does not make its neighbours tails
    short = _Cluster(0, 20, 0, 20, 20, exact=True, longest=20)
    assert _drop_tails([short, unlike], da, db, params) == [short, unlike]


def test_a_paraphrase_sharing_only_topic_words_has_no_stems_of_its_own() -> None:
    from copytrace.align import _Cluster, _own_stems, _prepare_doc
    from copytrace.paraphrase import Lexicon

    topic = "kiwifruit growers export kiwifruit from orchards"
    a = tokenize(f"{topic} . early kiwifruit orchards grew slowly . {topic} . {topic}")
    b = tokenize(f"{topic} . orchards of kiwifruit grew later . {topic} . {topic}")
    c = tokenize(f"{topic} . kiwifruit vines survived frost in seventeen valleys . {topic}")
    d = tokenize(f"{topic} . seventeen valleys saw kiwifruit vines survive frost . {topic}")
    lexicon = Lexicon()
    da, db, dc, dd = (_prepare_doc(t, [], [], lexicon) for t in (a, b, c, d))
    same_topic = _Cluster(6, 11, 6, 11, 5, True, [0.5])
    assert _own_stems(same_topic, da, db) == 1  # grew: kiwifruit, orchards are the topic
    rewritten = _Cluster(6, 13, 6, 13, 7, True, [0.5])
    assert _own_stems(rewritten, dc, dd) == 5  # vine, surviv, frost, seventeen, valley


def test_a_match_just_past_a_long_copy_that_repeats_its_words_is_dropped() -> None:
    from copytrace.align import _Cluster, _consistent

    copy = _Cluster(100, 160, 500, 560, 60, exact=True, longest=60)
    # right after the copy in a, but matched inside the copy in b: a repeat
    echo = _Cluster(160, 172, 520, 532, 12, longest=12)
    assert _consistent([copy, echo], 5) == [copy, echo]  # within the slack
    assert _consistent([copy, echo], 5, strict_run=30) == [copy]
    # a short verbatim passage keeps the slack
    short = _Cluster(100, 120, 500, 520, 20, exact=True, longest=20)
    near = _Cluster(120, 128, 505, 513, 8, longest=8)
    assert _consistent([short, near], 5, strict_run=30) == [short, near]


def test_a_lone_rewrite_keeping_runs_of_words_needs_no_cosine() -> None:
    from copytrace.align import _Cluster, _finish, _shared_grams

    # random obfuscation: words shuffled and swapped, short runs of them kept
    a = tokenize(
        "the old stone bridge over the river was rebuilt in the spring after the great "
        "flood had carried away two of its arches and most of the wooden railings by the mill"
    )
    b = tokenize(
        "after the great flood had taken two of its arches the old stone bridge was "
        "mended in spring and most of the wooden railings over the river were new by the mill"
    )
    # same topic, single words shared
    c = tokenize(
        "a flood in spring is nothing new for towns on the river where every bridge "
        "needs railings of stone and engineers study old arches before they are mended at all"
    )
    assert _shared_grams(a, b, _Cluster(0, len(a), 0, len(b), 20), 3) >= 8
    assert _shared_grams(a, c, _Cluster(0, len(a), 0, len(c), 20), 3) == 0
    params = replace(PRESETS["pan"], lone_grams=8, min_chars=150)  # texts of ~165 chars
    off = replace(params, lone_grams=0)
    for other, kept in ((b, True), (c, False)):
        case = _Cluster(0, len(a), 0, len(other), 20, True, [0.4])  # cosine under 0.5
        assert bool(_finish([case], a, other, params)) is kept
        assert not _finish([case], a, other, off)


def test_a_rewrite_sharing_only_names_needs_stems_of_its_own() -> None:
    from copytrace.align import _Cluster, _common_stems, _prepare_doc
    from copytrace.paraphrase import Lexicon

    # two pages about one hospital network: the shared words are its names
    a_text = "Marlow Valley Medical Center and Marlow Rehabilitation Hospital serve Elk Grove"
    b_text = "The Elk Grove staff of Marlow Valley Medical Center run the Rehabilitation Hospital"
    # a rewrite shares ordinary words
    c_text = "the nurses moved the patients to the new ward before the storm reached the town"
    d_text = "before the storm reached the town, the patients were moved by nurses to a new ward"
    a, b, c, d = (tokenize(t) for t in (a_text, b_text, c_text, d_text))
    lexicon = Lexicon()
    da, db, dc, dd = (_prepare_doc(t, [], [], lexicon) for t in (a, b, c, d))
    names = _Cluster(0, len(a), 0, len(b), 8, True, [0.5])
    assert _common_stems(names, a, b, da, db, a_text, b_text) == 0  # staff, run, serve: one side
    rewrite = _Cluster(0, len(c), 0, len(d), 8, True, [0.5])
    # nurs, move, patient, new, ward, storm, reach, town
    assert _common_stems(rewrite, c, d, dc, dd, c_text, d_text) == 8


PAN_PAIRS = Path(__file__).resolve().parent / "data" / "pan" / "reuser"


def pan_article(name: str) -> Article:
    from copytrace.eval.pan import read_document

    text = read_document(PAN_PAIRS / name)
    return Article(name, text, content=((0, len(text)),))


def test_a_summary_by_the_known_source_side_is_dropped_only_when_the_reuser_is_known() -> None:
    # PAN 2013 training, 01-no-plagiarism: 383 characters of the source read as a
    # summary of the whole suspicious document (2,353 characters)
    susp = pan_article("suspicious-document00697.txt")
    src = pan_article("source-document00869.txt")
    pan = PRESETS["pan"]
    found = align(susp, src, pan)
    assert len(found) == 1 and found[0].kind == "paraphrase"
    (p,) = found
    assert p.b_end - p.b_start < 400 and p.a_end - p.a_start == len(susp.text)
    assert align(susp, src, pan, reuser="b") == found  # the source does summarise here
    # the source side is not the reuser: no summary on its side, whichever order
    assert align(susp, src, pan, reuser="a") == []
    assert align(src, susp, pan, reuser="b") == []
    assert align(src, susp, pan, reuser="a") == [
        Passage(p.kind, p.b_start, p.b_end, p.a_start, p.a_end, p.words, p.similarity)
    ]


def test_a_true_summary_is_kept_when_its_side_is_the_reuser() -> None:
    # PAN 2013 training, 05-summary-obfuscation: the suspicious document's 640
    # characters at 3376 summarise the source's first 2,822
    susp = pan_article("suspicious-document01220.txt")
    src = pan_article("source-document01930.txt")
    pan = PRESETS["pan"]
    found = align(susp, src, pan)
    summary = [p for p in found if p.b_end - p.b_start >= 3 * (p.a_end - p.a_start)]
    assert len(summary) == 1
    s = summary[0]
    assert s.a_start < 3376 + 640 and s.a_end > 3376 and s.b_start < 2822
    assert align(susp, src, pan, reuser="a") == found
    assert align(src, susp, pan, reuser="b") == [
        Passage(p.kind, p.b_start, p.b_end, p.a_start, p.a_end, p.words, p.similarity)
        for p in sorted(found, key=lambda p: (p.b_start, p.b_end))
    ]
    # told the source is the reuser, the suspicious side's summary goes
    assert s not in align(susp, src, pan, reuser="b")


def test_align_refuses_an_unknown_reuser() -> None:
    a = Article("a", "one two three")
    with pytest.raises(ValueError, match="reuser"):
        align(a, a, reuser="c")  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sentence_similarity_is_the_same_floats_by_join_product_and_subset(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    import numpy as np

    from copytrace import paraphrase

    rng = random.Random(seed)

    def doc(n: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
        sents = [[rng.randrange(60) for _ in range(rng.randint(1, 12))] for _ in range(n)]
        ends = np.cumsum([len(s) for s in sents]).tolist()
        return np.array([s for sent in sents for s in sent]), list(
            zip([0, *ends[:-1]], ends, strict=True)
        )

    (sa_, ba_), (sb_, bb_) = doc(40), doc(33)
    bags_a, bags_b = paraphrase.sentence_bags(sa_, ba_), paraphrase.sentence_bags(sb_, bb_)
    rows_a = np.array([rng.random() < 0.3 for _ in range(40)])
    rows_b = np.array([rng.random() < 0.5 for _ in range(33)])

    def run(join_max: int, floor: float, rows: bool) -> list[list[float]]:
        monkeypatch.setattr(paraphrase, "JOIN_TERMS_MAX", join_max)
        got = paraphrase.sentence_similarity(
            bags_a, bags_b, 40, 33, 60, floor, *((rows_a, rows_b) if rows else (None, None))
        )
        return [x.tolist() for x in got]

    for floor in (0.0, 0.2):
        product = run(-1, floor, False)
        assert len(product[0]) > 50
        assert run(10**9, floor, False) == product  # exact floats, not approx
        keep = [
            k
            for k, (x, y) in enumerate(zip(product[0], product[1], strict=True))
            if rows_a[x] and rows_b[y]
        ]
        subset = [[col[k] for k in keep] for col in product]
        assert 0 < len(keep) < len(product[0])
        assert run(-1, floor, True) == subset
        assert run(10**9, floor, True) == subset
        monkeypatch.setattr(paraphrase, "DENSE_PAIRS_MAX", 0)  # sparse x sparse
        assert run(10**9, floor, True) == subset
        monkeypatch.setattr(paraphrase, "DENSE_PAIRS_MAX", 4_000_000)
        # Dice first: the pairs that reach it, the same floats
        for min_dice in (0.25, 0.4):
            dense = [k for k in keep if subset[3][keep.index(k)] >= min_dice]
            want = [[col[k] for k in dense] for col in product]
            assert 0 < len(dense) < len(keep)
            got = paraphrase.sentence_similarity(
                bags_a, bags_b, 40, 33, 60, floor, rows_a, rows_b, min_dice
            )
            assert [x.tolist() for x in got] == want
        assert (
            paraphrase.sentence_similarity(bags_a, bags_b, 40, 33, 60, floor, rows_a, rows_b, 1.01)[
                0
            ].tolist()
            == []
        )


def test_seed_keys_are_exact_or_checked() -> None:
    import numpy as np

    from copytrace.align import _Doc, _ngram_keys, _runs

    big = 1 << 21  # does not fit in a 3-gram key's 21 bits
    keys, exact = _ngram_keys(np.array([5, 6, 7, 5, 6, 7]), 3)
    assert exact and len(set(keys.tolist())) == 3 and keys[0] == keys[3]
    assert not _ngram_keys(np.array([0, 0, big]), 3)[1]

    def doc(ids: list[int]) -> _Doc:
        arr = np.array(ids, np.int64)
        none = np.zeros(0, np.int64)
        breaks = np.zeros(len(ids) + 1, np.int64)
        return _Doc(None, arr, breaks, None, [], 0, arr, none.reshape(0, 2), none, [])  # type: ignore[arg-type]

    # (0, 0, big) and (0, 1, 0) share a packed key: checked, never a seed
    a, b = doc([9, 0, 0, big, 9]), doc([9, 0, 1, 0, 9])
    assert _ngram_keys(a.ids, 3)[0][1] == _ngram_keys(b.ids, 3)[0][1]
    assert _runs(a, b, AlignParams(seed_words=3)) == []
    assert _runs(doc([4, 0, 0, big, 9]), doc([4, 0, 0, big, 9]), AlignParams()) == [(0, 0, 5)]
    assert _runs(doc([4, 1, 2, 3, 9]), doc([7, 1, 2, 3, 8]), AlignParams()) == [(1, 1, 3)]


def test_a_shared_chinese_name_is_no_passage_but_a_copied_paragraph_is() -> None:
    """A Chinese character is a token, so 8 tokens can be one name ("日本首相安倍晋三",
    "Japanese Prime Minister Shinzo Abe"): two unrelated stories sharing it reuse
    nothing; the reprint's copied paragraphs stay passages."""
    cjk = DATA.parent / "cjk"
    visit, investors = (
        (cjk / name).read_text(encoding="utf-8")
        for name in ("abe_visit_zh.txt", "japan_investors_zh.txt")
    )
    assert "日本首相安倍晋三" in visit and "日本首相安倍晋三" in investors
    assert align(Article("v", visit), Article("i", investors)) == []
    nikkei, tass = ((cjk / n).read_text(encoding="utf-8") for n in ("nikkei_zh.txt", "tass_zh.txt"))
    found = align(Article("n", nikkei), Article("t", tass))
    assert [p.kind for p in found] == ["near-verbatim", "verbatim", "near-verbatim"]
    for p in found:
        assert nikkei[p.a_start : p.a_end] and tass[p.b_start : p.b_end]
    assert max(p.words for p in found) == 66
