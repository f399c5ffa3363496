"""Metadata the cleaner reads off a page's lines: publication time, dateline and
agency, publisher names (split from :mod:`copytrace.clean`, which re-exports
``parse_published`` and ``find_dateline``)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        )
    )
    for m in names.split()
}
# Month names (and their usual short forms) of the languages whose credits are
# read (German, French, Spanish, Italian, Portuguese, Russian), Dutch, Indonesian,
# Malay, Turkish (with and without its letters: "Kasım", "KASIM") and Arabic (the
# Egyptian and Gulf names, and the Levantine ones of one word), for dates written
# day first: "22 de outubro de 2010 às 20:13", "24 сентября 2018", "21. Mai 2018,
# 09:56 Uhr", "22 Kasım 2019 14:30", "22 نوفمبر 2019"; and month first with a comma
# ("Maret 30, 2015").
_LOCAL_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            "januar jänner janvier janv enero ene gennaio gen janeiro januari января янв "
            "ocak يناير",
            "februar février févr fevrier febrero febbraio fevereiro fev februari февраля фев "
            "şubat subat فبراير شباط",
            "märz mär mars marzo março marco maart maret марта мар mart مارس آذار",
            "april avril abril abr aprile apr апреля апр nisan أبريل ابريل نيسان",
            "mai mayo maggio mag maio mei мая mayıs mayis مايو أيار",
            "juni juin junio giugno giu junho июня июн haziran يونيو يونيه حزيران",
            "juli juillet juil julio luglio lug julho julai июля июл temmuz يوليو يوليه تموز",
            "august août aout agosto ago augustus agustus ogos августа авг ağustos agustos "
            "أغسطس اغسطس آب",
            "september septembre septiembre setiembre settembre set setembro сентября сент сен "
            "eylül eylul سبتمبر أيلول",
            "oktober okt octobre octubre ottobre ott outubro out октября окт ekim أكتوبر اكتوبر",
            "november novembre noviembre novembro ноября нояб ноя kasım kasim نوفمبر",
            "dezember dez décembre déc diciembre dic dicembre dezembro december desember disember "
            "декабря дек aralık aralik ديسمبر",
        )
    )
    for name in names.split()
}
_LOCAL_MONTH = (
    "(?P<mon>" + "|".join(sorted(_LOCAL_MONTHS, key=lambda n: (-len(n), n))) + r")(?![^\W\d_])\.?"
)
# (the names of four letters or more, for month-first dates: no "ago", "set", "out")
_LOCAL_MONTH_LONG = (
    "(?P<mon>"
    + "|".join(sorted((n for n in _LOCAL_MONTHS if len(n) >= 4), key=lambda n: (-len(n), n)))
    + r")(?![^\W\d_])\.?"
)
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_TIME = r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?"
_ZONE = (
    r"(?P<tz>(?:utc|gmt)\s*(?P<sign>[+-−])\s*(?P<tzh>\d{1,2})(?::?(?P<tzm>\d{2}))?"
    r"|[+-]\d{2}:?\d{2}|z\b|utc\b|gmt\b|msk|est|edt|cst|cdt|mst|mdt|pst|pdt|bst|cet|cest|jst|kst"
    r"|(?:et|ct|mt|pt)\b)"
)
# A numeric date: 11/13/19, 20/11/2019, 11.14.2019, 05.10.18 (order resolved in _numeric_date).
_NUMERIC = (
    r"(?<![\d/.])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d/]|\.\d)"
)
_DATE_PATTERNS = (
    # 2018-05-21T09:56:00+03:00, 2018-05-21 09:56, 2018/05/21
    re.compile(
        rf"(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?:[t\s]+{_TIME})?\s*(?:{_ZONE})?"
    ),
    # May 21, 2018, 9:56 UTC+3 / Nov 19, 2019, 10:31 pm CST
    re.compile(
        rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
        rf"(?:(?:,|\s+at|\s*[-–|])?\s+{_TIME})?\s*(?:{_ZONE})?"
    ),
    # 21 May 2018, 09:56 GMT
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+{_MONTH},?\s+(?P<y>\d{{4}})"
        rf"(?:(?:,|\s+at|\s*[-–|])?\s+{_TIME})?\s*(?:{_ZONE})?"
    ),
    # 2:16 AM EST Nov 20, 2019
    re.compile(
        rf"{_TIME}\s*(?:{_ZONE})?\s+{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
    ),
    # 14:53 GMT +3 20 November 2019
    re.compile(
        rf"{_TIME}\s*(?:{_ZONE})?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+{_MONTH},?\s+(?P<y>\d{{4}})"
    ),
    # 11/13/19 at 4:00 PM EST, 20/11/2019 / 11:54 am, 11.14.2019 09:00 AM
    re.compile(rf"{_NUMERIC}(?:(?:,|\s+at|\s*[-–|/])?\s+{_TIME})?\s*(?:{_ZONE})?"),
    # 5:45 AM PST 11/19/2019, 11:15 05.10.18
    re.compile(rf"{_TIME}\s*(?:{_ZONE})?\s+{_NUMERIC}"),
    # 2018年5月21日 09:56, 2018年5月21日（月）午後3時30分, 2018年5月21日09:56（北京时间）,
    # 2018년 5월 21일 오후 3:56, 2018. 5. 21. 오전 9:56
    re.compile(
        r"(?P<y>\d{4})(?:\s*[年년]\s*|\.\s+)(?P<m>\d{1,2})(?:\s*[月월]\s*|\.\s+)(?P<d>\d{1,2})"
        r"(?:\s*(?:日|일|号|\.))?(?:\s*[（(][^）)\d]{1,3}[）)])?"
        r"(?:\s*(?P<ampm>午前|午後|上午|下午|오전|오후)?\s*(?P<h>\d{1,2})\s*(?:[:：]|時|时|点|點|시)"
        r"\s*(?:(?P<mi>\d{1,2})\s*(?:分|분)?(?:[:：](?P<s>\d{2}))?)?)?"
        rf"\s*(?:[（(]?(?P<cjkzone>北京时间|北京時間|日本时间|日本時間|한국\s?시간)[）)]?|{_ZONE})?"
    ),
    # Local month names (a pattern of its own: no English abbreviation among them):
    # 22 de outubro de 2010 às 20:13, 24 сентября 2018 г., 21. Mai 2018 um 09:56 Uhr,
    # 21 mai 2018 à 09h56, 1º de março de 2018, 22 Kasım 2019 14:30
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:\.|º|°)?\s+(?:de\s+)?{_LOCAL_MONTH}(?:\s+de)?,?\s+"
        r"(?P<y>\d{4})(?!\d)(?:\s*г\.?)?"
        r"(?:(?:,|\s+(?:à|às|a\s+las|a\s+la|alle|ore|um|в|om|kl\.?)|\s*[-–|])?\s+"
        r"(?P<h>\d{1,2})(?:[:.]|h)(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?P<ampm>)\s*(?:uhr)?)?"
        rf"\s*(?:{_ZONE})?"
    ),
    # Maret 30, 2015 (WordPress's "F j, Y" with the month named in the site's
    # language: Indonesian, Malay, Dutch, German, ...), the comma required
    re.compile(
        rf"\b{_LOCAL_MONTH_LONG}\s+(?P<d>\d{{1,2}}),\s+(?P<y>\d{{4}})(?!\d)"
        rf"(?:(?:,|\s+at|\s*[-–|])?\s+{_TIME})?\s*(?:{_ZONE})?"
    ),
)
# The zones CJK pages name in words.
_CJK_ZONES = {
    "北京时间": "+08:00",
    "北京時間": "+08:00",
    "日本时间": "+09:00",
    "日本時間": "+09:00",
}
_CJK_PM = frozenset(["午後", "下午", "오후"])
_CJK_AM = frozenset(["午前", "上午", "오전"])
# What each date pattern's match holds (searched first: most lines with a digit
# hold no date, and the patterns cost ~20 us a line): a four-digit year (the
# first five, and the local month names' two), after it a separator and a
# digit (the first), a month's first three letters (the second to fifth), a
# digit, "/" or "." and a digit (_NUMERIC's two).
_YEAR_HINT_RE = re.compile(r"\d{4}")
_ISO_HINT_RE = re.compile(r"\d{4}[-/.]\d")
_MONTH_HINT_RE = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")
_NUMERIC_HINT_RE = re.compile(r"\d[/.]\d")
_CJK_HINT_RE = re.compile(r"\d\s*[年년]|\d{4}\.\s+\d{1,2}\.\s+\d")  # (the CJK pattern's)
_DAY_COMMA_YEAR_HINT_RE = re.compile(r"\d,\s+\d{4}")  # (the last pattern's)
# US zones without a season: their offset depends on the date.
_ZONE_NAMES = {
    "et": "America/New_York",
    "ct": "America/Chicago",
    "mt": "America/Denver",
    "pt": "America/Los_Angeles",
}
_ZONE_HOURS = {
    "z": 0.0,
    "utc": 0.0,
    "gmt": 0.0,
    "msk": 3.0,
    "est": -5.0,
    "edt": -4.0,
    "cst": -6.0,
    "cdt": -5.0,
    "mst": -7.0,
    "mdt": -6.0,
    "pst": -8.0,
    "pdt": -7.0,
    "bst": 1.0,
    "cet": 1.0,
    "cest": 2.0,
    "jst": 9.0,
    "kst": 9.0,
}


def _offset(m: re.Match[str]) -> str | None:
    tz = m.group("tz")
    if not tz:
        return None
    tz = tz.casefold()
    if m.group("sign"):
        minutes = int(m.group("tzh")) * 60 + int(m.group("tzm") or 0)
        sign = "-" if m.group("sign") in "-−" else "+"
    elif tz[0] in "+-":
        digits = tz[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        sign = tz[0]
    elif tz in _ZONE_NAMES:
        return None  # resolved with the date (see _zone_offset)
    else:
        hours = _ZONE_HOURS[tz]
        minutes = int(abs(hours) * 60)
        sign = "-" if hours < 0 else "+"
    if minutes > 14 * 60:
        return None
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_published(line: str, day_first: bool = False) -> str | None:
    """The first date (and time, and zone) in ``line`` as ISO 8601, or None.

    With a time and a zone the result carries the UTC offset; with a date only it
    is ``YYYY-MM-DD``. A numeric date with slashes whose parts could each be the
    month reads month first (US: 05/10/2018 is May 10), or ``day_first`` (as
    most languages but English write it: 5 October).

    Example:
        >>> parse_published("May 21, 2018, 9:56 UTC+3 TOKYO")
        '2018-05-21T09:56:00+03:00'
        >>> parse_published("Published 2:16 AM EST Nov 20, 2019")
        '2019-11-20T02:16:00-05:00'
        >>> parse_published("21 May 2018"), parse_published("no date here")
        ('2018-05-21', None)
        >>> parse_published("11/13/19 at 4:00 PM EST"), parse_published("20/11/2019")
        ('2019-11-13T16:00:00-05:00', '2019-11-20')
        >>> parse_published("November 19, 2019 12:04AM ET")
        '2019-11-19T00:04:00-05:00'
        >>> parse_published("05/10/2018"), parse_published("05/10/2018", day_first=True)
        ('2018-05-10', '2018-10-05')
    """
    return _parse_published(line, day_first)


# Stamp lookups revisit the same lines (hard rules, the stamp and its neighbours).
@functools.lru_cache(maxsize=4096)
def _parse_published(line: str, day_first: bool = False) -> str | None:
    low = line.casefold()
    has_year = _YEAR_HINT_RE.search(low) is not None
    numeric = _NUMERIC_HINT_RE.search(low) is not None
    if not (has_year or numeric):
        return None
    named = has_year and _MONTH_HINT_RE.search(low) is not None
    iso = has_year and _ISO_HINT_RE.search(low) is not None
    month_first = _DATE_PATTERNS[_MONTH_FIRST].search(low) if named else None
    # (every other pattern's match opens with a digit, or with a local month name
    # followed by digits: a month-first match before the line's first digit is the
    # first of all; valid, it is the date, and the other patterns are not searched
    # (most stamps read "Oct. 9, 2026 7:59 AM"))
    if month_first and _DIGIT_RE.search(low, 0, month_first.start()) is None:
        stamp = _stamp(month_first, day_first)
        if stamp is not None:
            return stamp
    found: list[tuple[int, re.Match[str]]] = []
    cjk = has_year and _CJK_HINT_RE.search(low) is not None
    local_first = has_year and _DAY_COMMA_YEAR_HINT_RE.search(low) is not None
    hints = (iso, named, named, named, named, numeric, numeric, cjk, has_year, local_first)
    for k, (pattern, hinted) in enumerate(zip(_DATE_PATTERNS, hints, strict=True)):
        m = (month_first if k == _MONTH_FIRST else pattern.search(low)) if hinted else None
        if m:
            found.append((m.start(), m))
    for _, m in sorted(found, key=lambda sm: sm[0]):
        stamp = _stamp(m, day_first)
        if stamp is not None:
            return stamp
    return None


# The date pattern whose match opens with a month's name (the others' with a digit).
_MONTH_FIRST = 1
_DIGIT_RE = re.compile(r"\d")


def _stamp(m: re.Match[str], day_first: bool = False) -> str | None:
    """The ISO 8601 stamp of a date pattern's match; None when no such date is."""
    groups = m.groupdict()
    year = int(m.group("y"))
    if groups.get("a"):
        sep = "." if day_first else m.group("sep")  # (dots read day first)
        month, day = _numeric_date(int(m.group("a")), int(m.group("b")), sep)
        year += 2000 if year < 100 else 0
    else:
        name = groups.get("mon")
        month = int(m.group("m")) if not name else _MONTHS.get(name) or _LOCAL_MONTHS[name]
        day = int(m.group("d"))
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100):
        return None
    date = f"{year:04d}-{month:02d}-{day:02d}"
    if not m.group("h"):
        return date
    hour, minute = int(m.group("h")), int(m.group("mi") or 0)
    ampm = (m.group("ampm") or "").replace(".", "")
    ampm = "pm" if ampm in _CJK_PM else "am" if ampm in _CJK_AM else ampm
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return date
    second = int(m.group("s") or 0)
    stamp = f"{date}T{hour:02d}:{minute:02d}:{second:02d}"
    return stamp + (_offset(m) or _zone_offset(m, stamp) or _cjk_offset(m) or "")


