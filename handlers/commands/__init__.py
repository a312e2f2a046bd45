"""The commands members type on Slack or by e-mail: one module per command, each declaring one
`SPEC` (spec.py) with its verb, the locale keys of its words, help line and example, who may run
it, whether it changes anything, and its handler. registry.py finds them; dispatch.py checks the
role and routes; help.py lists what the asker may run. A new command is a new module here, its
words and help in locales/commands.*.yml.
"""

from handlers.commands.dispatch import answer, handle
from handlers.commands.registry import grammar, parse, spec_for, specs

__all__ = ["answer", "grammar", "handle", "parse", "spec_for", "specs"]
