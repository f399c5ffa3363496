"""The page cleaner: seed pages, offsets, chrome keys, metadata, HTML spans, CLI."""

from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from copytrace.clean import (
    article_text,
    classify_lines,
    clean,
    clean_text,
    find_dateline,
    hard_chrome,
    line_key,
    line_spans,
    parse_published,
)
from copytrace.cli import main
from copytrace.ingest.files import read_article_file
from copytrace.model import Article
from copytrace.text import tokenize

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TASS = EXAMPLES / "000_3f926fbd34ea6708.txt"
NIKKEI = EXAMPLES / "004_3080a4ee7dd42127.txt"
DATA = Path(__file__).resolve().parent / "data" / "clean" / "scrapinghub"
REUTERS_ID = "359fee228518d55b921194561e9ca88e428df81940246f8fac7a75398377daea"

# What an expert editor cuts from the seed pages (../shared/seeds/README.md).
TASS_CHROME = [
    "Currency converter",
    "All news",
    "News Search Topics",
    "Use filter",
    "You can filter your feed,",
    "by choosing only interesting",
    "May 21, 2018, 9:56 UTC+3 TOKYO",
    "1 pages in this article",
    "Show more",
    "In other media",
    "Partner News",
]
TASS_BODY = [
    "TOKYO, May 21. /TASS/. The foreign and defense ministers of Japan and Russia",
    'The previous "two-plus-two" meeting took place in the Japanese capital of Tokyo',
    "According to the sources, Japan’s top military brass are expected",
    'Nikkei also wrote that "Tokyo hopes that cultivating closer security',
    "However, according to Nikkei, Tokyo is inclined to take its relations",
    "Since the mid-20th century, Russia and Japan have been holding consultations",
]
NIKKEI_CHROME = [
    "ArrowArtboardCreated with Sketch.Title ChevronTitle",
    "International relations",
    "Japan and Russia plan high-level talks on defense, diplomacy",
    "Japanese Prime Minister Shinzo Abe, left, and Russian President Vladimir Putin met",
    "© Reuters",
    "Sponsored Content",
    "About Sponsored Content",
    "{{numberArticlesLeft}}",
    "Stay ahead with our exclusives on Asia",
    "the most dynamic market in the world",
    "Get trusted insights from experts",
    "within Asia itself.",
    "Get Unlimited access",
    "This is your last free article this month",
    "Try 3 months for $9",
    "Offer ends June 30th",
    "Your trial period has expired",
    "You need a subscription to",
    "Read all stories with unlimited access",
    "Use our mobile and tablet apps",
    "See all offers",
    "Your full access to the Nikkei Asian Review has expired",
    "NAR on print phone, device, and tablet media",
]
NIKKEI_BODY = [
    "TOKYO -- Japan and Russia intend to have their top foreign affairs",
    "Japanese Prime Minister Shinzo Abe and Russian President Vladimir Putin are expected",
    "Abe and Putin will likely also agree to have the top uniform officers",
    "Tokyo hopes that cultivating closer security and economic ties with Moscow",
    "Abe and Putin will also agree to repeat a program this year",
    "But relations between Russia and the U.S., a close ally of Japan",
    '"If we deepen our cooperation with Russia too much',
    "On the security front, Russia has criticized Japan's plans",
]


def _content(article: Article) -> list[str]:
    return [article.text[s:e] for s, e in article.content]


def _assert_valid_spans(article: Article) -> None:
    prev = 0
    for s, e in article.content:
        assert 0 <= prev <= s < e <= len(article.text), (s, e)
        prev = e


@pytest.fixture(scope="module")
def tass() -> Article:
    return clean(read_article_file(TASS))


@pytest.fixture(scope="module")
def nikkei() -> Article:
    return clean(read_article_file(NIKKEI))


# ---------------------------------------------------------------- seed pages


def test_tass_chrome_lines_are_not_content(tass: Article) -> None:
    kept = "\n".join(_content(tass))
    for chrome in TASS_CHROME:
        for piece in _content(tass):
            assert piece != chrome
        assert chrome not in kept or (chrome in {"All news"} and "All news" not in kept)


