"""Session 31's dates: stamps far above the story, months named month first in the
site's language."""

from __future__ import annotations

import pytest

from copytrace import clean as cl
from copytrace.clean_meta import parse_published
from copytrace.model import Article

_BODY = [
    f"Paragraph {j} of the story: the council met on Monday and agreed on a new budget "
    "for the schools of the district after a long debate with the teachers' union."
    for j in range(6)
]


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Posted on Maret 30, 2015 by Admin", "2015-03-30"),  # Indonesian (WordPress)
        ("Oktober 27, 2015", "2015-10-27"),
        ("Desember 30, 2015 at 10:15", "2015-12-30T10:15:00"),
        ("Ogos 3, 2020", "2020-08-03"),  # Malay
        ("juni 5, 2019 14:30", "2019-06-05T14:30:00"),
        ("May 21, 2018, 9:56 UTC+3", "2018-05-21T09:56:00+03:00"),  # English as before
        ("22 de outubro de 2010 às 20:13", "2010-10-22T20:13:00"),
    ],
)
def test_month_first_dates_in_the_sites_language(line: str, want: str) -> None:
    assert parse_published(line) == want


@pytest.mark.parametrize("line", ["ago 12, 2019", "set 3, 2019 rules", "Maret 2015"])
def test_short_names_and_dates_without_a_day_are_not_read(line: str) -> None:
    assert parse_published(line) is None


def test_a_stamp_thirty_lines_above_the_story_is_read() -> None:
    # (BBC's and CNN's pages print the stamp above a long run of menus and links)
    menu = [f"Section {j} headlines" for j in range(30)]
    text = "\n".join(["19 November 2019", *menu, *_BODY])
    art = cl.clean_text(Article(id="p", text=text))
    assert text[art.content[0][0] :].startswith("Paragraph 0")
    assert art.published == "2019-11-19"


def test_a_stamp_beyond_the_window_is_not_read() -> None:
    menu = [f"Section {j} headlines" for j in range(cl._STAMP_WINDOW + 5)]
    text = "\n".join(["19 November 2019", *menu, *_BODY])
    assert cl.clean_text(Article(id="p", text=text)).published is None


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("22 Kasım 2019 14:30", "2019-11-22T14:30:00"),  # Turkish
        ("Güncelleme: 03 ARALIK 2019 09:56", "2019-12-03T09:56:00"),  # (casefolds to "i")
        ("22 نوفمبر 2019", "2019-11-22"),  # Arabic, Egyptian and Gulf names
        ("٢٢ نوفمبر ٢٠١٩", "2019-11-22"),  # (Arabic-Indic digits)
        ("22 تموز 2019 - 10:15", "2019-07-22T10:15:00"),  # Levantine
    ],
)
def test_turkish_and_arabic_month_names(line: str, want: str) -> None:
    assert parse_published(line) == want


def test_a_numeric_date_on_an_arabic_page_reads_day_first() -> None:
    body = [
        "قال الوزير في مؤتمر صحفي يوم الاثنين إن المحادثات مع النقابة سوف تستأنف في الأسبوع "
        "المقبل بعد يومين من النقاش الذي لم يتفق فيه الطرفان على الأجور",
        "وأضاف أن الحكومة التي تريد حلا سريعا لهذه الأزمة قد تقدم عرضا جديدا إلى العمال "
        "من أجل أن تعود المصانع إلى العمل في أقرب وقت ممكن",
    ]
    text = "\n".join(["الرئيسية", "05/10/2018", *body])
    assert cl.clean_text(Article(id="p", text=text)).published == "2018-10-05"
