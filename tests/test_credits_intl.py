"""Credits in German, French, Spanish, Italian, Portuguese and Russian reprints.

Per language a wire story and a reprint that copies three of its sentences after
an intro: crediting the wire by name, crediting a third party, and pointing to
an unnamed source. Attribution must credit the wire only in the first case and
read the unnamed source as generic.
"""

from __future__ import annotations

import pytest

from copytrace.compare import compare
from copytrace.credits_intl import find_credits, languages
from copytrace.model import Article

# language: (wire's source, story sentences, intro, named credit, third-party credit,
# generic credit); each credit is put between the intro and the copied sentences.
CASES = {
    "de": (
        "dpa",
        [
            "Die japanische Regierung will noch in diesem Herbst Sicherheitsgespräche mit "
            "Russland in Tokio führen.",
            "Die Außen- und Verteidigungsminister beider Länder sollen sich erstmals seit "
            "vier Jahren treffen.",
            "Tokio hofft, durch engere Zusammenarbeit im Sicherheitsbereich Fortschritte im "
            "Streit um die Kurilen zu erzielen.",
            "Ein Regierungssprecher wollte sich zunächst nicht dazu äußern.",
        ],
        "Moskau reagiert zurückhaltend auf die Pläne.",
        "Wie die Deutsche Presse-Agentur dpa berichtete,",
        "Wie die Polizei mitteilte,",
        "Wie die Zeitung berichtete,",
    ),
    "fr": (
        "AFP",
        [
            "Le gouvernement japonais veut organiser cet automne à Tokyo des discussions sur "
            "la sécurité avec la Russie.",
            "Les ministres des Affaires étrangères et de la Défense des deux pays doivent se "
            "retrouver pour la première fois depuis quatre ans.",
            "Tokyo espère qu'une coopération plus étroite en matière de sécurité fera avancer "
            "le différend sur les îles Kouriles.",
            "Un porte-parole du gouvernement n'a pas souhaité commenter.",
        ],
        "Moscou reste prudent face à ces projets.",
        "Selon l'AFP,",
        "Selon la police,",
        "Selon le quotidien,",
    ),
    "es": (
        "EFE",
        [
            "El Gobierno japonés quiere celebrar este otoño en Tokio conversaciones de "
            "seguridad con Rusia.",
            "Los ministros de Exteriores y de Defensa de ambos países se reunirán por primera "
            "vez en cuatro años.",
            "Tokio espera que una cooperación más estrecha en seguridad permita avanzar en la "
            "disputa por las islas Kuriles.",
            "Un portavoz del Gobierno declinó hacer comentarios.",
        ],
        "Moscú se muestra prudente ante estos planes.",
        "Según informó la agencia EFE,",
        "Según la policía,",
        "Según el diario,",
    ),
    "it": (
        "ANSA",
        [
            "Il governo giapponese vuole tenere quest'autunno a Tokyo colloqui sulla "
            "sicurezza con la Russia.",
            "I ministri degli Esteri e della Difesa dei due Paesi si incontreranno per la "
            "prima volta in quattro anni.",
            "Tokyo spera che una cooperazione più stretta sulla sicurezza faccia progressi "
            "nella disputa sulle isole Curili.",
            "Un portavoce del governo non ha voluto commentare.",
        ],
        "Mosca resta cauta su questi piani.",
        "Secondo l'agenzia ANSA,",
        "Secondo la polizia,",
        "Secondo il quotidiano,",
    ),
    "pt": (
        "Lusa",
        [
            "O governo japonês quer realizar neste outono em Tóquio conversações de segurança "
            "com a Rússia.",
            "Os ministros dos Negócios Estrangeiros e da Defesa dos dois países vão reunir-se "
            "pela primeira vez em quatro anos.",
            "Tóquio espera que uma cooperação mais estreita em segurança faça avançar a "
            "disputa sobre as ilhas Curilas.",
            "Um porta-voz do governo recusou comentar.",
        ],
        "Moscovo mantém-se cautelosa perante estes planos.",
        "Segundo a agência Lusa,",
        "Segundo a polícia,",
        "Segundo o jornal,",
    ),
    "ru": (
        "ТАСС",
        [
            "Правительство Японии намерено этой осенью провести в Токио консультации по "
            "безопасности с Россией.",
            "Министры иностранных дел и обороны двух стран встретятся впервые за четыре года.",
            "Токио надеется, что более тесное сотрудничество в сфере безопасности поможет "
            "продвинуться в споре о Курилах.",
            "Представитель правительства от комментариев отказался.",
        ],
        "Москва сдержанно отнеслась к этим планам.",
        "Как сообщает агентство ТАСС,",
        "Как сообщает полиция,",
        "Как сообщает издание,",
    ),
}


