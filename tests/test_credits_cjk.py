"""Credits in Chinese, Japanese and Korean reprints.

Per language a wire story and a reprint that copies three of its sentences after
an intro: crediting the wire by name, crediting a third party, and pointing to an
unnamed source. Attribution must credit the wire only in the first case and read
the unnamed source as generic.
"""

from __future__ import annotations

import pytest

from copytrace.credits_cjk import find_credits, page_languages
from copytrace.model import Article
from test_credits_intl import assert_credited_by_name, assert_generic_credit, assert_no_credit

# language: (wire's source, story sentences, intro, named credit, third-party credit,
# generic credit); each credit is put between the intro and the copied sentences.
CASES = {
    "zh": (
        "新华社",
        [
            "日本政府计划今年秋天在东京与俄罗斯举行安全磋商。",
            "两国外交和国防部长将是四年来首次会面。",
            "东京希望通过更紧密的安全合作推动千岛群岛争端取得进展。",
            "一名政府发言人拒绝对此发表评论。",
        ],
        "莫斯科对这些计划反应谨慎。",
        "据新华社周一报道，",
        "据警方称，",
        "据该社报道，",
    ),
    "zh-hant": (
        "Reuters",
        [
            "日本政府計劃今年秋天在東京與俄羅斯舉行安全磋商。",
            "兩國外交和國防部長將是四年來首次會面。",
            "東京希望通過更緊密的安全合作推動千島群島爭端取得進展。",
            "一名政府發言人拒絕對此發表評論。",
        ],
        "莫斯科對這些計劃反應謹慎。",
        "據路透社報導，",
        "據警方稱，",
        "據該社報導，",
    ),
    "ja": (
        "共同通信",
        [
            "日本政府は今秋、東京でロシアとの安全保障協議を開く方向で調整している。",
            "両国の外務・防衛担当閣僚がそろって会うのは四年ぶりとなる。",
            "政府は安全保障分野での協力を深め、北方領土問題の前進につなげたい考えだ。",
            "政府報道官はコメントを控えた。",
        ],
        "ロシア側はこの計画に慎重な姿勢を示している。",
        "共同通信によると、",
        "警察によると、",
        "同通信によると、",
    ),
    "ko": (
        "연합뉴스",
        [
            "일본 정부는 올가을 도쿄에서 러시아와 안보 협의를 열 계획이다.",
            "양국 외교·국방 장관이 함께 만나는 것은 4년 만이다.",
            "일본은 안보 협력을 강화해 쿠릴열도 분쟁에서 진전을 이루기를 바란다.",
            "정부 대변인은 논평을 거부했다.",
        ],
        "러시아는 이 계획에 신중한 반응을 보였다.",
        "연합뉴스에 따르면 ",
        "경찰에 따르면 ",
        "외신에 따르면 ",
    ),
}


def _article(article_id: str, text: str, source: str) -> Article:
    return Article(article_id, text, content=((0, len(text)),), source=source)


def _pair(lang: str, credit: str) -> tuple[Article, Article]:
    source, story, intro, *_ = CASES[lang]
    sep = " " if lang == "ko" else ""
    wire = _article("wire", sep.join(story), source)
    reprint = f"{intro}{sep}{credit}{sep.join(story[:3])}"
    return wire, _article("reprint", reprint, "Morning Post")


@pytest.mark.parametrize("lang", sorted(CASES))
def test_a_reprint_crediting_the_wire_by_name_is_attributed(lang: str) -> None:
    assert_credited_by_name(*_pair(lang, CASES[lang][3]))


@pytest.mark.parametrize("lang", sorted(CASES))
def test_a_third_party_credit_is_no_credit_to_the_wire(lang: str) -> None:
    assert_no_credit(*_pair(lang, CASES[lang][4]))


@pytest.mark.parametrize("lang", sorted(CASES))
def test_an_unnamed_source_is_a_generic_credit(lang: str) -> None:
    assert_generic_credit(*_pair(lang, CASES[lang][5]))


@pytest.mark.parametrize(
    ("text", "named", "generic"),
    [
        (
            "塔斯社5月21日电 据日本经济新闻周一报道，日俄将举行会谈。",
            ["塔斯社", "日本经济新闻"],
            [],
        ),
        ("油价上涨。路透社21日报道称，欧佩克将减产。", ["路透社"], []),
        ("援引路透社的报道，油价上涨。", ["路透社"], []),
        ("新华社北京5月21日电（记者张三）会谈将举行。", ["新华社"], []),
        ("据该报报道，会谈将举行。", [], ["据该报报道"]),
        ("据报道，会谈将举行。", [], []),  # "reportedly": no publisher
        ("据悉，会谈将举行。", [], []),
        ("ロイター通信は21日、両政府が会談を開くと報じた。", ["ロイター通信"], []),
        ("日本経済新聞（電子版）によると、会談は秋に開かれる。", ["日本経済新聞"], []),
        ("同紙によると、会談は秋に開かれる。", [], ["同紙によると"]),
        ("【ワシントン共同】米政府は声明を出した。", ["共同通信"], []),
        ("【北京時事】中国外務省は会見で述べた。", ["時事通信"], []),
        ("両国は共同声明を出した。", [], []),
        ("로이터통신은 21일 양국이 회담을 연다고 보도했다.", ["로이터통신"], []),
        ("외신에 따르면 양국은 회담을 연다.", [], ["외신에 따르면"]),
        ("(서울=연합뉴스) 홍길동 기자 = 양국은 회담을 연다.", ["연합뉴스"], []),
        # other scripts are left to copytrace.credits_intl and copytrace.attribute
        ("According to Reuters, the talks begin.", [], []),
    ],
)
def test_phrases_and_their_offsets(text: str, named: list[str], generic: list[str]) -> None:
    page = "前言。" + text
    found_named, found_generic = find_credits(page, [(3, len(page))], page_languages(page))
    assert [n[3] for n in found_named] == named
    assert [g[2] for g in found_generic] == generic
    for start, end, phrase, *_ in (*found_named, *found_generic):
        assert page[start:end] == phrase


def test_a_japanese_papers_agency_dateline_credits_the_agency() -> None:
    # "【東京共同】" in a regional paper's reprint credits Kyodo, known in English
    _, story, *_ = CASES["ja"]
    wire = _article("wire", "".join(story), "Kyodo")
    reprint = _article("reprint", "【東京共同】" + "".join(story[:3]), "Chunichi Shimbun")
    assert_credited_by_name(wire, reprint)


def test_a_japanese_page_is_not_read_as_chinese() -> None:
    # kanji credit words ("报道" is Chinese only, but "据" and kanji names are
    # shared): a page with kana is Japanese
    assert page_languages("新華社によると、会談は秋に開かれると報じた。") == {"ja"}
    assert page_languages("据新华社报道，会谈将于周一举行。") == {"zh"}


def test_only_content_spans_are_read() -> None:
    text = "首页 | 据新华社报道 | 新闻\n会谈将举行。据路透社报道，油价上涨。"
    body = text.index("会谈")
    found_named, _ = find_credits(text, [(body, len(text))], {"zh"})
    assert [n[3] for n in found_named] == ["路透社"]
