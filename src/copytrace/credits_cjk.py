"""Credit phrases in Chinese, Japanese and Korean news.

These scripts write no spaces between words, so the name a phrase credits is not a
run of capitalised words (:mod:`copytrace.credits_intl`) but the run of name
characters next to the phrase's fixed parts, as short as the phrase allows:

- Chinese: "据新华社报道", "据日本经济新闻周一报道" (a time word may follow the
  name), "援引路透社的报道", "路透社报道称" after a comma or a line's start, and a
  dispatch's dateline "新华社北京5月21日电"; generic: "据该报报道", "该报称",
  "据媒体报道". Simplified and traditional characters.
- Japanese: "日本経済新聞によると", "ロイター通信が報じた", "共同通信は…と報じた",
  an agency's dateline "【ワシントン共同】" (Kyodo), "【北京時事】" (Jiji);
  generic: "同紙によると", "地元紙が報じた". Names are kanji, katakana and Latin
  letters (the particles around them are hiragana).
- Korean: "연합뉴스에 따르면", "로이터통신은 … 보도했다", the dateline "(서울=연합뉴스)";
  generic: "외신에 따르면",
  "현지 언론은 … 보도했다".

Hand-written from the languages' usual credit formulas; ``tests/test_credits_cjk.py``
holds a reprint, a third-party credit and an unnamed source per language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from copytrace.text import HANGUL_CHARS

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KATAKANA = "\u30a0-\u30ff\u31f0-\u31ff"
_HANGUL = HANGUL_CHARS

# Time words between a name and its verb ("周一", "21日", "5月21日", "近日").
_ZH_TIME = (
    r"(?:\d{1,2}月\d{1,2}[日号]|\d{1,2}[日号]|[周週][一二三四五六日天]|星期[一二三四五六日天]"
    r"|[今昨前当當][天日]|日前|近日|早些[时時]候|此前|[本上][周週][一二三四五六日]?)?"
)
_ZH_NAME = rf"[{_HAN}A-Za-z·・]{{2,16}}?"
_ZH_VERB = r"(?:报道|報道|报导|報導|消息|称|稱|披露|透露|说|說|指出)"
# A publisher noun standing for a name: "该报" (the paper), "媒体" (the media).
_ZH_NOUN = (
    r"(?:[该該此这這][报報社台刊网網]|[该該这這家](?:网站|網站|媒体|媒體|杂志|雜誌|通讯社"
    r"|通訊社|报纸|報紙|电视台|電視台)|媒体|媒體|外媒|官媒|当地媒体|當地媒體)"
)
# The name ends in one of these: it names a publisher ("新华社", "朝日新闻", "日经中文网").
_ZH_PUBLISHER = r"(?:社|报|報|网|網|台|新闻|新聞|通讯|通訊|时报|時報|日报|日報|周刊|週刊|杂志|雜誌)"
_ZH_AFTER = r"(?=[，,。：:\s]|$)"

_JA_NAME = rf"[{_HAN}{_KATAKANA}A-Za-z・＆&]{{2,20}}?"
_JA_PAREN = r"(?:[（(][^）)\n]{1,10}[）)])?"
_JA_TIME = r"(?:\d{1,2}日|[今昨]日|同日)?"
_JA_NOUN = (
    rf"(?<![{_HAN}{_KATAKANA}A-Za-z])(?:同紙|同誌|同社|同通信|同局|地元紙|地元メディア"
    r"|現地メディア|複数のメディア|[米英仏独中韓露]紙|[米英仏独中韓露]メディア)"
)
_JA_PUBLISHER = r"(?:新聞|紙|誌|通信|放送|テレビ|ニュース|社|タイムズ|ポスト|ジャーナル)"

_KO_NAME = rf"[{_HANGUL}{_HAN}A-Za-z]{{2,16}}?"
_KO_NOUN = r"(?:외신|현지\s?언론|현지\s?매체|이\s?신문|이\s?통신|해당\s?매체|언론|매체)"
_KO_PUBLISHER = r"(?:신문|통신|뉴스|방송|일보|타임스|저널|포스트|TV)"

# Agencies a Japanese dateline names by a short form ("【ワシントン共同】"), and their
# names (共同 alone is the common word "joint").
_BRACKET_AGENCIES = {
    "共同": "共同通信",
    "時事": "時事通信",
    "聯合": "聯合ニュース",
    "新華社": "新華社",
    "ロイター": "ロイター通信",
    "AFP": "AFP",
    "AP": "AP",
    "ブルームバーグ": "ブルームバーグ",
}

# (pattern, credits a name: group "name"; else a generic phrase)
_PATTERNS: dict[str, tuple[tuple[re.Pattern[str], bool], ...]] = {
    "zh": (
        (re.compile(rf"[据據](?P<noun>{_ZH_NOUN}){_ZH_TIME}{_ZH_VERB}"), False),
        (
            re.compile(
                rf"(?<![据據])(?P<noun>{_ZH_NOUN}){_ZH_TIME}(?:报道|報道)?(?:称|稱|说|說|指出)"
            ),
            False,
        ),
        (
            re.compile(
                rf"[据據](?!报|報|消息|悉|了解|称|稱)(?P<name>{_ZH_NAME}){_ZH_TIME}(?:的)?{_ZH_VERB}"
            ),
            True,
        ),
        (
            re.compile(
                rf"援引(?P<name>{_ZH_NAME})(?:的(?:报道|報道|消息)|报道|報道|消息|{_ZH_AFTER})"
            ),
            True,
        ),
        (
            re.compile(
                rf"(?:(?<=[，,。：:；;！？\s「」“”])|^)(?P<name>{_ZH_NAME}){_ZH_TIME}"
                r"(?:报道称|報道稱|报道说|報道說|报道指出|報道指出|报导称|報導稱|消息称|消息稱)",
                re.MULTILINE,
            ),
            True,
        ),
        (
            re.compile(
                rf"(?:(?<=[，,。：:；;！？\s「」“”（(])|^)(?P<name>[{_HAN}A-Za-z]{{1,8}}?(?:社|网|網|台|报|報))"
                rf"[{_HAN}]{{0,6}}?\d{{1,2}}月\d{{1,2}}日[电電]",
                re.MULTILINE,
            ),
            True,
        ),
    ),
    "ja": (
        (re.compile(rf"(?P<noun>{_JA_NOUN}){_JA_PAREN}(?:の報道)?によると"), False),
        (
            re.compile(
                rf"(?P<noun>{_JA_NOUN})[がは]{_JA_TIME}[^。\n]{{0,80}}?(?:報じた|報道した|伝えた)"
            ),
            False,
        ),
        (re.compile(rf"(?P<name>{_JA_NAME}){_JA_PAREN}(?:の報道)?によると"), True),
        # a Japanese paper's agency dateline: "【ワシントン共同】", "【北京時事】"
        (re.compile(rf"【[^】\n]{{0,12}}?(?P<name>{'|'.join(_BRACKET_AGENCIES)})】"), True),
        (
            re.compile(
                rf"(?P<name>{_JA_NAME}){_JA_PAREN}[がは]{_JA_TIME}[^。\n]{{0,80}}?(?:報じた|報道した|伝えた)"
            ),
            True,
        ),
    ),
    "ko": (
        (re.compile(rf"(?P<noun>{_KO_NOUN})(?:의\s?보도)?에\s?따르면"), False),
        (
            re.compile(
                rf"(?P<noun>{_KO_NOUN})(?:은|는|이|가)\s[^.\n]{{0,80}}?(?:보도했다|전했다|보도했습니다)"
            ),
            False,
        ),
        (re.compile(rf"(?P<name>{_KO_NAME})(?:의\s?보도)?에\s?따르면"), True),
        # a dispatch's dateline: "(서울=연합뉴스)"
        (re.compile(rf"[（(][{_HANGUL}]{{1,8}}\s?=\s?(?P<name>{_KO_NAME})[）)]"), True),
        (
            re.compile(
                rf"(?P<name>{_KO_NAME})(?:은|는|이|가)\s[^.\n]{{0,80}}?(?:보도했다|전했다|보도했습니다)"
            ),
            True,
        ),
    ),
}
_PUBLISHER_END = {
    "zh": re.compile(rf"{_ZH_PUBLISHER}$"),
    "ja": re.compile(rf"{_JA_PUBLISHER}$"),
    "ko": re.compile(rf"{_KO_PUBLISHER}$"),
}
# A page may credit in a language when it holds one of these (most pages hold none).
_LEADS = {
    "zh": ("据", "據", "援引", "报道", "報道", "报导", "報導", "日电", "日電", "称", "稱"),
    "ja": ("によると", "報じ", "伝えた", "報道し", "】"),
    "ko": ("따르면", "보도했", "전했다", "="),
}
_SCRIPT = re.compile(rf"[{_HAN}{_KATAKANA}{_HANGUL}\u3040-\u309f]")
_KANA = re.compile("[\u3040-\u30ff]")


def page_languages(text: str) -> frozenset[str]:
    """Which of zh, ja, ko ``text`` may credit in (a Japanese page holds kana, so
    Chinese phrases are not looked for on it).

    Example:
        >>> sorted(page_languages("据新华社报道，会谈将于周一举行。"))
        ['zh']
        >>> page_languages("According to Reuters, the talks begin on Monday.")
        frozenset()
    """
    if text.isascii() or _SCRIPT.search(text) is None:
        return frozenset()
    found = {code for code, leads in _LEADS.items() if any(lead in text for lead in leads)}
    if "zh" in found and _KANA.search(text):
        found.discard("zh")
    return frozenset(found)


def find_credits(
    text: str, spans: Sequence[tuple[int, int]], langs: Iterable[str]
) -> tuple[list[tuple[int, int, str, str, bool]], list[tuple[int, int, str]]]:
    """``(named, generic)`` credit phrases of ``langs`` (of zh, ja, ko) in the
    content ``spans`` of ``text``: named as ``(start, end, phrase, name, names a
    publisher)``, generic as ``(start, end, phrase)``. A span of text matched by a
    generic phrase is not read again as a name ("据该报报道" names no one).

    Example:
        >>> text = "据日本经济新闻周一报道，日俄将举行会谈。"
        >>> find_credits(text, [(0, len(text))], ["zh"])[0]
        [(0, 11, '据日本经济新闻周一报道', '日本经济新闻', True)]
    """
    named: list[tuple[int, int, str, str, bool]] = []
    generic: list[tuple[int, int, str]] = []
    for code in ("zh", "ja", "ko"):
        if code not in langs:
            continue
        ends = _PUBLISHER_END[code]
        for s, e in spans:
            taken: list[tuple[int, int]] = []
            for rx, has_name in _PATTERNS[code]:
                for m in rx.finditer(text, s, e):
                    if any(a < m.end() and m.start() < b for a, b in taken):
                        continue
                    taken.append(m.span())
                    if has_name:
                        name = _BRACKET_AGENCIES.get(m.group("name"), m.group("name"))
                        named.append((*m.span(), m.group(), name, ends.search(name) is not None))
                    else:
                        generic.append((*m.span(), m.group()))
    return sorted(named), sorted(generic)
