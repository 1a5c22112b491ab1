"""T1: migrants by country of origin (arrivals) or destination (departures), all ages.

Almaty's row follows its prior (key countries given explicitly, the remainder of each group
spread by national weights). The other regions are an IPF fit of region totals against the
national country totals less Almaty, seeded by national weights times regional affinities,
then rounded with both margins kept. National country figures that were published are pinned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reference_data import memory
from reference_data.education import split_rest
from reference_data.floors import at
from reference_data.frames import each_group, each_row
from reference_data.inputs import ALMATY, InputError, interpolate
from reference_data.integerise import controlled_round, ipf
from reference_data.regional_totals import YEARS

REST_OF_GROUP = {"_REST_CIS": "CIS", "_REST_OTHER": "OTHER"}


def national_weights(prior: pd.DataFrame, countries: list[str]) -> dict[tuple[str, str], pd.Series]:
    weights = {}
    for (direction, country), group in each_group(prior, ["direction_code", "country_code"]):
        weights[(direction, country)] = interpolate(group.set_index("year").weight, YEARS)
    for direction in ("arrival", "departure"):
        missing = [c for c in countries if (direction, c) not in weights]
        if missing:
            raise InputError(f"priors/country_weights.csv: no {direction} weights for {missing}")
    return weights


def almaty_row(total: int, prior: pd.DataFrame, pins: dict[str, int], countries: list[str],
               groups: dict[str, str], weights: dict[str, float]) -> np.ndarray:
    """Almaty's counts for ``countries`` in one year and direction."""
    labels = prior.country_code.tolist()
    fixed = {labels.index(c): v for c, v in pins.items() if c in labels}
    unplaced = set(pins) - set(labels)
    if unplaced:
        raise InputError(f"priors/almaty_countries.csv lacks a row for pinned countries {sorted(unplaced)}")
    split = split_rest(total, prior.persons.astype(float).tolist(), fixed)
    row = np.zeros(len(countries), dtype=np.int64)
    for label, value in zip(labels, split.tolist(), strict=True):
        if label in REST_OF_GROUP:
            members = [i for i, c in enumerate(countries)
                       if groups.get(c) == REST_OF_GROUP[label] and c not in labels]
            row[members] += split_rest(value, [weights[countries[i]] for i in members], {})
        else:
            row[countries.index(label)] += value
    return row


def rest_column_targets(rest_total: int, almaty: np.ndarray, countries: list[str], groups: dict[str, str],
                        weights: list[float], pins: dict[str, int],
                        floors: dict[str, tuple[int, int]] | None = None) -> np.ndarray:
    """National column totals less Almaty for the other regions, honouring pinned countries and groups.

    A country whose national value falls below its floor (``floors.part_year_floors``) is pinned at the
    floor and the rest shared again, until none is short. When the scaled-up floors together leave too
    little for the other countries, they are taken only half as far from the part-year figures (then a
    quarter, ..., then the figures themselves, which always fit).
    """
    if not floors:
        return _column_targets(rest_total, almaty, countries, groups, weights, pins)
    for fraction in (1.0, 0.5, 0.25, 0.125, 0.0):
        pinned = dict(pins)
        try:
            for _ in range(len(countries) + 1):
                targets = _column_targets(rest_total, almaty, countries, groups, weights, pinned)
                short = {c: at(f, fraction) for c, f in floors.items() if c not in pinned
                         and targets[countries.index(c)] + int(almaty[countries.index(c)]) < at(f, fraction)}
                if not short:
                    return targets
                pinned.update(short)
        except InputError:
            continue
    raise InputError(f"published part-year country figures {floors} cannot all be met")


