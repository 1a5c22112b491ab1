-- The paper's claims on Almaty's working-age balance (C01-C13): one CTE per claim.
-- Almaty is the design's treated region and the years and periods the seed's (int_study_design, analysis_periods).
-- Each claim yields one row per reported element (element_number), shaped for int_claim_checks.
with yearly_flows as (
    select * from {{ ref('fct_yearly_flows') }}
),

design as (
    select * from {{ ref('int_study_design') }}
),

-- The claims' periods are read from the seed analysis_periods, year by year.
period_years as (
    select * from {{ ref('int_analysis_period_years') }}
),

p2003_2013_years as (
    select period_years.year
    from period_years
    where period_years.period_code = 'P2003_2013'
),

p2014_2021_years as (
    select period_years.year
    from period_years
    where period_years.period_code = 'P2014_2021'
),

almaty as (
    select
        year,
        cast(arrivals as double) as arrivals,
        cast(departures as double) as departures,
        cast(net_migration as double) as net_migration
    from yearly_flows
    where
        region_code = (select design.treated_region_code from design)
        and age_scope_code = 'working_age'
        and year between (select design.study_first_year from design) and (select design.study_last_year from design)
),

republic as (
    select
        year,
        cast(arrivals as double) as arrivals
    from yearly_flows
    where region_code = '00' and age_scope_code = 'working_age'
),

-- C01: arrivals per departure in 2023.
c01 as (
    select
        'C01' as claim_id,
        1 as element_number,
        max(arrivals) filter (where year = 2023) / nullif(max(departures) filter (where year = 2023), 0)
            as value_number
    from almaty
),

-- C02: growth of arrivals in 2023 over 2022, percent.
c02 as (
    select
        'C02' as claim_id,
        1 as element_number,
        100.0 * (max(arrivals) filter (where year = 2023) / nullif(max(arrivals) filter (where year = 2022), 0) - 1.0)
            as value_number
    from almaty
),

-- C03: departures in 2023.
c03 as (
    select
        'C03' as claim_id,
        1 as element_number,
        max(departures) filter (where year = 2023) as value_number
    from almaty
),

-- C04: 2000 and 2001 departures each over 2023 departures; "more than 8 times" holds for the smaller ratio.
c04 as (
    select
        'C04' as claim_id,
        1 as element_number,
        least(
            max(departures) filter (where year = 2000) / nullif(max(departures) filter (where year = 2023), 0),
            max(departures) filter (where year = 2001) / nullif(max(departures) filter (where year = 2023), 0)
        ) as value_number
    from almaty
),

-- C05: arrivals in 2023.
c05 as (
    select
        'C05' as claim_id,
        1 as element_number,
        max(arrivals) filter (where year = 2023) as value_number
    from almaty
),

-- C06: Almaty's share of the Republic's working-age arrivals in 2023, percent.
c06 as (
    select
        'C06' as claim_id,
        1 as element_number,
        100.0 * almaty.arrivals / nullif(republic.arrivals, 0) as value_number
    from almaty
    inner join republic on almaty.year = republic.year
    where almaty.year = 2023
),

-- C07: the years of net outflow (a set of years: every year flagged true).
c07 as (
    select
        'C07' as claim_id,
        1 as element_number,
        year as entry_year,
        net_migration < 0 as value_flag
    from almaty
),

-- C08: the years of net inflow.
c08 as (
    select
        'C08' as claim_id,
        1 as element_number,
        year as entry_year,
        net_migration > 0 as value_flag
    from almaty
),

-- C09: departures per arrival in 2000.
c09 as (
    select
        'C09' as claim_id,
        1 as element_number,
        max(departures) filter (where year = 2000) / nullif(max(arrivals) filter (where year = 2000), 0)
            as value_number
    from almaty
),

-- C10: 2023 is the only year with the most arrivals and the only year with the fewest departures.
extremes as (
    select
        max(arrivals) as most_arrivals,
        min(departures) as fewest_departures
    from almaty
),

c10 as (
    select
        'C10' as claim_id,
        1 as element_number,
        count(*) filter (where almaty.arrivals = extremes.most_arrivals) = 1
        and max(almaty.arrivals) filter (where almaty.year = 2023) = any_value(extremes.most_arrivals)
        and count(*) filter (where almaty.departures = extremes.fewest_departures) = 1
        and max(almaty.departures) filter (where almaty.year = 2023) = any_value(extremes.fewest_departures)
            as value_flag
    from almaty
    cross join extremes
),

-- C12: arrivals per departure over 2003-2013, ratio of the period sums.
c12 as (
    select
        'C12' as claim_id,
        1 as element_number,
        sum(arrivals) / nullif(sum(departures), 0) as value_number
    from almaty
    where year in (select p2003_2013_years.year from p2003_2013_years)
),

-- C13: average of the yearly departures-per-arrival ratios, 2014-2021.
c13 as (
    select
        'C13' as claim_id,
        1 as element_number,
        avg(departures / nullif(arrivals, 0)) as value_number
    from almaty
    where year in (select p2014_2021_years.year from p2014_2021_years)
),

final as (
    select * from c01
    union all by name
    select * from c02
    union all by name
    select * from c03
    union all by name
    select * from c04
    union all by name
    select * from c05
    union all by name
    select * from c06
    union all by name
    select * from c07
    union all by name
    select * from c08
    union all by name
    select * from c09
    union all by name
    select * from c10
    union all by name
    select * from c12
    union all by name
    select * from c13
)

select * from final