def test_tass_body_paragraphs_are_content_including_background(tass: Article) -> None:
    pieces = _content(tass)
    for start in TASS_BODY:
        assert any(p.startswith(start) for p in pieces), start


def test_nikkei_chrome_lines_are_not_content(nikkei: Article) -> None:
    kept = "\n".join(_content(nikkei))
    for chrome in NIKKEI_CHROME:
        assert chrome not in kept, chrome


def test_nikkei_body_paragraphs_are_content(nikkei: Article) -> None:
    pieces = _content(nikkei)
    for start in NIKKEI_BODY:
        assert any(p.startswith(start) for p in pieces), start
    assert len(pieces) <= len(NIKKEI_BODY) + 1  # the body and at most its standfirst


def test_tass_metadata(tass: Article) -> None:
    assert tass.title == (
        "Japan, Russia to hold two-plus-two meetings of foreign, defense ministers in 2018 — media"
    )
    assert tass.published == "2018-05-21T09:56:00+03:00"
    assert tass.dateline == "TOKYO, May 21"
    assert tass.source == "TASS"


def test_nikkei_metadata(nikkei: Article) -> None:
    assert nikkei.title == "Japan and Russia plan high-level talks on defense, diplomacy"
    assert nikkei.dateline == "TOKYO"
    assert nikkei.published is None  # the page carries no date
    assert nikkei.source is not None and "Nikkei" in nikkei.source


def test_content_spans_are_sorted_trimmed_lines_of_the_text(tass: Article, nikkei: Article) -> None:
    for art in (tass, nikkei):
        _assert_valid_spans(art)
        lines = {art.text[s:e] for s, e in line_spans(art.text)}
        for piece in _content(art):
            assert piece == piece.strip()
            assert piece in lines


def test_reader_metadata_is_kept() -> None:
    raw = read_article_file(TASS)
    art = clean(Article(id="t", text=raw.text, title="Given", source="Given source"))
    assert art.title == "Given" and art.source == "Given source"
    assert art.published == "2018-05-21T09:56:00+03:00"


# ---------------------------------------------------------------- offsets


def test_offsets_survive_crlf_line_ends(tass: Article) -> None:
    crlf = tass.text.replace("\n", "\r\n")
    art = clean_text(Article(id="crlf", text=crlf))
    _assert_valid_spans(art)
    assert _content(art) == _content(tass)
    assert all("\r" not in p for p in _content(art))


def test_offsets_survive_non_breaking_spaces_and_typographic_quotes() -> None:
    body = (
        "MOSCOW, May 3. /TASS/. The minister said\u00a0“talks will go on” and added that "
        "the sides’ positions were close, according to the ministry’s statement.\u00a0"
    )
    page = f"Menu\u00a0\n\u00a0Show more\n\n{body}\n\nThe ministers will meet again in "
    page += "June, the ministry said, and the agenda will include trade and energy.\n"
    art = clean_text(Article(id="nbsp", text=page))
    _assert_valid_spans(art)
    first = art.text[slice(*art.content[0])]
    assert first == body.rstrip("\u00a0")
    words = tokenize(art.text, art.content).words
    assert "talks" in words and "sides" in words
    assert art.dateline == "MOSCOW, May 3" and art.source == "TASS"


def test_offsets_survive_non_latin_scripts() -> None:
    body = [
        "МОСКВА, 21 мая. /ТАСС/. Министры иностранных дел и обороны России и Японии "
        "проведут встречу в формате «два плюс два» до конца года, сообщила газета.",
        "Предыдущая встреча в таком формате состоялась в Токио в марте 2017 года, а "
        "следующая, как ожидается, пройдет в России осенью, отметили источники газеты.",
        "東京で開かれた会議では、両国の外相と防衛相が安全保障と経済協力について意見を交わし、"
        "年内に再び会談することで合意した。",
    ]
    page = "Главная\nНовости\nПоиск\n\n" + "\n\n".join(body) + "\n\nПоказать еще\n"
    art = clean_text(Article(id="ru", text=page))
    _assert_valid_spans(art)
    assert _content(art) == body


