-- The paper's claims on the education of working-age migrants (C11, C14-C16, C46-C55, C62): one CTE per claim.
with education_flows as (
    select * from {{ ref('fct_education_flows') }}
),

design as (
    select * from {{ ref('int_study_design') }}
),

-- The claims' periods are read from the seed analysis_periods, year by year.
period_years as (
    select * from {{ ref('int_analysis_period_years') }}
),

pre_crisis_years as (
    select period_years.year
    from period_years
    where period_years.period_code = 'PRE_CRISIS'
),

crisis_years as (
    select period_years.year
    from period_years
    where period_years.period_code = 'CRISIS'
),

-- One row per region and year: the working-age flows with higher and with secondary vocational education.
by_year as (
    select
        region_code,
        year,
        cast(max(working_age_persons) filter (where direction_code = 'arrival') as double) as working_age_arrivals,
        cast(max(working_age_persons) filter (where direction_code = 'departure') as double) as working_age_departures,
        cast(sum(persons) filter (
            where direction_code = 'arrival' and education_code = 'higher'
        ) as double) as higher_arrivals,
        cast(sum(persons) filter (
            where direction_code = 'departure' and education_code = 'higher'
        ) as double) as higher_departures,
        cast(sum(persons) filter (
            where direction_code = 'arrival' and education_code = 'secondary_vocational'
        ) as double) as vocational_arrivals,
        cast(sum(persons) filter (
            where direction_code = 'departure' and education_code = 'secondary_vocational'
        ) as double) as vocational_departures
    from education_flows
    where year between (select design.study_first_year from design) and (select design.study_last_year from design)
    group by region_code, year
),

almaty as (
    select
        *,
        higher_departures - higher_arrivals as higher_gap,
        vocational_departures - vocational_arrivals as vocational_gap,
        100.0 * vocational_arrivals / nullif(working_age_arrivals, 0) as vocational_share_of_arrivals_pct
    from by_year
    where region_code = (select design.treated_region_code from design)
),

-- Share of higher education among departures over its share among arrivals, of the period sums.
higher_share_ratios as (
    select
        period_years.period_code,
        (100.0 * sum(almaty.higher_departures) / nullif(sum(almaty.working_age_departures), 0))
        / nullif(100.0 * sum(almaty.higher_arrivals) / nullif(sum(almaty.working_age_arrivals), 0), 0)
            as share_ratio
    from almaty
    inner join period_years
        on almaty.year = period_years.year
    where period_years.period_code in ('P2022_2023', 'P2003_2013', 'P2014_2021')
    group by period_years.period_code
),

-- C11: higher-education share ratio (departures over arrivals), 2022-2023.
c11 as (
    select
        'C11' as claim_id,
        1 as element_number,
        share_ratio as value_number
    from higher_share_ratios
    where period_code = 'P2022_2023'
),

-- C14: the same ratio, 2003-2013.
c14 as (
    select
        'C14' as claim_id,
        1 as element_number,
        share_ratio as value_number
    from higher_share_ratios
    where period_code = 'P2003_2013'
),

-- C15: the same ratio, 2014-2021.
c15 as (
    select
        'C15' as claim_id,
        1 as element_number,
        share_ratio as value_number
    from higher_share_ratios
    where period_code = 'P2014_2021'
),

-- C16: in every year 2000-2023 the higher-education share is larger among departures than among arrivals.
c16 as (
    select
        'C16' as claim_id,
        1 as element_number,
        bool_and(
            (100.0 * higher_departures / nullif(working_age_departures, 0))
            / nullif(100.0 * higher_arrivals / nullif(working_age_arrivals, 0), 0) > 1.0
        ) as value_flag
    from almaty
),

-- C46: higher-education arrivals per departure, 2023.
c46 as (
    select
        'C46' as claim_id,
        1 as element_number,
        higher_arrivals / nullif(higher_departures, 0) as value_number
    from almaty
    where year = 2023
),

-- C47: net outflow of the higher-educated every year 2000-2021; the year of the smallest gap; the 2006 gap.
c47_gaps as (
    select * from almaty
    where year in (select pre_crisis_years.year from pre_crisis_years)
),

