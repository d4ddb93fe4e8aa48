"""The key scheme follows from the catalogue: change what is counted and the figures live
under another pointer, so the worker finds none and rebuilds by itself."""

import dataclasses

from services.stats import catalogue, rollup


def test_a_changed_catalogue_is_another_scheme(monkeypatch):
    assert catalogue._scheme() == catalogue.SCHEME and rollup.CURRENT.endswith(catalogue.SCHEME)
    venue = catalogue.Breakdown("venue", "venue", "地点")
    wider = dataclasses.replace(
        catalogue.ACTIVITIES, breakdowns=(*catalogue.ACTIVITIES.breakdowns, venue)
    )
    monkeypatch.setattr(catalogue, "SOURCES", (wider, catalogue.CONSULTATIONS))
    assert catalogue._scheme() != catalogue.SCHEME
    fewer_days = dataclasses.replace(catalogue.VILLAGE, periods=("year",))
    monkeypatch.setattr(catalogue, "SOURCES", (catalogue.ACTIVITIES, catalogue.CONSULTATIONS))
    monkeypatch.setattr(catalogue, "LEVELS", (catalogue.TOWNSHIP, fewer_days))
    assert catalogue._scheme() != catalogue.SCHEME


def test_labels_and_names_change_no_scheme(monkeypatch):
    relabelled = dataclasses.replace(
        catalogue.CONSULTATIONS,
        breakdowns=tuple(
            dataclasses.replace(b, label=b.label + "!", names=())
            for b in catalogue.CONSULTATIONS.breakdowns
        ),
    )
    monkeypatch.setattr(catalogue, "SOURCES", (catalogue.ACTIVITIES, relabelled))
    assert catalogue._scheme() == catalogue.SCHEME


def test_every_counted_source_is_a_recording_component_the_worker_follows():
    assert {source.name for source in catalogue.SOURCES} < set(catalogue.FEEDS)
    assert catalogue.FEEDS[0] == "registry"  # its names and coverage are asked, not counted