def test_chrome_set_drops_given_lines(tass: Article) -> None:
    target = next(p for p in _content(tass) if p.startswith("According to the sources"))
    # A key learned elsewhere matches the line even with other numbers and spacing.
    learned = frozenset({line_key(target.replace("2017", "2019").replace(" ", "  "))})
    art = clean(read_article_file(tass.path or ""), chrome=learned)
    assert target not in _content(art)
    assert len(art.content) == len(tass.content) - 1


def test_line_key_collapses_case_numbers_spaces_and_punctuation() -> None:
    assert line_key("You have 3 free articles left") == line_key("you have 12 FREE articles  left")
    assert line_key("Show more »") == line_key("show more")
    assert line_key("Page 1 of 2") != line_key("Page one of two")


def test_line_spans_skip_blank_lines_and_trim() -> None:
    text = "  a b \r\n\r\n\u00a0\nc\rd\u2028e"
    assert [text[s:e] for s, e in line_spans(text)] == ["a b", "c", "d", "e"]


def test_text_without_chrome_is_kept_whole() -> None:
    tass_page = read_article_file(TASS).text
    body = "\n\n".join(
        tass_page[s:e]
        for s, e in line_spans(tass_page)
        if any(tass_page[s:e].startswith(b) for b in TASS_BODY)
    )
    keep = classify_lines(body)
    assert all(keep)


def test_a_chinese_page_keeps_its_story_and_drops_its_chrome() -> None:
    path = Path(__file__).resolve().parent / "data" / "cjk" / "zh_page.txt"
    art = clean_text(Article(id="zh", text=path.read_text(encoding="utf-8")))
    kept = article_text(art)
    for sentence in ("据日本经济新闻周一报道", "东京希望与莫斯科", "格拉西莫夫", "内部人士说"):
        assert sentence in kept
    for chrome in ("首页", "分享到", "责任编辑", "来源", "相关新闻", "版权所有"):
        assert chrome not in kept
    assert art.published == "2018-05-21T09:56:00"
    # a stamp in Chinese, zoned, is the page's time (though it holds 21 "words")
    stamped = path.read_text(encoding="utf-8").replace(
        "2018-05-21 09:56 来源：塔斯社", "发布时间：2018年05月21日 09:56（北京时间） 来源：塔斯社"
    )
    art = clean_text(Article(id="zh", text=stamped))
    assert art.published == "2018-05-21T09:56:00+08:00"
    assert "发布时间" not in article_text(art)


@pytest.mark.parametrize(
    ("name", "story", "published"),
    [
        (
            "ja_page.txt",
            ("共同通信によると", "四年ぶり", "北方領土", "コメントを控えた"),
            "2018-05-21T15:30:00",
        ),
        (
            "ko_page.txt",
            ("연합뉴스에 따르면", "4년 만이다", "쿠릴열도", "논평을 거부했다"),
            "2018-05-21T15:30:00",
        ),
    ],
)
def test_japanese_and_korean_pages_keep_their_story_only(
    name: str, story: tuple[str, ...], published: str
) -> None:
    text = (Path(__file__).resolve().parent / "data" / "cjk" / name).read_text(encoding="utf-8")
    art = clean_text(Article(id=name, text=text))
    kept = article_text(art)
    assert all(sentence in kept for sentence in story)
    for chrome in (
        "ホーム",
        "ログイン",
        "シェア",
        "関連記事",
        "홈 |",
        "로그인",
        "입력",
        "기자",
        "Copyright",
    ):
        assert chrome not in kept
    assert art.published == published


def test_a_korean_headline_is_found_through_the_particles_of_the_story() -> None:
    # (the story says "일본과", "러시아가", "회담을" where the headline says "일본",
    # "러시아", "회담": without the particles 6 of its 8 words are in the story)
    path = Path(__file__).resolve().parent / "data" / "cjk" / "ko_title_page.txt"
    art = clean_text(Article(id="ko", text=path.read_text(encoding="utf-8")))
    assert art.title == "일본·러시아, 연내 외교·국방 장관 회담 개최"
    kept = article_text(art)
    assert art.title not in kept and kept.startswith("일본과 러시아가 올해 안에")


