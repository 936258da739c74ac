"""The fixed palette covers every entity type of the annotation guide, each with its own colour."""

from __future__ import annotations

from kg.model import ENTITY_TYPES
from kg.viz.palette import TYPE_COLOURS, TYPE_NAMES_ZH, hex_to_rgb, type_colour


def test_every_entity_type_has_a_distinct_colour_and_a_chinese_name():
    assert set(TYPE_COLOURS) == set(TYPE_NAMES_ZH) == set(ENTITY_TYPES)
    assert len(set(TYPE_COLOURS.values())) == len(TYPE_COLOURS)


def test_hex_colours_split_into_channels():
    assert hex_to_rgb(type_colour("UNION")) == (0xD5, 0x5E, 0x00)
    assert type_colour("NOT_A_TYPE") == "#000000"