def _cjk_offset(m: re.Match[str]) -> str | None:
    zone = m.groupdict().get("cjkzone")
    if not zone:
        return None
    return _CJK_ZONES.get(zone, "+09:00")  # (한국 시간: Korea, UTC+9)


def _numeric_date(a: int, b: int, sep: str) -> tuple[int, int]:
    """(month, day) of a numeric date: a part over 12 is the day; otherwise slashes
    read month first (US: 11/05/19), dots day first (Europe: 05.11.19)."""
    if a > 12 >= b:
        return b, a
    if b > 12 >= a:
        return a, b
    return (a, b) if sep == "/" else (b, a)


def _zone_offset(m: re.Match[str], stamp: str) -> str | None:
    """UTC offset of a US zone named without its season ("ET") at ``stamp``."""
    tz = (m.group("tz") or "").casefold()
    if tz not in _ZONE_NAMES:
        return None
    try:
        from datetime import datetime
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        local = datetime.fromisoformat(stamp).replace(tzinfo=ZoneInfo(_ZONE_NAMES[tz]))
    except (ImportError, ValueError, ZoneInfoNotFoundError):  # no time zone database
        return None
    return local.isoformat()[19:] or None


_AGENCIES = (
    r"TASS|Reuters|AP|AFP|Xinhua|Kyodo|Yonhap|Bloomberg|UPI|dpa|ANSA|EFE|Interfax|RIA Novosti"
    r"|ITAR-TASS|Sputnik|PTI|IANS|CNA|Bernama|Antara|Anadolu|Jiji"
)
_MONTH_WORD = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# "TOKYO, May 21. /TASS/." / "WASHINGTON (Reuters) -" / "TOKYO --" / "Paris, May 3 (AFP) -"
_DATELINE_RE = re.compile(
    rf"^\s*(?P<place>[A-Z][A-Z.'’-]*(?:[ -][A-Z][A-Z.'’-]*){{0,3}}"
    rf"|[A-Z][a-z]+(?:[ -][A-Z][a-z]+){{0,2}}(?=,\s*{_MONTH_WORD}\s+\d|\s*\())"
    rf"(?:\s*,\s*(?P<date>{_MONTH_WORD}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH_WORD}))?"
    rf"(?:\s*[.,]?\s*/(?P<agency1>[A-Z][\w-]*(?: [A-Z][\w-]*)?)/\.?"
    rf"|\s*\((?P<agency2>{_AGENCIES}|[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)?)\))?"
    rf"\s*(?P<sep>--|—|–|-|:|\.)?\s+(?=[A-Z\"“‘'])"
)
_COPYRIGHT_RE = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*|copyright\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?,?\s*)?"
    # (the name's words capitalised, whatever the case of "copyright")
    r"(?:by\s+)?(?P<name>(?-i:[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3}))",
    re.IGNORECASE,
)
# ... or before it, when nothing after it names one: "The Pinehaven Beacon · All
# content © 2026", "BBC © 2019".
_COPYRIGHT_BEFORE_RE = re.compile(
    r"^(?P<name>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3})\s*(?:[·|•,–—-]\s*)?"
    r"(?:All (?:content|rights reserved)\.?\s*)?(?:©|\(c\)|Copyright\b)"
)
# (words a credit opens with: "Photo © 2019 ..." names no owner before the ©)
_CREDITS = frozenset(
    ["photo", "photos", "image", "images", "picture", "pictures", "video", "credit", "credits"]
)
_SUBSCRIPTION_RE = re.compile(
    r"\baccess to (?:the )?(?P<name>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3}) has expired"
    r"|\bsubscribe to (?:the )?(?P<name2>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3})"
)