def test_korean_particles_come_off_a_word_of_two_syllables_or_more() -> None:
    from copytrace.clean import _particle_free
    from copytrace.text import normalize_word

    def bare(word: str) -> str:
        return unicodedata.normalize("NFC", _particle_free(normalize_word(word)))

    assert [bare(w) for w in ("회담을", "일본과", "도쿄에서", "정부는", "러시아")] == [
        "회담",
        "일본",
        "도쿄",
        "정부",
        "러시아",
    ]
    assert bare("회의") == "회의"  # (no "회" + "의")


def test_empty_and_blank_text_have_no_content() -> None:
    assert clean_text(Article(id="e", text="")).content == ()
    assert clean_text(Article(id="b", text="\n \n\t\n")).content == ()


# ---------------------------------------------------------------- rules and metadata


@pytest.mark.parametrize(
    "line",
    [
        "You have {{numberArticlesLeft}} free article{{numberArticlesLeft-plural}} left",
        "ArrowArtboardCreated with Sketch.Title ChevronTitle ChevronEye IconIcon FacebookIcon",
        "1 pages in this article",
        "Show more",
        "In other media",
        "Photo: Reuters",
        "May 21, 2018, 9:56 UTC+3 TOKYO",
        "分享到：微信 微博 QQ空间",
        "责任编辑：张三",
        "2018-05-21 09:56 来源：塔斯社",
        "関連記事",
        "공유하기",
        "发布时间：2018年5月21日 09:56",
        "2018年5月21日（月）15時30分",
        "2018년 5월 21일 오후 3:56",
        "홍길동 기자 gildong@example.com",
        "입력 2018.05.21 15:30 수정 2018.05.21 16:02",
        "로그인 회원가입",
        "ログイン 会員登録",
    ],
)
def test_hard_chrome_lines(line: str) -> None:
    assert hard_chrome(line)