def _article(article_id: str, text: str, source: str) -> Article:
    return Article(article_id, text, content=((0, len(text)),), source=source)


def _pair(lang: str, credit: str) -> tuple[Article, Article]:
    source, story, intro, *_ = CASES[lang]
    wire = _article("wire", " ".join(story), source)
    copied = " ".join(story[:3])
    reprint = f"{intro} {credit} {copied[0].lower()}{copied[1:]}"
    return wire, _article("reprint", reprint, "Morning Post")


def test_every_language_has_a_case() -> None:
    from test_credits_cjk import CASES as CJK_CASES

    cjk = {lang.partition("-")[0] for lang in CJK_CASES}
    assert sorted(languages()) == sorted([*CASES, *cjk])


def assert_credited_by_name(wire: Article, reprint: Article) -> None:
    result = compare(wire, reprint)
    assert result.passages
    assert all(p.attributed for p in result.passages)
    assert result.direction.source == "a"
    assert "credits a" in result.direction.evidence[0], result.direction.evidence


def assert_no_credit(wire: Article, reprint: Article) -> None:
    result = compare(wire, reprint)
    assert result.passages and not any(p.attributed for p in result.passages)
    assert result.direction.source is None


def assert_generic_credit(wire: Article, reprint: Article) -> None:
    result = compare(wire, reprint)
    assert all(p.attributed for p in result.passages)
    assert result.direction.source == "a"
    assert "does not name" in result.direction.evidence[0], result.direction.evidence


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
        ("Dem Bericht der Zeitung Handelsblatt zufolge will Tokio reden.", ["Handelsblatt"], []),
        ("Tokio will reden, berichtete die Zeitung.", [], ["berichtete die Zeitung"]),
        ("Das sagte ein Sprecher laut Polizei.", ["Polizei"], []),
        ("Tokyo veut parler, Le Monde rapporte.", ["Le Monde"], []),
        ("Tokio quiere hablar, según el diario japonés Nikkei.", ["Nikkei"], []),
        ("Il Corriere della Sera scrive che Tokyo vuole parlare.", ["Corriere della Sera"], []),
        ("Об этом пишет «Коммерсантъ».", ["Коммерсантъ"], []),
        ("Об этом сообщает издание.", [], ["сообщает издание"]),
        # English is left to copytrace.attribute
        ("It was so, The Guardian said, according to Reuters.", [], []),
    ],
)
def test_phrases_and_their_offsets(text: str, named: list[str], generic: list[str]) -> None:
    found = find_credits("Intro. " + text, [(7, 7 + len(text))])
    assert [n[3] for n in found.named] == named
    assert [g[2] for g in found.generic] == generic
    for start, end, phrase, *_ in (*found.named, *found.generic):
        assert ("Intro. " + text)[start:end] == phrase


def test_only_content_spans_are_read() -> None:
    text = "Menü: laut dpa | Startseite\nTokio will reden, berichtete die Zeitung Handelsblatt."
    body = text.index("Tokio")
    found = find_credits(text, [(body, len(text))])
    assert [n[3] for n in found.named] == ["Handelsblatt"]


def test_the_cheap_gates_let_every_language_through() -> None:
    """A page in each language passes page_languages (its patterns then run); every
    non-Cyrillic stem holds a letter of the gate, which English pages mostly lack."""
    from copytrace.credits_intl import _STEM_FORMS, _STEM_LETTERS, page_languages

    for lang in CASES:
        for credit in (CASES[lang][3], CASES[lang][5]):
            _, reprint = _pair(lang, credit)
            assert lang in page_languages(reprint.text), (lang, credit)
    for form in _STEM_FORMS:
        assert any("\u0400" <= c <= "\u04ff" for c in form) or set(form) & set(_STEM_LETTERS)
    assert page_languages("Curly “quotes” and a café, he said — so it goes.") == frozenset()
