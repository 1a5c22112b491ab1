-- The paper's difference-in-differences design (C64): Almaty city (treated) against Zhambyl (Taraz) and
-- West Kazakhstan (Oral), net working-age migration, 2000-2023.
with panel as (
    select * from {{ ref('fct_region_year_panel') }}
),

final as (
    select
        region_code,
        year,
        is_treated,
        is_post,
        net_migration_working_age
    from panel
    where region_code in ('75', '31', '27') and year between 2000 and 2023
)

select * from final
