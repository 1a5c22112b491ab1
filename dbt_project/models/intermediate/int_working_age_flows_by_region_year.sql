-- External arrivals and departures of working age per region and year, derived from the tables by sex
-- and age under the rule set chosen with the var working_age_rule_set. A bound inside an age band (60.5)
-- takes a share of the band's persons; the shares are added up in exact decimal arithmetic (so the order in
-- which DuckDB's threads add them cannot change the last digit), and each region-year's total is rounded to
-- whole persons once, at the end (halves away from zero): counts of persons are integers.
with ages as (
    select * from {{ ref('int_single_year_age_flows') }}
),

rules as (
    select * from {{ ref('stg_reference__working_age_rules') }}
    where rule_set_code = '{{ var("working_age_rule_set") }}'
),

weighted as (
    select
        ages.region_code,
        ages.year,
        ages.arrivals * cast({{ working_age_share(
            'ages.age_from', 'ages.age_to', 'rules.lower_age', 'rules.upper_age') }} as decimal(18, 9))
            as working_age_arrivals,
        ages.departures * cast({{ working_age_share(
            'ages.age_from', 'ages.age_to', 'rules.lower_age', 'rules.upper_age') }} as decimal(18, 9))
            as working_age_departures
    from ages
    inner join rules
        on ages.year = rules.year
        and ages.sex_code = rules.sex_code
),

final as (
    select
        region_code,
        year,
        cast(round(sum(working_age_arrivals)) as bigint) as arrivals,
        cast(round(sum(working_age_departures)) as bigint) as departures
    from weighted
    group by region_code, year
)

select * from final