def find_dateline(line: str) -> tuple[str | None, str | None]:
    """``(dateline, agency)`` opening a body paragraph, each None when absent.

    Example:
        >>> find_dateline("TOKYO, May 21. /TASS/. The foreign and defense ministers met.")
        ('TOKYO, May 21', 'TASS')
        >>> find_dateline("TOKYO -- Japan and Russia intend to meet.")
        ('TOKYO', None)
        >>> find_dateline("WASHINGTON (Reuters) - The U.S. said on Monday.")
        ('WASHINGTON', 'Reuters')
        >>> find_dateline("The ministers met in Tokyo.")
        (None, None)
    """
    m = _DATELINE_RE.match(line)
    if not m:
        return None, None
    place, date = m.group("place"), m.group("date")
    agency = m.group("agency1") or m.group("agency2")
    # An upper-case word and a plain period is a sentence ("NATO. The ..."), and a
    # place needs three letters.
    if not (date or agency or m.group("sep") not in {None, "."}) or len(place) < 3:
        return None, None
    if date:
        date = date.rstrip(".")
    return (f"{place}, {date}" if date else place), agency


def _copyright_name(line: str) -> str | None:
    low = line.casefold()
    if "©" in line or "copyright" in low or "rights reserved" in low:
        m = _COPYRIGHT_RE.search(line)
        year = re.search(r"\b(?:19|20)\d{2}\b", line)
        if m and (year or "copyright" in low or "rights reserved" in low):
            name = _name_words(m.group("name")).strip(" .,")
            if name and name.casefold() not in {"copyright", "all", "the"}:
                return name
        before = _COPYRIGHT_BEFORE_RE.match(line.strip())
        if before and (year or "copyright" in low or "rights reserved" in low):
            name = before.group("name").strip(" .,")
            first = name.split()[0].casefold()
            if name.casefold() not in {"copyright", "all", "the"} and first not in _CREDITS:
                return name
    return None


