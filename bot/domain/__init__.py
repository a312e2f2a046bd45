"""Pure rules: no I/O, no clock, no translation. Each module cites the seed article it applies."""
