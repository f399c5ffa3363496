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
