import random

from copytrace.text import covered_chars, merge_spans, sentence_spans, tokenize


def test_tokens_map_back_to_original_text() -> None:
    text = "Japan’s\u00a0Nikkei said\r\n“the U.S.-made systems” 日本語"
    toks = tokenize(text)
    for w, s, e in zip(toks.words, toks.starts, toks.ends, strict=True):
        assert text[s:e].casefold().replace("’", "").replace(".", "") == w
    assert toks.words[:3] == ["japans", "nikkei", "said"]
    assert "us" in toks.words and "日" in toks.words


def test_us_and_u_s_normalise_alike() -> None:
    assert tokenize("the U.S. could").words == tokenize("the US could").words


def test_hyphenated_words_split() -> None:
    assert tokenize("two-plus-two").words == tokenize("two plus two").words


def test_tokenize_only_inside_spans() -> None:
    text = "menu menu. Real article text here. footer"
    toks = tokenize(text, [(11, 34)])
    assert toks.words == ["real", "article", "text", "here"]


def test_sentences_skip_abbreviations_and_split_lines() -> None:
    text = "Mr. Abe met U.S. officials. They agreed.\nNew line here"
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["Mr. Abe met U.S. officials.", "They agreed.", "New line here"]


def test_span_helpers() -> None:
    assert merge_spans([(5, 8), (0, 3), (2, 4), (8, 9)]) == [(0, 4), (5, 9)]
    assert covered_chars([(0, 3), (2, 5)]) == 5


def _fuzz_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    pieces = [*"aZ_9 .'’‘ʼ\n\t,;\"“”éÉßΣσİı日本語。！？ｱ한글\u0301ﬁ²½٣😀ǅ-\u00a0"]
    pieces += ["Mr.", "U.S.", "Abe’s", "\udc80"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 50))) for _ in range(count)]


def _random_spans(rng: random.Random, n: int) -> list[tuple[int, int]]:
    cuts = sorted(rng.randint(0, n + 2) for _ in range(rng.randint(1, 8)))
    step = rng.choice([1, 2])  # 1: spans that touch
    return [(cuts[k], cuts[k + 1]) for k in range(0, len(cuts) - 1, step)]


def test_numpy_tokenizer_matches_the_word_regex() -> None:
    from copytrace.text import _tokenize_regex

    rng = random.Random(7)
    for text in [*_fuzz_texts(3, 3000), "", "x", "The U.S. said “no”.", "日本 Abe’s 1.5"]:
        for spans in ([(0, len(text))], _random_spans(rng, len(text))):
            got = tokenize(text, spans)
            want = _tokenize_regex(text, spans)
            assert (got.words, got.starts, got.ends) == (want.words, want.starts, want.ends), (
                text,
                spans,
            )


def test_tokens_split_at_touching_span_boundaries() -> None:
    text = "abc.def ghi"
    t = tokenize(text, [(0, 2), (2, 11)])
    assert t.words == ["ab", "cdef", "ghi"]
    assert [text[s:e] for s, e in zip(t.starts, t.ends, strict=True)] == ["ab", "c.def", "ghi"]


def test_sentences_match_the_three_alternative_pattern() -> None:
    import re

    from copytrace import text as text_mod

    # the pattern before it was folded into one leading character class
    reference = re.compile(
        r"""[.!?](?P<stop>["'”’)\]]*\s+)(?=["'“‘(\[]?[^\s\w]*[A-Z0-9А-ЯЁ\u0391-\u03a9])"""
        r"""|(?P<line>\n\s*)|[。！？](?P<cjk>)"""
    )
    pieces = ["a", "Z", "9", " ", ".", "!", "?", "\n", "\r\n", '"', "”", "’", "“", "(", ")"]
    pieces += ["。", "！", "？", "А", "Ω", "Mr", "U.S", "e.g", ",", "\u00a0", "日"]
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        got = [(m.start(), m.end(), m.lastgroup) for m in text_mod._SENT_END_RE.finditer(text)]
        want = [(m.start(), m.end(), m.lastgroup or "line") for m in reference.finditer(text)]
        assert got == want, text


def test_short_texts_take_the_regex_path_with_the_same_tokens() -> None:
    # tokenize uses the word regex below NUMPY_TOKENIZE_MIN_CHARS; both paths must agree
    from copytrace.text import NUMPY_TOKENIZE_MIN_CHARS, _tokenize_plain

    parts = [
        "U.S.",
        "Abe's",
        "“no”",
        "東京都",
        "naïve",
        "İstanbul",
        "e-mail",
        "3.5%",
        "—",
        "\u00a0",
        "\r\n",
        "x",
    ]
    rng = random.Random(7)
    for _ in range(300):
        text = " ".join(rng.choice(parts) for _ in range(rng.randrange(0, 60)))
        assert len(text) < NUMPY_TOKENIZE_MIN_CHARS
        lo = rng.randrange(0, len(text) + 1)
        for spans in (None, [(lo, lo + rng.randrange(0, 80))], [(0, lo), (lo, len(text) + 5)]):
            fast, full = tokenize(text, spans), _tokenize_plain(text, spans)
            assert (fast.words, list(fast.starts), list(fast.ends)) == (
                full.words,
                list(full.starts),
                list(full.ends),
            )


def test_sentence_spans_past_the_end_read_as_far_as_the_text_goes() -> None:
    text = "Hello there. Yes."
    assert sentence_spans(text, [(0, 30)]) == sentence_spans(text)
    assert sentence_spans(text, [(40, 50)]) == []


def test_character_classes_of_every_code_point_follow_the_word_regex() -> None:
    # the class table must say what WORD_RE says: letters are \w outside CJK, each
    # CJK ideograph/kana a word, connectors . ' ’ ‘ ʼ
    import re

    import numpy as np

    from copytrace.text import _CJK, _char_classes

    chars = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x20000)))
    cp = np.frombuffer(chars.encode("utf-32-le"), np.uint32)
    letter, cjk, conn = _char_classes(cp)

    def where(pattern: str) -> np.ndarray:
        mask = np.zeros(len(cp), bool)
        mask[[m.start() for m in re.finditer(pattern, chars)]] = True
        return mask

    assert (letter == where(rf"[^\W{_CJK}]")).all()
    assert (cjk == where(rf"[{_CJK}]")).all()
    assert (conn == where(r"[.'’‘ʼ]")).all()
    ascii_cp = np.arange(128, dtype=np.uint8)
    for got, want in zip(
        _char_classes(ascii_cp), _char_classes(ascii_cp.astype(np.uint32)), strict=True
    ):
        assert (got == want).all()