def _column_targets(rest_total: int, almaty: np.ndarray, countries: list[str], groups: dict[str, str],
                    weights: list[float], pins: dict[str, int]) -> np.ndarray:
    targets = np.zeros(len(countries), dtype=np.int64)
    pinned = {}
    for code, value in pins.items():
        if code.startswith("group:"):
            continue
        index = countries.index(code)
        pinned[index] = value - int(almaty[index])
    buckets: list[tuple[list[int], int]] = []
    grouped: set[int] = set()
    for code, value in pins.items():
        if not code.startswith("group:"):
            continue
        group = code.split(":", 1)[1]
        members = [i for i, c in enumerate(countries) if (groups.get(c) == "CIS") == (group == "CIS")]
        free = [i for i in members if i not in pinned]
        bucket_total = value - int(almaty[members].sum()) - sum(pinned[i] for i in members if i in pinned)
        buckets.append((free, bucket_total))
        grouped |= set(members)
    free_rest = [i for i in range(len(countries)) if i not in pinned and i not in grouped]
    spent = sum(pinned.values()) + sum(total for _, total in buckets)
    buckets.append((free_rest, rest_total - spent))
    for index, value in pinned.items():
        targets[index] = value
    for members, total in buckets:
        if total < 0:
            raise InputError(f"published country figures {pins} leave a negative remainder")
        targets[members] = split_rest(total, [weights[i] for i in members], {})
    if (targets < 0).any():
        bad = [countries[i] for i in np.flatnonzero(targets < 0)]
        raise InputError(f"Almaty's prior exceeds the national figure for {bad}")
    return targets


def real_country_levels(pins: dict, floors: dict) -> dict[tuple[int, str, str], memory.Level]:
    """(year, direction, country) -> a real national level: a published annual figure, else a part-year
    figure scaled to a year (marked as a floor)."""
    levels = {(int(year), direction, country): (int(value), False) for (year, direction), members in pins.items()
              for country, value in members.items() if not country.startswith("group:")}
    for (year, direction), members in floors.items():
        for country, (_, scaled) in members.items():
            levels.setdefault((int(year), direction, country), (int(scaled), True))
    return levels


def affinity_matrix(regions: list[str], direction: str, countries: list[str], groups: dict[str, str],
                    affinity: pd.DataFrame) -> np.ndarray:
    rows = affinity[affinity.direction_code == direction]
    factors = {(r.region_code, r.key): float(r.factor) for r in each_row(rows)}
    return np.array([[factors.get((region, country), factors.get((region, groups.get(country, "")), 1.0))
                      for country in countries] for region in regions])


def build_countries(frame: pd.DataFrame, countries: list[str], groups: dict[str, str], weight_prior: pd.DataFrame,
                    affinity: pd.DataFrame, almaty_prior: pd.DataFrame, national_pins: dict,
                    almaty_pins: dict, national_floors: dict | None = None, memory_decay: float = 0.0) -> dict:
    """(year, direction, region) -> counts for ``countries`` (the order of the seed, totals excluded).

    With ``memory_decay`` > 0 a country's national weight remembers how far its published national figures
    (annual, or part-year scaled to a year) put it from the prior (``reference_data.memory``)."""
    weights = national_weights(weight_prior, countries)
    if memory_decay > 0:
        national = frame.groupby(["year", "direction_code"]).persons.sum()
        weights = memory.country_memory(
            weights, lambda year, direction: int(national.loc[(year, direction)]),
            real_country_levels(national_pins, national_floors or {}), memory_decay)
    result = {}
    for (year, direction), group in each_group(frame, ["year", "direction_code"]):
        year_weights = {c: float(weights[(direction, c)].loc[year]) for c in countries}
        almaty_total = int(group[group.region_code == ALMATY].persons.iloc[0])
        prior = almaty_prior[(almaty_prior.year == year) & (almaty_prior.direction_code == direction)]
        if prior.empty:
            raise InputError(f"priors/almaty_countries.csv: no rows for {year} {direction}")
        almaty = almaty_row(almaty_total, prior, almaty_pins.get((year, direction), {}), countries, groups,
                            year_weights)
        rest = group[group.region_code != ALMATY]
        column_weights = [year_weights[c] for c in countries]
        targets = rest_column_targets(int(rest.persons.sum()), almaty, countries, groups, column_weights,
                                      national_pins.get((year, direction), {}),
                                      (national_floors or {}).get((year, direction)))
        seed = np.outer(rest.persons.to_numpy(dtype=float), column_weights)
        seed *= affinity_matrix(rest.region_code.tolist(), direction, countries, groups, affinity)
        fitted = ipf(seed, rest.persons.to_numpy(dtype=float), targets.astype(float))
        matrix = controlled_round(fitted, rest.persons.to_numpy(dtype=np.int64), targets)
        for region, cells in zip(rest.region_code, matrix, strict=True):
            result[(year, direction, region)] = cells
        result[(year, direction, ALMATY)] = almaty
    return result