@pytest.mark.parametrize(
    "line",
    [
        "The YouTube and iPhone makers said on Monday that sales rose.",
        "Show more restraint, the minister told the protesters on Tuesday.",
        "May 21 was the day the talks began in Tokyo, officials said.",
        "分享经济正在改变中国人的生活方式。",
        "编辑部的故事是一部经典电视剧，很多人都看过。",
        "2018年5月21日，四川发生地震。",
        "2018년 5월 21일 정부는 회담을 열었다.",
        "홍길동 기자는 회담 결과를 전했다.",
        "입력한 내용은 2018년에 저장됐다.",
    ],
)
def test_sentences_are_not_hard_chrome(line: str) -> None:
    assert not hard_chrome(line)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("May 21, 2018, 9:56 UTC+3", "2018-05-21T09:56:00+03:00"),
        ("Nov 19, 2019, 10:31 pm CST", "2019-11-19T22:31:00-06:00"),
        ("Published 2:16 AM EST Nov 20, 2019", "2019-11-20T02:16:00-05:00"),
        ("21 May 2018 09:56 GMT", "2018-05-21T09:56:00+00:00"),
        ("2018-08-25 15:24", "2018-08-25T15:24:00"),
        ("2019-11-19T10:00:00+05:30", "2019-11-19T10:00:00+05:30"),
        ("Updated: September 3rd, 2019", "2019-09-03"),
        ("no date at all", None),
        ("Feb 30 is not checked but year 3019 is: Feb 3, 3019", None),
        ("14:53 GMT +3 20 November 2019", "2019-11-20T14:53:00+03:00"),
        ("2018年5月21日 09:56", "2018-05-21T09:56:00"),
        ("発信 2018年5月21日（月）午後3時30分", "2018-05-21T15:30:00"),
        ("2018年05月21日09:56（北京时间）", "2018-05-21T09:56:00+08:00"),
        ("2018年5月21日 下午3点20分", "2018-05-21T15:20:00"),
        ("2018년 5월 21일 오후 3:56", "2018-05-21T15:56:00"),
        ("2018. 5. 21. 오전 9:56", "2018-05-21T09:56:00"),
        ("2018年5月21日 3人死亡", "2018-05-21"),
        ("2018年13月21日", None),
        ("By Kashmira Gander On 11/13/19 at 4:00 PM EST", "2019-11-13T16:00:00-05:00"),
        ("5:45 AM PST 11/19/2019 by Patrick Shanley", "2019-11-19T05:45:00-08:00"),
        ("20/11/2019 / 11:54 am", "2019-11-20T11:54:00"),
        ("11.14.2019 09:00 AM", "2019-11-14T09:00:00"),
        ("05.10.18", "2018-10-05"),  # dots read day first
        ("05/10/18", "2018-05-10"),  # slashes month first
        ("November 19, 2019 12:04AM ET", "2019-11-19T00:04:00-05:00"),
        ("July 4, 2019 3:00 PM ET", "2019-07-04T15:00:00-04:00"),  # daylight time
        ("version 1.2.3", None),
        # day first, with the month's name in the page's language
        ("sexta-feira, 22 de outubro de 2010 às 20:13", "2010-10-22T20:13:00"),
        ("Текст: Венера Ерофеева · 24 сентября 2018", "2018-09-24"),
        ("3 сент. 2018 г., 14:05 MSK", "2018-09-03T14:05:00+03:00"),
        ("publiziert am 30. Juli 2018", "2018-07-30"),
        ("21. Mai 2018, 09:56 Uhr", "2018-05-21T09:56:00"),
        ("Publié le 21 mai 2018 à 09h56", "2018-05-21T09:56:00"),
        ("21 de mayo de 2018 a las 18:30", "2018-05-21T18:30:00"),
        ("21 maggio 2018 alle 09:56", "2018-05-21T09:56:00"),
        ("1º de março de 2018", "2018-03-01"),
        ("21 mei 2018", "2018-05-21"),
        ("5 out of 2018 voters", None),
    ],
)
def test_parse_published(text: str, iso: str | None) -> None:
    assert parse_published(text) == iso


def test_a_numeric_date_reads_day_first_on_a_page_whose_language_writes_it_so() -> None:
    body = [
        "O governo anunciou nesta sexta-feira um novo plano para a saúde pública do estado.",
        "Segundo o secretário, as medidas começam a valer na próxima semana em todas as cidades.",
        "A oposição criticou a decisão e disse que vai recorrer à Justiça contra o plano.",
    ]
    stamp = "05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde"
    page = "\n".join(["Início | Notícias | Saúde", stamp, *body])
    assert clean_text(Article(id="pt", text=page)).published == "2018-10-05"
    english = [
        "The state government announced a new public health plan on Friday morning.",
        "The secretary said the measures take effect next week in every city of the state.",
        "The opposition criticised the decision and said it would take the plan to court.",
    ]
    page = "\n".join(["Home | News | Health", "05/10/2018 - Posted by: Jane Doe", *english])
    assert clean_text(Article(id="en", text=page)).published == "2018-05-10"  # (US order)


_BODY = (
    "The ministers of Japan and Russia met in Tokyo on Monday to discuss security.\n\n"
    "Japan hopes that closer security ties with Russia will ease tension in the region.\n\n"
    "The ministers agreed to meet again in Moscow before the end of the year.\n"
)


def test_published_skips_a_list_of_dated_links() -> None:
    related = "".join(
        f"Related story number {i} about something else\nMay {i}, 2017\n" for i in range(1, 5)
    )
    page = f"Menu\n{related}\nJapan and Russia ministers meet on security\n\n{_BODY}"
    page += "\nPosted 11/19/2019 6:38 AM\n"
    art = clean_text(Article(id="p", text=page))
    assert art.published == "2019-11-19T06:38:00"


