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

-- Summed in exact decimals, so that the fractions add up to the same last digit on every machine.
pivoted as (
    select
        region_code,
        year,
        age_group_code,
        age_group_order,
        cast(coalesce(sum(cast(arrivals * group_share as decimal(38, 10))) filter (where sex_code = 'M'), 0) as double)
            as arrivals_male,
        cast(coalesce(sum(cast(arrivals * group_share as decimal(38, 10))) filter (where sex_code = 'F'), 0) as double)
            as arrivals_female,
        cast(
            coalesce(sum(cast(departures * group_share as decimal(38, 10))) filter (where sex_code = 'M'), 0)
            as double
        ) as departures_male,
        cast(
            coalesce(sum(cast(departures * group_share as decimal(38, 10))) filter (where sex_code = 'F'), 0)
            as double
        ) as departures_female
    from split
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
