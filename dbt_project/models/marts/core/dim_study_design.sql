-- The study's design as the warehouse was built with it (dbt vars of dbt_project.yml, the seed analysis_periods),
-- so that a report, a dashboard or python/analysis/design.py reads the design instead of restating it.
with design as (
    select * from {{ ref('int_study_design') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

-- The controls' names in the order the var lists their codes, so that codes and names line up.
control_names as (
    select
        string_agg(
            regions.region_short_name_en, ';'
            order by list_position(design.control_region_codes, regions.region_code)
        ) as control_region_short_names_en
    from design
    inner join regions on list_contains(design.control_region_codes, regions.region_code)
),

final as (
    select
        design.treated_region_code,
        treated.region_short_name_en as treated_region_short_name_en,
        -- Text, not lists: BI clients (SQLAlchemy, ODBC) cannot reflect a list column.
        array_to_string(design.control_region_codes, ';') as control_region_codes,
        control_names.control_region_short_names_en,
        array_to_string(design.bordering_russia_region_codes, ';') as bordering_russia_region_codes,
        design.crisis_start_year,
        design.reference_year,
        design.working_age_rule_set_code,
        design.study_first_year,
        design.study_last_year
    from design
    inner join regions as treated on design.treated_region_code = treated.region_code
    cross join control_names
)

select * from final