def test_title_may_be_a_question_at_the_top_of_the_body() -> None:
    page = f"Is Japan ready for security ties with Russia in Tokyo?\n\n{_BODY}"
    art = clean_text(Article(id="q", text=page))
    assert art.title == "Is Japan ready for security ties with Russia in Tokyo?"
    assert page.index("The ministers") == art.content[0][0]  # the title is not content


def test_title_skips_short_labels_and_share_buttons() -> None:
    page = (
        "Follow CNN Business\nShare this with Email\n"
        f"Japan and Russia ministers meet on security in Tokyo\n\n{_BODY}"
    )
    art = clean_text(Article(id="t", text=page))
    assert art.title == "Japan and Russia ministers meet on security in Tokyo"


@pytest.mark.parametrize(
    ("line", "dateline", "agency"),
    [
        ("TOKYO, May 21. /TASS/. The foreign ministers met.", "TOKYO, May 21", "TASS"),
        ("TOKYO -- Japan and Russia intend to meet.", "TOKYO", None),
        ("WASHINGTON (Reuters) - Scientists on Monday unveiled a map.", "WASHINGTON", "Reuters"),
        ("NEW YORK (AP) — Stocks fell on Monday.", "NEW YORK", "AP"),
        ("Paris, May 3 (AFP) - The French minister said.", "Paris, May 3", "AFP"),
        ("NATO. The alliance met on Monday.", None, None),
        ("The ministers met in Tokyo.", None, None),
    ],
)
def test_find_dateline(line: str, dateline: str | None, agency: str | None) -> None:
    assert find_dateline(line) == (dateline, agency)


# ---------------------------------------------------------------- HTML


@pytest.fixture(scope="module")
def reuters_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "reuters.html"
    path.write_bytes(gzip.decompress((DATA / "html" / f"{REUTERS_ID}.html.gz").read_bytes()))
    return path


def test_html_spans_hold_the_article_words(reuters_html: Path) -> None:
    art = clean(read_article_file(reuters_html))
    assert art.is_html
    _assert_valid_spans(art)
    for s, e in art.content:
        assert "<" not in art.text[s:e] and ">" not in art.text[s:e]
    words = tokenize(art.text, art.content, is_html=True).words
    truth = json.loads((DATA / "ground-truth.json").read_text())[REUTERS_ID]["articleBody"]
    truth_words = tokenize(truth).words
    shared = len(set(words) & set(truth_words))
    assert shared / len(set(truth_words)) > 0.95
    assert shared / len(set(words)) > 0.9
    assert art.dateline == "WASHINGTON"
    assert art.title and "Titan" in art.title
    # (the page's own time, a hidden "published_date" field without a zone)
    assert art.published == "2019-11-19T02:24:47"
    assert article_text(art).startswith("WASHINGTON (Reuters) - Scientists on Monday unveiled")


def test_html_spans_cover_text_nodes_with_entities_and_crlf() -> None:
    para = "Ministers met in Tokyo on Monday and agreed to talk again in the autumn. "
    html = (
        "<html>\r\n<head><title>T</title><script>var x = '<p>no</p>';</script></head>\r\n"
        "<body><nav>Home | News | Sport</nav>\r\n<article><h1>Talks</h1>\r\n"
        f"<p>Fish &amp; chips&nbsp;were <b>served</b>, “he said”. {para * 6}</p>\r\n"
        f"<p>{para * 5}</p></article><footer>© 2019 Example</footer></body></html>"
    )
    art = clean(Article(id="h", text=html, is_html=True))
    _assert_valid_spans(art)
    pieces = _content(art)
    assert pieces[0] == "Talks"  # the article's own heading, from its text node
    assert pieces[1] == "Fish &amp; chips&nbsp;were"
    assert pieces[2] == "served"
    assert all("<" not in p for p in pieces)
    words = set(tokenize(html, art.content, is_html=True).words)
    assert {"talks", "fish", "served", "ministers", "autumn"} <= words
    assert not {"home", "news", "sport", "var", "example"} & words
    assert article_text(art).startswith("Talks\n\nFish & chips were served, “he said”.")
    assert art.published is None  # no date in the markup; "© 2019" is not one


