-- The study's design in one row: the dbt vars of dbt_project.yml (treated region, controls, crisis year,
-- working-age rule set, the territories bordering Russia) and the study's window from the seed analysis_periods
-- (the span of the paper's regimes). Everything else reads the design from here or from the vars themselves.
with periods as (
    select * from {{ ref('stg_reference__analysis_periods') }}
),

study_window as (
    select
        min(start_year) as study_first_year,
        max(end_year) as study_last_year
    from periods
    where period_set_code = 'paper_regimes'
),

final as (
    select
        '{{ var("treated_region_code") }}' as treated_region_code,
        cast({{ text_list(var("control_region_codes")) }} as varchar[]) as control_region_codes,
        cast({{ text_list(var("bordering_russia_region_codes")) }} as varchar[]) as bordering_russia_region_codes,
        cast({{ var("crisis_start_year") }} as integer) as crisis_start_year,
        cast({{ var("crisis_start_year") }} - 1 as integer) as reference_year,
        '{{ var("working_age_rule_set") }}' as working_age_rule_set_code,
        cast(study_window.study_first_year as integer) as study_first_year,
        cast(study_window.study_last_year as integer) as study_last_year
    from study_window
)

select * from final
