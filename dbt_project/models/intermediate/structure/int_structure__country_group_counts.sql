-- External arrivals and departures of all ages by country group (every group of the seed, top-level and
-- sub-group), one row per region × year × direction × group; groups without migrants show 0.
with country_counts as (
    select * from {{ ref('int_structure__country_counts') }}
),

memberships as (
    select * from {{ ref('stg_reference__country_group_memberships') }}
),

groups as (
    select * from {{ ref('stg_reference__country_groups') }}
),

countries as (
    select * from country_counts
    where country_code <> '_T'
),

region_years as (
    select
        region_code,
        region_name_en,
        year,
        direction_code,
        bool_and(is_published) as is_published
    from countries
    group by all
),

member_counts as (
    select
        countries.region_code,
        countries.year,
        countries.direction_code,
        memberships.group_code,
        sum(countries.persons) as persons
    from countries
    inner join memberships
        on countries.country_code = memberships.country_code
        and countries.year between memberships.valid_from_year and memberships.valid_to_year
    group by all
),

spine as (
    select
        region_years.region_code,
        region_years.region_name_en,
        region_years.year,
        region_years.direction_code,
        groups.group_code,
        groups.group_name_en,
        groups.parent_group_code,
        groups.is_top_level,
        groups.group_order,
        region_years.is_published
    from region_years
    cross join groups
),

final as (
    select
        spine.region_code,
        spine.region_name_en,
        spine.year,
        spine.direction_code,
        spine.group_code,
        spine.group_name_en,
        spine.parent_group_code,
        spine.is_top_level,
        spine.group_order,
        cast(coalesce(member_counts.persons, 0) as bigint) as persons,
        spine.is_published
    from spine
    left join member_counts
        on spine.region_code = member_counts.region_code
        and spine.year = member_counts.year
        and spine.direction_code = member_counts.direction_code
        and spine.group_code = member_counts.group_code
)

select * from final