c47 as (
    select
        'C47' as claim_id,
        1 as element_number,
        bool_and(higher_gap > 0) as value_flag
    from c47_gaps
    union all by name
    select
        'C47' as claim_id,
        2 as element_number,
        cast(first(year order by higher_gap, year) as double) as value_number
    from c47_gaps
    union all by name
    select
        'C47' as claim_id,
        3 as element_number,
        max(higher_gap) filter (where year = 2006) as value_number
    from c47_gaps
),

-- C48: higher-education departures of 2021 over those of 2022.
c48 as (
    select
        'C48' as claim_id,
        1 as element_number,
        max(higher_departures) filter (where year = 2021)
        / nullif(max(higher_departures) filter (where year = 2022), 0) as value_number
    from almaty
),

-- C49: higher-education departures in 2021, then in 2023.
c49 as (
    select
        'C49' as claim_id,
        case year when 2021 then 1 else 2 end as element_number,
        higher_departures as value_number
    from almaty
    where year in (2021, 2023)
),

-- C50: higher-education arrivals in 2023.
c50 as (
    select
        'C50' as claim_id,
        1 as element_number,
        higher_arrivals as value_number
    from almaty
    where year = 2023
),

-- C51: Almaty's share of the Republic's higher-education arrivals in 2023, percent.
c51 as (
    select
        'C51' as claim_id,
        1 as element_number,
        100.0 * almaty.higher_arrivals / nullif(republic.higher_arrivals, 0) as value_number
    from almaty
    inner join by_year as republic on almaty.year = republic.year and republic.region_code = '00'
    where almaty.year = 2023
),

-- C52: 2000 is the only year with the largest secondary-vocational net outflow.
largest_vocational_gap as (
    select max(vocational_gap) as vocational_gap
    from almaty
),

c52 as (
    select
        'C52' as claim_id,
        1 as element_number,
        count(*) filter (where almaty.vocational_gap = largest.vocational_gap) = 1
        and max(almaty.vocational_gap) filter (where almaty.year = 2000) = any_value(largest.vocational_gap)
            as value_flag
    from almaty
    cross join largest_vocational_gap as largest
),

-- C53: secondary-vocational arrivals per departure, 2023.
c53 as (
    select
        'C53' as claim_id,
        1 as element_number,
        vocational_arrivals / nullif(vocational_departures, 0) as value_number
    from almaty
    where year = 2023
),

-- C54: secondary-vocational share of working-age arrivals in 2010; the year that share peaks (2000-2023).
c54 as (
    select
        'C54' as claim_id,
        1 as element_number,
        max(vocational_share_of_arrivals_pct) filter (where year = 2010) as value_number
    from almaty
    union all by name
    select
        'C54' as claim_id,
        2 as element_number,
        cast(first(year order by vocational_share_of_arrivals_pct desc, year asc) as double) as value_number
    from almaty
),

-- C55: secondary-vocational departures of 2023 over those of 2021.
c55 as (
    select
        'C55' as claim_id,
        1 as element_number,
        max(vocational_departures) filter (where year = 2023)
        / nullif(max(vocational_departures) filter (where year = 2021), 0) as value_number
    from almaty
),

-- C62: share of higher plus secondary-vocational education among working-age arrivals, 2022-2023, percent.
c62 as (
    select
        'C62' as claim_id,
        1 as element_number,
        100.0 * (sum(higher_arrivals) + sum(vocational_arrivals)) / nullif(sum(working_age_arrivals), 0)
            as value_number
    from almaty
    where year in (select crisis_years.year from crisis_years)
),

final as (
    select * from c11
    union all by name
    select * from c14
    union all by name
    select * from c15
    union all by name
    select * from c16
    union all by name
    select * from c46
    union all by name
    select * from c47
    union all by name
    select * from c48
    union all by name
    select * from c49
    union all by name
    select * from c50
    union all by name
    select * from c51
    union all by name
    select * from c52
    union all by name
    select * from c53
    union all by name
    select * from c54
    union all by name
    select * from c55
    union all by name
    select * from c62
)

select * from final