# ---------------------------------------------------------------- CLI


def test_cli_out_writes_text_and_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["clean", str(EXAMPLES), "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "000_3f926fbd34ea6708.json",
        "000_3f926fbd34ea6708.txt",
        "004_3080a4ee7dd42127.json",
        "004_3080a4ee7dd42127.txt",
    ]
    meta = json.loads((out / "000_3f926fbd34ea6708.json").read_text())
    assert meta["source"] == "TASS" and meta["dateline"] == "TOKYO, May 21"
    text = (EXAMPLES / "000_3f926fbd34ea6708.txt").read_text(encoding="utf-8")
    assert (
        (out / "000_3f926fbd34ea6708.txt").read_text().startswith(text[slice(*meta["content"][0])])
    )


def test_cli_json_for_one_file(tass_path: Path) -> None:
    result = CliRunner().invoke(main, ["clean", "--json", str(tass_path)])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output)
    assert set(obj) == {"path", "title", "published", "source", "dateline", "content", "text"}
    assert obj["published"] == "2018-05-21T09:56:00+03:00"
    assert "Show more" not in obj["text"]


def test_cli_shows_article_for_one_file(nikkei_path: Path) -> None:
    result = CliRunner().invoke(main, ["clean", str(nikkei_path)])
    assert result.exit_code == 0, result.output
    assert "Japan and Russia plan high-level talks" in result.output
    assert "Sponsored Content" not in result.output


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "no such file"), (b"", "empty"), (b"\x00\x01binary", "binary")],
)
def test_cli_bad_single_file_exits_2_naming_it(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(main, ["clean", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.output and reason in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_folder_reports_and_skips_bad_files(tmp_path: Path, tass_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "good.txt").write_bytes(tass_path.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.md").write_text("ignored")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["clean", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "empty.txt" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["good.json", "good.txt"]


# --------------------------------------------------------------------------------------
# Speed work kept the cleaner's results (see docs/bench-clean.md)
# --------------------------------------------------------------------------------------


def test_good_dist_matches_the_pairwise_minimum_in_linear_memory() -> None:
    import numpy as np

    from copytrace.clean import _good_dist

    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(0, 30))
        mask = rng.random(n) < rng.random()
        good = np.flatnonzero(mask)
        idx = np.arange(n)
        if len(good):
            pairwise = np.abs(idx[:, None] - good[None, :])
            pairwise[good, np.arange(len(good))] = n  # distance to another good line
            expected = pairwise.min(axis=1)
        else:
            expected = np.full(n, n)
        assert _good_dist(mask).tolist() == expected.tolist()
    # A long page: one good line in a million, no n x n_good matrix.
    mask = np.zeros(1_000_000, dtype=bool)
    mask[[10, 999_990]] = True
    dist = _good_dist(mask)
    assert dist[0] == 10 and dist[10] == 999_980 and dist[500_000] == 499_990


def test_line_key_and_hard_chrome_keep_their_rules_on_odd_text() -> None:
    # line_key keeps only runs of letters and digits, one space apart.
    assert line_key("__Show\u00a0more__ »»") == "show more"
    assert line_key("Page 3 of 12 — ½ ²") == "page 0 of 0 ½ ²"
    assert line_key(" \t ") == ""
    # Caseless rules on non-ASCII lines still run the full patterns.
    assert hard_chrome("SHARE") and hard_chrome("Поделиться")
    assert not hard_chrome("Şehir meclisi toplantısı bugün yapıldı ve kararlar alındı.")


def test_cleaning_pages_in_turn_does_not_mix_their_lines(tass_path: Path) -> None:
    tass = read_article_file(tass_path)
    other = Article(
        id="o", text="Home\nThe council met on Tuesday and agreed the budget for next year.\n"
    )
    first = clean_text(tass)
    clean_text(other)
    again = clean_text(tass)
    assert (again.content, again.title, again.published) == (
        first.content,
        first.title,
        first.published,
    )
    assert clean_text(other).content_text().startswith("The council met")