def _name_words(name: str) -> str:
    """A copyright name's words up to the end of its sentence: "The Ashport Mercury"
    of "The Ashport Mercury. All rights", "Nikkei Inc" and "U.S. News" kept whole
    (a word of 3 letters or fewer, or with a dot inside, is an abbreviation)."""
    out: list[str] = []
    for word in name.split():
        if word == "All":
            break
        out.append(word)
        bare = word.rstrip(".")
        if word.endswith(".") and len(bare) > 3 and "." not in bare:
            break
    return " ".join(out)


# A group's site names itself: "The Stoneside Enterprise is part of the Meridian Media
# Group." (its copyright line names the group).
_MEMBER_RE = re.compile(
    r"^(?P<name>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,4}),? is (?:a )?part of (?:the )?[A-Z]"
)


def _member_name(line: str) -> str | None:
    if " part of " not in line:
        return None
    m = _MEMBER_RE.match(line.strip())
    return m.group("name") if m else None


def publisher_of(lines: Sequence[str]) -> str | None:
    """The outlet a page's lines name (as ``clean`` reads a page's ``source``): the
    first "X is part of Y" line's X, else the last copyright line's owner, else the
    first subscription line's outlet.

    Example:
        >>> publisher_of(["Menu", "© 2026 The Ashport Mercury. All rights reserved."])
        'The Ashport Mercury'
        >>> publisher_of(["The Stoneside Enterprise is part of the Meridian Media Group.",
        ...               "© Meridian Media Group 2026"])
        'The Stoneside Enterprise'
    """
    return outlet_of([line_names(line) for line in lines])


LineNames = tuple[str | None, str | None, str | None]


def line_names(line: str) -> LineNames:
    """(owner of a copyright line, outlet of a subscription line, outlet a "... is
    part of ..." line names)."""
    return _copyright_name(line), _subscription_name(line), _member_name(line)


def outlet_of(names: Sequence[LineNames]) -> str | None:
    """:func:`publisher_of` given each line's :func:`line_names` (the cleaner keeps
    them per line)."""
    for _, _, member in names:
        if member is not None:
            return member
    for owner, _, _ in reversed(names):
        if owner is not None:
            return owner
    for _, outlet, _ in names:
        if outlet is not None:
            return outlet
    return None


def _subscription_name(line: str) -> str | None:
    m = _SUBSCRIPTION_RE.search(line)
    return (m.group("name") or m.group("name2")).strip(" .,") if m else None
