"""Copyright notices are chrome: cut on the text and the HTML path, in the languages we read."""

from __future__ import annotations

import pytest

from copytrace import clean as cl
from copytrace.compare import compare
from copytrace.htmltext import clean_html
from copytrace.model import Article

NOTICES = [
    "Image copyright Getty Images",
    "Image source, Reuters",
    "© Reuters",
    "Copyright ©2019 Dow Jones &amp; Company, Inc. All Rights Reserved",
    "Copyright 2019 Hawaii News Now. All rights reserved.",
    "copyright Inexhibit 2019 - ISSN: 2283-5474",
    "© 2019 Associated Press. All Rights Reserved. This material may not be published, "
    "broadcast, rewritten, or redistributed.",
    "저작권자 ⓒ '대중문화컨텐츠 전문가그룹' 엔터미디어(www.entermedia.co.kr), "
    "무단전재 및 재배포금지",
    "Copyright ⓒ Entermedia.co.kr. 무단전재 및 재배포 금지",
    "<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>",
    "© 2018 Le Monde. Tous droits réservés.",
    "© Copyright 2019 Zeitverlag. Alle Rechte vorbehalten.",
    "Todos los derechos reservados © El País 2019",
    "Все права защищены © 2019 ТАСС",
    "版权所有 © 新华网",
    "記事・写真の無断転載を禁じます",
]

NOT_NOTICES = [
    "Copyright law was reformed in the European Union this year after long talks.",
    "(c) the second option leaves the decision to the member states.",
    "© Lucy Nicholson Detainees at Otay Mesa immigration detention center in San Diego, "
    "Calif., on May 18, 2018.",
    "The photo shows the minister leaving the building on Monday.",
    "The court said the publisher reserved all rights to the archive, which its lawyers "
    "had argued for years, and that all rights reserved by the estate had lapsed when "
    "the heirs failed to renew them before the deadline set in the original contract.",
]


def test_notices_are_hard_chrome() -> None:
    assert cl.hard_chrome_lines(NOTICES) == [True] * len(NOTICES)


def test_sentences_about_copyright_are_not_notices() -> None:
    assert cl.hard_chrome_lines(NOT_NOTICES) == [False] * len(NOT_NOTICES)


@pytest.mark.parametrize("line", NOTICES + NOT_NOTICES)
def test_batch_path_agrees_with_the_line_path(line: str) -> None:
    batch = cl._new_lines([line, "The minister met his counterpart in Tokyo."])
    assert batch[0].hard == cl._Line(line).hard


_BODY = (
    "The ministry said on Monday that the talks with the union would resume next week, "
    "after two days in which neither side moved on pay or on the hours of night shifts."
)


def test_text_path_drops_a_notice_between_paragraphs() -> None:
    notice = "Image copyright Getty Images"
    text = "\n".join([_BODY, notice, _BODY.replace("Monday", "Tuesday")])
    art = cl.clean_text(Article(id="p", text=text))
    kept = [text[s:e] for s, e in art.content]
    assert notice not in kept
    assert len(kept) == 2


def _korean_page(story: str) -> str:
    footer = (
        "저작권자 ⓒ '대중문화컨텐츠 전문가그룹' 엔터미디어(www.entermedia.co.kr), "
        "무단전재 및 재배포금지"
    )
    paras = "".join(f"<p>{s}</p>" for s in story.split("\n"))
    return (
        "<html><head><title>엔터 미디어</title></head><body><nav>홈 | 연예 | 방송</nav>"
        f"<article>{paras}<p>{footer}</p></article><footer>회사소개</footer></body></html>"
    )


_STORY_A = (
    "드라마 제작진은 이번 시즌에서 주인공의 가족 이야기를 더 깊이 다루겠다고 밝혔다 "
    "배우들은 지난달부터 촬영을 시작했으며 첫 방송은 다음 달로 예정되어 있다\n"
    "제작진은 시청자들의 의견을 반영해 이야기의 속도를 조절했다고 설명했다 "
    "특히 두 번째 에피소드에서는 새로운 인물이 등장해 갈등이 커질 것이라고 덧붙였다"
)
_STORY_B = (
    "올해 가요계에서는 신인 그룹들의 활약이 두드러졌다는 평가가 나오고 있다 "
    "음원 차트 상위권에 오른 곡 가운데 절반 이상이 데뷔 삼 년 이내의 그룹 노래였다\n"
    "전문가들은 온라인 공연과 짧은 영상이 새로운 팬을 모으는 데 큰 역할을 했다고 "
    "분석했다 다만 음반 판매량은 작년보다 조금 줄어든 것으로 나타났다"
)


def test_two_pages_of_one_site_do_not_pair_on_their_copyright_footer() -> None:
    a, b = (
        clean_html(Article(id=k, text=_korean_page(s), is_html=True))
        for k, s in (("a", _STORY_A), ("b", _STORY_B))
    )
    for art in (a, b):
        kept = " ".join(art.text[s:e] for s, e in art.content)
        assert "드라마" in kept or "가요계" in kept
        assert "무단전재" not in kept
    assert not compare(a, b).passages
