-- External arrivals and departures of all ages by country (table by_country), one row per region × year ×
-- direction × country including the `_T` total, with the country's groups in that year.
with counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

countries as (
    select * from {{ ref('stg_reference__countries') }}
),

memberships as (
    select * from {{ ref('stg_reference__country_group_memberships') }}
),

groups as (
    select * from {{ ref('stg_reference__country_groups') }}
),

country_rows as (
    {{ structure_count_rows('counts', 'by_country', 'country_code') }}
),

-- One top-level group per country and year (CIS, OTHER, NOT_STATED); a second one would duplicate the row
-- and fail the key test below.
top_level_memberships as (
    select
        memberships.country_code,
        memberships.group_code,
        memberships.valid_from_year,
        memberships.valid_to_year
    from memberships
    inner join groups on memberships.group_code = groups.group_code
    where groups.is_top_level
),

baltic_memberships as (
    select
        country_code,
        valid_from_year,
        valid_to_year
    from memberships
    where group_code = 'BALTIC'
),

with_groups as (
    select
        country_rows.region_code,
        regions.region_name_en,
        country_rows.year,
        country_rows.direction_code,
        country_rows.country_code,
        countries.country_name_en,
        countries.is_aggregate,
        countries.display_order,
        top_level_memberships.group_code,
        baltic_memberships.country_code is not null as is_baltic,
        country_rows.persons,
        country_rows.is_published
    from country_rows
    inner join regions on country_rows.region_code = regions.region_code
    inner join countries on country_rows.country_code = countries.country_code
    left join top_level_memberships
        on country_rows.country_code = top_level_memberships.country_code
        and country_rows.year between top_level_memberships.valid_from_year and top_level_memberships.valid_to_year
    left join baltic_memberships
        on country_rows.country_code = baltic_memberships.country_code
        and country_rows.year between baltic_memberships.valid_from_year and baltic_memberships.valid_to_year
),

final as (
    select * from with_groups
)

select * from final
