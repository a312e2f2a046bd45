"""Use cases: load from the store, apply the domain rules, save with an audit entry, report.

Services own the transactions (bot/store/transaction.py). They return plain results with Reasons;
the CLI, the pages and the handlers put those into words.
"""
