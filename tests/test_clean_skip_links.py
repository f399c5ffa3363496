"""Skip links are chrome in the languages we read, and never a page's title."""

from __future__ import annotations

from copytrace import clean as cl
from copytrace.model import Article

SKIP_LINKS = [
    "Skip to main content",
    "* Skip to main Navigation",
    "Skip to the content",
    "Skip to Article",
    "Skip to contentSkip to site index",
    "Pular para o conteúdo",
    "Saltar al contenido",
    "Zum Inhalt springen",
    "Aller au contenu",
    "Перейти к контенту",
    "본문 바로가기",
    "跳至内容",
    "本文へスキップ",
]


def test_skip_links_are_hard_chrome() -> None:
    assert cl.hard_chrome_lines(SKIP_LINKS) == [True] * len(SKIP_LINKS)
    assert cl.hard_chrome_lines(["Skip to main content of the debate, the minister said."]) == [
        False
    ]


def test_a_skip_link_is_not_taken_for_the_title() -> None:
    body = [
        "Nunca ouviu as brincadeiras musicais do grupo Serelepe, de Belo Horizonte? "
        "Assista a uma palinha do conteúdo que o grupo preparou para as crianças.",
        "O grupo mostra como a música ajuda as crianças a aprender palavras novas, "
        "e o conteúdo das canções vem das brincadeiras de roda.",
    ]
    text = "\n".join(["Pular para o conteúdo", "* Home", "* Contato", *body])
    assert cl.clean_text(Article(id="p", text=text)).title is None
