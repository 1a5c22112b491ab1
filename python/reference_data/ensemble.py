"""The ensemble of reconstructions: N alternative tables, each equal to every published figure.

Only the tables are drawn here; the runner beside it, :mod:`reference_data.run_ensemble`
(``python -m reference_data.run_ensemble``, ``make ensemble``), builds each member's warehouse and reads its
claims and causal estimates, so the generator of the reconstruction never imports the analysis.

Member 0 is the bundled reconstruction (``data/reference/tables``, regenerated and compared byte for
byte); member k >= 1 draws every modeled assumption from ``priors/ensemble_ranges.csv`` with the
recorded seed ``BASE_SEED + k`` (:mod:`reference_data.draws`). A draw the published figures reject
(the generator's checks fail) is drawn again from the same random stream; ``members.csv`` says how many
draws it took. Each member's tables are built into a warehouse of its own with
:func:`warehouse.publish.build_and_publish` (dbt with its tests: the hard constraints are tested on every
member), and the claims (the mart ``fct_claim_replication``) and the causal estimates are read from it.

Written (columns: ``MEMBER_COLUMNS``, ``ESTIMATE_COLUMNS``, ``CLAIM_COLUMNS`` below; data/reference/README.md):
``data/reference/ensemble/{members,estimates,claims}.csv``, and
``member_tables_sha256.csv`` (the hash of every member's tables, for the determinism test).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from reference_data.draws import draw, load_ranges
from reference_data.generate import build, load_priors
from reference_data.inputs import InputError, load_constraints, load_seeds
from reference_data.paths import Paths

BASE_SEED = 20_250_900
MAX_DRAWS = 20
OUTCOME_CODES = {
    "net_migration_working_age": "net_working_age",
    "net_migration_working_age_per_1000_residents": "net_working_age_per_1000",
}
# The design each member's warehouse was built with (its dim_study_design), so that a warehouse built with
# another design knows the ensemble's estimates are not of its own design.
DESIGN_COLUMNS = ["treated_region_code", "control_region_codes", "bordering_russia_region_codes", "crisis_start_year",
                  "working_age_rule_set_code"]
MEMBER_COLUMNS = ["member_id", "seed", "note", *DESIGN_COLUMNS]
ESTIMATE_COLUMNS = ["member_id", "design_code", "outcome_code", "estimator_code", "estimate", "p_value"]
CLAIM_COLUMNS = ["member_id", "claim_id", "computed_value", "status"]
# The marts the claims and the causal analysis read: a member's warehouse builds only these (and their
# parents, with their tests).
MEMBER_MARTS = ("dim_regions", "dim_countries", "dim_data_sources", "dim_build_settings", "dim_study_design",
                "fct_yearly_flows",
                "fct_period_flows", "fct_net_migration_regimes", "fct_region_year_panel", "fct_territory_year_panel",
                "fct_country_flows", "fct_country_group_flows", "fct_country_period_flows", "fct_education_flows",
                "fct_education_structure", "fct_specialty_flows")


def ensemble_dir(paths: Paths) -> Path:
    return paths.reference_dir / "ensemble"


def member_tables(paths: Paths, member_id: int, seed: int) -> tuple[dict[str, pd.DataFrame], int]:
    """The four tables of one member and the number of draws it took."""
    if member_id == 0:
        frames, _ = build(paths)
        return frames, 1
    seeds = load_seeds(paths)
    base_priors, base_constraints = load_priors(paths), load_constraints(paths, seeds)
    ranges = load_ranges(paths)
    rng = np.random.default_rng(seed)
    problems = []
    for attempt in range(1, MAX_DRAWS + 1):
        member = draw(base_priors, base_constraints, ranges, rng)
        try:
            frames, _ = build(paths, member.priors, member.constraints, member.part_year_scale)
            return frames, attempt
        except InputError as error:
            problems.append(str(error).splitlines()[0])
    raise InputError(f"member {member_id} (seed {seed}): no draw of {MAX_DRAWS} met the published figures; "
                     f"last: {problems[-1]}")
