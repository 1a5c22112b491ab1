with ages as (
    select * from {{ ref('int_single_year_age_flows') }}
),

rules as (
    select * from {{ ref('stg_reference__working_age_rules') }}
    where rule_set_code = '{{ var("working_age_rule_set") }}'
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

age_groups as (
    select
        listed.age_group_code,
        listed.age_group_order
    from (
        values ('below_working_age', 1), ('working_age', 2), ('above_working_age', 3)
    ) as listed (age_group_code, age_group_order)
),

-- Each single year of age goes to the group(s) it lies in; a year straddling a fractional bound (60.5)
-- is split in proportion (as for the working-age flows of fct_yearly_flows).
split as (
    select
        ages.region_code,
        ages.year,
        ages.sex_code,
        age_groups.age_group_code,
        age_groups.age_group_order,
        case age_groups.age_group_code
            when 'below_working_age'
                then {{ working_age_share('ages.age_from', 'ages.age_to', '0', 'rules.lower_age') }}
            when 'working_age'
                then {{ working_age_share('ages.age_from', 'ages.age_to', 'rules.lower_age', 'rules.upper_age') }}
            else {{ working_age_share('ages.age_from', 'ages.age_to', 'rules.upper_age', '1000') }}
        end as group_share,
        ages.arrivals,
        ages.departures
    from ages
    inner join rules
        on ages.year = rules.year
        and ages.sex_code = rules.sex_code
    cross join age_groups
),

-- Persons of each sex and group, in exact decimals (so the fractions add up to the same last digit on every
-- machine), one row per direction.
exact as (
    select
        split.region_code,
        split.year,
        split.sex_code,
        split.age_group_code,
        split.age_group_order,
        directions.direction_code,
        coalesce(sum(cast(
            case directions.direction_code when 'arrival' then split.arrivals else split.departures end
            * split.group_share as decimal(38, 10)
        )), 0) as persons
    from split
    cross join (values ('arrival'), ('departure')) as directions (direction_code)
    group by all
),

-- Whole persons by controlled rounding: a year of age split by a fractional bound (60.5) leaves fractions in
-- two groups of one sex that add up to whole persons. Each sex keeps its exact total (so the groups add up
-- to the five-year bands), and the working-age group of both sexes keeps the total fct_yearly_flows rounds
-- to (its fractions summed, then rounded once, halves away from zero): the sexes with the largest working-age
-- fractions take the working-age units, every other unit a sex is owed goes to its other groups, largest
-- fraction first.
floored as (
    select
        *,
        age_group_code = 'working_age' as is_working_age,
        persons > floor(persons) as is_fractional,
        floor(persons) as whole,
        persons - floor(persons) as fraction,
        round(sum(persons) over by_sex) - sum(floor(persons)) over by_sex as owed_by_sex,
        round(sum(persons) filter (where age_group_code = 'working_age') over by_flow)
        - sum(floor(persons)) filter (where age_group_code = 'working_age') over by_flow as owed_to_working_age
    from exact
    window
        by_sex as (partition by region_code, year, direction_code, sex_code),
        by_flow as (partition by region_code, year, direction_code)
),

ranked as (
    select
        *,
        row_number() over (
            partition by region_code, year, direction_code, age_group_code, is_fractional
            order by fraction desc, sex_code asc
        ) as rank_among_sexes,
        row_number() over (
            partition by region_code, year, direction_code, sex_code, is_working_age, is_fractional
            order by fraction desc, age_group_order asc
        ) as rank_among_groups
    from floored
),

working_age_units as (
    select
        *,
        case
            when is_working_age and is_fractional and rank_among_sexes <= owed_to_working_age then 1 else 0
        end as working_age_unit
    from ranked
),

other_units as (
    select
        *,
        owed_by_sex - sum(working_age_unit) over (
            partition by region_code, year, direction_code, sex_code
        ) as owed_elsewhere
    from working_age_units
),

rounded as (
    select
        region_code,
        year,
        sex_code,
        age_group_code,
        age_group_order,
        direction_code,
        cast(
            whole + working_age_unit
            + case when not is_working_age and is_fractional and rank_among_groups <= owed_elsewhere then 1 else 0 end
            as bigint
        ) as persons
    from other_units
),

pivoted as (
    select
        region_code,
        year,
        age_group_code,
        age_group_order,
        cast(coalesce(sum(persons) filter (where sex_code = 'M' and direction_code = 'arrival'), 0) as bigint)
            as arrivals_male,
        cast(coalesce(sum(persons) filter (where sex_code = 'F' and direction_code = 'arrival'), 0) as bigint)
            as arrivals_female,
        cast(coalesce(sum(persons) filter (where sex_code = 'M' and direction_code = 'departure'), 0) as bigint)
            as departures_male,
        cast(coalesce(sum(persons) filter (where sex_code = 'F' and direction_code = 'departure'), 0) as bigint)
            as departures_female
    from rounded
    group by region_code, year, age_group_code, age_group_order
),

final as (
    select
        pivoted.region_code,
        regions.region_name_en,
        pivoted.year,
        pivoted.age_group_code,
        cast(pivoted.age_group_order as integer) as age_group_order,
        '{{ var("working_age_rule_set") }}' as working_age_rule_set_code,
        {{ sex_flow_measures('pivoted') }}
    from pivoted
    inner join regions on pivoted.region_code = regions.region_code
)

select * from final
