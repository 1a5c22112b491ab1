-- The paper's difference-in-differences design (C64): the treated region (Almaty city) against the paper's
-- controls (Zhambyl, West Kazakhstan), net working-age migration over the study's window; the design is
-- int_study_design's (dbt vars of dbt_project.yml).
with panel as (
    select * from {{ ref('fct_region_year_panel') }}
),

design as (
    select * from {{ ref('int_study_design') }}
),

final as (
    select
        panel.region_code,
        panel.year,
        panel.is_treated,
        panel.is_post,
        panel.net_migration_working_age
    from panel
    cross join design
    where
        (
            panel.region_code = design.treated_region_code
            or list_contains(design.control_region_codes, panel.region_code)
        )
        and panel.year between design.study_first_year and design.study_last_year
)

select * from final
