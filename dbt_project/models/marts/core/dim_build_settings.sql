-- The settings the warehouse was built with, so that a report or a dashboard can say which definition of
-- working age and which crisis year its figures rest on.
with design as (
    select * from {{ ref('int_study_design') }}
),

settings as (
    select
        design.working_age_rule_set_code,
        design.crisis_start_year,
        design.treated_region_code,
        '{{ env_var("KZ_COUNTS_DIR", "data/reference/tables") }}' as counts_directory,
        cast('{{ run_started_at.isoformat() }}' as timestamp) as built_at,
        -- pyproject.toml's version, passed in by the publisher and the Makefile.
        '{{ env_var("KZ_PROJECT_VERSION", "unknown") }}' as project_version
    from design
),

-- The data's as-of date: the flows run to the end of their last calendar year.
coverage as (
    select max(year) as data_last_year
    from {{ ref('int_flows_by_region_year_scope') }}
),

final as (
    select
        settings.*,
        cast(coverage.data_last_year as integer) as data_last_year,
        make_date(coverage.data_last_year, 12, 31) as data_as_of_date,
        exists(
            select 1 from {{ ref('int_migration_counts_unioned') }} as counts
            where counts.provenance = 'modeled'
        ) as has_modeled_figures
    from settings
    cross join coverage
)

select * from final
