"""Help lists every command the asker may run, each with its words in the asker's language and,
where it takes arguments, an example (issue 14); nothing the asker may not run."""

from __future__ import annotations

from bot.deps import Deps
from tests.handlers.helpers import ask

ANA = "ana.conceicao@example.org"  # a member of ALS-BR-01, not a representative; Portuguese
KEISHA = "keisha.brown@example.org"  # a representative of ALS-JM-01; English
SECRETARY = "secretary@example.org"  # the Secretariat


def commands_listed(text: str) -> list[str]:
    """The word after /lacralo on each line of the help."""
    return [line.split()[2] for line in text.splitlines() if line.startswith("• /lacralo ")]


async def test_a_member_is_shown_the_members_commands_only(deps: Deps) -> None:
    text = await ask(deps, ANA, "ajuda")
    listed = commands_listed(text)
    assert text.startswith("O que você pode pedir")
    assert {"situação", "reuniões", "indicar", "aceitar", "declarar", "recusar"} <= set(listed)
    assert {"desistir", "compartilhar", "língua", "ajuda"} <= set(listed)
    # Rule 1.1: the proxy is the representatives'; the rest the Secretariat's.
    assert not {"procuração", "revogar", "abertura", "encerrar", "vaga", "divulgar"} & set(listed)
    assert "indicações" not in listed
    assert "por exemplo: /lacralo indicar @maria delegado do nomcom" in text


async def test_a_representative_is_shown_the_proxy_under_its_rule(deps: Deps) -> None:
    text = await ask(deps, KEISHA, "help")
    assert "For the representatives of an ALS (Rules of Procedure, Rule 1.1):" in text
    assert {"proxy", "revoke", "status", "help"} <= set(commands_listed(text))
    assert "for example: /lacralo proxy ALS-BR-01" in text
    assert "open" not in commands_listed(text)


async def test_the_secretariat_is_shown_its_own_commands_in_its_language(deps: Deps) -> None:
    text = await ask(deps, SECRETARY, "ayuda")
    listed = commands_listed(text)
    assert "Para la Secretaría:" in text
    assert {"abrir", "cerrar", "vacante", "nominaciones", "anunciar"} <= set(listed)
    assert {"estado", "reuniones", "nominar", "declinar"} <= set(listed)
    assert "procuración" not in listed and "poder" not in listed  # not a representative
    assert "por ejemplo: /lacralo vacante vicesecretario 14" in text
    assert "(también: postular)" in text  # every word for the command, not only the first


async def test_every_line_with_arguments_has_an_example(deps: Deps) -> None:
    text = await ask(deps, SECRETARY, "help")
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("• /lacralo ") and line.split()[3] != "—":  # it takes arguments
            assert lines[i + 1].strip().startswith("for example: /lacralo"), line


async def test_a_stranger_is_shown_what_a_member_may_run(deps: Deps) -> None:
    text = await ask(deps, None, "aide")
    assert text.startswith("Ce que vous pouvez demander")
    assert "statut" in commands_listed(text) and "ouvrir" not in commands_listed(text)


async def test_a_stranger_is_told_how_to_get_in_the_roster(deps: Deps) -> None:
    text = await ask(deps, None, "aide")
    assert "demandez au Secrétariat" in text.splitlines()[-1]
    english = await ask(deps, None, "help")
    assert english.splitlines()[-1].startswith("These work once you are in the roster")


async def test_the_language_example_keeps_the_readers_language(deps: Deps) -> None:
    """Typing the example must not switch the member to another language."""
    assert "/lacralo langue fr" in await ask(deps, SECRETARY, "aide")
    assert "/lacralo língua pt" in await ask(deps, ANA, "ajuda")
