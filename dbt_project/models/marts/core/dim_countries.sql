with countries as (
    select * from {{ ref('stg_reference__countries') }}
),

memberships as (
    select * from {{ ref('stg_reference__country_group_memberships') }}
),

groups as (
    select * from {{ ref('stg_reference__country_groups') }}
),

-- The group a country belongs to in the most recent year; group history stays in the membership seed.
current_groups as (
    select
        memberships.country_code,
        max(case when groups.is_top_level then memberships.group_code end) as top_level_group_code,
        bool_or(memberships.group_code = 'BALTIC') as is_baltic
    from memberships
    inner join groups on memberships.group_code = groups.group_code
    where
        memberships.valid_to_year = (
            select max(latest.valid_to_year) from memberships as latest
            where latest.country_code = memberships.country_code
        )
    group by memberships.country_code
),

final as (
    select
        countries.country_code,
        countries.country_name_en,
        countries.country_name_ru,
        countries.country_name_kk,
        countries.is_aggregate,
        countries.display_order,
        current_groups.top_level_group_code as group_code,
        coalesce(current_groups.top_level_group_code = 'CIS', false) as is_cis,
        coalesce(current_groups.is_baltic, false) as is_baltic
    from countries
    left join current_groups on countries.country_code = current_groups.country_code
)

select * from final
