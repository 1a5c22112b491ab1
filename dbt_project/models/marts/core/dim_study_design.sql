-- The study's design as the warehouse was built with it (dbt vars of dbt_project.yml, the seed analysis_periods),
-- so that a report, a dashboard or python/analysis/design.py reads the design instead of restating it.
with design as (
    select * from {{ ref('int_study_design') }}
),

final as (
    select
        treated_region_code,
        -- Text, not lists: BI clients (SQLAlchemy, ODBC) cannot reflect a list column.
        array_to_string(control_region_codes, ';') as control_region_codes,
        array_to_string(bordering_russia_region_codes, ';') as bordering_russia_region_codes,
        crisis_start_year,
        reference_year,
        working_age_rule_set_code,
        study_first_year,
        study_last_year
    from design
)

select * from final
