"""Ingest: build the database from the sources (`build`), refresh it from the publishers
(`update`), link records across lists (`link`) and record what changed (`history`)."""
