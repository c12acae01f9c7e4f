"""Whole-database exports in formats other tools read: FollowTheMoney JSON lines (`ftm`).

Exporters read through `sanctions.store` (the only schema code) and write text; they need no
third-party library at run time (the tests validate the output with `followthemoney`).
"""
